"""The plan workbook: a plan written to .xlsx reads back to the same plan (and the same YAML), and
a workbook is validated as a plan file is, with every problem at its SHEET!CELL."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from goldenthread.planfile import to_yaml, validate_file
from goldenthread.planfile.schema import Plan
from goldenthread.planfile.workbook_layout import SHEET_ORDER, SHEETS, VOCABULARIES
from goldenthread.planfile.workbook_read import validate_plan_file, validate_workbook
from goldenthread.planfile.workbook_write import blank_workbook, plan_workbook

PLANS = Path(__file__).resolve().parents[2] / "plans"
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example.yaml"


def plan_of(path: Path) -> Plan:
    result = validate_file(path)
    assert result.ok and result.plan is not None, result.problems
    return result.plan


def reopened(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(content: bytes) -> list[str]:
    result = validate_workbook(content, "plan.xlsx")
    assert result.plan is None and not result.ok
    return [str(p) for p in result.problems]


@pytest.mark.parametrize("name", sorted(p.name for p in PLANS.glob("*.yaml")))
def test_each_seed_plan_reads_back_to_the_same_yaml(name):
    plan = plan_of(PLANS / name)
    result = validate_workbook(plan_workbook(plan), f"{name}.xlsx")
    assert result.ok and result.plan is not None, [str(p) for p in result.problems]
    assert to_yaml(result.plan) == to_yaml(plan)


def test_every_part_of_the_example_reads_back():
    """The example has assessed-by lines, framework references, a trajectory, stated values,
    trigger rules, activity rules, budget lines, stated totals and risks."""
    plan = plan_of(EXAMPLE)
    assert plan.activity_rules and any(m.trigger_rules for m in plan.metrics) and plan.risks
    result = validate_workbook(plan_workbook(plan))
    assert result.ok and result.plan == plan
    assert to_yaml(result.plan) == to_yaml(plan)


def test_text_stays_text_and_numbers_stay_exact():
    plan = plan_of(EXAMPLE)
    metric = plan.metrics[0].model_copy(
        update={
            "code": "3.102",
            "title": '=HYPERLINK("http://evil.example","click")',
            "definition": "<script>alert(1)</script> & <b>bold</b>",
            # 15 significant digits: what the databases keep (issue 15); a longer number is rounded to them
            "scale_max": Decimal("1234567.12345678"),
        }
    )
    changed = plan.model_copy(update={"metrics": [metric, *plan.metrics[1:]]})
    content = plan_workbook(changed)
    cells = {c.coordinate: c for c in reopened(content)["Metrics"][2]}
    assert cells["A2"].value == "3.102" and cells["A2"].data_type == "s"
    assert cells["B2"].data_type == "s" and cells["B2"].value.startswith("=HYPERLINK")
    assert cells["B2"].quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet10.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere on the Metrics sheet
    result = validate_workbook(content)
    assert result.ok and result.plan is not None, result.problems
    back = result.plan.metrics[0]
    assert back.code == "3.102" and back.title == metric.title and back.definition == metric.definition
    assert back.scale_max == Decimal("1234567.12345678")
    assert to_yaml(result.plan) == to_yaml(changed)


def test_a_workbook_with_wrong_cells_is_refused_with_every_problem_at_its_cell():
    book = reopened(plan_workbook(plan_of(PLANS / "nhse-2013.yaml")))
    metrics = book["Metrics"]
    assert metrics["K1"].value == "target.value" and metrics["T1"].value == "owner"
    metrics["K3"] = "high"  # a wrong type
    metrics["T4"] = "nobody"  # an unknown owner
    objectives = book["Objectives"]
    objectives["A4"] = objectives["A3"].value  # a duplicate code
    budget = book["Budget lines"]
    assert budget["B1"].value == "title"
    budget.delete_cols(2)  # a missing required column
    found = problems(saved(book))
    code = objectives["A3"].value
    assert found == [
        f"plan.xlsx!Objectives!A4: objectives[2].code: code '{code}' is used twice in objectives (first in row 3); "
        "codes must be unique",
        "plan.xlsx!Metrics!K3: metrics[1].target.value: Input should be a valid decimal, not 'high'",
        "plan.xlsx!Metrics!T4: metrics[2].owner: unknown owner 'nobody'; declare it under 'owners' or correct the code",
        "plan.xlsx!Budget lines!G1: missing required column 'title'; add it to row 1",
    ]


def test_a_formula_is_refused_at_its_cell_never_evaluated():
    book = reopened(plan_workbook(plan_of(EXAMPLE)))
    book["Risks"]["B2"] = "=1+1"  # typed in Excel: a formula cell
    book["Activities"]["C2"] = "=SUM(A1:A3)"
    found = problems(saved(book))
    assert found == [
        "plan.xlsx!Activities!C2: activities[0].title: this cell holds a formula; write the value, not a formula",
        "plan.xlsx!Risks!B2: risks[0].title: this cell holds a formula; write the value, not a formula",
    ]


def test_unknown_sheets_and_columns_and_missing_sheets_are_problems():
    book = reopened(plan_workbook(plan_of(EXAMPLE)))
    book.create_sheet("Notes")
    book["Owners"]["E1"] = "email"
    book["Owners"]["F3"] = "stray value"
    found = problems(saved(book))
    assert len(found) == 3
    assert found[0].startswith("plan.xlsx!Owners!E1: unknown column 'email'; the columns of this sheet are code, ")
    assert found[1] == "plan.xlsx!Owners!F1: this column has values but no name; name it or clear it"
    assert found[2].startswith("plan.xlsx!Notes!A1: unknown sheet 'Notes'; a plan workbook has the sheets Plan, ")
    del book["Notes"]
    del book["Plan"]
    assert "plan.xlsx!Plan!A1: the workbook has no 'Plan' sheet; start from the template" in problems(saved(book))


def test_what_excel_does_to_typed_values_is_undone():
    """A code typed as a number, a due date typed as a date, 'TRUE' in a yes/no column."""
    from datetime import datetime

    book = reopened(plan_workbook(plan_of(EXAMPLE)))
    activities, metrics = book["Activities"], book["Metrics"]
    assert activities["J1"].value == "due" and metrics["U1"].value == "to_be_confirmed"
    activities["J2"] = datetime(2020, 3, 31)
    metrics["A2"] = 3.102
    metrics["U2"] = True
    result = validate_workbook(saved(book))
    assert result.ok and result.plan is not None, result.problems
    assert result.plan.activities[0].due == "2020-03-31"
    assert result.plan.metrics[0].code == "3.102" and result.plan.metrics[0].to_be_confirmed


def test_trigger_rules_are_one_readable_cell():
    book = reopened(plan_workbook(plan_of(EXAMPLE)))
    metrics = book["Metrics"]
    assert metrics["R1"].value == "trigger_rules"
    assert metrics["R3"].value == "trajectory_missed_for 2; special_cause_concern"
    metrics["R2"] = "below_target_for 3 periods; special_cause_concern"
    metrics["R3"] = "below_target_for many"
    found = problems(saved(book))
    assert found == [
        "plan.xlsx!Metrics!R3: metrics[1].trigger_rules[0].periods: Input should be a valid integer, unable to parse "
        "string as an integer, not 'many'"
    ]
    metrics["R3"] = "no_data_since 2"
    result = validate_workbook(saved(book))
    assert result.plan is not None
    assert [(r.rule, r.periods) for r in result.plan.metrics[0].trigger_rules] == [
        ("below_target_for", 3),
        ("special_cause_concern", None),
    ]


def test_a_row_of_an_inner_sheet_names_its_element():
    book = reopened(plan_workbook(plan_of(EXAMPLE)))
    book["Trajectories"]["A2"] = "NOPE"
    found = problems(saved(book))
    assert found == ["plan.xlsx!Trajectories!A2: there is no metric 'NOPE' on the Metrics sheet; use one of its codes"]


def test_the_template_has_the_sheets_headers_and_drop_downs():
    book = reopened(blank_workbook())
    assert book.sheetnames == ["Plan", *(s.name for s in SHEETS), "Instructions", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    metrics = book["Metrics"]
    assert metrics.freeze_panes == "A2" and metrics["A1"].font.b
    assert [c.value for c in metrics[1]][:3] == ["code", "title", "objectives"]
    checks = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in metrics.data_validations.dataValidation}
    assert checks["H2"] == "Lists!$E$2:$E$4"  # polarity
    polarity = next(dv for dv in metrics.data_validations.dataValidation if str(dv.sqref).startswith("H2"))
    assert polarity.showErrorMessage and polarity.errorStyle == "stop" and not polarity.showDropDown  # (True hides it)
    assert [book["Lists"].cell(r, 5).value for r in range(1, 5)] == ["polarity", *VOCABULARIES["polarity"]]
    assert checks["T2"].startswith("'Owners'!$A$2")  # a metric's owner: a code on the Owners sheet
    objectives = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in book["Objectives"].data_validations.dataValidation}
    assert objectives["B2"].startswith("'Levels'!$A$2")
    plan_rows = {row[0].value: row[1].coordinate for row in book["Plan"].iter_rows(min_row=2)}
    plan_checks = {str(dv.sqref): dv.formula1 for dv in book["Plan"].data_validations.dataValidation}
    assert plan_checks[plan_rows["status"]].startswith("Lists!")
    assert "Instructions" in book.sheetnames and "goldenthread" in book["Instructions"]["A1"].value


def test_the_blank_template_says_what_to_fill_in():
    found = problems(blank_workbook())
    assert found[:2] == ["plan.xlsx!Plan!B2: code: 'code' is required", "plan.xlsx!Plan!B3: title: 'title' is required"]
    assert found[-1] == (
        "plan.xlsx!Levels!A1: levels: a plan declares at least one level, e.g. '- {code: priority, name: Priority}'"
    )
    assert len(found) == 7  # code, title, organisation's code and name, start, end; a level


def test_the_filled_in_template_is_a_plan(tmp_path):
    book = reopened(blank_workbook())
    rows = {row[0].value: row[1] for row in book["Plan"].iter_rows(min_row=2)}
    for field, value in {
        "code": "new-plan",
        "title": "A new plan",
        "organisation.code": "org",
        "organisation.name": "An organisation",
        "start": "2020/21",
        "end": "2020/21",
    }.items():
        rows[field].value = value
    book["Levels"].append(["priority", "Priority"])
    book["Objectives"].append(["1", "priority", "Do the thing"])
    path = tmp_path / "new.xlsx"
    book.save(path)
    result = validate_plan_file(path)
    assert result.ok and result.plan is not None, [str(p) for p in result.problems]
    assert result.plan.objectives[0].title == "Do the thing"


def declaring(sizes: dict[int, str]) -> bytes:
    """The example's workbook with sheet N declaring the range ``sizes[N]`` (e.g. "A1:B9000000")."""
    content = plan_workbook(plan_of(EXAMPLE))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            number = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if number and int(number[1]) in sizes:
                size = sizes[int(number[1])].encode()
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + size + b'"/>', data)
            copy.writestr(item, data)
    return out.getvalue()


def test_a_bomb_on_any_sheet_is_refused_before_it_is_opened():
    risks = SHEET_ORDER.index("Risks") + 1  # far from the first sheet
    (problem,) = problems(declaring({risks: "A1:B9000000"}))
    assert problem.startswith("plan.xlsx: the workbook has a sheet, 'Risks', that declares 9,000,000 rows")
    (problem,) = problems(declaring({5: "A1:T4000", 8: "A1:T4000"}))  # each allowed, not both
    assert problem.startswith("plan.xlsx: the workbook has over 100,000 cells; goldenthread reads a workbook of at")


def test_not_a_workbook():
    (problem,) = problems(b"this is not a zip")
    assert problem.startswith("plan.xlsx: cannot be read as an Excel workbook")


def test_a_drop_down_of_codes_reaches_every_code_on_its_sheet():
    plan = plan_of(PLANS / "nhse-2013.yaml")
    book = reopened(plan_workbook(plan))
    risks = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in book["Risks"].data_validations.dataValidation}
    assert risks["C2"] == f"'Objectives'!$A$2:$A${len(plan.objectives) + 1 + 1000}"  # past the last objective
    assert book["Objectives"].cell(len(plan.objectives) + 1, 1).value == plan.objectives[-1].code
