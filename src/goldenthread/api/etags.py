"""ETags and ``If-Match``: a write to something two people may change at once names the version
it was based on, so nobody's changes are overwritten unseen.

A resource's ETag is a digest of what it holds (and of the version the service counts saves by),
given on every read. A write must send it back as ``If-Match``: without one it is refused with 428
Precondition Required, and with one that is no longer current with 412 Precondition Failed — in
both cases nothing is changed, and the message says what to do. The service's own check of the
version (inside its transaction) still decides a race between two writes that both matched.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ninja import Header
from ninja.errors import HttpError

#: the ``If-Match`` header, declared on every operation that needs it (so the schema shows it)
IF_MATCH = Header(
    None,
    alias="If-Match",
    description="the ETag of the resource as you last read it (its GET gives it); required",
)


def etag(content: Any) -> str:
    """A strong ETag (quoted) for ``content``: a digest of its canonical JSON."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def matches(if_match: str, current: str, *, exists: bool) -> bool:
    """Whether ``If-Match`` names the current ETag: one of its comma-separated tags is it (compared
    strongly, so a weak tag never matches), or it is ``*`` and the resource exists."""
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        return exists
    return current in tags


def require_match(if_match: str | None, current: str, *, exists: bool, what: str) -> None:
    """Refuse a write whose ``If-Match`` is missing (428) or no longer current (412)."""
    if if_match is None or not if_match.strip():
        raise HttpError(
            428,
            f"Send the ETag of {what} as you read it, as the If-Match header (GET it for its ETag), so that "
            "nobody's changes are overwritten unseen. Nothing was changed.",
        )
    if not matches(if_match, current, exists=exists):
        raise HttpError(
            412,
            f"{what[:1].upper()}{what[1:]} has changed since you read it (its ETag is now {current}); nothing was "
            f"changed. GET it again, make your changes to what it holds now and send them with If-Match: {current}.",
        )
