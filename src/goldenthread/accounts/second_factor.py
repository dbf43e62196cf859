"""The second factor at sign-in: a time-based one-time code from an authenticator app (TOTP,
django-otp's ``otp_totp`` device), switched by ``GOLDENTHREAD_OTP`` (:mod:`otp_config`).

Only accounts that sign in with a password take part: an organisation account (single sign-on,
no usable password) has its second factor checked by its provider. A session counts as verified
once a code was accepted in it (django-otp keeps the device in the session; ``OTPMiddleware``
gives ``request.user.is_verified()``). Wrong codes are throttled by django-otp on the device (a
wait that doubles after each one) and every attempt goes to the ``goldenthread.security`` log.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.accounts.otp_config import OFF, REQUIRED_FOR_ADMINS
from goldenthread.accounts.signin import record

DEVICE_NAME = "Authenticator app"
CODE = re.compile(r"^[0-9]{6}$")


def mode() -> str:
    return str(getattr(settings, "GOLDENTHREAD_OTP", OFF))


def required_for_admins() -> bool:
    return mode() == REQUIRED_FOR_ADMINS


def takes_part(user: Any) -> bool:
    """Whether the second factor is on and ``user`` signs in with a password (not single sign-on)."""
    return mode() != OFF and bool(user.is_authenticated) and user.has_usable_password()


def verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being set up (not yet confirmed by a first code): the same one until it is, so
    reloading the page does not change the secret already typed into the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an authenticator app."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code on white: an SVG image drawn here (no other host) as a ``data:`` URI, which the
    content security policy's ``img-src 'self' data:`` allows; no scripts, no style attributes."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@dataclass(frozen=True)
class Checked:
    """The outcome of a code: accepted, or the sentence that says what to do."""

    accepted: bool
    problem: str = ""


def _wait_sentence(until: datetime | None) -> str:
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit}, then enter the code your app shows now."


def check(request: HttpRequest, device: TOTPDevice, code: str, *, purpose: str) -> Checked:
    """Check a code the person typed against ``device`` (throttled by django-otp) and log it."""
    username = request.user.get_username()
    code = re.sub(r"[\s-]", "", code or "")
    if not CODE.match(code):
        return Checked(False, "Enter the 6-digit code from your authenticator app, numbers only.")
    allowed, why = device.verify_is_allowed()
    if not allowed:
        record("second factor throttled", username, request, level=logging.WARNING, purpose=purpose)
        return Checked(False, _wait_sentence((why or {}).get("locked_until")))
    if not device.verify_token(code):
        record(
            "second factor failed",
            username,
            request,
            level=logging.WARNING,
            purpose=purpose,
            failures=device.throttling_failure_count,
        )
        return Checked(False, "The code is not right. Enter the code your app shows now (it changes every 30 seconds).")
    record("second factor passed", username, request, purpose=purpose)
    return Checked(True)


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The session is verified with ``device`` from now on (until it ends)."""
    django_otp.login(request, device)


def confirm(request: HttpRequest, device: TOTPDevice) -> None:
    """The first code was right: the device is in use from now on, and the session is verified."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    record("second factor set up", request.user.get_username(), request)
    mark_verified(request, device)
