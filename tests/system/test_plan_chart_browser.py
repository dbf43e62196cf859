"""A planner sets a metric's chart in Chromium (issue 18): the chart type, fix-after-n, a rebase
date with its reason and an annotation. The first save, with a p chart on a metric whose values
are not numerators over denominators and a rebase without its reason, is refused with each
problem at its field and what was typed kept; the second goes into the draft change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from goldenthread.plans import changes
from goldenthread.plans.models import Plan

from .conftest import assert_accessible, screenshot, started
from .test_browser import sign_in
from .test_plan_edit_browser import PASSWORD, planner  # noqa: F401  (the fixture: a planner of example-2019)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_a_planner_sets_a_metrics_chart_rebase_and_annotation(page, planner):  # noqa: F811
    sign_in(page, "planner", PASSWORD)
    page.goto("/plans/example-2019/edit/metrics/AMR-PRESC/")
    expect(page.get_by_role("heading", name="Edit metric AMR-PRESC")).to_be_visible()
    chart = page.get_by_label("Chart", exact=True)
    expect(chart).to_have_value("")  # none named: chosen from the unit and aggregation, a rate summed: XmR
    expect(chart.locator("option:checked")).to_have_text(
        "Chosen from the unit and aggregation: XmR chart (individuals and moving ranges)"
    )
    expect(page.get_by_text("u′ for any other ratio")).to_be_visible()
    chart.select_option("p")
    page.get_by_label("Fix the limits after").fill("12")
    page.get_by_label("Period, row 1").nth(1).fill("2019/20 Q2")  # the first is the trajectory's
    page.get_by_label("Date, row 1").fill("2019-08-05")
    page.get_by_label("Event, row 1").fill("<b>Stewardship</b> campaign")
    page.get_by_label("Why is this changing?").fill("Chart agreed with the medical directorate")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Rebase dates, row 1, Reason: 'reason' is required")
    started(summary).get_by_role("link", name="Rebase dates, row 1, Reason").click()
    expect(page.get_by_label("Reason, row 1")).to_be_focused()
    expect(page.get_by_label("Event, row 1")).to_have_value("<b>Stewardship</b> campaign")
    expect(page.get_by_label("Chart", exact=True)).to_have_value("p")
    page.get_by_label("Reason, row 1").fill("Prescribing guidance <i>revised</i>")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Chart: a p chart (proportions) needs numerators and denominators, but this metric's aggregation is 'sum'"
    )
    expect(page.locator("#f-chart-error")).to_contain_text("choose xmr or run")
    assert changes.open_change(Plan.objects.get(code="example-2019")) is None
    page.get_by_label("Chart", exact=True).select_option("run")
    screenshot(page, "plan-edit-chart")
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Metric AMR-PRESC saved in draft change 1")).to_be_visible()
    expect(page.get_by_label("Chart", exact=True)).to_have_value("run")
    expect(page.get_by_label("Event, row 1")).to_have_value("<b>Stewardship</b> campaign")
    change = changes.open_change(Plan.objects.get(code="example-2019"))
    metric = changes.element_data(change, "metrics", "AMR-PRESC")
    assert (metric["chart"], metric["fix_after_n"]) == ("run", 12)
    assert metric["rebase"] == [{"date": "2019/20 Q2", "reason": "Prescribing guidance <i>revised</i>"}]
    assert metric["annotations"] == [{"date": "2019-08-05", "text": "<b>Stewardship</b> campaign"}]
