"""Read a plan workbook (.xlsx) and validate it as a plan file is validated, cell by cell.

The workbook is checked for bombs before openpyxl opens it (:mod:`.workbook_limits`), read into
the plain data a YAML file gives, with each value's sheet and cell as its mark, and validated by
:func:`goldenthread.planfile.validate.validate_source` — the same checks and messages as a file.
Every problem is reported as ``FILE!SHEET!CELL: field: message``; a missing column at the
sheet's header row; an unknown sheet or column is a problem too. A formula is never evaluated:
a cell holding one is refused (write the value), while text that merely starts with "=" is text.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path as FsPath
from typing import Any

from goldenthread.planfile.schema import SECTIONS
from goldenthread.planfile.source import Path, Problem, Source, dotted
from goldenthread.planfile.validate import Result, validate_file, validate_source
from goldenthread.planfile.workbook_layout import (
    ADDED_SHEET,
    PLAN_FIELDS,
    PLAN_SHEET,
    SHEET_ORDER,
    SHEETS,
    Column,
    Sheet,
    column_letter,
    rules_data,
    split_list,
)
from goldenthread.planfile.workbook_limits import MB, WorkbookLimits, check_workbook_content

__all__ = ["WORKBOOK_SUFFIXES", "CellProblem", "cell_text", "validate_plan_file", "validate_workbook"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: a plan workbook is small: beyond these it is not one (or is a bomb)
PLAN_LIMITS = WorkbookLimits(
    unpacked_bytes=50 * MB,
    rows=5_000,
    columns=60,
    cells=100_000,
    strings=100_000,
    sheet_elements=1_000_000,
    workbook_elements=1_500_000,
)
DAMAGED = "save it from Excel as 'Excel Workbook (.xlsx)', or start again from the plan's own download"
#: marks encode a cell as a line and column: line = sheet's place in SHEET_ORDER * SPAN + row
SPAN = 10_000_000


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem located at a workbook's sheet and cell (``line`` is the row, ``column`` the
    column's number)."""

    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        at = f"!{self.sheet}!{self.cell}" if self.sheet else ""
        return f"{self.file}{at}: {where}{self.message}"


def validate_plan_file(path: str | FsPath) -> Result:
    """A plan file or workbook, by its suffix: .xlsx (or .xlsm) is a workbook, anything else YAML."""
    name = str(path)
    if FsPath(name).suffix.lower() not in WORKBOOK_SUFFIXES:
        return validate_file(path)
    try:
        content = FsPath(path).read_bytes()
    except OSError as exc:
        return Result(name, problems=[CellProblem(name, 1, 1, "", f"cannot read the file: {exc.strerror}")])
    return validate_workbook(content, name)


def validate_workbook(content: bytes, file: str = "plan.xlsx") -> Result:
    """Validate a workbook's bytes: every problem at its cell, and the plan only when there is none.
    The whole workbook is streamed and checked first (:mod:`.workbook_limits`): a damaged,
    hostile or oversized one is one problem saying what is wrong and what to do, never an
    exception; openpyxl opens only a workbook that passed."""
    verdict = check_workbook_content(content, PLAN_LIMITS)
    if verdict.problem:
        todo = DAMAGED if verdict.damaged else "a plan workbook is far smaller: export the plan again and edit that"
        subject = "" if verdict.problem.startswith("cannot") else "the workbook "
        return _refused(file, f"{subject}{verdict.problem}; {todo}")
    from openpyxl import load_workbook

    reader = _Reader(file)
    try:
        with warnings.catch_warnings():  # openpyxl warns of extensions it ignores (slicers, ...)
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), data_only=False, keep_links=False)
        if over := _beyond_limits(book):
            return _refused(file, over)
        reader.read(book)
    except Exception as exc:  # openpyxl on a checked file: its many error types are all the file's fault
        return _refused(file, f"cannot be read as an Excel workbook ({type(exc).__name__}); {DAMAGED}")
    return reader.validate()


def _refused(file: str, message: str) -> Result:
    return Result(file, problems=[CellProblem(file, 1, 1, "", message)])


def _beyond_limits(book: Any) -> str | None:
    """A sheet openpyxl made larger than the limits the streamed check held it to (a cell made for
    something the check does not foresee): refused before the reader walks every cell up to it."""
    for table in book.worksheets:
        if table.max_row > PLAN_LIMITS.rows or table.max_column > PLAN_LIMITS.columns:
            return (
                f"the workbook has a sheet, '{table.title}', reaching cell {column_letter(table.max_column)}"
                f"{table.max_row}; goldenthread reads a sheet of at most {PLAN_LIMITS.rows:,} rows and "
                f"{PLAN_LIMITS.columns} columns; a plan workbook is far smaller: export the plan again and edit that"
            )
    return None


class _Reader:
    """Builds the plan's data from the sheets, with a mark for every value and the cell of every
    field of every row (blank ones too, for 'is required')."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.data: dict[str, Any] = {}
        self.source = Source(file, data=self.data)
        self.cells: dict[str, tuple[str, int, int]] = {}
        self.missing: set[str] = set()  # "section[].field" patterns a missing column covers
        self.problems: list[CellProblem] = []

    # locating
    def refuse(self, sheet: str, row: int, col: int, path: str, message: str) -> None:
        cell = f"{column_letter(col)}{row}"
        self.problems.append(CellProblem(self.file, row, col, path, message, sheet=sheet, cell=cell))

    def mark(self, path: Path, sheet: str, row: int, col: int, *, key: bool = False) -> None:
        marks = self.source.key_marks if key else self.source.value_marks
        marks.setdefault(path, (SHEET_ORDER.index(sheet) * SPAN + row, col))

    def locate(self, problem: Problem) -> CellProblem:
        if isinstance(problem, CellProblem):
            return problem
        if problem.path in self.cells:
            sheet, row, col = self.cells[problem.path]
        else:
            sheet, row, col = SHEET_ORDER[problem.line // SPAN], problem.line % SPAN, problem.column
        message = re.sub(r"first on line (\d+)", lambda m: f"first in row {int(m[1]) % SPAN}", problem.message)
        return CellProblem(self.file, row, col, problem.path, message, sheet=sheet, cell=f"{column_letter(col)}{row}")

    # reading
    def read(self, book: Any) -> None:
        sheets = {}
        for table in book.worksheets:
            known = next((name for name in SHEET_ORDER if name.lower() == table.title.strip().lower()), None)
            if known is None:
                self.refuse(
                    table.title,
                    1,
                    1,
                    "",
                    f"unknown sheet '{table.title}'; a plan workbook has the sheets "
                    f"{', '.join(SHEET_ORDER[:-1])}: rename it to one of them or remove it",
                )
            else:
                sheets[known] = table
        self.mark((), PLAN_SHEET, 1, 1)
        if PLAN_SHEET in sheets:
            self.read_plan(sheets[PLAN_SHEET])
        else:
            self.refuse(PLAN_SHEET, 1, 1, "", "the workbook has no 'Plan' sheet; start from the template")
        for sheet in SHEETS:
            if sheet.section:
                self.mark((sheet.section,), sheet.name, 1, 1)
            if sheet.name in sheets:
                self.read_sheet(sheets[sheet.name], sheet)

    def read_plan(self, table: Any) -> None:
        fields = {column.name: column for column in PLAN_FIELDS}
        seen: dict[str, int] = {}
        for number, row in enumerate(table.iter_rows(min_row=2, max_col=2), start=2):
            name = cell_text(row[0].value).lower() if row else ""
            if not name:
                if len(row) > 1 and cell_text(row[1].value):
                    self.refuse(PLAN_SHEET, number, 1, "", "a value with no field name; name the field in column A")
                continue
            if name in seen:
                self.refuse(PLAN_SHEET, number, 1, name, f"'{name}' is given twice (first in row {seen[name]})")
                continue
            seen[name] = number
            path = tuple(name.split("."))
            self.mark(path, PLAN_SHEET, number, 1, key=True)
            column = fields.get(name, Column(name))
            if column.required and len(path) > 1:  # its row is there: say which of its fields is missing
                self.data.setdefault(path[0], {})
            self.put(self.data, (), path, row[1] if len(row) > 1 else None, column, (PLAN_SHEET, number, 2))

    def header(self, table: Any, sheet: Sheet) -> dict[int, Column]:
        """The sheet's columns by number, reporting unknown, repeated and missing ones."""
        by_name = {column.name: column for column in sheet.columns}
        found: dict[int, Column] = {}
        width = 0
        for cell in next(table.iter_rows(min_row=1, max_row=1), ()):
            name = cell_text(cell.value).lower()
            width = max(width, cell.column) if name else width
            if not name:
                continue
            if name not in by_name:
                self.refuse(
                    sheet.name,
                    1,
                    cell.column,
                    "",
                    f"unknown column '{name}'; the columns of this sheet are "
                    f"{', '.join(sheet.headers)}: rename it or remove it",
                )
            elif any(column.name == name for column in found.values()):
                self.refuse(sheet.name, 1, cell.column, "", f"the column '{name}' is given twice; keep one")
            else:
                found[cell.column] = by_name[name]
        named = {column.name for column in found.values()}
        for column in sheet.columns:
            if column.required and column.name not in named:
                width += 1
                self.refuse(sheet.name, 1, width, "", f"missing required column '{column.name}'; add it to row 1")
                self.missing.add(f"{sheet.section}[]{'.' + sheet.inner + '[]' if sheet.inner else ''}.{column.name}")
        return found

    def read_sheet(self, table: Any, sheet: Sheet) -> None:
        columns = self.header(table, sheet)
        owner_col = next((c for c, column in columns.items() if column.name == sheet.owner_column), None)
        if sheet.inner and owner_col is None:
            return  # reported as a missing column: its rows name no element to go in
        if sheet.name == ADDED_SHEET:
            self.read_added(table, sheet, columns, owner_col)
            return
        elements = self.data.setdefault(sheet.section, [])
        index = {e.get("code"): i for i, e in reversed(list(enumerate(elements)))} if sheet.inner else {}
        for number, row in enumerate(table.iter_rows(min_row=2), start=2):
            if all(cell_text(cell.value) == "" for cell in row):
                continue
            self.unnamed(sheet, row, columns)
            if sheet.inner is None:
                path: Path = (sheet.section, len(elements))
                elements.append({})
                item = elements[-1]
            else:
                found = self.owner(sheet, number, row, owner_col, index)
                if found is None:
                    continue
                items = elements[found].setdefault(sheet.inner, [])
                path = (sheet.section, found, sheet.inner, len(items))
                items.append({})
                item = items[-1]
            self.mark(path, sheet.name, number, 1)
            for col, column in columns.items():
                if column.name != sheet.owner_column:
                    cell = row[col - 1] if col <= len(row) else None
                    self.put(item, path, tuple(column.name.split(".")), cell, column, (sheet.name, number, col))

    def read_added(self, table: Any, sheet: Sheet, columns: dict[int, Column], code_col: int | None) -> None:
        """The Added details sheet: each row an ``added`` note of the element its kind and code name."""
        kind_col = next((c for c, column in columns.items() if column.name == "kind"), None)
        if kind_col is None or code_col is None:
            return  # reported as a missing column
        sections = {kind: section for section, kind in SECTIONS.items()}
        for number, row in enumerate(table.iter_rows(min_row=2), start=2):
            if all(cell_text(cell.value) == "" for cell in row):
                continue
            self.unnamed(sheet, row, columns)
            kind = cell_text(row[kind_col - 1].value).lower() if kind_col <= len(row) else ""
            section = sections.get(kind) or (kind if kind in SECTIONS else None)
            if section is None:
                known = ", ".join(SECTIONS.values())
                self.refuse(sheet.name, number, kind_col, "", f"which kind of element? give one of {known}")
                continue
            elements = self.data.setdefault(section, [])
            index = {e.get("code"): i for i, e in reversed(list(enumerate(elements)))}
            found = self.owner(sheet, number, row, code_col, index, section)
            if found is None:
                continue
            items = elements[found].setdefault("added", [])
            path: Path = (section, found, "added", len(items))
            items.append({})
            self.mark(path, sheet.name, number, 1)
            fields_col = next((c for c, column in columns.items() if column.name == "fields"), 1)
            self.mark(path[:-1], sheet.name, number, fields_col)  # a field it names is not the element's
            for col, column in columns.items():
                if column.name not in ("kind", "code"):
                    cell = row[col - 1] if col <= len(row) else None
                    self.put(items[-1], path, (column.name,), cell, column, (sheet.name, number, col))

    def owner(
        self, sheet: Sheet, number: int, row: Any, col: int | None, index: dict[Any, int], section: str = ""
    ) -> int | None:
        """The element an inner sheet's row belongs to, by the code in its first column (on the
        Added details sheet, the element of ``section`` its code column names)."""
        assert col is not None and sheet.owner_column is not None
        code = cell_text(row[col - 1].value) if col <= len(row) else ""
        section = section or sheet.section
        kind = SECTIONS.get(section, sheet.owner_column).replace("_", " ")
        if code in index:
            return index[code]
        owners = next(s.name for s in SHEETS if s.section == section and not s.inner)
        message = (
            f"there is no {kind} '{code}' on the {owners} sheet; use one of its codes"
            if code
            else f"which {kind}? give its code in this column"
        )
        self.refuse(sheet.name, number, col, "", message)
        return None

    def unnamed(self, sheet: Sheet, row: Any, columns: dict[int, Column]) -> None:
        for cell in row:
            if (
                cell.column not in columns
                and cell_text(cell.value)
                and not any(p.sheet == sheet.name and p.line == 1 and p.column == cell.column for p in self.problems)
            ):
                self.refuse(sheet.name, 1, cell.column, "", "this column has values but no name; name it or clear it")

    def put(
        self,
        item: dict[str, Any],
        prefix: Path,
        field: tuple[str, ...],
        cell: Any,
        column: Column,
        at: tuple[str, int, int],
    ) -> None:
        """Set ``item``'s field (``target.value``: a field of a nested mapping) from the cell."""
        path = prefix + field
        self.cells[dotted(path)] = at
        if len(field) > 1:
            self.mark(path[:-1], *at)
        value = self.value(cell, column, path, at)
        if value is None:
            return
        self.mark(path, *at)
        for part in field[:-1]:
            item = item.setdefault(part, {})
        item[field[-1]] = value

    def value(self, cell: Any, column: Column, path: Path, at: tuple[str, int, int]) -> object:
        """The cell's value as a plan file would give it; None when blank, or refused."""
        if cell is None or cell.value is None:
            return None
        if cell.data_type == "f":
            self.refuse(*at, dotted(path), "this cell holds a formula; write the value, not a formula")
            return None
        if cell.data_type == "e":
            self.refuse(*at, dotted(path), f"this cell holds the error {cell.value}; write the value")
            return None
        if isinstance(cell.value, bool) and column.kind == "yes_no":
            return cell.value
        text = cell_text(cell.value)
        if not text:
            return None
        if column.kind == "codes":
            return split_list(text) or None
        if column.kind == "rules":
            return rules_data(text, "periods" if path[0] == "metrics" else "grace_days")
        return text

    # validating
    def covered(self, problem: Problem) -> bool:
        """A field's absence on every row, already reported once as a missing column."""
        return re.sub(r"\[\d+\]", "[]", problem.path) in self.missing and problem.message.endswith("is required")

    def validate(self) -> Result:
        self.source.problems = list(self.problems)
        result = validate_source(self.source)
        located = [self.locate(p) for p in result.problems if isinstance(p, CellProblem) or not self.covered(p)]
        order = {"": -1} | {name: i for i, name in enumerate(SHEET_ORDER)}  # then unknown sheets
        located = sorted(
            dict.fromkeys(located), key=lambda p: (order.get(p.sheet, len(order)), p.line, p.column, p.path, p.message)
        )
        return Result(self.file, plan=None if located else result.plan, problems=list(located))


def cell_text(value: object) -> str:
    """An Excel cell as text, as a person reads it: 12 not 12.0, 0.1 not 0.1000000000000000055,
    dates as ISO dates. (A data file's cells are read the same way.)"""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return _formula_text(value) or str(value).strip()


def _formula_text(value: object) -> str:
    """An array formula's text as Excel shows it ('=SUM(A1:A3*B1:B3)', as other formulas are given),
    and a what-if data table's as '=TABLE(row input,column input)'; '' for anything else."""
    text = getattr(value, "text", None)  # openpyxl's ArrayFormula
    if isinstance(text, str):
        return text.strip()
    if type(value).__name__ == "DataTableFormula":
        inputs = (getattr(value, "r1", None), getattr(value, "r2", None))
        return f"=TABLE({','.join(str(i) for i in inputs if i)})"
    return ""
