"""Governance in the database: bodies, meetings and their agendas load, export back as they were
(byte for byte, on SQLite and PostgreSQL), keep their agenda items' rows across reloads (found by
number within their meeting), and a load that would lose what people recorded at a meeting is
refused. Every element's ``added`` notes go through the database unchanged."""

from __future__ import annotations

import pytest
from django.utils import timezone

from goldenthread.audit.records import history_model
from goldenthread.cycles.models import Action, ItemDecision, Minutes
from goldenthread.planfile import to_json, to_yaml, validate_file, validate_text
from goldenthread.plans import models as m
from goldenthread.plans.changes import ChangeRefused, draft_change, remove_element
from goldenthread.plans.documents import referring
from goldenthread.plans.store import PlanLoadRefused, export_plan, load_plan

from ..conftest import PROJECT

pytestmark = pytest.mark.django_db

CODE = "example-2019"

GOVERNANCE = """
bodies:
  - code: BOARD
    name: The Board
    type: board
    chair: nmd
    members: [nmd, cno]
    terms_of_reference: |
      Oversees delivery of the plan.
    terms_source: para 2
    oversees:
      plan: true
    meets: monthly
    public: true
    source: para 2
  - code: DQPC
    name: Delivery, Quality and Performance Committee
    parent: BOARD
    chair: cno
    members: [cno]
    oversees:
      objectives: ["1", MED-1]
      org_units: [medical, nursing]
      metrics: [AMR-PRESC]
    meets: quarterly
    business:
      - title: Quarterly review of directorate performance dashboards
        considers: [directorate_packs]
        every: quarter
        source: para 11
    source: para 11
    added:
      - fields: [meets]
        note: From the committee's own calendar; not printed in the document
meetings:
  - code: BOARD-2019-06-27
    body: BOARD
    title: Board meeting
    date: 27 June 2019
    items:
      - number: "11"
        title: Minutes of the last meeting
        purpose: approval
      - number: "12"
        title: Joint business plan 2019/20
        purpose: decision
        presenter: nmd
        considers: [plan, board_pack]
        source: cover sheet
      - number: "13"
        title: Directorate packs
        considers: [directorate_packs]
        org_units: [medical]
        objectives: [MED-1]
        metrics: [AMR-PRESC, NUR-VAC]
        period: 2019/20 Q1
    source: cover sheet
  - code: DQPC-2019-05-02
    body: DQPC
    title: Review of draft directorate plans
    date: "2019-05-02"
    public: false
    added:
      - fields: [title]
        note: A title for the meeting; the document names only its date
"""

METRIC_ADDED = """    frequency: quarterly
    added:
      - fields: [definition, data_source]
        note: NHS England statistics; not printed in the document
"""


def governed(text: str) -> str:
    """The example plan with governance, and an ``added`` note on its first metric."""
    return text.replace("    frequency: quarterly\n", METRIC_ADDED, 1).rstrip("\n") + "\n" + GOVERNANCE


def plan_from(text: str):
    result = validate_text(text, "governed.yaml")
    assert result.ok, result.problems
    assert result.plan is not None
    return result.plan


@pytest.fixture
def governed_text(example_text):
    return governed(example_text)


@pytest.fixture
def loaded(governed_text):
    plan = plan_from(governed_text)
    load_plan(plan)
    return plan


def test_load_stores_bodies_meetings_and_agendas(loaded):
    plan = m.Plan.objects.get(code=CODE)
    board, dqpc = plan.bodies.all()
    assert (board.kind, board.chair.code, board.oversees_plan, board.public) == ("board", "nmd", True, True)
    assert [o.code for o in board.members.all().order_by("position")] == ["nmd", "cno"]
    assert dqpc.parent == board and [o.code for o in dqpc.oversees_objectives.order_by("position")] == ["1", "MED-1"]
    assert dqpc.business[0] == {
        "title": "Quarterly review of directorate performance dashboards",
        "considers": ["directorate_packs"],
        "every": "quarter",
        "source": "para 11",
    }
    assert dqpc.added == [
        {"fields": ["meets"], "note": "From the committee's own calendar; not printed in the document"}
    ]
    meeting = plan.meetings.get(code="BOARD-2019-06-27")
    assert (meeting.date.isoformat(), meeting.date_text, meeting.public, meeting.is_public) == (
        "2019-06-27",
        "27 June 2019",
        None,
        True,
    )
    assert [(i.number, i.purpose) for i in meeting.items.all()] == [("11", "approval"), ("12", "decision"), ("13", "")]
    twelve = meeting.items.get(number="12")
    assert twelve.presenter.code == "nmd" and twelve.considers == ["plan", "board_pack"]
    thirteen = meeting.items.get(number="13")
    assert [x.code for x in thirteen.metrics.order_by("position")] == ["AMR-PRESC", "NUR-VAC"]
    assert thirteen.period == "2019/20 Q1"
    assert plan.meetings.get(code="DQPC-2019-05-02").is_public is False
    assert plan.metrics.all()[0].added[0]["fields"] == ["definition", "data_source"]


def test_export_equals_the_loaded_plan(loaded):
    assert export_plan(CODE) == loaded


def test_round_trip_is_byte_identical(loaded):
    first_yaml, first_json = to_yaml(export_plan(CODE)), to_json(export_plan(CODE))
    report = load_plan(plan_from(first_yaml))
    assert not report.changed, str(report)
    assert to_yaml(export_plan(CODE)) == first_yaml
    assert to_json(export_plan(CODE)) == first_json
    assert '"kind": "body"' in first_json and '"kind": "meeting"' in first_json


def test_loading_the_same_file_again_records_nothing(loaded, governed_text):
    history = history_model(m.Meeting).objects.count()
    report = load_plan(plan_from(governed_text))
    assert not report.changed, str(report)
    assert history_model(m.Meeting).objects.count() == history


def test_a_changed_meeting_keeps_its_item_rows(loaded, governed_text):
    """Items are found by number within their meeting and updated in place: reordered, retitled or
    with others added and removed around them, they keep their rows (decisions hang off them)."""
    meeting = m.Meeting.objects.get(code="BOARD-2019-06-27")
    before = dict(meeting.items.values_list("number", "pk"))
    edited = governed_text.replace("title: Joint business plan 2019/20", "title: Joint work programme 2019/20")
    # item 13 first, item 11 gone, a new item 14 at the end
    eleven = '      - number: "11"\n        title: Minutes of the last meeting\n        purpose: approval\n'
    thirteen_start = edited.index('      - number: "13"')
    thirteen_end = edited.index("    source: cover sheet\n  - code: DQPC-2019-05-02")
    thirteen = edited[thirteen_start:thirteen_end]
    edited = (
        edited[:thirteen_start] + '      - number: "14"\n        title: Any other business\n' + edited[thirteen_end:]
    )
    edited = edited.replace(eleven, thirteen)
    report = load_plan(plan_from(edited))
    assert report.created["agenda_item"] == 1 and report.deleted["agenda_item"] == 1, str(report)
    after = dict(meeting.items.values_list("number", "pk"))
    assert after["12"] == before["12"] and after["13"] == before["13"] and "11" not in after
    assert [i.number for i in meeting.items.all()] == ["13", "12", "14"]
    assert meeting.items.get(number="12").title == "Joint work programme 2019/20"
    # the meeting's history shows its agenda as the load left it
    last = history_model(m.Meeting).objects.filter(id=meeting.pk).order_by("-history_date", "-history_id").first()
    assert last.history_type == "~"
    assert last.related["items"] == [
        "13 Directorate packs (directorate_packs)",
        "12 Joint work programme 2019/20 (plan, board_pack)",
        "14 Any other business",
    ]
    assert to_yaml(export_plan(CODE)) == to_yaml(plan_from(edited))


def _without_item_12(text: str) -> str:
    start = text.index('      - number: "12"')
    return text[:start] + text[text.index('      - number: "13"') :]


def _without_board_meeting(text: str) -> str:
    return text[: text.index("  - code: BOARD-2019-06-27")] + text[text.index("  - code: DQPC-2019-05-02") :]


def _decision(item: m.AgendaItem) -> None:
    ItemDecision.objects.create(item=item, text="Approved", recorded_at=timezone.now())


def _action(item: m.AgendaItem) -> None:
    Action.objects.create(agenda_item=item, description="Publish the plan", owner="National Medical Director")


@pytest.mark.parametrize(("record", "held"), [(_decision, "decisions recorded"), (_action, "actions agreed")])
def test_a_load_losing_an_items_records_is_refused(loaded, governed_text, record, held):
    item = m.AgendaItem.objects.get(meeting__code="BOARD-2019-06-27", number="12")
    record(item)
    with pytest.raises(PlanLoadRefused) as refused:
        load_plan(plan_from(_without_item_12(governed_text)))
    assert f"agenda item 12 of meeting BOARD-2019-06-27, which holds {held}" in str(refused.value)
    assert m.AgendaItem.objects.filter(pk=item.pk).exists()
    # dropping the whole meeting is refused too: its items' records would go with it
    with pytest.raises(PlanLoadRefused) as refused:
        load_plan(plan_from(_without_board_meeting(governed_text)))
    assert "meeting BOARD-2019-06-27, which holds" in str(refused.value)
    # an item without records may go
    report = load_plan(plan_from(governed_text.replace('      - number: "11"', '      - number: "10"')))
    assert report.deleted["agenda_item"] == 1 and report.created["agenda_item"] == 1


def test_a_load_losing_a_meetings_minutes_is_refused(loaded, governed_text):
    meeting = m.Meeting.objects.get(code="BOARD-2019-06-27")
    Minutes.objects.create(meeting=meeting, text="The board approved the plan.")
    with pytest.raises(PlanLoadRefused, match="meeting BOARD-2019-06-27, which holds minutes"):
        load_plan(plan_from(_without_board_meeting(governed_text)))
    assert m.Meeting.objects.filter(pk=meeting.pk).exists()
    load_plan(plan_from(_without_item_12(governed_text)))  # its items hold nothing: they may change


def test_removing_a_body_and_its_meetings(loaded, governed_text):
    start = governed_text.index("  - code: DQPC\n")
    text = governed_text[:start] + governed_text[governed_text.index("meetings:") :]
    text = text[: text.index("  - code: DQPC-2019-05-02")]
    report = load_plan(plan_from(text))
    assert report.deleted["body"] == 1 and report.deleted["meeting"] == 1, str(report)
    assert export_plan(CODE) == plan_from(text)


def test_change_control_sees_governance(loaded):
    """A change to the plan treats bodies and meetings like other elements: an element a body
    oversees or an agenda item names cannot be retired, and a meeting holding minutes stays."""
    plan = m.Plan.objects.get(code=CODE)
    change = draft_change(plan, None)
    document = change.document
    assert [b["code"] for b in document["bodies"]] == ["BOARD", "DQPC"]
    assert {"body DQPC", "meeting BOARD-2019-06-27"} <= set(referring(document, "objectives", "MED-1"))
    assert {"body BOARD", "meeting BOARD-2019-06-27"} <= set(referring(document, "owners", "nmd"))
    assert referring(document, "bodies", "BOARD") == ["body DQPC", "meeting BOARD-2019-06-27"]
    with pytest.raises(ChangeRefused, match="other elements name it: meeting BOARD-2019-06-27"):
        remove_element(change, "metrics", "NUR-VAC", reason="Dropped", user=None, seen=None)
    Minutes.objects.create(meeting=plan.meetings.get(code="BOARD-2019-06-27"), text="Minutes")
    with pytest.raises(ChangeRefused, match="BOARD-2019-06-27, which holds minutes"):
        remove_element(change, "meetings", "BOARD-2019-06-27", reason="Not held", user=None, seen=None)
    remove_element(change, "meetings", "DQPC-2019-05-02", reason="Not held", user=None, seen=None)


SEEDS = ("dh-2014", "nhsei-2019", "nhsi-2016", "developing-people", "nhse-2013")


@pytest.mark.parametrize("code", SEEDS)
def test_seed_plans_round_trip_with_their_governance(code):
    """Each seed plan as committed — governance and ``added`` notes included — loads, exports as
    the file holds it, and its export loads again unchanged, byte for byte."""
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan is not None
    load_plan(result.plan)
    exported = export_plan(code)
    assert exported == result.plan
    first_yaml, first_json = to_yaml(exported), to_json(exported)
    report = load_plan(plan_from(first_yaml))
    assert not report.changed, str(report)
    assert (to_yaml(export_plan(code)), to_json(export_plan(code))) == (first_yaml, first_json)


def test_lists_of_codes_keep_the_files_order(loaded, governed_text):
    """Members (and every other list of codes) come back in the order the file lists them, not the
    order of the elements they name: a reload that only reorders them rewrites them in order."""
    report = load_plan(plan_from(governed_text.replace("members: [nmd, cno]", "members: [cno, nmd]")))
    assert report.updated["body member"] == 1 and not report.created["body member"], str(report)
    assert export_plan(CODE).bodies[0].members == ["cno", "nmd"]
    thirteen = export_plan(CODE).meetings[0].items[2]
    assert thirteen.metrics == ["AMR-PRESC", "NUR-VAC"]
    report = load_plan(
        plan_from(governed_text.replace("metrics: [AMR-PRESC, NUR-VAC]", "metrics: [NUR-VAC, AMR-PRESC]"))
    )
    assert report.updated["agenda item link"] == 1, str(report)
    assert export_plan(CODE).meetings[0].items[2].metrics == ["NUR-VAC", "AMR-PRESC"]
