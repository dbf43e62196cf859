"""Uploads held between their preview and their load.

The upload page checks a file and shows what it would load (a dry run) before anything is
written. The file is kept here, on the server, under ``GOLDENTHREAD_VAR/uploads/``, with the
choices it was checked with, behind a random token bound to the person and the plan: confirming
loads exactly the bytes and choices that were previewed — nothing is posted again, and nobody
else's token works. A confirmation first *claims* the file (an atomic rename), so a second
confirmation — a double click, a resent form, another tab — finds it claimed and loads nothing.
A loaded file is kept (``uploads/loaded/``) beside the record of its load; a file never
confirmed is removed after :data:`KEEP_HOURS`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

#: how long a previewed file waits for its confirmation
KEEP_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _folder(name: str) -> Path:
    folder = Path(settings.VAR_DIR) / "uploads" / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


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

    def data_path(self, state: str = "data") -> Path:
        return _folder("staged") / f"{self.token}.{state}"

    def read(self, state: str = "data") -> bytes:
        data = self.data_path(state).read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise OSError("the held file has changed since it was checked")
        return data


def _meta_path(token: str) -> Path:
    return _folder("staged") / f"{token}.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _save_meta(staged: Staged) -> None:
    meta = {k: getattr(staged, k) for k in ("user_id", "plan", "name", "sha256", "options", "loaded")}
    tmp = _meta_path(staged.token).with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    _write_private(tmp, json.dumps(meta).encode())
    tmp.replace(_meta_path(staged.token))


def stage(data: bytes, *, name: str, user_id: int, plan: str, options: dict) -> Staged:
    """Hold ``data`` for its confirmation; the token to confirm it with is ``.token``."""
    sweep()
    staged = Staged(secrets.token_urlsafe(32), user_id, plan, name, hashlib.sha256(data).hexdigest(), options)
    _write_private(staged.data_path(), data)
    _save_meta(staged)
    return staged


def find(token: str, user_id: int) -> Staged | None:
    """The upload ``token`` names, when it is this person's; None otherwise (unknown, expired,
    malformed, or someone else's — told apart from nothing, so a token reveals nothing)."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        meta = json.loads(_meta_path(token).read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    return Staged(token, **meta)


def claim(staged: Staged) -> bool:
    """Take the file for loading; False when it was already taken (confirmed twice)."""
    try:
        staged.data_path().rename(staged.data_path("claimed"))
    except FileNotFoundError:
        return False
    return True


def release(staged: Staged) -> None:
    """Give a claimed file back (its load did not happen), so it can be confirmed again."""
    staged.data_path("claimed").rename(staged.data_path())


def done(staged: Staged, said: str, batch_id: int | None) -> None:
    """Record what the load said, and keep the file that was loaded beside its batch."""
    kept = _folder("loaded") / f"{batch_id or 'unchanged'}-{staged.token[:12]}{Path(staged.name).suffix.lower()}"
    staged.data_path("claimed").replace(kept)
    staged.loaded = said
    _save_meta(staged)


def discard(staged: Staged) -> None:
    for path in (staged.data_path(), _meta_path(staged.token)):
        path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> None:
    """Remove held files, and the records of confirmed ones, older than :data:`KEEP_HOURS`."""
    cutoff = (now or time.time()) - KEEP_HOURS * 3600
    for path in _folder("staged").iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            continue
