"""A quarter of seed 001 run as the real people would, in Chromium under the Content-Security-Policy.

The medical lead finds the due update on My work, fills it in and submits; the planner is e-mailed,
returns it with a comment; the lead is e-mailed, revises and resubmits; the planner approves and
the lead is told. The deliverables page, the scorecard and the board pack then show what the lead
reported, with its period and reporter. An action recorded at the review is on its owner's My work
and is carried into the unit's next review.

E-mails are queued after each change commits and sent by the worker's own code, run in this
process (``tasks_in_this_process``), so they land in Django's test outbox; the same e-mails through
a real worker and a real SMTP server are in tests/notices/test_worker.py.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.reports.conftest import pdf_text
from tests.workers import tasks_in_this_process

from .conftest import assert_accessible, screenshot
from .test_cycle import PASSWORD, cycle  # noqa: F401  (the fixture: seed 001, its periods, the people)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

Q3 = "2019/20 Q3"
SUBMISSION = "/plans/nhsei-2019/periods/2019-20-q3/units/medical/"


@pytest.fixture
def people(sign_in):
    """Signs a person in with the test's password, in a browser context of their own."""
    return lambda username: sign_in(username, PASSWORD)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def fill_the_update(page) -> None:
    page.get_by_role("group", name="Overall RAG rating").get_by_label("Amber").check()
    page.get_by_label("Reason for the rating").fill("Medical Examiner recruitment is behind plan in two regions.")
    page.get_by_label("Commentary", exact=True).fill("Governance complete; recruitment behind.")
    page.get_by_role("group", name="RAG rating for MED-1").get_by_label("Green").check()
    page.get_by_label("Reason for MED-1's rating").fill("Programme delivered")
    page.get_by_role("group", name="RAG rating for MED-2").get_by_label("Amber").check()
    page.get_by_label("Reason for MED-2's rating").fill("Recruitment behind plan")
    page.get_by_label("Status of MED-1-a").select_option("complete")
    page.get_by_label("Status of MED-1-b").select_option("in_progress")
    page.get_by_label("Status of MED-2-a").select_option("delayed")
    page.get_by_label("Commentary on MED-2-a").fill("Two regions recruiting again in January.")
    page.get_by_label("Numerator for MED-2-M1").fill("1,200")
    page.get_by_label("Denominator for MED-2-M1").fill("4000")


def test_a_quarter_of_seed_001(people, cycle, monkeypatch, tmp_path):  # noqa: F811
    tasks_in_this_process(monkeypatch)

    # the medical lead finds the due update on My work, fills it in and submits it
    lead = people("medical-lead")
    lead.get_by_role("link", name=f"Start the Medical update for {Q3}").click()
    expect(lead.get_by_role("heading", name="Medical update", level=1)).to_be_visible()
    fill_the_update(lead)
    lead.get_by_role("button", name="Save and submit").click()
    expect(lead.get_by_text("is submitted to the planning team")).to_be_visible()
    (to_planner,) = mails_to("planner@example.org")
    assert "Medical" in to_planner.subject and Q3 in to_planner.subject
    assert SUBMISSION in to_planner.body

    # the planner finds it waiting on My work and returns it with a comment
    planner = people("planner")
    expect(planner.get_by_role("heading", name="Waiting for your decision (1)")).to_be_visible()
    planner.get_by_role("link", name=f"Review the Medical update for {Q3}").click()
    planner.get_by_label("Return with comments").check()
    planner.get_by_label("Comments", exact=True).fill("Please give the regions' recruitment figures.")
    planner.get_by_role("button", name="Record the decision").click()
    expect(planner.get_by_text("returned to Medical with your comments")).to_be_visible()
    (returned,) = mails_to("medical-lead@example.org")
    assert "Please give the regions' recruitment figures." in returned.body

    # the lead, told by e-mail, finds it returned on My work, revises and resubmits
    menu(lead, "My work")
    expect(lead.get_by_role("heading", name="Returned to you (1)")).to_be_visible()
    lead.get_by_role("link", name=f"Revise and resubmit the Medical update for {Q3}").click()
    expect(lead.get_by_text("Please give the regions' recruitment figures.")).to_be_visible()
    lead.get_by_label("Commentary", exact=True).fill("Governance complete; North 12 of 20, South 8 of 20 recruited.")
    lead.get_by_role("button", name="Save and submit").click()
    assert lead.locator("#status").inner_text().strip() == "Submitted"
    assert len(mails_to("planner@example.org")) == 2

    # the planner approves; the lead is told
    planner.goto(SUBMISSION)
    planner.get_by_label("Approve", exact=True).check()
    planner.get_by_role("button", name="Record the decision").click()
    assert planner.locator("#status").inner_text().strip() == "Approved"
    approved = mails_to("medical-lead@example.org")[-1]
    assert "approved" in approved.subject.lower()

    # the plan's pages now show what the lead reported, with its period and reporter
    planner.goto(f"/plans/nhsei-2019/deliverables/?as_at={Q3}")
    row = planner.locator("tr", has_text="MED-1-a")
    expect(row).to_contain_text("Complete")
    expect(row).to_contain_text(Q3)
    expect(row).to_contain_text("Mo Medical")
    expect(planner.locator("tr", has_text="MED-2-a")).to_contain_text("Delayed")
    screenshot(planner, "quarter-deliverables")
    assert_accessible(planner)
    planner.goto(f"/plans/nhsei-2019/scorecard/?as_at={Q3}")
    expect(planner.locator("tr", has_text="MED-2-M1")).to_contain_text("Reported")
    expect(planner.locator("tr", has_text="MED-2-M1")).to_contain_text("30.0%")

    # the board pack, built by the task queue, carries the ratings and the statuses
    planner.get_by_role("button", name="Build the board pack PDF").click()
    link = planner.get_by_role("link", name=re.compile(r"Download the board pack \(PDF"))
    expect(link).to_be_visible(timeout=120_000)
    with planner.expect_download() as info:
        link.click()
    info.value.save_as(tmp_path / "board.pdf")
    text = " ".join(pdf_text((tmp_path / "board.pdf").read_bytes(), tmp_path).split())
    assert "Medical Examiner recruitment is behind plan in two regions." in text
    assert "Amber" in text and "Delayed" in text and Q3 in text

    # the review: the planner records it with an action for the lead
    planner.goto(SUBMISSION + "review/edit/")
    planner.get_by_role("group", name="Has the review been held?").get_by_label("Held").check()
    planner.get_by_label("Date held").fill("20 January 2020")
    planner.get_by_label("Chair").fill("Chief Financial Officer")
    planner.get_by_label("Attendees").fill("Mo Medical, National Medical Director")
    planner.get_by_label("New action 1: What is to be done").fill("Recover the regional recruitment trajectory")
    planner.get_by_label("New action 1: owner", exact=True).select_option(label="Mo Medical")
    planner.get_by_label("New action 1: Due by").fill("31 March 2020")
    planner.get_by_role("button", name="Save the review").click()
    expect(planner.get_by_role("link", name="Recover the regional recruitment trajectory", exact=True)).to_be_visible()
    assert any("Recover the regional recruitment trajectory" in m.body for m in mails_to("medical-lead@example.org"))

    # the action is on its owner's My work, and the review is among those they take part in
    menu(lead, "My work")
    expect(lead.get_by_role("heading", name="My actions (1)")).to_be_visible()
    expect(lead.get_by_role("link", name="Recover the regional recruitment trajectory", exact=True)).to_be_visible()
    expect(lead.get_by_role("link", name=f"Accountability review: Medical, {Q3}")).to_be_visible()
    assert_accessible(lead)
    screenshot(lead, "quarter-my-work")

    # and it is carried into the next review, still open
    planner.goto("/plans/nhsei-2019/periods/2019-20-q4/units/medical/review/edit/")
    expect(planner.get_by_role("heading", name="Open actions")).to_be_visible()
    expect(planner.locator("#review-form")).to_contain_text("Recover the regional recruitment trajectory")
