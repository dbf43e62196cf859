"""The plan workbench end to end, on seed 001 in Chromium under the Content-Security-Policy.

The planner follows the quality check's "metric with no target" to the metric's form and fixes it;
adds an owner (the plan names none), an objective under an organisational priority, a metric of it
with a target, and a deliverable with that owner and a due date; and submits the change, in force
from 2019/20 Q3. The plan's owner finds it on My work and approves it. The versions page shows
version 2, and the comparison of versions 1 and 2 lists exactly those five changes. A directorate
lead sees no edit controls and is refused when posting to them. The plan then exports to the file
of version 2, which loads back to the same plan.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.planfile import to_yaml, validate_file, validate_text
from goldenthread.plans import models as pm
from goldenthread.plans import versions
from goldenthread.plans.store import export_plan, load_plan

from ..conftest import PROJECT
from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-workbench-password"
PLAN = "/plans/nhsei-2019"


@pytest.fixture
def seed_001(settings) -> pm.Plan:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    plan = pm.Plan.objects.get(code="nhsei-2019")
    users = get_user_model().objects
    people = {
        "planner": (roles.PLANNING_TEAM, None, "Priya Planner"),
        "director": (roles.PLANNING_TEAM, None, "Dee Director"),
        "medical-lead": (roles.LEAD, plan.org_units.get(code="medical"), "Mo Medical"),
    }
    for username, (role, unit, name) in people.items():
        first, last = name.split()
        user = users.create_user(username, password=PASSWORD, first_name=first, last_name=last)
        roles.grant(user, role, plan=plan, org_unit=unit)
    plan.owner_account = users.get(username="director")
    plan.save(update_fields=["owner_account"])
    return plan


@pytest.fixture
def person(sign_in):
    """Signs a person in with the test's password, in a browser context of their own."""
    return lambda username: sign_in(username, PASSWORD)


def save_with(page, reason: str) -> None:
    page.get_by_label("Why is this changing?").fill(reason)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("with your reason")


def fix_the_metric_with_no_target(page) -> None:
    page.goto(f"{PLAN}/")
    page.locator("#quality summary").click()
    no_target = page.locator("#to-do-metric_without_target")
    expect(no_target).to_contain_text("MED-1-M2")
    no_target.get_by_role("link", name=re.compile(r"^MED-1-M2 ")).click()
    expect(page.get_by_role("heading", name="Edit metric MED-1-M2", level=1)).to_be_visible()
    page.get_by_label("Target value").fill("10%")
    page.get_by_label("Met when the value is").select_option(">=")
    page.get_by_label("Target as printed").fill("A 10% reduction by March 2020")
    save_with(page, "Target agreed at the October board")
    page.goto(f"{PLAN}/change/")
    expect(page.locator("#to-do-metric_without_target")).not_to_contain_text("MED-1-M2")


def add_an_owner_an_objective_a_metric_and_a_deliverable(page) -> None:
    page.goto(f"{PLAN}/edit/owners/new/")
    page.get_by_label("Code", exact=True).fill("nmd")
    page.get_by_label("Role title").fill("National Medical Director")
    save_with(page, "The plan names no owners yet; the deliverable needs one")

    page.goto(f"{PLAN}/edit/objectives/1/")
    page.get_by_role("link", name="Add an objective under 1").click()
    page.get_by_label("Code", exact=True).fill("MED-9")
    page.get_by_label("Level", exact=True).select_option("dir-priority")
    page.get_by_label("Title", exact=True).fill("Reduce <b>avoidable</b> harm")
    page.get_by_label("Org unit", exact=True).select_option("medical")
    save_with(page, "A new directorate priority agreed with the Medical Director")

    page.get_by_role("link", name="Add a metric of MED-9").click()
    page.get_by_label("Code", exact=True).fill("MED-9-M")
    page.get_by_label("Title", exact=True).fill("Patients harmed per 1,000 admissions")
    page.get_by_label("Unit", exact=True).select_option("rate")
    page.get_by_label("Polarity", exact=True).select_option("lower_is_better")
    page.get_by_label("Target value").fill("2.5")
    page.get_by_label("Met when the value is").select_option("<=")
    save_with(page, "The measure of the new priority")

    page.goto(f"{PLAN}/edit/objectives/MED-9/")
    page.get_by_role("link", name="Add an activity or deliverable to MED-9").click()
    page.get_by_label("Code", exact=True).fill("MED-9-a")
    page.get_by_label("Title", exact=True).fill("Publish the harm reduction programme")
    page.get_by_label("Type", exact=True).select_option("deliverable")
    page.get_by_label("Owner", exact=True).select_option("nmd")
    page.get_by_label("Due", exact=True).fill("2020-03-31")
    save_with(page, "The deliverable the board asked for")


def test_a_change_to_seed_001_from_the_quality_check_to_version_2(person, seed_001, tmp_path):
    planner = person("planner")
    fix_the_metric_with_no_target(planner)
    add_an_owner_an_objective_a_metric_and_a_deliverable(planner)

    planner.goto(f"{PLAN}/change/")
    expect(planner.get_by_role("heading", name="Edits (5)")).to_be_visible()
    expect(planner.locator("#edit-3")).to_contain_text("Reduce <b>avoidable</b> harm")  # shown as text
    assert_accessible(planner)
    planner.get_by_label("In force from").fill("2019/20 Q3")
    planner.get_by_label("Summary").fill("Q3 revision agreed at the October board")
    planner.get_by_role("button", name="Submit for approval").click()
    expect(planner.locator("#change-status")).to_contain_text("Awaiting approval")
    screenshot(planner, "workbench-submitted")

    lead = person("medical-lead")
    lead.goto(f"{PLAN}/")
    expect(lead.get_by_role("heading", name=seed_001.title, level=1)).to_be_visible()
    expect(lead.get_by_role("heading", name="Edit this plan")).to_have_count(0)
    expect(lead.get_by_role("link", name="Upload a changed workbook")).to_have_count(0)
    expect(lead.locator(f'a[href*="{PLAN}/edit/"]')).to_have_count(0)
    token = next(c["value"] for c in lead.context.cookies() if c["name"] == "csrftoken")
    for address in ("edit/objectives/new/", "edit/metrics/MED-2-M1/", "edit/risks/new/", "change/", "upload-plan/"):
        refused = lead.request.post(
            f"{PLAN}/{address}",
            form={"code": "X", "title": "Sneaked in", "reason": "r", "action": "approve"},
            headers={"X-CSRFToken": token, "Referer": lead.url},
        )
        assert refused.status == 403, (address, refused.status)

    director = person("director")
    director.get_by_role("link", name=re.compile(r"^Change 1 to NHS England and NHS Improvement Joint")).click()
    director.get_by_label("Comment").fill("Agreed")
    director.get_by_role("button", name="Approve").click()
    expect(director).to_have_url(re.compile(r"/plans/nhsei-2019/versions/2/$"))
    expect(director.locator(".nhsuk-notification-banner")).to_contain_text("Change 1 is approved")

    director.goto(f"{PLAN}/versions/")
    versions_table = director.locator("main")
    expect(versions_table).to_contain_text("Approved change 1")
    expect(versions_table).to_contain_text("2019/20 Q3")
    director.goto(f"{PLAN}/versions/compare/?from=1&to=2")
    rows = director.locator(".gt-compare__table tbody tr")
    expect(rows).to_have_count(5)
    for code, action in (
        ("MED-1-M2", "changed"),
        ("nmd", "added"),
        ("MED-9", "added"),
        ("MED-9-M", "added"),
        ("MED-9-a", "added"),
    ):
        row = director.locator(
            f"tr.gt-compare__row--{action}", has=director.locator("code", has_text=re.compile(f"^{code}$"))
        )
        expect(row).to_have_count(1)
    expect(director.locator("tr.gt-compare__row--changed")).to_contain_text("A 10% reduction by March 2020")
    expect(director.locator(".gt-compare__fields").first).to_be_visible()
    assert not director.locator("#compare-plan").count()  # the plan's own fields did not change
    assert_accessible(director)
    screenshot(director, "workbench-compare")

    # the plan as a file: the export is version 2's file, and loads back to the same plan
    exported = to_yaml(export_plan("nhsei-2019"))
    assert exported == to_yaml(versions.version_plan(seed_001.versions.get(number=2)))
    reloaded = validate_text(exported, "nhsei-2019.yaml")
    assert reloaded.ok, reloaded.problems
    assert str(load_plan(reloaded.plan)) == "nhsei-2019: unchanged"
    assert to_yaml(export_plan("nhsei-2019")) == exported
    metric = pm.Metric.objects.get(plan=seed_001, code="MED-1-M2")
    assert (str(metric.target_value.normalize()), metric.target_comparison) == ("0.1", ">=")
    activity = pm.Activity.objects.get(plan=seed_001, code="MED-9-a")
    assert (activity.kind, activity.due_text, activity.owner.code) == ("deliverable", "2020-03-31", "nmd")
    assert pm.Objective.objects.get(plan=seed_001, code="MED-9").parent.code == "1"
