"""Everyone finds their work, in a real browser under the Content-Security-Policy: the medical lead
signs in and lands on My work, finds it again from the header, reaches the due update and their
action, and records progress on the action."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.cycles import services

from .conftest import assert_accessible, screenshot
from .test_cycle import PASSWORD, cycle  # noqa: F401  (the fixture: seed 001, its periods, the people)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def an_action_for_the_lead(plan):
    lead = get_user_model().objects.get(username="medical-lead")
    services.save_review(
        plan.reporting_periods.get(label="2019/20 Q1"),
        plan.org_units.get(code="medical"),
        services.ReviewData(
            status="held",
            held_on=date(2019, 7, 25),
            chair="Chief Financial Officer",
            pack="",
            summary="",
            attendees=[("Mo Medical", "National Medical Director")],
            decisions=[],
            actions={},
            new_actions=[
                {
                    "description": "Share the regional recruitment trajectory",
                    "owner": "Mo Medical",
                    "owner_account": lead,
                    "due_on": date(2019, 9, 30),
                }
            ],
        ),
        based_on=0,
        user=get_user_model().objects.get(username="planner"),
    )


def test_the_medical_lead_finds_their_work_from_the_header(page, cycle):  # noqa: F811
    an_action_for_the_lead(cycle)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("medical-lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    assert page.url.endswith("/work/")
    assert_accessible(page)
    screenshot(page, "my-work-lead")

    # from anywhere, the header leads back to My work
    header = page.get_by_role("navigation", name="Menu")
    header.get_by_role("link", name="Plans").click()
    expect(page.get_by_role("heading", name="Plans", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Upload data")).to_have_count(0)

    # the update that is due, with last period's and the metric's figures beside it
    expect(page.get_by_role("heading", name="Overdue updates (4)")).to_be_visible()
    page.get_by_role("link", name="Start the Medical update for 2019/20 Q2").click()
    expect(page.get_by_role("heading", name="Medical update", level=1)).to_be_visible()
    expect(page.get_by_text("Medical made no update for 2019/20 Q1.")).to_be_visible()
    expect(page.get_by_text("Latest value").first).to_be_visible()
    assert_accessible(page)

    # the action they own, and a progress note on it
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My actions (1)")).to_be_visible()
    page.get_by_role("link", name="Share the regional recruitment trajectory", exact=True).click()
    expect(page.get_by_role("heading", name="Action", level=1)).to_be_visible()
    page.get_by_label("Progress note").fill("Draft trajectory shared with the regions.")
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Your note is added.")).to_be_visible()
    expect(page.locator("#progress-notes")).to_contain_text("Draft trajectory shared with the regions.")
    assert_accessible(page)
    screenshot(page, "action-progress")
