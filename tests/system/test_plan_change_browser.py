"""Change control in a real browser under the Content-Security-Policy: the planner submits the draft
(after a refused period), the owner finds it on My work and approves it into a version; a plan is
created from the home page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from .conftest import assert_accessible, screenshot, watched_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-browser-password"


@pytest.fixture
def plan(example_plan, settings) -> m.Plan:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_plan(example_plan)
    plan = m.Plan.objects.get(code="example-2019")
    users = get_user_model()
    for name in ("planner", "owner"):
        roles.grant(
            users.objects.create_user(name, password=PASSWORD, first_name=name.title()), roles.PLANNING_TEAM, plan=plan
        )
    plan.owner_account = users.objects.get(username="owner")
    plan.save(update_fields=["owner_account"])
    change = changes.draft_change(plan, users.objects.get(username="planner"))
    data = dict(changes.element_data(change, "metrics", "AMR-PRESC") or {})
    changes.save_element(
        change,
        "metrics",
        "AMR-PRESC",
        {**data, "target": {"value": "0.9"}},
        reason="Target agreed by the board",
        user=users.objects.get(username="planner"),
        seen=None,
    )
    return plan


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()


def test_the_planner_submits_and_the_owner_approves(page, plan, browser, live_server, csp_violations):
    sign_in(page, "planner")
    page.goto("/plans/example-2019/")
    expect(page.get_by_role("heading", name="Edit this plan")).to_be_visible()
    page.get_by_role("link", name="See the change").click()
    expect(page.get_by_role("heading", name="Change 1 to the plan", level=1)).to_be_visible()
    expect(page.locator("#edit-1")).to_contain_text("Target agreed by the board")
    assert_accessible(page)

    page.get_by_label("In force from").fill("2030/31 Q1")
    page.get_by_label("Summary").fill("A target for AMR prescribing")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("outside the plan period")
    expect(page.get_by_label("Summary")).to_have_value("A target for AMR prescribing")
    page.get_by_label("In force from").fill("2019/20 Q3")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#change-status")).to_contain_text("Awaiting approval")
    screenshot(page, "plan-change-submitted")

    owner = watched_page(browser, live_server, csp_violations)
    sign_in(owner, "owner")
    expect(owner.get_by_role("heading", name="Plan changes awaiting your decision (1)")).to_be_visible()
    owner.get_by_role("link", name="Change 1 to Example joint business plan 2019/20").click()
    owner.get_by_label("Comment").fill("Agreed")
    owner.get_by_role("button", name="Approve").click()
    expect(owner.locator("body")).to_contain_text("This is the plan’s latest version")  # the version page
    assert owner.url.endswith("/plans/example-2019/versions/2/")
    owner.context.close()


def test_a_planner_creates_a_plan_from_the_home_page(page, plan):
    sign_in(page, "planner")
    page.goto("/")
    page.get_by_role("link", name="Create a plan").click()
    page.get_by_label("Start from").select_option("example-2019")
    for label, value in (
        ("Plan code", "example-2020"),
        ("Title", "Example plan 2020/21"),
        ("Organisation code", "nhsei"),
        ("Organisation name", "NHS England and NHS Improvement"),
        ("First financial year", "2020/21"),
        ("Last financial year", "2020/21"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    assert_accessible(page)
    page.get_by_role("button", name="Create the plan").click()
    expect(page.locator("body")).to_contain_text("The plan example-2020 is created")
    expect(page.get_by_role("link", name="Add an objective")).to_be_visible()
    assert m.Plan.objects.get(code="example-2020").org_units.count() == 3
