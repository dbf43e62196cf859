"""Reading an Excel data file (.xlsx) into a :class:`~.table.Table` — safely, whatever the file.

The whole workbook is streamed and checked first (:mod:`goldenthread.planfile.workbook_limits`,
shared with plan workbooks): a damaged or hostile file (broken XML, a DOCTYPE or entity, a
corrupted part) or one over a limit (unpacked size, compression ratio, rows, columns, cells,
a cell's text, shared strings) is refused with one file problem saying what and what to do, before
openpyxl parses anything. openpyxl then reads, in read-only mode, the first *visible* sheet — a
hidden one is never read unnoticed — every row of it, whatever its ``<dimension>`` declares
(issue 15, findings 7, 8, 9 and 13). Cells are read as stored, never calculated.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from goldenthread.performance.loading.table import Grid, Table, refused
from goldenthread.planfile.workbook_layout import column_letter
from goldenthread.planfile.workbook_limits import MB, Verdict, WorkbookLimits, check_workbook_content
from goldenthread.planfile.workbook_read import cell_text

__all__ = ["DATA_LIMITS", "MB", "WHAT_TO_DO", "WorkbookLimits", "check_workbook", "read_xlsx"]

WHAT_TO_DO = "save the sheet as CSV UTF-8 (.csv) and load that, or split the file"
DAMAGED = "open it in Excel and save it again as an Excel workbook (.xlsx), or save the sheet as CSV UTF-8 (.csv)"
#: a data file: one sheet of long-format rows (e.g. 125,000 rows of 4 columns); bigger ones load as CSV.
#: 100,000 rows cost 12-16 s of CPU on the 2-core development machine (bench/workbook_bombs.py);
#: a hostile workbook is refused in about 1 s
DATA_LIMITS = WorkbookLimits(
    unpacked_bytes=100 * MB, cells=500_000, sheet_elements=2_000_000, workbook_elements=3_000_000
)


def check_workbook(content: bytes, limits: WorkbookLimits | None = None) -> str | None:
    """What about this workbook is over ``limits`` or damaged and what to do, as a message to
    follow the file name; or None."""
    verdict = check_workbook_content(content, limits or DATA_LIMITS)
    return _message(verdict) if verdict.problem else None


def _message(verdict: Verdict) -> str:
    return f"{verdict.problem}; {DAMAGED if verdict.damaged else WHAT_TO_DO}"


def read_xlsx(content: bytes, name: str, limits: WorkbookLimits | None = None) -> Table:
    """The first visible sheet of the workbook as a table, or a table whose one problem says why
    the file is refused. Never raises for anything inside the file."""
    verdict = check_workbook_content(content, limits or DATA_LIMITS)
    if verdict.problem:
        return refused(name, _message(verdict))
    from openpyxl import load_workbook

    grid = Grid(name)
    try:
        with warnings.catch_warnings():  # openpyxl warns of parts it ignores (slicers, ...)
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
            try:
                _read_sheet(book, grid)
            finally:
                book.close()
    except _NoVisibleSheet:
        return refused(name, "has no visible sheet; unhide the sheet of data in Excel, or save it as CSV UTF-8 (.csv)")
    except Exception as exc:  # openpyxl on a checked file: its many error types are all the file's fault
        message = f"cannot be read as an Excel workbook ({type(exc).__name__}: {str(exc)[:200]}); {DAMAGED}"
        return refused(name, message)
    return grid.finish("has no rows; the first row must name the columns, e.g. metric, org_unit, period, value")


class _NoVisibleSheet(Exception):
    """Every sheet of the workbook is hidden."""


def _read_sheet(book: Any, grid: Grid) -> None:
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    if not visible:
        raise _NoVisibleSheet
    sheet = visible[0]
    grid.table.notes.extend(_sheet_notes(book.worksheets, sheet))
    sheet.reset_dimensions()  # every row is read, whatever the sheet declares (finding 9)
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        extra = grid.add(number, [cell_text(v) for v in values])
        if extra:
            grid.problem(
                number,
                f"has a value in column {column_letter(extra[0] + 1)} but the header (row {grid.table.header_line}) "
                "names no column there; name the column or clear the cell",
            )


def _sheet_notes(sheets: list[Any], read: Any) -> list[str]:
    """Which sheet was read, when the workbook has others; the hidden ones before it by name."""
    if len(sheets) == 1:
        return []
    hidden = [f"'{sheet.title}'" for sheet in sheets[: sheets.index(read)]]
    notes = [f"read the sheet '{read.title}'" + (", the first visible one" if hidden else "")]
    if hidden:
        notes.append(f"hidden, not read: {', '.join(hidden)}")
    if others := len(sheets) - 1 - len(hidden):
        notes.append(f"not read: the {others} sheet{'s' if others > 1 else ''} after it")
    return ["; ".join(notes)]
