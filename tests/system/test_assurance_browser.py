"""Scorecard, metric and exceptions pages in a real browser: the chart draws, selectors work, axe passes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..factories import plan_with_data
from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page):
    plan_with_data()
    get_user_model().objects.create_user("reader", password="a-long-password")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Sign in").click()
    return page


def test_metric_chart_draws_and_selectors_work(signed_in):
    page = signed_in
    page.goto("/plans/t/metrics/FOUR/?as_at=2017/18 Q4")
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    assert page.locator("#spc-chart svg g.mark-symbol.role-mark path").count() == 24
    screenshot(page, "metric")
    assert_accessible(page)
    page.get_by_label("Where", exact=True).select_option("north")
    page.get_by_role("button", name="Show this place").click()
    assert "where=north" in page.url and "as_at=2017%2F18+Q4" in page.url
    page.get_by_label("As at", exact=True).select_option("2016/17 Q4")
    page.get_by_role("button", name="Show", exact=True).click()
    assert "where=north" in page.url and "as_at=2016%2F17+Q4" in page.url
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    assert page.locator("#spc-chart svg g.mark-symbol.role-mark path").count() == 12
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_scorecard_and_exceptions(signed_in):
    page = signed_in
    page.goto("/plans/t/scorecard/?as_at=2017/18 Q4")
    expect(page.get_by_role("heading", name="Scorecard as at 2017/18 Q4")).to_be_visible()
    screenshot(page, "scorecard")
    assert_accessible(page)
    page.get_by_role("link", name="FOUR Four-hour performance").click()
    assert "/plans/t/metrics/FOUR/" in page.url
    page.goto("/plans/t/exceptions/?as_at=2017/18 Q4")
    expect(page.get_by_text("target missed in each of the last 3 periods").first).to_be_visible()
    screenshot(page, "exceptions")
    assert_accessible(page)
