"""Governance in the plan workbook: the Bodies, Cycle of business, Meetings, Agenda items and
Added details sheets read back to the same plan and the same YAML, and their problems are at
their SHEET!CELL."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from goldenthread.planfile import to_yaml, validate_text
from goldenthread.planfile.schema import Plan
from goldenthread.planfile.workbook_read import validate_workbook
from goldenthread.planfile.workbook_write import blank_workbook, plan_workbook
from tests.planfile.test_governance import GOOD

ADDED = """\
    added:
      - fields: [definition, target.value]
        note: NHS England A&E statistics; not printed in the document
      - fields: [review.when]
        note: The board's calendar
"""


def governed_plan() -> Plan:
    text = GOOD.replace(
        "  - {code: AE4HR, title: Four hours, objectives: [P1]}\n",
        "  - code: AE4HR\n    title: Four hours\n    objectives: [P1]\n    definition: Seen within four hours\n"
        "    target: {value: 0.95}\n" + ADDED,
    ).replace(
        "  - {code: MED, name: Medical}\n", "  - {code: MED, name: Medical, added: [{fields: [name], note: x}]}\n"
    )
    text += "    added:\n      - fields: [items.0.presenter]\n        note: The minutes\n"
    result = validate_text(text, "plan.yaml")
    assert result.ok and result.plan is not None, result.problems
    return result.plan


def edited(content: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(content: bytes) -> list[str]:
    result = validate_workbook(content, "plan.xlsx")
    assert not result.ok
    return [str(p) for p in result.problems]


def test_a_governed_plan_reads_back_to_the_same_yaml() -> None:
    plan = governed_plan()
    result = validate_workbook(plan_workbook(plan), "plan.xlsx")
    assert result.ok and result.plan is not None, [str(p) for p in result.problems]
    assert result.plan == plan
    assert to_yaml(result.plan) == to_yaml(plan)


def test_the_sheets_hold_one_row_per_thing() -> None:
    book = load_workbook(io.BytesIO(plan_workbook(governed_plan())))
    bodies = [[c.value for c in row] for row in book["Bodies"].iter_rows(min_row=1, max_row=3)]
    assert bodies[0][:6] == ["code", "name", "type", "parent", "chair", "members"]
    assert bodies[2][:6] == [
        "DQPCiC",
        "Delivery, Quality and Performance Committee in Common",
        "committee",
        "BOARDS",
        "CEO",
        "COO",
    ]
    business = [c.value for c in book["Cycle of business"][2]]
    assert business[:4] == [
        "DQPCiC",
        "Quarterly review of directorate performance dashboards",
        "directorate_packs",
        "quarter",
    ]
    meeting = [c.value for c in book["Meetings"][2]]
    assert meeting[:4] == ["BIC-2019-06-27", "BOARDS", "Joint Boards in Common", "27 June 2019"]
    item = [c.value for c in book["Agenda items"][2]]
    assert item[:3] == ["BIC-2019-06-27", "12", "Joint Work Programme 2019/20"]
    added = [[c.value for c in row] for row in book["Added details"].iter_rows(min_row=1)]
    assert added == [
        ["kind", "code", "fields", "note"],
        ["org_unit", "MED", "name", "x"],
        ["metric", "AE4HR", "definition; target.value", "NHS England A&E statistics; not printed in the document"],
        ["metric", "AE4HR", "review.when", "The board's calendar"],
        ["body", "DQPCiC", "meets; business.0.every", "The committee's published calendar"],
        ["meeting", "BIC-2019-06-27", "items.0.presenter", "The minutes"],
    ]


def test_the_blank_workbook_has_the_governance_sheets() -> None:
    names = load_workbook(io.BytesIO(blank_workbook())).sheetnames
    for name in ("Bodies", "Cycle of business", "Meetings", "Agenda items", "Added details"):
        assert name in names


def test_governance_problems_are_at_their_cells() -> None:
    content = plan_workbook(governed_plan())
    (found,) = problems(edited(content, "Meetings", "D2", "30 February 2019"))
    assert found.startswith("plan.xlsx!Meetings!D2: meetings[0].date: '30 February 2019' is not a real date")
    (found,) = problems(edited(content, "Agenda items", "A2", "BIC-2019-06-28"))
    assert found == (
        "plan.xlsx!Agenda items!A2: there is no meeting 'BIC-2019-06-28' on the Meetings sheet; use one of its codes"
    )
    (found,) = problems(edited(content, "Bodies", "E3", "CFO"))
    assert found.startswith("plan.xlsx!Bodies!E3: bodies[1].chair: unknown owner 'CFO'")


def test_added_details_problems_are_at_their_cells() -> None:
    content = plan_workbook(governed_plan())
    (found,) = problems(edited(content, "Added details", "A3", "gadget"))
    assert found.startswith("plan.xlsx!Added details!A3: which kind of element? give one of org_unit, owner,")
    (found,) = problems(edited(content, "Added details", "B3", "AE5HR"))
    assert found == "plan.xlsx!Added details!B3: there is no metric 'AE5HR' on the Metrics sheet; use one of its codes"
    (found,) = problems(edited(content, "Added details", "C3", "definiton"))
    assert found.startswith("plan.xlsx!Added details!C3: metrics[0].added: added[0] names 'definiton'"), found
    (found,) = problems(edited(content, "Added details", "D3", None))
    assert found == "plan.xlsx!Added details!D3: metrics[0].added[0].note: 'note' is required"
