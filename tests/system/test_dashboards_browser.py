"""The plan dashboards in a real browser: each page loads with its key content, the as-at period
and the filters work without JavaScript tricks (plain GET forms), the plan navigation keeps the
period, everything is reachable by keyboard, and axe-core finds no serious or critical problems."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.planfile import validate_file
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from .conftest import assert_accessible, screenshot
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader(example_plan):
    load_plan(example_plan)
    seed = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    assert seed.ok, seed.problems
    load_plan(seed.plan)
    get_user_model().objects.create_user("reader", password="a-long-password", first_name="Rita", last_name="Reader")


@pytest.fixture
def signed_in(page, reader):
    sign_in(page)
    return page


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_overview_with_plan_navigation(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/")
    nav = page.get_by_role("navigation", name="Pages about this plan")
    assert nav.get_by_role("link", name="Overview").get_attribute("aria-current") == "page"
    for name in ("By priority", "By directorate", "Matrix", "Deliverables", "Budgets"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    assert page.get_by_text(
        "Organisational priority (7) › Supplementary work (4) › Directorate priority (4)"
    ).is_visible()
    screenshot(page, "plan-overview")
    assert_accessible(page)


def test_by_priority(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/")
    page.get_by_role("navigation", name="Pages about this plan").get_by_role("link", name="By priority").click()
    assert page.get_by_role("heading", level=1).inner_text() == "By organisational priority"
    care = page.locator("section", has=page.get_by_role("heading", name="Care Quality and Outcomes"))
    assert (
        care.get_by_role("heading", name="Medical").is_visible()
        and care.get_by_role("heading", name="Nursing").is_visible()
    )
    expect(care.get_by_role("link", name="Continue delivery of falls programme")).to_be_visible()
    screenshot(page, "plan-by-priority")
    assert_accessible(page)
    # a directorate priority's title leads to its place in the plan
    assert care.get_by_role("link", name="Introduction of Medical Examiners").count() == 0
    page.get_by_role("link", name="Introduction of Medical Examiners").click()
    assert page.url.endswith("/plans/nhsei-2019/#objective-MED-2")
    expect(page.locator("#objective-MED-2")).to_be_visible()


def test_by_directorate(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/by-directorate/")
    medical = page.locator("section", has=page.get_by_role("heading", name="Medical", exact=False).first)
    expect(page.get_by_role("heading", name="Nursing")).to_be_visible()
    expect(medical.first.get_by_text("Contributes to:").first).to_be_visible()
    screenshot(page, "plan-by-directorate")
    assert_accessible(page)
    page.get_by_role("link", name="Nursing").first.click()
    assert page.url.endswith("#directorate-2")


def test_matrix_on_a_wide_and_a_narrow_screen(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/matrix/")
    table = page.get_by_role("table", name="Directorate priorities by directorate and organisational priority")
    expect(
        table.get_by_role("columnheader", name="Organisational priority 1 Care Quality and Outcomes")
    ).to_be_visible()
    expect(table.get_by_role("rowheader", name="Medical")).to_be_visible()
    cell = table.get_by_role("row", name="Medical", exact=False).get_by_role("cell").first
    assert "Reduction in inappropriate prescribing of antibiotics" in cell.inner_text()
    screenshot(page, "plan-matrix")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator(".gt-matrix__column").first.is_visible()  # each stacked cell says which priority it is
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing runs off the side
    screenshot(page, "plan-matrix-narrow")
    assert_accessible(page)


def test_period_selector_and_filters_on_deliverables(signed_in):
    page = signed_in
    page.goto("/plans/example-2019/deliverables/")
    expect(page.get_by_text("The plan ended on 31 March 2020, so dates are judged as at its end.")).to_be_visible()
    page.get_by_label("As at").select_option("2019/20 Q3")
    page.get_by_role("button", name="Show").click()
    assert query(page)["as_at"] == ["2019/20 Q3"]
    expect(page.get_by_role("heading", name="Overdue (1)")).to_be_visible()
    expect(page.get_by_text("overdue by 92 days")).to_be_visible()
    screenshot(page, "plan-deliverables")
    assert_accessible(page)

    page.get_by_label("Directorate").select_option(label="Nursing Directorate")
    page.get_by_role("button", name="Apply filters").click()
    assert query(page) == {"as_at": ["2019/20 Q3"], "directorate": ["nursing"]}
    expect(page.get_by_role("link", name="Annual nursing workforce survey")).to_be_visible()
    assert (
        page.get_by_role(
            "link", name="Create AMR Programme including Programme Board and governance structures"
        ).count()
        == 0
    )
    # changing the period keeps the filter
    page.get_by_label("As at").select_option("2019/20 Q1")
    page.get_by_role("button", name="Show").click()
    assert query(page) == {"as_at": ["2019/20 Q1"], "directorate": ["nursing"]}
    assert page.get_by_label("Directorate").input_value() == "nursing"
    screenshot(page, "plan-deliverables-filtered")
    assert_accessible(page)
    # the plan navigation keeps the period
    page.get_by_role("navigation", name="Pages about this plan").get_by_role("link", name="Matrix").click()
    assert query(page) == {"as_at": ["2019/20 Q1"]} and page.get_by_label("As at").input_value() == "2019/20 Q1"


def test_budgets(signed_in):
    page = signed_in
    page.goto("/plans/example-2019/budgets/?as_at=2019/20 Q2")
    expect(page.get_by_role("heading", name="Budget 2019/20")).to_be_visible()
    assert page.get_by_role("row", name="Total of the lines", exact=False).inner_text().split()[-1] == "£20.6m"
    expect(page.get_by_text("No spend has been recorded against this budget")).to_be_visible()
    screenshot(page, "plan-budgets")
    assert_accessible(page)


def test_search_from_the_header(signed_in):
    page = signed_in
    page.goto("/plans/example-2019/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("antibiotics")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=antibiotics")
    expect(page.get_by_role("heading", name="2 results for “antibiotics”")).to_be_visible()
    screenshot(page, "search")
    assert_accessible(page)
    page.get_by_role("link", name="MED-1-M1 Reduction in inappropriate prescribing of antibiotics").click()
    assert page.url.endswith("/plans/nhsei-2019/#metric-MED-1-M1")
    expect(page.locator("#metric-MED-1-M1")).to_be_visible()


def test_search_shows_markup_as_text(signed_in):
    page = signed_in
    page.goto("/search/?q=<img src=x onerror=window.hacked=1>")
    assert (
        page.get_by_label("Search objectives, metrics and activities").input_value()
        == "<img src=x onerror=window.hacked=1>"
    )
    assert page.evaluate("window.hacked === undefined")
    expect(page.get_by_role("heading", name="No results for “<img src=x onerror=window.hacked=1>”")).to_be_visible()


def test_keyboard_reaches_plan_navigation_and_period(signed_in):
    page = signed_in
    page.goto("/plans/nhsei-2019/matrix/")
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("(document.activeElement.id || document.activeElement.textContent || '').trim()"))
        if "Show" in seen:
            break
    for stop in ("Overview", "By priority", "Deliverables", "Budgets", "as_at", "Show"):
        assert stop in seen, (stop, seen)
    # the select and button work from the keyboard alone
    page.focus("#as_at")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/matrix/?as_at=*")


def test_pages_work_without_javascript(browser, live_server, reader):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/plans/example-2019/deliverables/?as_at=2019/20 Q3")
        page.get_by_label("Owner").select_option(label="Chief Nursing Officer")
        page.get_by_role("button", name="Apply filters").click()
        assert query(page) == {"as_at": ["2019/20 Q3"], "owner": ["cno"]}
        expect(page.get_by_role("heading", name="No date (1)")).to_be_visible()
        page.get_by_label("As at").select_option("2019/20 Q2")
        page.get_by_role("button", name="Show").click()
        assert query(page) == {"as_at": ["2019/20 Q2"], "owner": ["cno"]}
        page.get_by_role("navigation", name="Pages about this plan").get_by_role("link", name="By priority").click()
        assert query(page) == {"as_at": ["2019/20 Q2"]}
        expect(page.get_by_role("heading", name="Care Quality and Outcomes")).to_be_visible()
    finally:
        context.close()
