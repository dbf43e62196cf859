"""Signing in (issue 12, findings 3 and 4): throttling, the security log, session time-outs,
changing one's password and the length of passwords.

Every sign-in here is a real POST to the login page through the test client, with django-axes on.
"""

from __future__ import annotations

import logging
import os
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from goldenthread.accounts import sessions

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password"
LOGIN = "/accounts/login/"


@pytest.fixture
def reader():
    return get_user_model().objects.create_user("reader", password=PASSWORD)


def post_login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        post_login(client, username, "wrong-password", address)


# --- finding 3: throttling --------------------------------------------------------------------


def test_settings_read_from_the_environment_with_sensible_defaults():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, reader):
    fail(client, "reader", 30)
    response = post_login(client, "reader", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many attempts to sign in" in page
    assert "15 minutes" in page


def test_four_wrong_passwords_still_allow_the_right_one(client, reader):
    fail(client, "reader", settings.AXES_FAILURE_LIMIT - 1)
    response = post_login(client, "reader", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/work/"  # My work


def test_the_account_is_locked_from_another_address_too(client, reader):
    fail(client, "reader", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    response = post_login(Client(), "reader", PASSWORD, address="10.0.0.2")
    assert response.status_code == 429


def test_the_address_is_locked_for_other_accounts_too(client, reader):
    get_user_model().objects.create_user("other", password=PASSWORD)
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"guess-{n}", "wrong-password", address="10.0.0.9")
    assert post_login(Client(), "other", PASSWORD, address="10.0.0.9").status_code == 429
    assert post_login(Client(), "other", PASSWORD, address="10.0.0.10").status_code == 302


def test_lock_out_does_not_say_whether_the_account_exists(reader):
    existing, unknown = Client(), Client()
    fail(existing, "reader", settings.AXES_FAILURE_LIMIT + 1, address="10.0.1.1")
    fail(unknown, "nobody-here", settings.AXES_FAILURE_LIMIT + 1, address="10.0.1.2")
    a = post_login(existing, "reader", "wrong-password", address="10.0.1.1")
    b = post_login(unknown, "nobody-here", "wrong-password", address="10.0.1.2")
    assert a.status_code == b.status_code == 429
    assert a.content.decode().replace("reader", "X") == b.content.decode().replace("nobody-here", "X")


def test_lock_out_ends_after_the_cool_off(client, reader):
    from axes.models import AccessAttempt

    fail(client, "reader", settings.AXES_FAILURE_LIMIT)
    assert post_login(client, "reader", PASSWORD).status_code == 429
    past = AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME  # type: ignore[union-attr]
    AccessAttempt.objects.update(attempt_time=past)
    assert post_login(client, "reader", PASSWORD).status_code == 302


# --- finding 3: the security log ----------------------------------------------------------------


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "goldenthread.security"]


def test_failed_sign_in_is_logged_without_the_password(client, reader, caplog):
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    post_login(client, "reader", "my-secret-guess", address="10.0.2.1")
    (line,) = security_lines(caplog)
    assert "sign-in failed" in line and "'reader'" in line and "10.0.2.1" in line
    assert "my-secret-guess" not in caplog.text
    assert caplog.records[-1].levelno == logging.WARNING


def test_sign_in_and_sign_out_are_logged(client, reader, caplog):
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    post_login(client, "reader", PASSWORD, address="10.0.2.2")
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.2.2")
    signed_in, signed_out = security_lines(caplog)
    assert "signed in" in signed_in and "'reader'" in signed_in and "10.0.2.2" in signed_in
    assert "signed out" in signed_out and "'reader'" in signed_out
    assert PASSWORD not in caplog.text
    # the time, in UTC, to the second
    assert time.strftime("%Y-%m-%dT", time.gmtime()) in signed_in


def test_lock_out_is_logged(client, reader, caplog):
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    fail(client, "reader", settings.AXES_FAILURE_LIMIT, address="10.0.2.3")
    assert any("locked out" in line and "'reader'" in line for line in security_lines(caplog))


def test_log_lines_cannot_be_forged_with_new_lines(client, caplog):
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    post_login(client, "x\nsigned in: 'admin'", "wrong-password")
    (line,) = security_lines(caplog)
    assert "\n" not in line


# --- finding 4: session time-outs -------------------------------------------------------------


def signed_in_client(reader) -> Client:
    client = Client()
    assert post_login(client, "reader", PASSWORD).status_code == 302
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_session_cookie_lasts_no_longer_than_the_absolute_lifetime():
    assert settings.GOLDENTHREAD_SESSION_IDLE_MINUTES == 30
    assert settings.GOLDENTHREAD_SESSION_MAX_HOURS == 12
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_an_active_session_stays_signed_in(reader):
    client = signed_in_client(reader)
    shift(client, sessions.LAST_SEEN, 29 * 60)
    assert client.get("/").status_code == 200
    assert client.session[sessions.LAST_SEEN] >= time.time() - 5


def test_the_last_use_is_written_at_most_once_a_minute(reader):
    """So most pages do not save the session (the pages' query budgets stay as they were)."""
    client = signed_in_client(reader)
    shift(client, sessions.LAST_SEEN, 10)
    before = client.session[sessions.LAST_SEEN]
    assert client.get("/").status_code == 200
    assert client.session[sessions.LAST_SEEN] == before


def test_idle_session_is_signed_out_with_a_message(reader, caplog):
    caplog.set_level(logging.INFO, logger="goldenthread.security")
    client = signed_in_client(reader)
    shift(client, sessions.LAST_SEEN, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used goldenthread for 30 minutes" in page
    assert any("signed out" in line and "idle" in line for line in security_lines(caplog))


def test_session_is_signed_out_after_the_absolute_lifetime_however_active(reader):
    client = signed_in_client(reader)
    shift(client, sessions.STARTED, 12 * 3600 + 1)
    response = client.get("/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you signed in more than 12 hours ago" in page


def test_a_post_after_the_time_out_changes_nothing(reader):
    client = signed_in_client(reader)
    shift(client, sessions.LAST_SEEN, 31 * 60)
    response = client.post("/accounts/password/", {})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_force_login_sessions_are_timed_too(client, reader):
    client.force_login(reader)
    assert client.get("/").status_code == 200
    shift(client, sessions.LAST_SEEN, 31 * 60)
    assert client.get("/").status_code == 302


# --- finding 4: changing one's password, its length ------------------------------------------


def test_change_password_end_to_end(reader):
    client = signed_in_client(reader)
    home = client.get("/").content.decode()
    assert 'href="/accounts/password/"' in home
    page = client.get("/accounts/password/").content.decode()
    assert "Change your password" in page and "at least 12 characters" in page
    bad = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"},
    )
    assert bad.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in bad.content.decode()
    assert "There is a problem" in bad.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)
    new = "a-new-long-password-2024"
    good = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert good.status_code == 302 and good["Location"] == "/accounts/password/done/"
    assert "Your password has been changed" in client.get(good["Location"]).content.decode()
    assert client.get("/").status_code == 200  # still signed in on this device
    reader.refresh_from_db()
    assert reader.check_password(new)


def test_change_password_needs_the_old_one(reader):
    client = signed_in_client(reader)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "another-long-pass", "new_password2": "another-long-pass"},
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_change_password_needs_signing_in(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("eleven-char")
    validate_password("twelve-chars")


def test_demo_password_is_long_enough(tmp_path, settings, monkeypatch):
    from goldenthread import demo

    monkeypatch.delenv("GOLDENTHREAD_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path
    password, generated = demo.demo_password()
    assert generated and len(password) >= 12
    validate_password(password)


# --- the settings from the environment ----------------------------------------------------------


def test_sign_in_settings_from_the_environment():
    from goldenthread.accounts import sign_in_config as config

    env = {"GOLDENTHREAD_LOGIN_FAILURE_LIMIT": "10", "GOLDENTHREAD_LOGIN_LOCK_BY": "username+address"}
    assert config.positive_number(env, "GOLDENTHREAD_LOGIN_FAILURE_LIMIT", 5, whole=True) == 10
    assert config.positive_number(env, "GOLDENTHREAD_LOGIN_COOLOFF_MINUTES", 15) == 15
    assert config.lock_parameters(env) == [["username", "ip_address"]]
    assert config.lock_parameters({}) == ["username", "ip_address"]
    assert config.lock_parameters({"GOLDENTHREAD_LOGIN_LOCK_BY": "address"}) == ["ip_address"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"GOLDENTHREAD_LOGIN_FAILURE_LIMIT": "five"},
            "GOLDENTHREAD_LOGIN_FAILURE_LIMIT must be a whole number above 0",
        ),
        ({"GOLDENTHREAD_LOGIN_FAILURE_LIMIT": "0"}, "not '0'"),
        ({"GOLDENTHREAD_SESSION_IDLE_MINUTES": "-5"}, "GOLDENTHREAD_SESSION_IDLE_MINUTES must be a number above 0"),
        ({"GOLDENTHREAD_LOGIN_LOCK_BY": "user"}, "names 'user', which is not something sign-in can be locked by"),
    ],
)
def test_bad_sign_in_settings_say_what_and_what_to_do(env, message):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
