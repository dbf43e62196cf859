"""My work — where everyone lands after signing in — for each kind of person, and the header that
leads to it."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.test import Client

from goldenthread.cycles import services

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = date(2019, 11, 15)  # 2019/20 Q3 is open (due 21 January 2020); Q1 and Q2 are past their deadlines
MY_WORK = "/work/"


@pytest.fixture
def on_the_day(monkeypatch):
    monkeypatch.setattr("goldenthread.web.views.cycle.work.today", lambda: TODAY)


def review_with_action(world, period, *, owner=None, attendees=(), description="Share the trajectory", due=None):
    return services.save_review(
        period,
        world.medical,
        services.ReviewData(
            status="held",
            held_on=period.end,
            chair="CFO",
            pack="",
            summary="",
            attendees=list(attendees),
            decisions=[],
            actions={},
            new_actions=[
                {
                    "description": description,
                    "owner": services.display_name(owner) if owner else "Regional director",
                    "owner_account": owner,
                    "due_on": due or date(2019, 9, 30),
                }
            ],
        ),
        based_on=0,
        user=world.users["planner"],
    )


def text_of(response) -> str:
    """The page's visible text, tags removed, entities read and spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def section(text: str, heading: str, until: str) -> str:
    return text.split(heading, 1)[1].split(until, 1)[0]


def test_a_lead_sees_overdue_returned_and_due_updates_their_actions_and_reviews(world, login, on_the_day):
    lead, planner = world.users["lead"], world.users["planner"]
    returned = services.save_update(
        world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True
    )
    services.decide(returned, "return", comments="Add the regions", based_on=returned.version, user=planner)
    services.save_update(world.period(2), world.medical, world.complete(), based_on=0, user=lead)  # a draft
    review_with_action(world, world.period(1), owner=lead, attendees=[("Lead", "Medical directorate")])

    response = login(lead).get(MY_WORK)
    assert response.status_code == 200
    text = text_of(response)
    assert "Current period 2019/20 Q3" in text and "updates are due by 21 January 2020" in text
    overdue = section(text, "Overdue updates (1)", "Returned to you")
    assert "2019/20 Q2" in overdue and "21 October 2019 Overdue" in overdue and "Continue" in overdue
    returned_part = section(text, "Returned to you (1)", "Updates due")
    assert "2019/20 Q1" in returned_part and "Revise and resubmit" in returned_part
    due = section(text, "Updates due (1)", "All your updates")
    assert "2019/20 Q3" in due and "21 January 2020" in due and "Start" in due and "Overdue" not in due
    actions = section(text, "My actions (1)", "All actions you can see")
    assert "Share the trajectory" in actions and "30 September 2019" in actions and "Overdue" in actions
    reviews = section(text, "Reviews I take part in", "goldenthread")
    assert "Accountability review: Medical, 2019/20 Q1" in reviews and "(Attendee)" in reviews
    page = response.content.decode()
    assert 'href="/plans/nhsei-2019/periods/2019-20-q3/units/medical/update/"' in page
    assert "Nothing is waiting for you" not in text


def test_the_planner_sees_what_waits_for_a_decision_and_the_period(world, login, on_the_day):
    services.save_update(
        world.period(2),
        world.nursing,
        world.complete(world.nursing),
        based_on=0,
        user=world.users["other_lead"],
        submit=True,
    )
    text = text_of(login(world.users["planner"]).get(MY_WORK))
    waiting = section(text, "Waiting for your decision (1)", "Overdue updates")
    assert "2019/20 Q2" in waiting and "Nursing" in waiting and "Review" in waiting
    assert "2019/20 Q3 updates" in text  # the period page, for those who read every update
    assert "Overdue updates (" not in text, "the planner owes no update"


def test_an_owner_outside_the_unit_sees_their_action(world, login, on_the_day):
    """Actions follow their owner's account, not only the unit that raised them."""
    review_with_action(world, world.period(1), owner=world.users["other_lead"], description="Lend two nurses")
    text = text_of(login(world.users["other_lead"]).get(MY_WORK))
    assert "Lend two nurses" in section(text, "My actions (1)", "All actions you can see")
    assert "Lend two nurses" not in text_of(login(world.users["lead"]).get(MY_WORK))


def test_the_board_with_nothing_due_has_a_helpful_empty_state(world, login, on_the_day):
    text = text_of(login(world.users["board"]).get(MY_WORK))
    assert "Nothing is waiting for you" in text and "quarterly cycle" in text
    assert "You own no open actions." in text and "You are not recorded at any accountability review." in text
    assert "Current period 2019/20 Q3" in text


def test_someone_without_a_role_is_told_what_to_do(world, login, on_the_day):
    text = text_of(login(world.users["norole"]).get(MY_WORK))
    assert "Your account has no role yet" in text and "Ask your planning team" in text


def test_signing_in_lands_on_my_work(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MY_WORK
    assert client.get(MY_WORK).status_code == 200


def test_the_header_leads_to_the_work_and_upload_only_for_those_who_may(world, login):
    links = ('href="/work/">My work', 'href="/cycle/">Quarterly cycle', 'href="/actions/">Actions')
    for role in ("lead", "board", "planner"):
        page = re.sub(r"\s+", " ", login(world.users[role]).get("/").content.decode())
        for link in links:
            assert re.search(re.escape(link.split(">")[0]) + r"[^>]*>\s*" + re.escape(link.split(">")[1]), page), (
                role,
                link,
            )
        assert ("Upload data" in page) == (role == "planner"), role


def test_the_quarterly_cycle_page_lists_each_plans_current_period(world, login, monkeypatch):
    monkeypatch.setattr("goldenthread.web.views.cycle.work.today", lambda: TODAY)
    text = text_of(login(world.users["lead"]).get("/cycle/"))
    assert "Quarterly cycle" in text and "2019/20 Q3: updates are due by 21 January 2020" in text
    assert "Cycle of nhsei-2019" in text and "2019/20 Q3 updates" not in text  # a lead reads only their units'
