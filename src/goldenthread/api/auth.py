"""Who is calling the API: a person signed in with their browser session (its CSRF token checked on
every write), or a person's API token (:class:`TokenAuth`). Either way the API sees a
:class:`Caller` — the person and whether they may send changes — and applies the person's access
rules, exactly as the pages do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from goldenthread.access.roles import signed_in


@dataclass(frozen=True)
class Caller:
    """The person calling, and whether this call may change anything: a session may, as the pages
    may; a token only when it was given the read-write scope."""

    user: Any
    may_write: bool
    token_id: int | None = None


class BrowserSession(SessionAuth):
    """The browser's session cookie (the same sign-in as the pages); writes need its CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if signed_in(request.user):
            return Caller(request.user, may_write=True)
        return None
