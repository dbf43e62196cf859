"""MED-2-M1 of the seed plan, with a point a quarter, in a real browser: the page draws a run chart —
the median, no process limits, no point judged — and says why in plain English (issue 18)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..versioned import nhsei_with_data
from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(sign_in):
    nhsei_with_data()
    get_user_model().objects.create_user("reader", password="a-long-password")
    return sign_in("reader", "a-long-password")


def test_med_2_m1_is_a_run_chart_and_says_why(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/metrics/MED-2-M1/?as_at=2019/20 Q4")
    expect(page.get_by_role("heading", name="Run chart")).to_be_visible()
    expect(
        page.get_by_text(
            "Only 4 points: too few for control limits (at least 12 are needed, per NHSRplotthedots' guidance on "
            "the number of points required for robust control limits); shown as a run chart around the median, "
            "with no judgement of variation or assurance."
        )
    ).to_be_visible()
    expect(page.get_by_text("Not enough data: 4 points, 12 needed for a judgement")).to_have_count(2)
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    chart = page.locator("#spc-chart svg")
    assert chart.locator("g.mark-symbol.role-mark path").count() == 4  # the four quarters
    # the lines: the median and the values joined up — no upper or lower process limit
    assert chart.locator("g.mark-line.role-mark").count() == 2
    headers = page.locator("table.gt-values thead th").all_inner_texts()
    assert "Median" in headers and "Mean" not in headers
    expect(page.get_by_text("Common cause")).to_have_count(0)
    screenshot(page, "metric-run-chart")
    assert_accessible(page)
