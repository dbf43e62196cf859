"""Issue 21's Done-when on the web, in Chromium under the Content-Security-Policy: a planner uploads
seed 001 as written on "Start a plan from a document", gets the draft in the workbench — each
drafted element with where it is printed and its note, the low-confidence ones marked REVIEW —
corrects two elements (an objective's title; a metric flagged REVIEW: its title, unit and target),
and submits the change; an administrator approves it, and the new plan's page shows the corrected
elements.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.planfile.provenance import added_notes
from goldenthread.plans import changes
from goldenthread.plans import models as pm
from goldenthread.plans.store import export_plan, load_plan

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-drafting-password"
SEED = Path(__file__).resolve().parents[2] / "plans" / "sources" / "001_2e7870ac3d1dd1b8.txt"
CODE = "nhsei-2019-drafted"
PLAN = f"/plans/{CODE}"


@pytest.fixture
def people(settings, example_plan) -> None:
    """A planner (in another plan's planning team, so they may create plans) and an administrator."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_plan(example_plan)
    users = get_user_model().objects
    planner = users.create_user("planner", password=PASSWORD, first_name="Priya", last_name="Planner")
    roles.grant(planner, roles.PLANNING_TEAM, plan=pm.Plan.objects.get(code="example-2019"))
    users.create_user("admin", password=PASSWORD, first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def person(sign_in):
    return lambda username: sign_in(username, PASSWORD)


def save_with(page, reason: str) -> None:
    page.get_by_label("Why is this changing?").fill(reason)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("with your reason")


def upload_seed_001(page) -> None:
    page.goto("/plans/new/")
    page.get_by_role("link", name="Start a plan from a document").click()
    expect(page.get_by_role("heading", name="Start a plan from a document", level=1)).to_be_visible()
    page.get_by_label("The business plan document").set_input_files(str(SEED))
    page.get_by_label("Plan code (optional)").fill(CODE)
    page.get_by_role("button", name="Draft the plan").click()
    expect(page).to_have_url(re.compile(rf"{PLAN}/change/#drafted$"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"{CODE} is drafted from {SEED.name}")


def test_a_planner_drafts_seed_001_corrects_two_elements_and_it_becomes_the_plan(person, people):
    planner = person("planner")
    upload_seed_001(planner)
    change = changes.open_change(pm.Plan.objects.get(code=CODE))
    assert change is not None
    drafted = changes.working_plan(change)
    objective = drafted.objectives[0]
    metric = next((m for m in drafted.metrics if "REVIEW" in m.added[0].note), drafted.metrics[0])

    # the workbench: every drafted element with where it is printed; the low-confidence ones flagged
    table = planner.locator("#drafted-elements")
    expect(planner.get_by_role("heading", name=re.compile(rf"^Drafted from {re.escape(SEED.name)}"))).to_be_visible()
    notes = [entry.note for _, _, entry in added_notes(drafted) if entry.note.startswith("Drafted from the document")]
    expect(table.locator("tbody tr")).to_have_count(len(notes))
    metric_row = table.locator("tr", has=planner.locator("code", has_text=re.compile(f"^{metric.code}$")))
    expect(metric_row).to_contain_text(metric.source or "")
    expect(metric_row).to_contain_text("Drafted from the document by rule")
    flagged = [note for note in notes if "REVIEW" in note]
    expect(table.locator("tr.gt-drafted--review")).to_have_count(len(flagged))
    if flagged:
        expect(table.locator("tr.gt-drafted--review").first).to_contain_text("REVIEW: low confidence")
    assert_accessible(planner)
    screenshot(planner, "from-document-drafted")

    # only those still to review: a checkbox and a button (a GET back at the table, no script needed)
    assert flagged
    planner.get_by_label(f"Show only the {len(flagged)} marked REVIEW and not yet corrected").check()
    planner.get_by_role("button", name="Show the drafted elements chosen").click()
    expect(planner).to_have_url(re.compile(rf"{PLAN}/change/\?show=review#drafted$"))
    expect(table.locator("tbody tr")).to_have_count(len(flagged))
    expect(table.locator("tr.gt-drafted--review")).to_have_count(len(flagged))
    expect(planner.locator("#drafted-shown")).to_have_text(
        f"Showing {len(flagged)} of {len(notes)} drafted elements: those marked REVIEW and not yet corrected."
    )
    assert_accessible(planner)
    planner.get_by_role("link", name=f"Show all {len(notes)} drafted elements").click()
    expect(table.locator("tbody tr")).to_have_count(len(notes))

    # correction 1: an objective's title, from its row in the drafted list
    table.get_by_role("link", name=re.compile(f"^{objective.code} ")).click()
    expect(planner.get_by_role("heading", name=f"Edit objective {objective.code}", level=1)).to_be_visible()
    expect(planner.locator("#drafted-note")).to_contain_text("Drafted from the document by rule")
    planner.get_by_label("Title", exact=True).fill("Better care quality and outcomes for patients")
    save_with(planner, "Title as the board agreed it")

    # correction 2: the metric flagged REVIEW — its title, unit and target
    planner.goto(f"{PLAN}/change/")
    planner.locator("#drafted-elements").get_by_role("link", name=re.compile(f"^{metric.code} ")).click()
    expect(planner.locator("#drafted-note")).to_contain_text(metric.added[0].note[:60])
    planner.get_by_label("Title", exact=True).fill("Hospital deaths subject to Medical Examiner scrutiny")
    planner.get_by_label("Unit", exact=True).select_option("percentage")
    planner.get_by_label("Target value").fill("100%")
    planner.get_by_label("Met when the value is").select_option(">=")
    planner.get_by_label("Target as printed").fill("All hospital deaths by March 2020")
    save_with(planner, "Checked against the document: the target is all deaths")

    planner.goto(f"{PLAN}/change/")
    for code in (objective.code, metric.code):
        row = planner.locator("#drafted-elements tr", has=planner.locator("code", has_text=re.compile(f"^{code}$")))
        expect(row).to_contain_text("Corrected")
    planner.get_by_label("In force from").fill("2019/20 Q1")
    planner.get_by_label("Summary").fill("The joint work programme as drafted from its paper, checked")
    planner.get_by_role("button", name="Submit for approval").click()
    expect(planner.locator("#change-status")).to_contain_text("Awaiting approval")

    admin = person("admin")
    admin.goto(f"{PLAN}/change/")
    admin.get_by_label("Comment").fill("Agreed")
    admin.get_by_role("button", name="Approve").click()
    expect(admin).to_have_url(re.compile(rf"{PLAN}/versions/2/$"))

    # the new plan's page shows the corrected elements
    planner.goto(f"{PLAN}/")
    main = planner.locator("main")
    expect(main).to_contain_text("Better care quality and outcomes for patients")
    expect(main).to_contain_text("Hospital deaths subject to Medical Examiner scrutiny")
    expect(planner.get_by_role("heading", name="Better care quality and outcomes for patients")).to_be_visible()
    expect(planner.get_by_role("heading", name=objective.title, exact=True)).to_have_count(0)
    assert_accessible(planner)
    screenshot(planner, "from-document-plan")
    live = export_plan(CODE)
    corrected = next(m for m in live.metrics if m.code == metric.code)
    assert corrected.target is not None and corrected.target.text == "All hospital deaths by March 2020"
    assert (str(corrected.target.value.normalize()), corrected.target.comparison) == ("1", ">=")
    assert len(live.objectives) == len(drafted.objectives) and live.source_document.file == SEED.name
