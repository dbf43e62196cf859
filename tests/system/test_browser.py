"""A person signs in, finds a plan and reads its tree, in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.plans.store import load_plan

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader(example_plan):
    load_plan(example_plan)
    get_user_model().objects.create_user("reader", password="a-long-password", first_name="Rita", last_name="Reader")


def sign_in(page, username="reader", password="a-long-password"):
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_page_is_accessible(page, reader):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to goldenthread")).to_be_visible()
    # the NHS.UK stylesheet is served and applied
    assert page.evaluate("getComputedStyle(document.body).fontFamily").lower().lstrip('"').startswith("frutiger")
    screenshot(page, "sign-in")
    assert_accessible(page)


def test_wrong_password_says_what_to_do(page, reader):
    sign_in(page, password="not-it")
    expect(page.get_by_text("Enter a correct username and password")).to_be_visible()
    assert page.get_by_label("Username").input_value() == "reader"


def test_sign_in_then_read_a_plan(page, reader):
    sign_in(page)
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    screenshot(page, "plans")
    assert_accessible(page)
    page.get_by_role("link", name="Example joint business plan 2019/20").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Example joint business plan 2019/20"
    expect(page.get_by_role("heading", name="Care Quality and Outcomes")).to_be_visible()
    # follow a contributes-to link to the organisational priority
    page.get_by_role("link", name="1 Care Quality and Outcomes").first.click()
    assert page.url.endswith("#objective-1")
    screenshot(page, "plan")
    assert_accessible(page)


def test_keyboard_reaches_sign_in(page, reader):
    page.goto("/accounts/login/")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert "id_username" in seen and "id_password" in seen and "Sign in" in seen


def test_sign_out(page, reader):
    sign_in(page)
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    assert "/accounts/login/" in page.url
