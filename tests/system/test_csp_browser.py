"""The Content-Security-Policy in a real browser: the chart draws under it, hostile names in the
chart data run nothing, and the browser tests' watch for violations really catches one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..security.test_headers import HOSTILE_TITLE, HOSTILE_UNIT, hostile_plan

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page):
    get_user_model().objects.create_user("reader", password="a-long-password")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_chart_with_hostile_names_draws_and_runs_nothing(signed_in):
    hostile_plan()
    page = signed_in
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/plans/t/metrics/FOUR/?as_at=2017/18 Q4")
    page.wait_for_selector("#spc-chart[data-drawn='true'] svg")
    assert page.locator("#spc-chart svg g.mark-symbol.role-mark path").count() == 24
    assert HOSTILE_UNIT in page.locator("#spc-chart svg").text_content()
    # the title in lines that fit a narrow screen (issue 19), whole once they are put together
    lines = page.evaluate("[].concat(JSON.parse(document.getElementById('spc-spec').textContent).title.text)")
    assert len(lines) > 1 and " ".join(lines) == f"{HOSTILE_TITLE} — {HOSTILE_UNIT}"
    assert page.evaluate("typeof window.pwned") == "undefined" and not dialogs
    # the page after the chart data is still the page: the table and the definition are there
    expect(page.get_by_text("Table of values", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="About this metric")).to_be_visible()
    # the tooltip shows under the policy, styled from goldenthread.css
    page.locator("#spc-chart svg g.mark-symbol.role-mark path").last.hover()
    expect(page.locator("#vg-tooltip-element.visible")).to_contain_text("Mar 2018")  # the period by its name


def test_a_violation_fails_the_test(page, csp_violations):
    page.goto("/accounts/login/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = 1"; document.body.append(s); }""")
    page.wait_for_function("true")
    assert page.evaluate("typeof window.ran") == "undefined"
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # seen: this test is about the watch, not a fault of the page
