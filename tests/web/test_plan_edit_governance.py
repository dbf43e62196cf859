"""Bodies and meetings in the browser's plan editor: listed with the other elements, added and
edited through their forms like them — a body's cycle of business and a meeting's agenda as rows,
like a metric's trajectory — and what the forms do not show (``added`` notes) kept as it was, with a
note saying where to change it."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from goldenthread.planfile import plan_document, validate_data
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan
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
    assert "The notes on details added from outside the document are kept as they are" in page
    assert "Its agenda items" not in page and "Its cycle of business" not in page  # both edited in the forms


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
    assert "The notes on details added" in page and f'href="/plans/{plan.code}/upload-plan/"' in page
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


# --- a body's cycle of business and a meeting's agenda, edited as rows -----------------------------

PLANS = Path(__file__).resolve().parents[2] / "plans"
SEEDS = ("dh-2014", "nhsei-2019", "nhsi-2016", "developing-people", "nhse-2013")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_body_and_meeting_goes_through_its_form_unchanged(seed):
    """Their cycles of business and agendas (lists in one cell, 'plan; board_pack') included."""
    document = plan_document(plan_from((PLANS / f"{seed}.yaml").read_text(encoding="utf-8")))
    for section in ("bodies", "meetings"):
        form = forms.FORMS[section]
        for at, element in enumerate(document.get(section) or []):
            edited = copy.deepcopy(document)
            edited[section][at] = conv.data_from_values(form, conv.values_from_data(form, element), element)
            assert plan_document(validate_data(edited).plan) == document, (seed, element["code"])


def _approve(plan: m.Plan) -> None:
    owner = _user("owner", plan, None)
    plan.owner_account = owner
    plan.save(update_fields=["owner_account"])
    change = changes.open_change(plan)
    assert change is not None
    changes.submit(change, change.opened_by, in_force_label="2019/20 Q2", summary="Governance")
    changes.approve(change, owner)


def test_an_agenda_item_is_added_to_the_joint_boards_meeting_of_27_june_2019(client):
    """nhsei-2019: a second item on the Joint Boards in Common's agenda; a presenter who is not one
    of the plan's owners is refused at that row's cell, nothing saved; then saved and approved, item
    12 keeps its row (its decisions and actions hang off it) and item 13 is added."""
    from goldenthread.access import roles

    load_plan(plan_from((PLANS / "nhsei-2019.yaml").read_text(encoding="utf-8")))
    plan = m.Plan.objects.get(code="nhsei-2019")
    client.force_login(_user("planner", plan, roles.PLANNING_TEAM))
    twelve = m.AgendaItem.objects.get(meeting__plan=plan, meeting__code="BIC-2019-06-27", number="12")
    url = "/plans/nhsei-2019/edit/meetings/BIC-2019-06-27/"
    form = _form(client, url)
    assert (form["items[0].number"], form["items[0].presenter"]) == ("12", "NDTCD")
    assert form["items[0].considers"] == "plan; board_pack" and form["items[0].purpose"] == "decision"
    assert "items[2].number" in form  # blank rows to add to
    html = client.get(url).content.decode()
    cell = html[html.index('name="items[1].presenter"') :]
    offered = re.findall(r'<option value="([^"]*)"', cell[: cell.index("</select>")])
    assert offered == ["", "NDTCD"]  # "Not named", then the plan's owners (it names one)
    form.update(
        {
            "items[1].number": "13",
            "items[1].title": "Directorate performance <b>packs</b>",
            "items[1].purpose": "assurance",
            "items[1].presenter": "NOBODY",
            "items[1].considers": "directorate_packs; exceptions",
            "items[1].org_units": "medical; nursing",
            "items[1].period": "2019/20 Q1",
            "items[1].source": "added in a test",
            "reason": "Item 13 of the agenda",
        }
    )
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="f-items-1--presenter-error"' in page and 'href="#f-items-1--presenter"' in page
    assert "Agenda items, row 2, Presenter:" in page and "NOBODY" in page
    assert "Directorate performance &lt;b&gt;packs&lt;/b&gt;" in page  # held as typed, shown as text
    assert changes.open_change(plan) is None  # nothing saved
    form["items[1].presenter"] = "NDTCD"
    response = client.post(url, form)
    assert response.status_code == 302, _summary(response)
    meeting = _element(plan, "meetings", "BIC-2019-06-27")
    live = next(x for x in plan_document(export_plan(plan.code))["meetings"] if x["code"] == "BIC-2019-06-27")
    assert meeting["items"][0] == live["items"][0]  # item 12 as it was
    assert meeting["items"][1] == {
        "number": "13",
        "title": "Directorate performance <b>packs</b>",
        "purpose": "assurance",
        "presenter": "NDTCD",
        "considers": ["directorate_packs", "exceptions"],
        "org_units": ["medical", "nursing"],
        "period": "2019/20 Q1",
        "source": "added in a test",
    }
    assert len(meeting["added"]) == 2  # the notes, kept
    _approve(plan)
    items = m.Meeting.objects.get(plan=plan, code="BIC-2019-06-27").items.order_by("position")
    assert [(i.number, i.pk == twelve.pk) for i in items] == [("12", True), ("13", False)]
    thirteen = items.get(number="13")
    assert thirteen.presenter is not None and thirteen.presenter.code == "NDTCD"
    assert [u.code for u in thirteen.org_units.order_by("position")] == ["medical", "nursing"]
    assert (thirteen.considers, thirteen.period) == (["directorate_packs", "exceptions"], "2019/20 Q1")


def test_a_body_s_cycle_of_business_is_edited_as_rows(planner, plan):
    """DQPC's quarterly review made half-yearly and a yearly item added; a paper kind goldenthread does
    not know is refused at its cell with the kinds it does; approved, the live body holds the rows."""
    url = f"{BASE}/bodies/DQPC/"
    form = _form(planner, url)
    assert (form["business[0].considers"], form["business[0].every"]) == ("directorate_packs", "quarter")
    form.update(
        {
            "business[0].every": "half_year",
            "business[1].title": "Annual review of the risk register",
            "business[1].considers": "exceptions; minutes",
            "business[1].every": "year",
            "reason": "The committee's new cycle",
        }
    )
    response = planner.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="f-business-1--considers-error"' in page and "Cycle of business, row 2, Papers it takes" in page
    assert "board_pack" in page[page.index('id="f-business-1--considers-error"') :][:400]
    assert changes.open_change(plan) is None
    form["business[1].considers"] = "exceptions; scorecard"
    response = planner.post(url, form)
    assert response.status_code == 302, _summary(response)
    business = _element(plan, "bodies", "DQPC")["business"]
    assert business == [
        {
            "title": "Quarterly review of directorate performance dashboards",
            "considers": ["directorate_packs"],
            "every": "half_year",
            "source": "para 11",
        },
        {"title": "Annual review of the risk register", "considers": ["exceptions", "scorecard"], "every": "year"},
    ]
    _approve(plan)
    assert m.Body.objects.get(plan=plan, code="DQPC").business == business


def test_a_business_row_left_every_meeting_is_written_as_the_file_writes_it(planner, plan):
    """'Every meeting' is the plan file's default: left out of the row, as the file leaves it; a
    row cleared (its choice back at the default) is removed."""
    url = f"{BASE}/bodies/BOARD/"
    form = _form(planner, url)
    form.update({"business[0].title": "Approve the plan", "business[0].considers": "plan", "reason": "Its business"})
    assert form["business[0].every"] == ""  # a blank row: no choice made
    assert planner.post(url, form).status_code == 302
    assert _element(plan, "bodies", "BOARD")["business"] == [{"title": "Approve the plan", "considers": ["plan"]}]
    form = _form(planner, url)
    assert form["business[0].every"] == "meeting"
    form.update({"business[0].title": "", "business[0].considers": "", "reason": "None after all"})
    assert planner.post(url, form).status_code == 302
    assert "business" not in _element(plan, "bodies", "BOARD")


def test_added_notes_follow_their_agenda_item_when_rows_move(client):
    """nhsei-2019's notes on item 12 name it by position (``items.0.purpose``). An item written
    above it in the browser moves item 12 to the second row: its notes follow it (``items.1.…``)
    rather than now describing the new item. Item 12 taken off the agenda takes its notes with it,
    and the meeting still saves (a note naming a row that no longer exists would be refused, and
    the browser cannot change notes)."""
    from goldenthread.access import roles

    load_plan(plan_from((PLANS / "nhsei-2019.yaml").read_text(encoding="utf-8")))
    plan = m.Plan.objects.get(code="nhsei-2019")
    client.force_login(_user("planner", plan, roles.PLANNING_TEAM))
    url = "/plans/nhsei-2019/edit/meetings/BIC-2019-06-27/"
    before = next(x for x in plan_document(export_plan(plan.code))["meetings"] if x["code"] == "BIC-2019-06-27")
    noted = [entry["fields"] for entry in before["added"]]
    assert noted == [["items.0.purpose"], ["items.0.considers"]]
    form = _form(client, url)
    twelve = {key[len("items[0].") :]: value for key, value in form.items() if key.startswith("items[0].")}
    form.update({f"items[1].{key}": value for key, value in twelve.items()})
    form.update({f"items[0].{key}": "" for key in twelve})
    form.update({"items[0].number": "11", "items[0].title": "Apologies", "reason": "Item 11 first"})
    response = client.post(url, form)
    assert response.status_code == 302, _summary(response)
    meeting = _element(plan, "meetings", "BIC-2019-06-27")
    assert [item["number"] for item in meeting["items"]] == ["11", "12"]
    assert [entry["fields"] for entry in meeting["added"]] == [["items.1.purpose"], ["items.1.considers"]]
    assert [entry["note"] for entry in meeting["added"]] == [entry["note"] for entry in before["added"]]

    form = _form(client, url)
    form.update({key: "" for key in form if key.startswith("items[1].")})
    form["reason"] = "Item 12 withdrawn"
    response = client.post(url, form)
    assert response.status_code == 302, _summary(response)
    meeting = _element(plan, "meetings", "BIC-2019-06-27")
    assert [item["number"] for item in meeting["items"]] == ["11"] and "added" not in meeting
