"""Actions: owned by accounts (a typed name for people outside the system), progress notes and
status on the action's page, who may see and change them, and open actions carried into the
unit's next review and its pack."""

from __future__ import annotations

import re
from datetime import date

import pytest

from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, Action, ActionNote
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters.cycle_notes import agreed_actions

from .test_my_work import review_with_action, text_of

pytestmark = pytest.mark.django_db

REVIEW_EDIT = "/plans/nhsei-2019/periods/2019-20-q2/units/medical/review/edit/"


def review_form(**actions) -> dict:
    form = {"version": "0", "status": "held", "held_on": "20 October 2019", "chair": "CFO", "pack": ""}
    form |= {"summary": "", "attendees": "Lead, Medical directorate\nA Partner, NHS Improvement", "decisions": ""}
    for i in range(3):
        for part in ("description", "owner_account", "owner", "due_on"):
            form[f"new{i}-{part}"] = ""
    return form | actions


def test_the_review_form_offers_the_plans_people_as_owners(world, login):
    page = login(world.users["planner"]).get(REVIEW_EDIT).content.decode()
    owners = re.search(r'<select[^>]*name="new0-owner_account".*?</select>', page, re.S).group(0)
    for name in ("Lead", "Contributor", "Other Lead", "Planner"):
        assert f">{name}</option>" in owners, name
    assert "Other Planner" not in owners and "Board" not in owners, "only this plan's people"
    assert "Someone without an account: type their name below" in owners
    assert "New action 1: owner&#39;s name, if they have no account" in page


def test_an_owner_is_an_account_or_a_typed_name(world, login):
    lead = world.users["lead"]
    response = login(world.users["planner"]).post(
        REVIEW_EDIT,
        review_form(
            **{
                "new0-description": "Share the trajectory",
                "new0-owner_account": str(lead.pk),
                "new0-due_on": "30 November 2019",
                "new1-description": "Confirm the partner's funding",
                "new1-owner": "A Partner",
            }
        ),
    )
    assert response.status_code == 302
    review = AccountabilityReview.objects.get()
    first, second = review.actions.order_by("position")
    assert (first.owner_account, first.owner, first.due_on) == (lead, "Lead", date(2019, 11, 30))
    assert (second.owner_account, second.owner) == (None, "A Partner")
    attendees = {a.name: a.account for a in review.attendees.all()}
    assert attendees == {"Lead": lead, "A Partner": None}, "attendees are linked to accounts by name"


@pytest.mark.parametrize(
    "owner, expected",
    [
        ({}, "Choose who owns new action 1, or type the name of someone without an account"),
        ({"new0-owner": "Somebody", "new0-owner_account": "LEAD"}, "Either choose the owner of new action 1 or type"),
        ({"new0-owner_account": "OTHER"}, "Choose the owner of new action 1 from the list of this plan&#39;s people"),
        ({"new0-owner_account": "<b>9999</b>"}, "Choose the owner of new action 1 from the list"),
    ],
)
def test_a_wrong_owner_is_refused_and_nothing_saved(world, login, owner, expected):
    ids = {"LEAD": str(world.users["lead"].pk), "OTHER": str(world.users["other_planner"].pk)}
    owner = {k: ids.get(v, v) for k, v in owner.items()}
    response = login(world.users["planner"]).post(REVIEW_EDIT, review_form(**{"new0-description": "Do it"}, **owner))
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not AccountabilityReview.objects.exists() and not Action.objects.exists()


def action_url(action) -> str:
    return f"/actions/{action.pk}/"


def test_the_owner_adds_progress_notes_changes_the_status_and_closes(world, login):
    owner = world.users["other_lead"]  # owns an action of Medical's review without being in Medical
    action = review_with_action(world, world.period(1), owner=owner).actions.get()
    client = login(owner)
    page = text_of(client.get(action_url(action)))
    assert "Share the trajectory" in page and "Owner Other Lead" in page and "No progress has been recorded yet" in page

    response = client.post(action_url(action), {"note": "Draft shared with regions", "status": "in_progress"})
    assert response.status_code == 302 and response["Location"] == action_url(action)
    action.refresh_from_db()
    assert action.status == "in_progress" and action.is_open
    note = ActionNote.objects.get()
    assert (note.text, note.by, note.status) == ("Draft shared with regions", owner, "in_progress")
    assert note.history.get().history_user == owner, "notes are in the audit trail, as the person"
    assert action.history.latest().history_user == owner

    refused = client.post(action_url(action), {"note": "", "status": "closed"})
    assert refused.status_code == 400
    assert "Say how the action was completed (or why it is closed)" in refused.content.decode()
    client.post(action_url(action), {"note": "Trajectory agreed <script>x</script>", "status": "closed"})
    action.refresh_from_db()
    assert action.status == "closed" and action.closed_by == owner
    assert action.closure_note == "Trajectory agreed <script>x</script>"
    page = client.get(action_url(action)).content.decode()
    assert "Trajectory agreed &lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert "Add a progress note" not in page, "a closed action takes no more notes"
    again = client.post(action_url(action), {"note": "More", "status": "closed"})
    assert again.status_code == 409 and "already closed" in again.content.decode()
    assert ActionNote.objects.count() == 2


def test_who_may_see_and_update_an_action(world, login):
    action = review_with_action(world, world.period(1)).actions.get()  # owned by someone outside
    for role in ("lead", "planner", "admin"):
        assert "Add a progress note" in login(world.users[role]).get(action_url(action)).content.decode(), role
    for role in ("contributor", "board", "other_planner"):
        client = login(world.users[role])
        page = client.get(action_url(action))
        assert page.status_code == 200 and "Add a progress note" not in page.content.decode(), role
        assert client.post(action_url(action), {"note": "x", "status": "open"}).status_code == 403, role
    for role in ("other_lead", "norole"):
        client = login(world.users[role])
        assert client.get(action_url(action)).status_code == 403, role
        assert client.post(action_url(action), {"note": "x", "status": "closed"}).status_code == 403, role
    assert not ActionNote.objects.exists()
    action.refresh_from_db()
    assert action.status == "open"
    assert login(world.users["lead"]).get("/actions/999999/").status_code == 404


def test_open_actions_are_carried_into_the_units_next_review_and_pack(world, login):
    lead = world.users["lead"]
    q1 = review_with_action(world, world.period(1), owner=lead)
    carried = q1.actions.get()
    q2_page = "/plans/nhsei-2019/periods/2019-20-q2/units/medical/review/"
    text = text_of(login(lead).get(q2_page))
    part = text.split("Open actions carried from earlier reviews", 1)[1]
    assert "Share the trajectory" in part and "Medical, 2019/20 Q1" in part

    services.save_review(
        world.period(2),
        world.medical,
        services.ReviewData("held", date(2019, 10, 20), "CFO", "", "", [], [], {}, []),
        based_on=0,
        user=world.users["planner"],
    )
    assert list(services.carried_into(world.medical, world.period(2))) == [carried]
    assert list(services.carried_into(world.medical, world.period(1))) == [], "only earlier reviews' actions"
    assert list(services.carried_into(world.nursing, world.period(2))) == [], "only the unit's own"
    form = text_of(login(world.users["planner"]).get(REVIEW_EDIT))
    assert (
        "Open actions carried from earlier reviews" in form and "Share the trajectory (Lead; 2019/20 Q1; Open)" in form
    )
    action_page = text_of(login(lead).get(action_url(carried)))
    assert "Carried into Accountability review: Medical, 2019/20 Q2" in action_page
    pack = agreed_actions(world.plan, parse_period("2019/20 Q2"), [world.medical.pk])
    assert [(a.description, a.status) for a in pack] == [("Share the trajectory", "Open")]

    services.add_note(carried, "Done", "in_progress", user=lead)
    assert list(services.carried_into(world.medical, world.period(2))) == [carried], "in progress is still open"
    services.close_action(carried, "Shared on 1 October", user=lead)
    assert not services.carried_into(world.medical, world.period(2)).exists()
    assert "No actions from earlier reviews are open." in text_of(login(lead).get(q2_page))
    assert agreed_actions(world.plan, parse_period("2019/20 Q2"), [world.medical.pk]) == []


def test_an_owner_who_left_the_plan_does_not_block_saving_the_review(world, login):
    from goldenthread.accounts.models import Membership

    owner = world.users["other_lead"]  # owns Medical's action, then leaves the plan
    review = review_with_action(world, world.period(2), owner=owner)
    action = review.actions.get()
    Membership.objects.filter(user=owner).delete()
    client = login(world.users["planner"])
    form = review_form(version=str(review.version), held_on="30 September 2019", attendees="")
    form |= {f"action{action.pk}-description": "Share the trajectory", f"action{action.pk}-owner": ""}
    form |= {f"action{action.pk}-owner_account": str(owner.pk), f"action{action.pk}-due_on": "30 September 2019"}
    response = client.post(REVIEW_EDIT, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert action.owner_account == owner
