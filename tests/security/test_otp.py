"""The optional second factor at sign-in (issue 12, "Sign-in"): a code from an authenticator app
(TOTP, django-otp) after the password, switched by GOLDENTHREAD_OTP.

Every sign-in is a real POST to the sign-in page; codes are worked out here from the device's key
with django-otp's own TOTP, as an authenticator app would.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldenthread.access.roles import ADMINISTRATOR, LEAD, grant
from goldenthread.accounts import otp_config

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password"
LOGIN = "/accounts/login/"
ENROL = "/accounts/two-step/"
VERIFY = "/accounts/two-step/code/"
OPTIONAL = {"GOLDENTHREAD_OTP": "optional"}
REQUIRED = {"GOLDENTHREAD_OTP": "required-for-admins"}


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


def sign_in(client: Client, username: str):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "goldenthread.security"]


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("reader", password=PASSWORD)


@pytest.fixture
def admin():
    user = get_user_model().objects.create_user("admin", password=PASSWORD)
    grant(user, ADMINISTRATOR)
    return user


def enrol(client: Client) -> TOTPDevice:
    """Set up the authenticator through the page, as a person would."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    text = page.content.decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in text
    assert "otpauth://totp/goldenthread%3A" in text
    assert 'src="data:image/svg+xml;base64,' in text
    response = client.post(ENROL, {"code": code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    return device


# --- off (the default) ------------------------------------------------------------------------


def test_off_by_default_changes_nothing(client, reader, settings):
    assert settings.GOLDENTHREAD_OTP == "off"
    assert sign_in(client, "reader")["Location"] == "/work/"  # My work
    page = client.get("/")
    assert page.status_code == 200 and "Two-step sign-in" not in page.content.decode()
    assert client.get(ENROL).status_code == 404
    assert client.get(VERIFY)["Location"] == "/work/"  # nothing to verify: on to My work


def test_off_asks_nobody_for_a_code_even_with_a_device(client, reader, settings):
    TOTPDevice.objects.create(user=reader, name="app", confirmed=True)
    sign_in(client, "reader")
    assert client.get("/").status_code == 200


# --- optional ---------------------------------------------------------------------------------


def test_optional_enrol_sign_out_and_sign_in_with_the_code(client, reader, settings, caplog):
    settings.GOLDENTHREAD_OTP = "optional"
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    sign_in(client, "reader")
    home = client.get("/")
    assert home.status_code == 200, "no device yet: optional asks nothing"
    assert "Two-step sign-in" in home.content.decode()
    device = enrol(client)
    client.post("/accounts/logout/")

    response = sign_in(client, "reader")
    assert response.status_code == 302
    held = client.get("/plans/ANY/")
    assert held.status_code == 302 and urlsplit(held["Location"]).path == VERIFY
    assert parse_qs(urlsplit(held["Location"]).query)["next"] == ["/plans/ANY/"]
    page = client.get(held["Location"])
    assert "Enter the 6-digit code from your authenticator app" in page.content.decode()

    right = code(device, steps_ahead=1)  # the set-up used this step's code; a code is good once
    refused = client.post(VERIFY, {"code": wrong(right), "next": "/"})
    assert refused.status_code == 400 and "The code is not right" in refused.content.decode()
    assert client.get("/").status_code == 302, "a wrong code lets nobody in"
    assert any("second factor failed" in line and "'reader'" in line for line in security_lines(caplog))

    # django-otp's throttle: straight after a wrong code even the right one must wait
    throttled = client.post(VERIFY, {"code": right, "next": "/"})
    assert throttled.status_code == 400 and "Too many wrong codes. Wait" in throttled.content.decode()
    assert any("second factor throttled" in line for line in security_lines(caplog))
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=60)  # the wait is over
    device.save()

    accepted = client.post(VERIFY, {"code": right, "next": "/plans/ANY/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/plans/ANY/"
    assert client.get("/").status_code == 200
    assert any("second factor passed" in line for line in security_lines(caplog))


def test_wrong_codes_are_throttled_more_each_time(client, reader, settings):
    settings.GOLDENTHREAD_OTP = "optional"
    device = TOTPDevice.objects.create(user=reader, name="app", confirmed=True)
    sign_in(client, "reader")
    for _ in range(3):
        client.post(VERIFY, {"code": wrong(code(device))})
        device.refresh_from_db()
        device.throttling_failure_timestamp -= timedelta(seconds=10)  # past the wait, so each one counts
        device.save()
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    client.post(VERIFY, {"code": wrong(code(device))})
    allowed, why = TOTPDevice.objects.get(pk=device.pk).verify_is_allowed()
    assert not allowed and why["failure_count"] == 4  # the next wait is 8 seconds


def test_a_code_that_is_not_six_digits_says_so(client, reader, settings):
    settings.GOLDENTHREAD_OTP = "optional"
    TOTPDevice.objects.create(user=reader, name="app", confirmed=True)
    sign_in(client, "reader")
    response = client.post(VERIFY, {"code": "12ab"})
    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app, numbers only." in response.content.decode()


def test_next_goes_nowhere_off_the_site(client, reader, settings):
    settings.GOLDENTHREAD_OTP = "optional"
    device = TOTPDevice.objects.create(user=reader, name="app", confirmed=True)
    sign_in(client, "reader")
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/work/"


def test_single_sign_on_accounts_are_exempt(client, settings):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    user = get_user_model().objects.create_user("sso-admin")
    user.set_unusable_password()
    user.save()
    grant(user, ADMINISTRATOR)
    client.force_login(user)
    assert client.get("/").status_code == 200
    page = client.get(ENROL).content.decode()
    assert "You sign in with your organisation account" in page and "otpauth://" not in page
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- required for administrators ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/plans/ANY/", "/admin/", "/accounts/password/"])
def test_an_administrator_without_a_device_is_sent_to_enrol_from_any_page(client, admin, settings, path):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    sign_in(client, "admin")
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == ENROL
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [path]
    page = client.get(response["Location"]).content.decode()
    assert "Administrators must set up two-step sign-in" in page
    assert client.get("/accounts/logout/").status_code == 200, "signing out stays open"


def test_a_superuser_is_an_administrator_here(client, settings):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    sign_in(client, "root")
    assert urlsplit(client.get("/")["Location"]).path == ENROL


def test_a_lead_is_not_made_to_enrol(client, settings):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    lead = get_user_model().objects.create_user("lead", password=PASSWORD)
    grant(lead, LEAD)
    sign_in(client, "lead")
    assert client.get("/").status_code == 200


def test_an_administrator_who_enrols_gets_in_and_is_asked_next_time(client, admin, settings):
    settings.GOLDENTHREAD_OTP = "required-for-admins"
    sign_in(client, "admin")
    device = enrol(client)
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    sign_in(client, "admin")
    assert urlsplit(client.get("/")["Location"]).path == VERIFY
    assert client.post(VERIFY, {"code": code(device, steps_ahead=1)}).status_code == 302
    assert client.get("/").status_code == 200


# --- the setting ------------------------------------------------------------------------------


def test_the_setting_from_the_environment():
    assert otp_config.mode({}) == "off"
    assert otp_config.mode(OPTIONAL) == "optional"
    assert otp_config.mode({"GOLDENTHREAD_OTP": " Required-For-Admins "}) == "required-for-admins"


def test_a_bad_setting_stops_start_up_saying_what_to_set():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "GOLDENTHREAD_OTP": "always", "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "GOLDENTHREAD_OTP is 'always'" in result.stderr and "required-for-admins" in result.stderr


def test_the_admin_site_never_shows_an_authenticator_key(client, admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(admin)
    secret = base64.b32encode(device.bin_key).decode()
    for path in (f"/admin/otp_totp/totpdevice/{device.pk}/config/", f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/"):
        assert client.get(path).status_code == 403
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200
    assert device.key not in change.content.decode() and secret not in change.content.decode()
