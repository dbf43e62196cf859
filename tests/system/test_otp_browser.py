"""Two-step sign-in in a real browser: an administrator made to set up an authenticator app (the
key read off the page, as a person would type it into the app), then asked for a code at the next
sign-in — under the Content-Security-Policy, with the QR code drawn as an inline SVG image."""

from __future__ import annotations

import base64
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import expect

from goldenthread.access.roles import ADMINISTRATOR, grant

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"


def app_code(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_administrator_sets_up_an_authenticator_and_is_asked_for_its_code(page, settings):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    grant(get_user_model().objects.create_user("admin", password=PASSWORD), ADMINISTRATOR)
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    qr = page.get_by_role("img", name="QR code of the set-up key for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code did not load"
    screenshot(page, "otp-enrol")
    assert_accessible(page)
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code from your authenticator app").fill(app_code(key))
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in is set up")

    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the 6-digit code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code").fill("000000" if app_code(key, 1) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The code is not right").first).to_be_visible()
    screenshot(page, "otp-wrong-code")
    time.sleep(1.2)  # django-otp's wait after one wrong code
    page.get_by_label("Code").fill(app_code(key, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
