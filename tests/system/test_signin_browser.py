"""Locked out after too many wrong passwords, then signing in once the cool-off is over, in a real browser."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"


def attempt(page, password: str) -> None:
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_locked_out_then_signs_in_after_the_cool_off(page):
    from axes.models import AccessAttempt

    get_user_model().objects.create_user("reader", password=PASSWORD)
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(page, "wrong-password")
        expect(page.get_by_text("Enter a correct username and password")).to_be_visible()
    attempt(page, "wrong-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    expect(page.get_by_text("Wait 15 minutes")).to_be_visible()
    screenshot(page, "locked-out")
    assert_accessible(page)
    # the right password is refused too while the lock lasts
    page.get_by_role("link", name="try to sign in again").click()
    attempt(page, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    # the cool-off passes
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - settings.AXES_COOLOFF_TIME)
    page.get_by_role("link", name="try to sign in again").click()
    attempt(page, PASSWORD)
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
