"""A planner of nhsei-2019 in Chromium downloads the plan as an Excel workbook from the plan page,
gives a metric a target in Excel, uploads it with a typing slip (refused: every problem at its sheet
and cell, nothing changed), then again corrected — and finds the edit in the plan's draft change.
A directorate lead sees the downloads but no upload."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.planfile import validate_file
from goldenthread.plans import changes
from goldenthread.plans.models import Plan, PlanChange
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from .conftest import assert_accessible, screenshot
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"


@pytest.fixture
def plan() -> Plan:
    load_plan(validate_file(PROJECT / "plans" / "nhsei-2019.yaml").plan)
    plan = Plan.objects.get(code="nhsei-2019")
    users = get_user_model().objects
    roles.grant(users.create_user("planner", password=PASSWORD), roles.PLANNING_TEAM, plan=plan)
    roles.grant(users.create_user("lead", password=PASSWORD), roles.LEAD, org_unit=plan.org_units.get(code="medical"))
    return plan


def test_a_planner_changes_the_plan_in_excel(page, plan, tmp_path):
    sign_in(page, "planner", PASSWORD)
    page.goto("/plans/nhsei-2019/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel", exact=True).click()
    workbook = tmp_path / "nhsei-2019.xlsx"
    download.value.save_as(workbook)
    assert download.value.suggested_filename == "nhsei-2019.xlsx"

    book = load_workbook(workbook)
    metrics = book["Metrics"]
    assert metrics["A2"].value == "MED-1-M1" and metrics["K1"].value == "target.value"
    metrics["K2"] = "ten per cent"
    book.save(workbook)
    page.get_by_role("link", name="Upload a changed workbook").click()
    expect(page.get_by_role("heading", name="Upload a changed plan")).to_be_visible()
    page.get_by_label("The changed plan").set_input_files(str(workbook))
    page.get_by_label("Why is the plan changing?").fill("Targets agreed by the board in March")
    page.get_by_role("button", name="Check and put into the draft change").click()
    expect(page.get_by_text("There is a problem: nothing was changed")).to_be_visible()
    row = page.get_by_role("row", name="Metrics!K2")
    expect(row).to_contain_text("metrics[0].target.value")
    expect(row).to_contain_text("Input should be a valid decimal, not 'ten per cent'")
    expect(page.get_by_label("Why is the plan changing?")).to_have_value("Targets agreed by the board in March")
    assert_accessible(page)
    screenshot(page, "plan-upload-problems")
    assert not PlanChange.objects.exists()

    metrics["K2"] = 0.1
    metrics["L2"] = "<="
    book.save(workbook)
    page.get_by_label("The changed plan").set_input_files(str(workbook))
    page.get_by_role("button", name="Check and put into the draft change").click()
    page.wait_for_url("**/plans/nhsei-2019/change/")
    expect(page.get_by_text("nhsei-2019.xlsx: 1 edit in draft change 1")).to_be_visible()
    change = changes.open_change(plan)
    assert change is not None
    (edit,) = change.edits.all()
    assert (edit.code, edit.reason) == ("MED-1-M1", "Targets agreed by the board in March")
    assert edit.after["target"] == {"value": "0.1", "comparison": "<="}


def test_a_lead_downloads_but_does_not_upload(page, plan):
    sign_in(page, "lead", PASSWORD)
    page.goto("/plans/nhsei-2019/")
    expect(page.get_by_role("link", name="YAML", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Excel", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Upload a changed workbook")).to_have_count(0)
    response = page.goto("/plans/nhsei-2019/upload-plan/")
    assert response is not None and response.status == 403
