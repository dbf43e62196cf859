"""Seeds 001 (nhsei-2019) and 003 (developing-people): their governance, held as printed.

Every figure asserted here is read off the source documents (plans/sources/001_*.txt and
003_*.txt): the Joint Boards in Common of 27 June 2019 and its agenda item 12 (the cover sheet),
the Delivery, Quality and Performance Committee in Common (paragraphs 2, 3 and 11), the NHS
Executive's agreement of the seven organisational priorities on 23 May (paragraphs 4 and 8), the
"to be confirmed" of paragraph 9, and the National Improvement and Leadership Development Board
with its nine member bodies (the logos that close seed 003).
"""

from __future__ import annotations

import pytest

from goldenthread.planfile import validate_file
from goldenthread.planfile.periods import meeting_period, parse_period
from goldenthread.planfile.quality import check_plan
from goldenthread.planfile.schema import Plan
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

from ..conftest import PROJECT

SOURCES = PROJECT / "plans" / "sources"


def plan_file(code: str) -> Plan:
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def document(plan: Plan) -> str:
    """The text of the plan's source document."""
    assert plan.source_document is not None and plan.source_document.file
    return (SOURCES / plan.source_document.file).read_text()


def noted(element) -> set[str]:
    return {name for entry in element.added for name in entry.fields}


@pytest.fixture(scope="module")
def nhsei():
    return plan_file("nhsei-2019")


@pytest.fixture(scope="module")
def people():
    return plan_file("developing-people")


def test_nhsei_2019_bodies_as_printed(nhsei):
    bodies = {b.code: b for b in nhsei.bodies}
    assert list(bodies) == ["BOARDS", "DQPCiC", "NHS-EXEC"]
    assert bodies["BOARDS"].name == "Joint Boards in Common" and bodies["BOARDS"].type == "board"
    committee = bodies["DQPCiC"]
    assert committee.name == "Delivery, Quality and Performance Committee in Common"  # para 2
    assert (committee.type, committee.parent) == ("committee", "BOARDS")
    assert committee.oversees is not None and committee.oversees.plan
    # Para 11: the confirmed metrics "will form the basis of performance dashboards for DQPCiC review";
    # no frequency is printed, so "quarterly" carries a note saying where it comes from.
    [review] = committee.business
    assert "quarterly review" in review.title.lower() and "2019/20 work programme" in review.title
    assert (review.every, review.source) == ("quarter", "para 11")
    assert "board_pack" in review.considers
    assert "business.0.every" in noted(committee) and "parent" in noted(committee)
    assert committee.terms_source == "para 2; para 3; para 11"
    executive = bodies["NHS-EXEC"]
    assert executive.name == "NHS Executive" and executive.oversees is not None
    assert executive.oversees.objectives == [str(n) for n in range(1, 8)]  # the seven priorities, para 4


def test_nhsei_2019_meetings_as_printed(nhsei):
    meetings = {x.code: x for x in nhsei.meetings}
    assert list(meetings) == ["DQPCiC-2019-05-02", "NHS-EXEC-2019-05-23", "BIC-2019-06-27"]
    board = meetings["BIC-2019-06-27"]
    assert (board.body, board.title, board.date) == ("BOARDS", "Joint Boards in Common", "27 June 2019")
    [item] = board.items
    assert item.number == "12"
    assert item.considers == ["plan", "board_pack"]
    assert nhsei.source_document is not None and item.title == nhsei.source_document.title
    presenter = next(o for o in nhsei.owners if o.code == item.presenter)
    assert (presenter.name, presenter.title) == (
        "Emily Lawson",
        "National Director of Transformation and Corporate Development",
    )
    assert "items.0.purpose" in noted(board)  # "decision" is read from paras 1 and 12, not printed
    committee = meetings["DQPCiC-2019-05-02"]
    assert (committee.body, committee.date) == ("DQPCiC", "2 May 2019")  # para 3: "on 2 May"
    assert committee.items[0].considers == ["directorate_packs"]
    executive = meetings["NHS-EXEC-2019-05-23"]
    assert (executive.body, executive.date) == ("NHS-EXEC", "23 May 2019")  # para 8: "on 23 May"
    assert len(executive.items[0].objectives) == 7
    # The year of "2 May" and "23 May" is not printed; the unnumbered items are not either.
    for meeting in (committee, executive):
        assert {"date", "items.0.number", "items.0.title"} <= noted(meeting)
    assert not {"date", "items.0.number", "items.0.title"} & noted(board)


def test_nhsei_2019_meetings_take_the_first_quarter_s_papers(nhsei):
    """No quarter of 2019/20 has ended by 27 June 2019: item 12's board pack is as at 2019/20 Q1."""
    for meeting in nhsei.meetings:
        day = parse_period(meeting.date)
        assert day.precision == "day", meeting.date
        assert meeting_period(nhsei.start, nhsei.end, day.start).label == "2019/20 Q1", meeting.code


def test_nhsei_2019_to_be_confirmed_as_paragraph_9_applies_it(nhsei):
    metrics = {x.code: x for x in nhsei.metrics}
    # Appendix Two: three metrics printed for Medical, "To be confirmed" twice for Nursing; para 9:
    # "Further work is required to confirm metrics" - all five are to be confirmed.
    assert len(metrics) == 5
    assert all(x.to_be_confirmed for x in metrics.values())
    for code in ("MED-1-M1", "MED-1-M2", "MED-2-M1"):
        assert "para 9" in (metrics[code].source or ""), code
    assert [x.code for x in metrics.values() if x.title == "To be confirmed"] == ["NUR-1-M", "NUR-2-M"]
    scrutiny = metrics["MED-2-M1"]
    assert scrutiny.target is not None and scrutiny.target.by == "2020-03"  # "by March 2020"
    assert {"definition", "target.value"} <= noted(scrutiny)


def test_developing_people_national_board(people):
    [board] = people.bodies
    assert (board.code, board.name, board.type) == (
        "NILDB",
        "National Improvement and Leadership Development Board",
        "partnership_board",
    )
    owners = {o.code: o for o in people.owners}
    units = {u.code: u for u in people.org_units}
    members = [units[owners[code].org_unit].name for code in board.members]  # type: ignore[index]
    assert members == [  # the logos under the Board's name, in the order printed
        "Department of Health",
        "NHS Improvement",
        "Health Education England",
        "NHS Leadership Academy",
        "NHS England",
        "Public Health England",
        "NICE National Institute for Health and Care Excellence",
        "NHS Clinical Commissioners",
        "NHS Confederation",
    ]
    assert all(units[owners[code].org_unit].type == "partner" for code in board.members)  # type: ignore[index]
    assert board.oversees is not None and board.oversees.plan
    assert {"members", "terms_of_reference"} <= noted(board)


def test_developing_people_staff_college(people):
    units = {u.code: u for u in people.org_units}
    assert (units["staff-college"].name, units["staff-college"].type) == ("Staff College", "partner")
    # Bullet 2: the NHS Leadership Academy, the Leadership Centre, Public Health England and the
    # Staff College offer a joint Leadership for Change Programme.
    joint = next(a for a in people.activities if a.code == "IA-2")
    assert [joint.org_unit, *joint.partners] == ["nhs-la", "leadership-centre", "phe", "staff-college"]
    assert "org_unit" in noted(joint)  # no lead printed: the first-named body leads


def test_developing_people_details_read_not_printed_are_noted(people):
    actions = [a for a in people.activities if a.code.startswith("IA-")]
    assert len(actions) == 15  # eleven bullets, four of them held as two actions
    assert all("status" in noted(a) for a in actions)
    reach = next(x for x in people.metrics if x.code == "GP-REACH")
    assert reach.target is not None and int(reach.target.value) == 7800  # "all 7,800 GP practices"
    assert "definition" in noted(reach)


@pytest.mark.parametrize("code", ["nhsei-2019", "developing-people"])
def test_plan_check_finds_no_detail_added_without_a_note(code):
    """Definitions and terms of reference either occur in the document or say where they come from."""
    plan = plan_file(code)
    findings = check_plan(plan, document(plan), information=True)
    assert not [f for f in findings if f.check == "unsourced_detail"]
    noted_elements = {(f.kind, f.code) for f in findings if f.check == "added_detail"}
    assert {("body", b.code) for b in plan.bodies if b.terms_of_reference} <= noted_elements
    for element in [*plan.bodies, *plan.meetings]:
        assert element.source, element.code


@pytest.mark.django_db
def test_nhsei_2019_governance_loads_and_exports_as_written():
    written = plan_file("nhsei-2019")
    load_plan(written)
    plan = m.Plan.objects.get(code="nhsei-2019")
    committee = plan.bodies.get(code="DQPCiC")
    assert committee.parent is not None and committee.parent.code == "BOARDS"
    assert [(b["every"], b["source"]) for b in committee.business] == [("quarter", "para 11")]
    board = plan.meetings.get(code="BIC-2019-06-27")
    assert board.date.isoformat() == "2019-06-27" and board.is_public
    item = board.items.get(number="12")
    assert item.considers == ["plan", "board_pack"] and item.presenter.name == "Emily Lawson"
    assert export_plan("nhsei-2019").model_dump() == written.model_dump()


@pytest.mark.django_db
def test_developing_people_governance_loads_and_exports_as_written():
    written = plan_file("developing-people")
    load_plan(written)
    board = m.Body.objects.get(plan__code="developing-people", code="NILDB")
    assert board.members.count() == 9 and board.oversees_plan
    assert export_plan("developing-people").model_dump() == written.model_dump()
