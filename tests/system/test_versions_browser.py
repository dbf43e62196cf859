"""The versions pages in a real browser: from the plan navigation to the list of versions, two
versions compared with the form, a version's own page; markup in a title shown as text; no
Content-Security-Policy violation and no serious accessibility problem."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.planfile import validate_file
from goldenthread.plans.store import load_plan

from ..conftest import EXAMPLE
from .conftest import assert_accessible, screenshot, started
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

MARKUP = '<img src=x onerror="document.title=1">'


@pytest.fixture
def signed_in(page):
    plan = validate_file(EXAMPLE).plan
    assert plan is not None
    load_plan(plan, note="Loaded from example.yaml")
    edited = plan.model_copy(deep=True)
    assert edited.metrics[1].target is not None
    edited.metrics[1].target.value = Decimal("0.07")
    edited.objectives[1].title = MARKUP
    edited.owners.reverse()
    load_plan(edited, note="Loaded from edited.yaml")
    get_user_model().objects.create_user("reader", password="a-long-password", first_name="Rita")
    sign_in(page)
    return page


def test_versions_compared_in_the_browser(signed_in):
    page = signed_in
    page.goto("/plans/example-2019/")
    page.get_by_role("navigation", name="Pages about this plan").get_by_role("link", name="Versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versions")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Version 2")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Loaded from edited.yaml")
    assert_accessible(page)
    screenshot(page, "plan-versions")

    page.get_by_label("From version").select_option("2")
    page.get_by_label("To version").select_option("1")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 2 → version 1")
    expect(page.get_by_text("2 changed, 2 moved")).to_be_visible()
    objectives = page.get_by_role("table", name="Objectives: 1 changed")
    expect(objectives).to_contain_text(f"Title: {MARKUP} → changed to Workforce")
    metrics = page.get_by_role("table", name="Metrics: 1 changed")
    expect(metrics).to_contain_text("Target value: 0.07 (7%) → changed to 0.08 (8%)")
    expect(page.get_by_role("table", name="Owners: 2 moved")).to_contain_text("Position: 2nd → changed to 1st")
    assert page.title() != "1"  # the markup in the title did not run
    assert_accessible(page)
    screenshot(page, "plan-versions-compared")

    page.get_by_role("link", name="All versions").click()
    page.get_by_role("link", name="Version 2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 2")
    expect(page.get_by_role("link", name="Plan file (YAML): version 2")).to_be_visible()
    expect(page.get_by_text("Changes since version 1")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "plan-version")


def test_a_mistyped_version_is_said_in_the_error_summary(signed_in):
    page = signed_in
    page.goto("/plans/example-2019/versions/compare/?from=1&to=seven")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The version to compare to 'seven' is not a version number")
    started(page.locator(".nhsuk-error-summary")).get_by_role("link").click()
    expect(page.get_by_label("To version")).to_be_focused()
    assert_accessible(page)
