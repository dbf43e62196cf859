"""Who is calling the API: a person's API token (:class:`TokenAuth`, ``Authorization: Bearer
gt_…``), or a person signed in with their browser session (:class:`BrowserSession`, its CSRF
token checked on every write). Either way the API sees a :class:`Caller` — the person and whether
they may send changes — and applies the person's access rules, exactly as the pages do.

A token that is sent but not accepted is refused with 401 and a message that says which of
*unknown*, *revoked* or *expired* it is. Saying so leaks nothing useful: only someone holding the
token's secret (checked first, in constant time) learns that it was revoked or has expired, and
that tells its holder what to do (make a new one). A malformed or unknown token, or a wrong secret,
reads the same. A token whose owner's account is inactive is refused the same way as an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from goldenthread.access.roles import signed_in
from goldenthread.accounts import api_tokens
from goldenthread.accounts.signin import record

UNKNOWN = (
    "This API token is not valid: check that it was copied whole (it starts 'gt_'), or create a new "
    "one on your account's API tokens page."
)


@dataclass(frozen=True)
class Caller:
    """The person calling, and whether this call may change anything: a session may, as the pages
    may; a token only when it was given the read-write scope."""

    user: Any
    may_write: bool
    token_id: int | None = None


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


class TokenAuth(HttpBearer):
    """A personal API token (:mod:`goldenthread.accounts.api_tokens`) as a bearer token."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = api_tokens.find(token)
        if found is None or not found.user.is_active:
            record("API token refused", None, request, reason="unknown")
            raise HttpError(401, UNKNOWN)
        state = found.state(timezone.now())
        if state != "active":
            record("API token refused", found.user.get_username(), request, reason=state, token=found.prefix)
            when = found.revoked if state == "revoked" else found.expires
            raise HttpError(
                401,
                f"This API token (gt_{found.prefix}_…) was {state} on {when:%d %B %Y}: create a new one "
                "on your account's API tokens page, or ask for one from whoever runs goldenthread.",
            )
        found.touch(client_address(request))
        request.user = found.user  # the audit trail (simple_history) names who made each change
        return Caller(found.user, may_write=found.may_write, token_id=found.pk)


class BrowserSession(SessionAuth):
    """The browser's session cookie (the same sign-in as the pages); writes need its CSRF token.

    Without a session cookie there is nothing to check, so a request with no credentials at all is
    a 401 (sign in, or send a token), not a CSRF refusal."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if key is not None and signed_in(request.user):
            return Caller(request.user, may_write=True)
        return None
