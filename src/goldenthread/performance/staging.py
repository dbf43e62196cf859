"""Uploads held between their preview and their load.

The upload page checks a file and shows what it would load (a dry run) before anything is
written. The file is kept in the database (:class:`goldenthread.storage.models.HeldUpload`), with
the choices it was checked with, behind a random token bound to the person and the plan:
confirming loads exactly the bytes and choices that were previewed — nothing is posted again, and
nobody else's token works. Held in the database, not on a server's disk, so the preview and its
confirmation may reach different web servers behind a load balancer (issue 17). A confirmation
first *claims* the file (one ``UPDATE`` from held to claimed, atomic whichever server runs it), so
a second confirmation — a double click, a resent form, another tab — finds it claimed and loads
nothing. A loaded file is kept beside the record of its load (its batch); a file never confirmed
is removed after :data:`KEEP_HOURS`, and the token of a loaded one forgotten.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from goldenthread.storage.models import HeldUpload

#: how long a previewed file waits for its confirmation
KEEP_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
#: the state a file is read in, by the name the callers give it
_STATES = {"data": HeldUpload.HELD, "claimed": HeldUpload.CLAIMED, "loaded": HeldUpload.LOADED}


@dataclass
class Staged:
    """A previewed upload: who staged it, for which plan, the file and the choices it was checked with."""

    token: str
    user_id: int
    plan: str
    name: str
    sha256: str
    options: dict = field(default_factory=dict)
    loaded: str = ""  # what its load said, once confirmed

    def read(self, state: str = "data") -> bytes:
        """The held file's bytes, in ``state`` (``data``: waiting; ``claimed``: being loaded)."""
        content = (
            HeldUpload.objects.filter(token=self.token, state=_STATES[state]).values_list("content", flat=True).first()
        )
        if content is None:
            raise OSError("the held file is no longer held")
        data = bytes(content)
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise OSError("the held file has changed since it was checked")
        return data


def stage(data: bytes, *, name: str, user_id: int, plan: str, options: dict) -> Staged:
    """Hold ``data`` for its confirmation; the token to confirm it with is ``.token``."""
    sweep()
    staged = Staged(secrets.token_urlsafe(32), user_id, plan, name, hashlib.sha256(data).hexdigest(), options)
    HeldUpload.objects.create(
        token=staged.token, user_id=user_id, plan=plan, name=name, sha256=staged.sha256, options=options, content=data
    )
    return staged


def find(token: str, user_id: int) -> Staged | None:
    """The upload ``token`` names, when it is this person's; None otherwise (unknown, expired,
    malformed, or someone else's — told apart from nothing, so a token reveals nothing)."""
    if not _TOKEN.match(token or ""):
        return None
    fields = ("user_id", "plan", "name", "sha256", "options", "loaded")
    meta = HeldUpload.objects.filter(token=token).values(*fields).first()
    if meta is None or meta["user_id"] != user_id:
        return None
    return Staged(token, **meta)


def claim(staged: Staged) -> bool:
    """Take the file for loading; False when it was already taken (confirmed twice)."""
    return _move(staged, HeldUpload.HELD, HeldUpload.CLAIMED) == 1


def release(staged: Staged) -> None:
    """Give a claimed file back (its load did not happen), so it can be confirmed again."""
    _move(staged, HeldUpload.CLAIMED, HeldUpload.HELD)


def _move(staged: Staged, before: str, after: str) -> int:
    return HeldUpload.objects.filter(token=staged.token, state=before).update(state=after)


def done(staged: Staged, said: str, batch_id: int | None) -> None:
    """Record what the load said, and keep the file that was loaded beside its batch."""
    HeldUpload.objects.filter(token=staged.token, state=HeldUpload.CLAIMED).update(
        state=HeldUpload.LOADED, loaded=said, batch_id=batch_id
    )
    staged.loaded = said


def discard(staged: Staged) -> None:
    """Let a held file go unloaded (one being loaded, or loaded, stays)."""
    HeldUpload.objects.filter(token=staged.token, state=HeldUpload.HELD).delete()


def loaded_file(batch_id: int) -> tuple[str, bytes] | None:
    """The name and bytes of the file the load ``batch_id`` loaded from the upload page, if any."""
    row = HeldUpload.objects.filter(batch_id=batch_id, state=HeldUpload.LOADED).values_list("name", "content").first()
    return None if row is None else (row[0], bytes(row[1]))


def sweep(now: float | None = None) -> None:
    """Remove held files older than :data:`KEEP_HOURS` that were never loaded, and forget the
    tokens of loaded ones as old (their files stay, beside their loads)."""
    cutoff = (timezone.now() if now is None else datetime.fromtimestamp(now, tz=UTC)) - timedelta(hours=KEEP_HOURS)
    old = HeldUpload.objects.filter(held_at__lt=cutoff)
    old.exclude(state=HeldUpload.LOADED).delete()
    old.filter(state=HeldUpload.LOADED).exclude(token=None).update(token=None)
