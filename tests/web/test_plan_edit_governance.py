"""Bodies and meetings in the browser's plan editor: listed with the other elements, added and
edited through their forms like them, and what the forms do not show (a body's cycle of business,
a meeting's agenda, ``added`` notes) kept as it was, with a note saying where to change it."""

from __future__ import annotations

import copy

import pytest

from goldenthread.planfile import plan_document, validate_data
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters import plan_form_values as conv
from goldenthread.presenters import plan_forms as forms
from tests.plans.test_store_governance import governed, plan_from
from tests.web.test_plan_edit import BASE, _element, _form, _summary, _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(example_text) -> m.Plan:
    load_plan(plan_from(governed(example_text)))
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def planner(client, plan):
    from goldenthread.access import roles

    client.force_login(_user("planner", plan, roles.PLANNING_TEAM, first_name="Priya"))
    return client


@pytest.mark.parametrize("section", ["bodies", "meetings"])
def test_every_body_and_meeting_goes_through_its_form_unchanged(example_text, section):
    document = plan_document(plan_from(governed(example_text)))
    form = forms.FORMS[section]
    for at, element in enumerate(document[section]):
        edited = copy.deepcopy(document)
        edited[section][at] = conv.data_from_values(form, conv.values_from_data(form, element), element)
        assert plan_document(validate_data(edited).plan) == document


def test_the_edit_page_lists_bodies_and_meetings_with_what_their_forms_keep(planner):
    page = planner.get(f"{BASE}/").content.decode()
    for section, code in (("bodies", "BOARD"), ("bodies", "DQPC"), ("meetings", "BOARD-2019-06-27")):
        assert f'href="{BASE}/{section}/{code}/"' in page and f'href="{BASE}/{section}/new/"' in page
    assert "BOARD · 27 June 2019" in page
    assert "Its agenda items and the notes on details added from outside the document are kept as they are" in page


def test_a_body_is_added_and_a_meeting_edited_keeping_its_agenda(planner, plan):
    url = f"{BASE}/bodies/new/"
    form = _form(planner, url)
    form.update(
        {
            "code": "AUDIT",
            "name": "Audit and Risk Committee",
            "parent": "BOARD",
            "chair": "cno",
            "members": ["cno", "nmd"],
            "meets": "quarterly",
            "oversees.metrics": ["NUR-VAC"],
            "reason": "Set up by the board",
        }
    )
    response = planner.post(url, form)
    assert response.status_code == 302, _summary(response)
    body = _element(plan, "bodies", "AUDIT")
    assert body == {
        "code": "AUDIT",
        "name": "Audit and Risk Committee",
        "parent": "BOARD",
        "chair": "cno",
        "members": ["cno", "nmd"],
        "oversees": {"metrics": ["NUR-VAC"]},
        "meets": "quarterly",
    }
    url = f"{BASE}/meetings/BOARD-2019-06-27/"
    page = planner.get(url).content.decode()
    assert "Its agenda items" in page and f'href="/plans/{plan.code}/upload-plan/"' in page
    form = _form(planner, url)
    assert form["public"] == ""  # as its body meets
    form.update({"title": "Joint Boards in Common", "public": "False", "reason": "Held in private"})
    response = planner.post(url, form)
    assert response.status_code == 302, _summary(response)
    meeting = _element(plan, "meetings", "BOARD-2019-06-27")
    assert (meeting["title"], meeting["public"]) == ("Joint Boards in Common", False)
    assert [i["number"] for i in meeting["items"]] == ["11", "12", "13"]
    assert meeting["items"][1]["considers"] == ["plan", "board_pack"]
    dqpc = _element(plan, "bodies", "DQPC")
    assert dqpc["business"][0]["every"] == "quarter" and dqpc["added"][0]["fields"] == ["meets"]
    assert changes.open_change(plan).edits.count() == 2


def test_governance_edits_are_listed_on_the_change_and_approved_into_the_plan(planner, plan):
    """The change page names the edits to bodies and meetings and links to their forms; approved,
    they reach the live tables, and the meeting keeps its agenda item rows."""
    items = dict(m.AgendaItem.objects.filter(meeting__code="BOARD-2019-06-27").values_list("number", "pk"))
    url = f"{BASE}/meetings/BOARD-2019-06-27/"
    form = _form(planner, url)
    form.update({"title": "Joint Boards in Common", "reason": "Its name as printed"})
    assert planner.post(url, form).status_code == 302
    page = planner.get(f"/plans/{plan.code}/change/").content.decode()
    assert "Meeting" in page and f'href="{url}"' in page and "Its name as printed" in page
    owner = _user("owner", plan, None)
    plan.owner_account = owner
    plan.save(update_fields=["owner_account"])
    change = changes.open_change(plan)
    assert change is not None
    planner_user = change.opened_by
    changes.submit(change, planner_user, in_force_label="2019/20 Q2", summary="The board's name")
    changes.approve(change, owner)
    meeting = m.Meeting.objects.get(plan=plan, code="BOARD-2019-06-27")
    assert meeting.title == "Joint Boards in Common"
    assert dict(meeting.items.values_list("number", "pk")) == items
