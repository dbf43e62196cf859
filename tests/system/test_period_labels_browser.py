"""The SPC chart in the browser (vega-embed under the Content-Security-Policy) labels a quarterly
metric by its quarters, one label per period in order, also as at a past period and in a time zone
west of Greenwich; the metric page shows the verdict for the plan's target period."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..quarterly import QUARTER_NAMES as QUARTERS
from ..quarterly import quarterly_plan

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

#: the x axis's labels: the first axis drawn with labels (the grid lines' axes have none; the y axis
#: comes after the x)
LABELS = "#spc-chart svg g.role-axis:has(g.role-axis-label text) >> nth=0 >> g.role-axis-label text"


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Sign in").click()


def x_labels(page, as_at: str) -> list[str]:
    page.goto(f"/plans/t/metrics/FOUR/?as_at={as_at}")
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    return [t.text_content() for t in page.locator(LABELS).all() if (t.get_attribute("opacity") or "1") != "0"]


def test_chart_labels_are_quarters_in_order_as_at_any_period(page, browser, live_server):
    quarterly_plan()
    get_user_model().objects.create_user("reader", password="a-long-password")
    sign_in(page)
    assert x_labels(page, "2017/18 Q4") == QUARTERS
    expect(page.get_by_text("2016/17 Q4: 91.8% against ≥ 95% — not met")).to_be_visible()
    assert x_labels(page, "2016/17 Q2") == QUARTERS[:2]
    west = browser.new_context(base_url=live_server.url, timezone_id="America/Los_Angeles")
    try:
        other = west.new_page()
        sign_in(other)
        assert x_labels(other, "2016/17 Q3") == QUARTERS[:3]
    finally:
        west.close()
