"""A planner of nhsi-2016 uploads A&E figures through the page in Chromium: sees each metric's
frequency, checks the file, reads the preview (nothing written yet), then loads it; a planner of
another plan is refused nhsi-2016 (issue 13)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.planfile import validate_file
from goldenthread.plans.models import Plan
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from .conftest import screenshot
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"
FIGURES = (
    "metric,org_unit,period,numerator,denominator\n"
    "AE4HR,england,2017-02,1700000,1900000\n"
    "AE4HR,england,2017-03,1800000,2000000\n"
)


@pytest.fixture
def planners(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    for code in ("nhsi-2016", "nhse-2013"):
        load_plan(validate_file(PROJECT / "plans" / f"{code}.yaml").plan)
    users = {}
    for name, code in (("nhsi-planner", "nhsi-2016"), ("nhse-planner", "nhse-2013")):
        users[name] = get_user_model().objects.create_user(name, password=PASSWORD)
        roles.grant(users[name], roles.PLANNING_TEAM, plan=Plan.objects.get(code=code))
    return users


def test_a_planner_of_nhsi_2016_previews_then_loads_a_csv(page, planners, tmp_path):
    data = tmp_path / "ae-feb-mar.csv"
    data.write_text(FIGURES)
    sign_in(page, "nhsi-planner", PASSWORD)
    page.get_by_role("link", name="Upload data").click()
    expect(page.get_by_role("heading", name="Upload data")).to_be_visible()
    expect(page.get_by_role("row", name="AE4HR A&E four-hour performance percentage")).to_contain_text("monthly")
    expect(page.get_by_role("link", name="Download the data template for nhsi-2016 (CSV)")).to_be_visible()

    page.get_by_label("Plan", exact=True).select_option("nhsi-2016")
    page.get_by_label("Data file").set_input_files(str(data))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check before loading")).to_be_visible()
    expect(page.get_by_text("Check what will be loaded: nothing has been written yet")).to_be_visible()
    row = page.get_by_role("row", name="AE4HR")
    expect(row).to_contain_text("england")
    expect(row).to_contain_text("Feb 2017 to Mar 2017")
    screenshot(page, "upload-preview")
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0

    form = {name: page.locator(f"input[name='{name}']").input_value() for name in ("token", "csrfmiddlewaretoken")}
    page.get_by_role("button", name="Load the data").click()
    expect(page.get_by_role("heading", name="Data loaded")).to_be_visible()
    expect(page.get_by_text("ae-feb-mar.csv: loaded into plan nhsi-2016")).to_be_visible()
    assert Observation.objects.filter(metric__code="AE4HR").count() == 2
    assert LoadBatch.objects.get().loaded_by == planners["nhsi-planner"]

    # the same confirmation sent again (a second tab, a resent form) loads nothing twice
    again = page.context.request.post("/data/upload/", form={**form, "action": "load"}, headers={"Referer": page.url})
    assert again.status == 200 and "This file was loaded already; nothing was loaded again." in again.text()
    assert LoadBatch.objects.count() == 1


def test_a_planner_of_another_plan_is_refused_nhsi_2016(page, planners):
    sign_in(page, "nhse-planner", PASSWORD)
    page.goto("/data/upload/")
    plan = page.get_by_label("Plan", exact=True)
    expect(plan.locator("option[value='nhse-2013']")).to_have_count(1)
    expect(plan.locator("option[value='nhsi-2016']")).to_have_count(0)
    response = page.goto("/data/upload/nhsi-2016/template.csv")
    assert response is not None and response.status == 403
    expect(page.get_by_text("You do not have permission to load data into this plan")).to_be_visible()
