"""Every API operation's access rule: the pages' rules (:mod:`goldenthread.access.policy`), checked
for the caller the API authenticated, before the operation runs.

An operation declares its rule with :func:`guarded`; an operation without one is refused to
everybody (the API's own deny-by-default, as the access middleware's for pages). What the path
names (``code``, ``period``, ``unit``, ``pk``) is looked up exactly once, as for a page, and the
operation reads the same objects with :func:`subject`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

from goldenthread.access.policy import SAFE_METHODS, NotFound, Rule, Subject, find, keep, nobody
from goldenthread.api.auth import Caller


def caller(request: HttpRequest) -> Caller:
    """Who is calling: what the API's authentication (:mod:`goldenthread.api.auth`) returned."""
    found = getattr(request, "auth", None)
    if not isinstance(found, Caller):  # an operation open without authentication has no caller
        raise HttpError(401, "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.")
    return found


def authorise(request: HttpRequest, rule: Rule, kwargs: dict[str, Any]) -> Subject:
    """Check ``rule`` for the caller about what the path names; the objects found, kept on the
    request. A 404 when something named does not exist; a 403 when the rule (or a read-only
    token, for a write) says no."""
    who = caller(request)
    try:
        found = find(kwargs, rule.pk_names)
    except NotFound as exc:
        raise HttpError(404, str(exc)) from None
    write = (request.method or "GET").upper() not in SAFE_METHODS
    if write and rule.write is nobody:
        raise HttpError(405, "This address only gives information; there is nothing to send to it.")
    if write and not who.may_write:
        raise HttpError(403, "This token may only read. Create a token with the read-write scope to send changes.")
    check = rule.write if write else rule.read
    if not check(who.user, found):
        raise HttpError(403, f"You do not have permission to {rule.purpose or 'do that'}.")
    keep(request, found)
    return found


def guarded(rule: Rule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an operation's access rule and check it on every call (see :func:`authorise`)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            authorise(request, rule, kwargs)
            return view(request, *args, **kwargs)

        # the operation's own signature, its annotations evaluated where it was written: ninja reads
        # the wrapper's, and would look names of a postponed annotation up in this module
        run.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        run.access_rule = rule  # type: ignore[attr-defined]
        return run

    return decorate
