"""Session time-outs: signed out after a spell of inactivity, and after a fixed time however active.

:class:`SessionTimeoutMiddleware` keeps, in the session, when it was signed in (:data:`STARTED`)
and when it was last used (:data:`LAST_SEEN`, to the minute: :data:`TOUCH_EVERY`), as seconds
since the epoch. A request that comes more than ``GOLDENTHREAD_SESSION_IDLE_MINUTES`` after the last one, or more than
``GOLDENTHREAD_SESSION_MAX_HOURS`` after signing in, signs the person out with a message and is
then handled as an anonymous one (the page policy sends them to sign in, and a form sent is
refused before anything changes). ``SESSION_COOKIE_AGE`` is no longer than the absolute lifetime,
so the cookie itself does not outlive the session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED = "goldenthread_started"
LAST_SEEN = "goldenthread_last_seen"
#: the last use is written at most this often (seconds), so most requests do not save the session
TOUCH_EVERY = 60


def idle_seconds() -> int:
    return int(settings.GOLDENTHREAD_SESSION_IDLE_MINUTES * 60)


def max_seconds() -> int:
    return int(settings.GOLDENTHREAD_SESSION_MAX_HOURS * 3600)


def _plural(number: float, unit: str) -> str:
    number = int(number) if float(number).is_integer() else number
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def expired_because(session: Any, now: float) -> tuple[str, str] | None:
    """Why a session has run out (a short reason for the log, a sentence for the person), or None."""
    started, last_seen = session.get(STARTED), session.get(LAST_SEEN)
    if started is not None and now - started > max_seconds():
        hours = _plural(settings.GOLDENTHREAD_SESSION_MAX_HOURS, "hour")
        return "lifetime", f"You were signed out because you signed in more than {hours} ago. Sign in again."
    if last_seen is not None and now - last_seen > idle_seconds():
        minutes = _plural(settings.GOLDENTHREAD_SESSION_IDLE_MINUTES, "minute")
        return "idle", (
            f"You were signed out because you had not used goldenthread for {minutes}. Sign in again to carry on."
        )
    return None


def mark_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: the session starts now (Django has just given it a new key)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Sign out idle and over-long sessions; record each signed-in request's time.

    Placed after the session, authentication and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        if STARTED not in session:  # a session from before time-outs (or another way in): it starts now
            session[STARTED] = now
        expired = expired_because(session, now)
        if expired is None:
            if now - session.get(LAST_SEEN, 0) >= TOUCH_EVERY:
                session[LAST_SEEN] = now
            return
        reason, sentence = expired
        request.signed_out_because = reason  # type: ignore[attr-defined]  # for the security log
        logout(request)
        messages.info(request, sentence)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(mark_signed_in, dispatch_uid="goldenthread.sessions.signed_in")
