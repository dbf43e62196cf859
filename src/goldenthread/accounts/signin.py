"""Signing in: the security log of sign-ins, sign-outs, failures and lock-outs, and the lock-out page.

Throttling itself is django-axes (``AXES_*`` in the settings): after ``AXES_FAILURE_LIMIT`` failed
attempts for one username, or from one address, sign-in is refused for ``AXES_COOLOFF_TIME``.
Every event goes to the ``goldenthread.security`` logger with the username, the address and the
time (UTC), never the password; usernames are quoted with ``repr`` so a crafted one cannot forge
a line of the log.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("goldenthread.security")

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"


def _address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return str(getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or "-")


def record(event: str, username: str | None, request: HttpRequest | None, *, level: int = logging.INFO, **more) -> None:
    """One line of the security log: ``event username=… address=… at=…`` and any ``more`` facts."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    extra = "".join(f" {key}={value!r}" for key, value in more.items())
    log.log(level, "%s: username=%r address=%s at=%s%s", event, username or "", _address(request), when, extra)


def on_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("signed in", user.get_username(), request)


def on_signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:  # signing out when not signed in is nobody's event
        record("signed out", user.get_username(), request, reason=getattr(request, "signed_out_because", "asked"))


def on_sign_in_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already replaced the password in ``credentials`` with stars; only the username is used.
    record("sign-in failed", credentials.get("username"), request, level=logging.WARNING)


def on_locked_out(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    record("locked out", username, request, level=logging.WARNING)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The lock-out page (``AXES_LOCKOUT_CALLABLE``): what happened and what to do.

    It reads the same for every username, so it does not tell whether an account exists."""
    context = {"minutes": cool_off_minutes(), "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, LOCKED_OUT_TEMPLATE, context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))


def connect() -> None:
    """Connect the security log to Django's and django-axes' signals (from the app's ``ready``)."""
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    signals.user_logged_in.connect(on_signed_in, dispatch_uid="goldenthread.security.signed_in")
    signals.user_logged_out.connect(on_signed_out, dispatch_uid="goldenthread.security.signed_out")
    signals.user_login_failed.connect(on_sign_in_failed, dispatch_uid="goldenthread.security.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="goldenthread.security.locked_out")
