"""Write a plan as an Excel workbook (.xlsx), or a blank one to fill in.

The layout is :mod:`.workbook_layout`'s: a Plan sheet of the plan's own fields, then one sheet
per element kind with a bold, frozen header row of plan-file field names and a drop-down on every
column with a fixed vocabulary or a code of another element; a hidden Lists sheet holds the
vocabularies. Every text is written as text — a title that starts with "=" is never a formula,
a code such as "3.102" never a number — and numbers exactly, so the workbook reads back
(:mod:`.workbook_read`) to the same plan and the same YAML.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from goldenthread.planfile.schema import SECTIONS, Plan
from goldenthread.planfile.workbook_layout import (
    ADDED_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    PLAN_FIELDS,
    PLAN_SHEET,
    SHEETS,
    VOCABULARIES,
    Sheet,
    column_letter,
    rules_text,
)

__all__ = ["blank_workbook", "plan_workbook"]

#: rows below the last element that still offer the drop-downs, for elements added in Excel
SPARE_ROWS = 1000
#: significant digits Excel keeps in a number; a value with more is written as text, exactly
EXCEL_DIGITS = 15
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

INSTRUCTIONS = (
    "A goldenthread plan workbook",
    "",
    "Each sheet holds one kind of element; each row is one element and each column a field of the plan file "
    "(docs/plan-file.md). Keep the header row as it is: the column names are the plan file's field names.",
    "The Plan sheet holds the plan's own fields, one per row: its code, title, organisation, years "
    "(e.g. 2019/20), status and source document.",
    "Elements refer to each other by code: an objective's level is a code on the Levels sheet, its parent "
    "another objective's code, its owner a code on the Owners sheet. Choose them from the drop-down lists.",
    "Lists of codes go in one cell separated by semicolons, e.g. 'A1; A2; B3'.",
    "Trigger rules go in one cell, e.g. 'below_target_for 3; special_cause_concern'; the plan's activity "
    "rules as 'activity_overdue 14' (days of grace).",
    "Assessed by, Framework references, Trajectories, Stated values, Rebase dates, Annotations, Cycle of "
    "business and Agenda items have a row per item, naming its objective, metric, body or meeting in the "
    "first column.",
    "A metric's chart (xmr, p, pp, u, up, c, g, t or run) may be left blank: it is then chosen from the "
    "metric's unit and aggregation. Rebase dates recalculate its limits from a period, each with its reason; "
    "fix_after_n fixes the limits after that many points; annotations are dated events shown on its charts.",
    "Bodies are the boards and committees that oversee the plan; Meetings their meetings, each on a date "
    "(e.g. 2019-06-27), with its agenda on the Agenda items sheet.",
    "Added details: a row for each detail of an element that is not from the source document: the element's "
    "kind and code, its fields (e.g. 'definition; data_source') and a note of where they come from.",
    "Percentages are fractions: 95% is 0.95. Money is in pounds. Write values, not formulas: a formula is "
    "refused when the workbook is loaded.",
    "Load the workbook with 'goldenthread plan load FILE.xlsx' or upload it on the plan's page. Every problem "
    "is reported at its sheet and cell, and nothing changes until the whole workbook is valid.",
)


def plan_workbook(plan: Plan) -> bytes:
    """The plan as an .xlsx file."""
    return _save(_book(plan.model_dump(mode="python")))


def blank_workbook() -> bytes:
    """A workbook to write a new plan in: the sheets, headers, drop-downs and instructions."""
    return _save(_book(None))


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _book(data: dict[str, Any] | None) -> Workbook:
    book = Workbook()
    plan_sheet = book.active
    assert plan_sheet is not None
    plan_sheet.title = PLAN_SHEET
    lists = _lists(book)
    _plan_sheet(plan_sheet, data, lists)
    for sheet in SHEETS:
        table = book.create_sheet(sheet.name)
        rows = list(_rows(sheet, data)) if data is not None else []
        _element_sheet(table, sheet, rows, lists, _last_rows(data))
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET))
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    return book


def _rows(sheet: Sheet, data: dict[str, Any]) -> list[list[Any]]:
    """Each row's values, in the sheet's column order."""
    if sheet.name == ADDED_SHEET:
        return [
            [kind, element["code"], entry["fields"], entry["note"]]
            for section, kind in SECTIONS.items()
            for element in data[section]
            for entry in element["added"]
        ]
    elements = data[sheet.section]
    if sheet.inner is None:
        return [[_field(element, column.name) for column in sheet.columns] for element in elements]
    return [
        [element["code"], *(_field(item, column.name) for column in sheet.columns[1:])]
        for element in elements
        for item in element[sheet.inner]
    ]


def _field(element: dict[str, Any], name: str) -> Any:
    value: Any = element
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _plan_sheet(table: Worksheet, data: dict[str, Any] | None, lists: dict[str, str]) -> None:
    _header(table, ("field", "value"), (24, 80))
    for row, column in enumerate(PLAN_FIELDS, start=2):
        _write(table.cell(row, 1), column.name, "text")
        table.cell(row, 1).font = BOLD
        _write(table.cell(row, 2), _field(data, column.name) if data is not None else None, column.kind)
        if column.choices:
            _drop_down(table, f"B{row}", lists[column.choices], strict=True)


def _last_rows(data: dict[str, Any] | None) -> dict[str, int]:
    """The last row each sheet's drop-downs reach: its elements' rows and the spare rows below."""
    return {s.name: len(data[s.section]) + 1 + SPARE_ROWS if data else 1 + SPARE_ROWS for s in SHEETS if not s.inner}


def _element_sheet(
    table: Worksheet, sheet: Sheet, rows: list[list[Any]], lists: dict[str, str], last_rows: dict[str, int]
) -> None:
    _header(table, sheet.headers, tuple(column.width for column in sheet.columns))
    for r, values in enumerate(rows, start=2):
        for c, (column, value) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            _write(table.cell(r, c), value, column.kind)
    last = len(rows) + 1 + SPARE_ROWS
    for c, column in enumerate(sheet.columns, start=1):
        cells = f"{column_letter(c)}2:{column_letter(c)}{last}"
        if column.choices:
            _drop_down(table, cells, lists[column.choices], strict=True)
        elif column.refers:
            _drop_down(table, cells, f"'{column.refers}'!$A$2:$A${last_rows[column.refers]}", strict=False)


def _header(table: Worksheet, names: tuple[str, ...], widths: tuple[int, ...]) -> None:
    for c, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = table.cell(1, c)
        _write(cell, name, "text")
        cell.font = BOLD
        table.column_dimensions[column_letter(c)].width = width
    table.freeze_panes = "A2"


def _write(cell: Cell, value: Any, kind: str) -> None:
    """One value into one cell, as its column's kind says; nothing for an empty value."""
    if value is None or value == "" or value == []:
        if kind not in ("number", "integer"):
            cell.number_format = "@"  # what is typed here later stays text too
        return
    if kind == "number" and _exact_in_excel(value):
        cell.value = Decimal(format(value.normalize(), "f"))
        return
    if kind == "integer":
        cell.value = int(value)
        return
    if kind == "codes":
        value = "; ".join(value)
    elif kind == "rules":
        value = rules_text(value)
    elif kind == "yes_no":
        value = "yes" if value else "no"
    _text(cell, str(value))


def _text(cell: Cell, text: str) -> None:
    """Text as text: never a formula, a number or a date, whatever it looks like."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    cell.data_type = "s"
    cell.number_format = "@"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True
    if "\n" in text:
        cell.alignment = WRAP


def _exact_in_excel(value: Decimal) -> bool:
    return len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS


def _lists(book: Workbook) -> dict[str, str]:
    """The hidden Lists sheet, a vocabulary per column; the range of each, for its drop-downs."""
    table = book.create_sheet(LISTS_SHEET)
    table.sheet_state = "hidden"
    ranges = {}
    for c, (name, words) in enumerate(VOCABULARIES.items(), start=1):
        _write(table.cell(1, c), name, "text")
        for r, word in enumerate(words, start=2):
            _write(table.cell(r, c), word, "text")
        letter = column_letter(c)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(words) + 1}"
    return ranges


def _drop_down(table: Worksheet, cells: str, source: str, *, strict: bool) -> None:
    """A drop-down list on ``cells`` from the range ``source``: a fixed vocabulary refuses other
    values (``strict``); a list of codes only warns, as the code may be on a row not yet written."""
    check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
    check.errorStyle = "stop" if strict else "warning"
    check.error = "Choose a value from the list" if strict else "This is not one of the codes on that sheet"
    check.errorTitle = "Not in the list"
    table.add_data_validation(check)
    check.add(cells)


def _instructions(table: Worksheet) -> None:
    table.column_dimensions["A"].width = 120
    for r, line in enumerate(INSTRUCTIONS, start=1):
        cell = table.cell(r, 1)
        _text(cell, line) if line else None
        cell.alignment = WRAP
    table.cell(1, 1).font = Font(bold=True, size=14)
