"""The quarterly cycle in a real browser: a lead submits, the planning team returns it, the lead
resubmits, the planning team approves; the public sees only what is published; the cycle's
pages have no serious or critical accessibility problems."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.cycles import services
from goldenthread.cycles.models import Submission
from goldenthread.planfile import validate_file
from goldenthread.plans import models as pm
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"
Q1 = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/"


@pytest.fixture
def cycle(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    plan = pm.Plan.objects.get(code="nhsei-2019")
    services.generate_periods(plan)
    services.set_return_metrics(plan, {plan.metrics.get(code="MED-2-M1").pk})
    users = get_user_model().objects
    people = {
        "medical-lead": (roles.LEAD, plan.org_units.get(code="medical"), "Mo Medical"),
        "nursing-lead": (roles.LEAD, plan.org_units.get(code="nursing"), "Nia Nursing"),
        "planner": (roles.PLANNING_TEAM, None, "Priya Planner"),
    }
    for username, (role, unit, name) in people.items():
        first, last = name.split()
        user = users.create_user(
            username, email=f"{username}@example.org", password=PASSWORD, first_name=first, last_name=last
        )
        roles.grant(user, role, plan=plan, org_unit=unit)
    return plan


def signed_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    return page


def fill_complete_update(page):
    page.get_by_role("group", name="Overall RAG rating").get_by_label("Green").check()
    page.get_by_label("Reason for the rating").fill("Programme board in place; recruitment on plan.")
    page.get_by_label("Commentary", exact=True).fill("A good first quarter.")
    for code in ("MED-1", "MED-2"):
        page.get_by_role("group", name=f"RAG rating for {code}").get_by_label("Green").check()
        page.get_by_label(f"Reason for {code}'s rating").fill(f"{code} on track")
    for code in ("MED-1-a", "MED-1-b", "MED-2-a"):
        page.get_by_label(f"Status of {code}").select_option("in_progress")
    page.get_by_label("Numerator for MED-2-M1").fill("1,200")
    page.get_by_label("Denominator for MED-2-M1").fill("4000")


def test_submit_return_resubmit_approve(browser, live_server, cycle):
    lead = signed_in(browser, live_server, "medical-lead")
    lead.goto("/updates/")
    expect(lead.get_by_role("heading", name="My updates")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name="Start the Medical update for 2019/20 Q1").click()
    expect(lead.get_by_role("heading", name="Medical update", level=1)).to_be_visible()
    assert_accessible(lead)

    # a first attempt with a mistake: every error shown, the text kept
    fill_complete_update(lead)
    lead.get_by_label("Denominator for MED-2-M1").fill("none")
    lead.get_by_role("button", name="Save and submit").click()
    expect(lead.get_by_text("There is a problem")).to_be_visible()
    assert lead.get_by_role(
        "link", name="Enter the denominator for MED-2-M1 as a number, like 95 or 1,250.5"
    ).is_visible()
    assert lead.get_by_label("Reason for the rating").input_value() == "Programme board in place; recruitment on plan."
    screenshot(lead, "cycle-update-errors")
    assert_accessible(lead)
    lead.get_by_label("Denominator for MED-2-M1").fill("4000")
    lead.get_by_role("button", name="Save and submit").click()
    expect(lead.get_by_text("is submitted to the planning team")).to_be_visible()
    assert lead.locator("#status").inner_text().strip() == "Submitted"
    expect(lead.get_by_text("30.0% (1200 of 4000)")).to_be_visible()
    assert_accessible(lead)

    # the planning team returns it with comments
    planner = signed_in(browser, live_server, "planner")
    planner.goto("/updates/")
    planner.get_by_role("link", name="Review the Medical update for 2019/20 Q1").click()
    planner.get_by_label("Return with comments").check()
    planner.get_by_role("button", name="Record the decision").click()
    expect(
        planner.get_by_role("link", name="Say what needs to change before the update can be approved")
    ).to_be_visible()
    planner.get_by_label("Comments", exact=True).fill("Please add the regional breakdown.")
    planner.get_by_role("button", name="Record the decision").click()
    expect(planner.get_by_text("returned to Medical with your comments")).to_be_visible()
    assert planner.locator("#status").inner_text().strip() == "Returned"
    screenshot(planner, "cycle-returned")
    assert_accessible(planner)

    # the lead revises and resubmits
    lead.goto("/updates/")
    lead.get_by_role("link", name="Revise and resubmit the Medical update for 2019/20 Q1").click()
    expect(lead.get_by_text("Please add the regional breakdown.")).to_be_visible()
    lead.get_by_label("Commentary", exact=True).fill("A good first quarter. Regional breakdown: North 40%, South 20%.")
    lead.get_by_role("button", name="Save and submit").click()
    assert lead.locator("#status").inner_text().strip() == "Submitted"

    # the planning team approves
    planner.goto(Q1)
    expect(planner.get_by_text("Regional breakdown: North 40%, South 20%.").first).to_be_visible()
    planner.get_by_label("Approve", exact=True).check()
    planner.get_by_role("button", name="Record the decision").click()
    assert planner.locator("#status").inner_text().strip() == "Approved"
    events = planner.locator("#events li strong").all_inner_texts()
    assert events == ["Submitted", "Returned with comments", "Resubmitted", "Approved"]
    assert Submission.objects.get().status == "approved"
    screenshot(planner, "cycle-approved")

    # the whole story is in the history
    planner.get_by_role("link", name="Full history of changes").click()
    expect(planner.get_by_role("heading", name="History of Medical 2019/20 Q1")).to_be_visible()
    expect(planner.get_by_text("Regional breakdown: North 40%, South 20%.").first).to_be_visible()
    assert_accessible(planner)


def test_the_public_sees_only_what_is_published(browser, live_server, cycle, page):
    plan = cycle
    lead = get_user_model().objects.get(username="medical-lead")
    nursing = get_user_model().objects.get(username="nursing-lead")
    planner_user = get_user_model().objects.get(username="planner")
    medical, nursing_unit = plan.org_units.get(code="medical"), plan.org_units.get(code="nursing")
    q1 = plan.reporting_periods.get(label="2019/20 Q1")
    scope = services.unit_scope(plan, medical)
    data = services.UpdateData(rag="green", rag_reason="Approved reason words", commentary="Approved commentary words")
    for o in scope.objectives:
        data.objectives[o.pk] = {"rag": "green", "rag_reason": "fine"}
    for a in scope.activities:
        data.activities[a.pk] = {"status": "in_progress", "commentary": ""}
    for x in scope.metrics:
        data.metrics[x.pk] = {"numerator": 1, "denominator": 2, "value": 0.5, "note": ""}
    sub = services.save_update(q1, medical, data, based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="Internal approval note", based_on=sub.version, user=planner_user)
    services.save_update(
        q1, nursing_unit, services.UpdateData(commentary="Nursing draft, not for the public"), based_on=0, user=nursing
    )

    # before publishing, the public sees nothing
    page.goto("/public/")
    expect(page.get_by_text("Nothing has been published yet.")).to_be_visible()
    assert page.goto("/public/plans/nhsei-2019/").status == 404

    # the planning team publishes the plan and its first quarter through the pages
    planner = signed_in(browser, live_server, "planner")
    planner.goto("/plans/nhsei-2019/cycle/")
    assert_accessible(planner)
    planner.get_by_role("button", name="Publish the plan").click()
    expect(planner.get_by_text("The plan is published on the public pages.")).to_be_visible()
    planner.get_by_role("link", name="2019/20 Q1", exact=True).click()
    assert_accessible(planner)
    planner.get_by_role("button", name="Publish 2019/20 Q1").click()
    expect(planner.get_by_text("2019/20 Q1 is published on the public pages.")).to_be_visible()
    page.goto("/public/")
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", name=plan.title, level=1)).to_be_visible()
    assert page.get_by_role("link", name="2019/20 Q2").count() == 0
    screenshot(page, "public-plan")
    assert_accessible(page)
    page.get_by_role("link", name="2019/20 Q1", exact=True).click()
    expect(page.get_by_text("Approved commentary words")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Nursing draft" not in body and "Internal approval note" not in body
    screenshot(page, "public-period")
    assert_accessible(page)
    assert page.goto("/public/plans/nhsei-2019/2019-20-q2/").status == 404
    # and the signed-in pages stay closed to the public
    page.goto(Q1)
    assert "/accounts/login/" in page.url


def test_other_cycle_pages_are_accessible(browser, live_server, cycle):
    plan = cycle
    planner_user = get_user_model().objects.get(username="planner")
    lead_user = get_user_model().objects.get(username="medical-lead")
    medical = plan.org_units.get(code="medical")
    q1 = plan.reporting_periods.get(label="2019/20 Q1")
    sub = services.save_update(q1, medical, services.UpdateData(commentary="draft"), based_on=0, user=lead_user)
    review = services.save_review(
        q1,
        medical,
        services.ReviewData(
            status="held",
            held_on=q1.end,
            chair="CFO",
            pack="Q1 pack",
            summary="Discussed",
            attendees=[("Ann", "NMD")],
            decisions=["Agreed"],
            actions={},
            new_actions=[{"description": "Share the trajectory", "owner": "NMD", "due_on": q1.end}],
        ),
        based_on=0,
        user=planner_user,
    )
    planner = signed_in(browser, live_server, "planner")
    for url in (
        "/overdue/",
        "/actions/",
        Q1 + "review/",
        Q1 + "review/edit/",
        f"/history/submission/{sub.pk}/",
        f"/actions/{review.actions.get().pk}/close/",
        "/plans/nhsei-2019/periods/2019-20-q1/dates/",
    ):
        planner.goto(url)
        assert planner.locator("h1").count() == 1, url
        assert_accessible(planner)
    planner.goto(Q1 + "review/edit/")
    planner.get_by_label("Date held").fill("not a date")
    planner.get_by_role("button", name="Save the review").click()
    assert planner.get_by_role(
        "link", name=re.compile("Enter the date the review was held as a real date")
    ).is_visible()
    assert_accessible(planner)
