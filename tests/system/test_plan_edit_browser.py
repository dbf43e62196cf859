"""A planner adds a metric with a target and a trajectory through the edit form in Chromium: the
first save, with a percentage in words and no reason, is refused with each problem at its field
and the values kept; more trajectory rows are asked for without saving; the second save goes into
the draft change (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans.models import Plan
from goldenthread.plans.store import load_plan

from .conftest import assert_accessible, screenshot, started
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"


@pytest.fixture
def planner(example_plan):
    load_plan(example_plan)
    user = get_user_model().objects.create_user("planner", password=PASSWORD, first_name="Priya")
    roles.grant(user, roles.PLANNING_TEAM, plan=Plan.objects.get(code="example-2019"))
    return user


def test_a_planner_adds_a_metric_with_a_target_and_a_trajectory(page, planner):
    sign_in(page, "planner", PASSWORD)
    page.goto("/plans/example-2019/edit/metrics/new/?objective=NUR-1")
    expect(page.get_by_role("heading", name="Add a metric")).to_be_visible()
    expect(page.get_by_label("Nursing workforce supply")).to_be_checked()
    page.get_by_label("Code", exact=True).fill("NUR-TURN")
    page.get_by_label("Title", exact=True).fill("Nursing <b>turnover</b>")
    page.get_by_label("Unit", exact=True).select_option("percentage")
    page.get_by_label("Polarity").select_option("lower_is_better")
    page.get_by_label("Target value").fill("twelve")
    page.get_by_label("Met when the value is").select_option("<=")
    page.get_by_label("By", exact=True).fill("2019/20 Q4")
    page.get_by_label("Period, row 1").first.fill("2019/20 Q1")
    page.get_by_label("Value, row 1").first.fill("14%")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Target value: Input should be a valid decimal")
    expect(summary).to_contain_text("Why is this changing?")
    started(summary).get_by_role("link", name="Target value").click()
    expect(page.get_by_label("Target value")).to_be_focused()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Nursing <b>turnover</b>")
    expect(page.get_by_label("Value, row 1").first).to_have_value("14%")
    assert changes.open_change(Plan.objects.get(code="example-2019")) is None

    page.get_by_role("button", name="More rows for Planned values").click()  # nothing saved, nothing lost
    expect(page.get_by_label("Period, row 5").first).to_be_visible()
    expect(page.get_by_label("Value, row 1").first).to_have_value("14%")
    page.get_by_label("Target value").fill("12%")
    page.get_by_label("Period, row 2").first.fill("2019/20 Q2")
    page.get_by_label("Value, row 2").first.fill("0.13")
    page.get_by_label("Rule, row 1").select_option("below_target_for")
    page.get_by_label("N periods, row 1").fill("2")
    page.get_by_label("Why is this changing?").fill("Turnover agreed as a measure at the March board")
    screenshot(page, "plan-edit-metric")
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Metric NUR-TURN saved in draft change 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit metric NUR-TURN")).to_be_visible()
    expect(page.get_by_label("Target value")).to_have_value("0.12")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Nursing <b>turnover</b>")
    change = changes.open_change(Plan.objects.get(code="example-2019"))
    metric = changes.element_data(change, "metrics", "NUR-TURN")
    assert metric["target"] == {"value": "0.12", "comparison": "<=", "by": "2019/20 Q4"}
    assert metric["trajectory"] == [
        {"period": "2019/20 Q1", "value": "0.14"},
        {"period": "2019/20 Q2", "value": "0.13"},
    ]
    assert metric["trigger_rules"] == [{"rule": "below_target_for", "periods": 2}]
    assert change.edits.get().reason == "Turnover agreed as a measure at the March board"


def test_a_planner_adds_an_agenda_item_to_a_meeting(page, example_text):
    """A meeting's agenda is edited as rows, like a trajectory: a paper kind goldenthread does not
    know is refused at its cell with the values kept; then the item is saved with its papers and
    presenter, the existing items as they were."""
    from tests.plans.test_store_governance import governed, plan_from

    load_plan(plan_from(governed(example_text)))
    user = get_user_model().objects.create_user("planner", password=PASSWORD, first_name="Priya")
    roles.grant(user, roles.PLANNING_TEAM, plan=Plan.objects.get(code="example-2019"))
    sign_in(page, "planner", PASSWORD)
    page.goto("/plans/example-2019/edit/meetings/BOARD-2019-06-27/")
    expect(page.get_by_role("heading", name="Edit meeting BOARD-2019-06-27")).to_be_visible()
    expect(page.get_by_label("Papers, row 2")).to_have_value("plan; board_pack")
    page.get_by_label("Number, row 4").fill("14")
    page.get_by_label("Title, row 4").fill("Risk <i>register</i>")
    page.get_by_label("Purpose, row 4").select_option("assurance")
    page.get_by_label("Presenter, row 4").select_option("cno")
    page.get_by_label("Papers, row 4").fill("exceptions; minutes")
    page.get_by_label("Why is this changing?").fill("Added at the chair's request")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    started(page.locator(".nhsuk-error-summary")).get_by_role("link", name="Agenda items, row 4, Papers").click()
    expect(page.get_by_label("Papers, row 4")).to_be_focused()
    expect(page.locator("#f-items-3--considers-error")).to_contain_text("board_pack")
    expect(page.get_by_label("Title, row 4")).to_have_value("Risk <i>register</i>")
    assert changes.open_change(Plan.objects.get(code="example-2019")) is None
    page.get_by_label("Papers, row 4").fill("exceptions; scorecard")
    screenshot(page, "plan-edit-agenda")
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Meeting BOARD-2019-06-27 saved in draft change 1")).to_be_visible()
    change = changes.open_change(Plan.objects.get(code="example-2019"))
    items = changes.element_data(change, "meetings", "BOARD-2019-06-27")["items"]
    assert [item["number"] for item in items] == ["11", "12", "13", "14"]
    assert items[3] == {
        "number": "14",
        "title": "Risk <i>register</i>",
        "purpose": "assurance",
        "presenter": "cno",
        "considers": ["exceptions", "scorecard"],
    }
