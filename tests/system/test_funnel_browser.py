"""The funnel plot in a real browser: AE4HR's page draws it from its specification (vega-embed under
the Content-Security-Policy), a mark for every provider, beside the by-organisation table."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..reports.conftest import ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)
from .conftest import signed_in_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_ae4hr_page_draws_the_funnel_plot(ae_plan, browser, live_server, csp_violations):  # noqa: F811
    get_user_model().objects.create_user("reader", password="a-long-password")
    page = signed_in_page(browser, live_server, csp_violations, "reader", "a-long-password")
    try:
        page.goto("/plans/nhsi-2016/metrics/AE4HR/?as_at=2016/17%20Q4")
        expect(page.get_by_role("heading", name="Funnel plot by organisation, Mar 2017")).to_be_visible()
        page.wait_for_selector("#funnel-chart[data-drawn='true'] svg")
        spec = json.loads(page.locator("#funnel-spec").text_content())
        units = spec["layer"][2]["data"]["values"]
        marks = page.locator("#funnel-chart svg g.mark-symbol.role-mark path")
        assert marks.count() == len(units) > 200
        assert "Size (denominator)" in page.locator("#funnel-chart svg").text_content()
        outside = page.locator("table.gt-funnel-outside tbody tr")
        assert outside.count() == sum(1 for u in units if u["band"] != "Within the limits")
    finally:
        page.context.close()
