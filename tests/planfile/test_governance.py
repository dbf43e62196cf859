"""Governance in the plan file: bodies and meetings, and the `added` note every element may carry.

Each problem is reported at its file, line and field with what to do."""

from __future__ import annotations

from goldenthread.planfile import schema, to_yaml, validate_text
from goldenthread.planfile.schema import SECTIONS

HEAD = """\
code: g
title: Governed plan
organisation: {code: o, name: Org}
start: 2019/20
end: 2019/20
levels: [{code: p, name: Priority}]
owners:
  - {code: CEO, title: Chief Executive}
  - {code: COO, title: Chief Operating Officer}
org_units:
  - {code: MED, name: Medical}
objectives:
  - {code: P1, level: p, title: Priority one}
metrics:
  - {code: AE4HR, title: Four hours, objectives: [P1]}
"""

GOOD = (
    HEAD
    + """\
bodies:
  - code: BOARDS
    name: Joint Boards in Common
    type: board
    chair: CEO
    public: true
  - code: DQPCiC
    name: Delivery, Quality and Performance Committee in Common
    parent: BOARDS
    chair: CEO
    members: [COO]
    terms_of_reference: |
      To review delivery of the work programme.
    terms_source: para 2
    oversees: {plan: true, objectives: [P1], org_units: [MED], metrics: [AE4HR]}
    meets: quarterly
    business:
      - title: Quarterly review of directorate performance dashboards
        considers: [directorate_packs]
        every: quarter
        source: para 11
    source: para 2
    added:
      - fields: [meets, business.0.every]
        note: The committee's published calendar
meetings:
  - code: BIC-2019-06-27
    body: BOARDS
    title: Joint Boards in Common
    date: 27 June 2019
    items:
      - number: "12"
        title: Joint Work Programme 2019/20
        purpose: decision
        presenter: COO
        considers: [plan, board_pack, directorate_packs]
        org_units: [MED]
        objectives: [P1]
        metrics: [AE4HR]
        period: 2019/20 Q1
        source: cover sheet
    source: cover sheet
"""
)


def problems(text: str) -> list[str]:
    result = validate_text(text, "plan.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


def test_bodies_and_meetings_are_the_last_sections_in_file_order() -> None:
    assert list(SECTIONS)[-2:] == ["bodies", "meetings"]
    assert SECTIONS["bodies"] == "body" and SECTIONS["meetings"] == "meeting"


def test_a_governed_plan_is_valid_and_writes_back_the_same() -> None:
    result = validate_text(GOOD, "plan.yaml")
    assert result.ok, result.problems
    plan = result.plan
    assert plan is not None
    committee = plan.bodies[1]
    assert committee.parent == "BOARDS" and committee.oversees is not None and committee.oversees.plan
    assert committee.business[0].every == "quarter"
    assert plan.meetings[0].items[0].number == "12"
    again = validate_text(to_yaml(plan), "again.yaml")
    assert again.ok and again.plan == plan
    assert to_yaml(again.plan) == to_yaml(plan)


def test_a_bare_item_number_is_the_text_as_printed() -> None:
    text = GOOD.replace('number: "12"', "number: 12")
    result = validate_text(text, "plan.yaml")
    assert result.ok, result.problems
    assert result.plan is not None and result.plan.meetings[0].items[0].number == "12"


def test_every_governance_reference_is_checked_where_it_is_written() -> None:
    text = (
        GOOD.replace("chair: CEO\n    members: [COO]", "chair: CEX\n    members: [COO, NOPE]")
        .replace("objectives: [P1], org_units: [MED]", "objectives: [P9], org_units: [SURG]")
        .replace("body: BOARDS", "body: BOARD")
        .replace("presenter: COO", "presenter: CFO")
        .replace("metrics: [AE4HR]\n        period", "metrics: [RTT]\n        period")
    )
    found = problems(text)
    expected = [
        "plan.yaml:25:12: bodies[1].chair: unknown owner 'CEX'",
        "plan.yaml:26:20: bodies[1].members[1]: unknown owner 'NOPE'",
        "bodies[1].oversees.objectives[0]: unknown objective 'P9'",
        "bodies[1].oversees.org_units[0]: unknown org unit 'SURG'",
        "meetings[0].body: unknown body 'BOARD'; declare it under 'bodies' or correct the code",
        "meetings[0].items[0].presenter: unknown owner 'CFO'",
        "meetings[0].items[0].metrics[0]: unknown metric 'RTT'",
    ]
    for message in expected:
        assert any(message in p for p in found), (message, found)
    assert len(found) == len(expected), found


def test_bodies_reporting_to_each_other_are_a_cycle() -> None:
    text = GOOD.replace("    type: board\n", "    type: board\n    parent: DQPCiC\n")
    (found,) = problems(text)
    assert "bodies[0].parent: parents form a cycle (BOARDS → DQPCiC → BOARDS)" in found


def test_a_meeting_is_on_a_real_day() -> None:
    for date, message in [
        ("2019-02-30", "'2019-02-30' is not a real date"),
        ("2019/20 Q1", "'2019/20 Q1' is not a day; give the meeting's date, e.g. 2019-06-27 or 27 June 2019"),
        ("soon", "'soon' is not a day"),
        ("27 June 1066", "1066"),
    ]:
        (found,) = problems(GOOD.replace("date: 27 June 2019", f"date: {date}"))
        assert found.startswith("plan.yaml:45:11: meetings[0].date: ") and message in found, found


def test_a_meeting_needs_a_date() -> None:
    (found,) = problems(GOOD.replace("    date: 27 June 2019\n", ""))
    assert "meetings[0].date: 'date' is required" in found


def test_item_numbers_are_unique_within_a_meeting() -> None:
    other = '      - {number: "12", title: Any other business}\n'
    text = GOOD.replace("        source: cover sheet\n", "        source: cover sheet\n" + other)
    (found,) = problems(text)
    assert "meetings[0].items[1].number: item number '12' is used twice in this meeting (first as item 1" in found


def test_an_items_period_is_a_period_of_the_plan() -> None:
    (found,) = problems(GOOD.replace("period: 2019/20 Q1", "period: 2030/31 Q1"))
    assert "meetings[0].items[0].period: '2030/31 Q1' is outside the plan period 2019/20" in found


def test_kinds_are_from_their_lists() -> None:
    text = GOOD.replace("type: board", "type: cabal").replace("every: quarter", "every: fortnight")
    text = text.replace("considers: [plan, board_pack, directorate_packs]", "considers: [plan, gossip]")
    found = problems(text)
    assert any("bodies[0].type:" in p and "'board'" in p for p in found), found
    assert any("bodies[1].business[0].every:" in p for p in found), found
    assert any("meetings[0].items[0].considers[1]:" in p and "'board_pack'" in p for p in found), found


def test_added_names_fields_of_the_element() -> None:
    text = GOOD.replace("fields: [meets, business.0.every]", "fields: [meats, business.0.evry, source.0]")
    (found,) = problems(text)
    assert found.startswith("plan.yaml:39:7: ")
    assert "bodies[1].added: added[0] names 'meats', which is not a field of a body: 'meats' is not one of" in found
    assert "'business.0.evry', which is not a field of a body: 'evry' is not one of title, considers, every" in found
    assert "'source.0', which is not a field of a body: '0' is a position, but what comes before it" in found


def test_every_element_kind_takes_added_and_needs_fields_and_a_note() -> None:
    text = HEAD.replace("title: Chief Executive}", "title: Chief Executive, added: [{fields: [name], note: x}]}")
    assert validate_text(text, "plan.yaml").ok
    for entry, message in [
        ("{fields: [], note: x}", "added[0].fields: List should have at least 1 item"),
        ("{fields: [name]}", "added[0].note: 'note' is required"),
        ("{fields: [Name], note: x}", "added[0].fields[0]: String should match pattern"),
        ("{fields: [name], note: x, by: me}", "added[0].by: unknown field 'by'"),
    ]:
        bad = HEAD.replace("title: Chief Executive}", f"title: Chief Executive, added: [{entry}]}}")
        found = problems(bad)
        assert any(message in p for p in found), (message, found)
    for section in SECTIONS:  # every kind carries `added`, written last
        model = schema.Plan.model_fields[section].annotation.__args__[0]  # type: ignore[union-attr]
        assert list(model.model_fields)[-1] == "added", section


def test_compare_names_governance_changes_field_by_field() -> None:
    from goldenthread.planfile.compare import compare, listing

    old = validate_text(GOOD, "old.yaml").plan
    changed = GOOD.replace("presenter: COO", "presenter: CEO").replace("date: 27 June 2019", "date: 28 June 2019")
    new = validate_text(changed.replace("fields: [meets, business.0.every]", "fields: [meets]"), "new.yaml").plan
    assert old is not None and new is not None
    comparison = compare(old, new)
    assert [s.label for s in comparison.sections] == ["Bodies", "Meetings"]
    lines = listing(comparison)
    assert "  changed meeting BIC-2019-06-27 “Joint Boards in Common”" in lines
    assert "      date: 27 June 2019 → 28 June 2019" in lines
    assert any("removed 12 Joint Work Programme 2019/20 (purpose: decision; presenter: COO;" in line for line in lines)
    assert any(
        line.startswith("      added: meets, business.0.every — “The committee's published calendar” → meets — ")
        for line in lines
    ), lines
    assert compare(new, old) == comparison.mirrored()


def test_an_items_units_name_the_directorate_packs_it_considers() -> None:
    (found,) = problems(GOOD.replace("considers: [plan, board_pack, directorate_packs]", "considers: [plan]"))
    assert "meetings[0].items[0].org_units: org_units names whose directorate packs the item considers" in found
