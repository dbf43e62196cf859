"""Reading an Excel data file (.xlsx) into a :class:`~.table.Table` — safely, whatever the file.

The whole workbook is streamed and checked first (:mod:`goldenthread.planfile.workbook_limits`,
shared with plan workbooks): a damaged or hostile file (broken XML, a DOCTYPE or entity, a
corrupted part) or one over a limit (unpacked size, compression ratio, rows, columns, cells,
a cell's text, shared strings) is refused with one file problem saying what and what to do, before
any reader parses anything. Then the first *visible* sheet — a hidden one is never read
unnoticed — is read, every row of it, whatever its ``<dimension>`` declares (issue 15, findings 7,
8, 9 and 13): by python-calamine when it gives exactly the cells openpyxl gives
(:mod:`.workbook_calamine`: no formulas, dates, error cells or escapes), otherwise by openpyxl in
read-only mode, as before. Cells are read as stored, never calculated: a formula cell gives its
formula text, never its cached value (issue 17).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from goldenthread.performance.loading.table import Grid, Table, refused
from goldenthread.performance.loading.workbook_calamine import NotPlain, plain, sheet_texts, worksheet_kinds
from goldenthread.performance.loading.workbook_direct import NotDirect, Styles, sheet_grid
from goldenthread.planfile.workbook_layout import column_letter
from goldenthread.planfile.workbook_limits import MB, SheetEntry, Verdict, WorkbookLimits, check_workbook_content
from goldenthread.planfile.workbook_read import cell_text

__all__ = ["DATA_LIMITS", "MB", "WHAT_TO_DO", "WorkbookLimits", "check_workbook", "read_xlsx"]

WHAT_TO_DO = "save the sheet as CSV UTF-8 (.csv) and load that, or split the file"
NO_ROWS = "has no rows; the first row must name the columns, e.g. metric, org_unit, period, value"
DAMAGED = "open it in Excel and save it again as an Excel workbook (.xlsx), or save the sheet as CSV UTF-8 (.csv)"
#: a data file: one sheet of long-format rows (e.g. 125,000 rows of 4 columns); bigger ones load as CSV.
#: 100,000 rows cost 12-16 s of CPU with openpyxl on the 2-core development machine, about 1 s with
#: calamine (bench/workbook_bombs.py); a hostile workbook is refused in about 1 s
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
    grid = Grid(name)
    try:
        try:
            return _read_calamine(content, verdict.sheets, grid)
        except NotPlain:  # read as before, by openpyxl (workbook_calamine says when)
            grid = Grid(name)
            _read_openpyxl(content, grid)
    except _NoVisibleSheet:
        return refused(name, "has no visible sheet; unhide the sheet of data in Excel, or save it as CSV UTF-8 (.csv)")
    except Exception as exc:  # openpyxl on a checked file: its many error types are all the file's fault
        message = f"cannot be read as an Excel workbook ({type(exc).__name__}: {str(exc)[:200]}); {DAMAGED}"
        return refused(name, message)
    return grid.finish(NO_ROWS)


class _NoVisibleSheet(Exception):
    """Every sheet of the workbook is hidden."""


def _read_calamine(content: bytes, sheets: Sequence[SheetEntry], grid: Grid) -> Table:
    """The first visible worksheet read with calamine, or :class:`NotPlain`."""
    kinds = worksheet_kinds(content, sheets)
    worksheets = [sheet for sheet, kind in zip(sheets, kinds, strict=True) if kind]
    read = _first_visible([sheet.state for sheet in worksheets])
    grid.table.notes.extend(_sheet_notes([sheet.name for sheet in worksheets], read))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data, dates = plain(archive, sheets, worksheets[read])
        try:  # straight from the sheet's XML, by openpyxl's rules (workbook_direct says when)
            return _columns(grid, sheet_grid(data, Styles(archive, dates)))
        except NotDirect:
            pass
    texts = sheet_texts(content, sheets.index(worksheets[read]))
    if isinstance(texts, list):  # not the one width calamine gives: one by one
        _add_rows(grid, texts)
        return grid.finish(NO_ROWS)
    return _columns(grid, texts)


def _columns(grid: Grid, texts: np.ndarray) -> Table:
    """The rows of text cells ``texts`` (all of one width, from row 1) as the table :class:`Grid`
    makes of them one by one — the header the first row with text, blank rows left out, a row with
    a value beyond the header a problem — at once, with NumPy."""
    filled = texts != ""
    written = filled.any(axis=1)
    if not written.any():
        return grid.finish(NO_ROWS)
    first = int(written.argmax())
    header = [str(text) for text in texts[first]]
    while not header[-1]:
        header.pop()
    table = grid.table
    table.columns, table.header_line = header, first + 1
    beyond = filled[first + 1 :, len(header) :]
    extra = beyond.any(axis=1)
    for row in np.flatnonzero(extra).tolist():
        _beyond_header(grid, first + 2 + row, len(header) + int(beyond[row].argmax()))
    kept = np.flatnonzero(written[first + 1 :] & ~extra)
    body = texts[first + 1 :][kept]
    table.cells = [body[:, column] for column in range(len(header))]
    table.lines = (kept + first + 2).astype(np.int64)
    return table


def _read_openpyxl(content: bytes, grid: Grid) -> None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():  # openpyxl warns of parts it ignores (slicers, ...)
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
        try:
            _read_sheet(book, grid)
        finally:
            book.close()


def _first_visible(states: list[str]) -> int:
    """Which sheet is read: the first visible one."""
    read = next((i for i, state in enumerate(states) if state == "visible"), None)
    if read is None:
        raise _NoVisibleSheet
    return read


def _read_sheet(book: Any, grid: Grid) -> None:
    sheets = book.worksheets
    read = _first_visible([sheet.sheet_state for sheet in sheets])
    sheet = sheets[read]
    grid.table.notes.extend(_sheet_notes([sheet.title for sheet in sheets], read))
    sheet.reset_dimensions()  # every row is read, whatever the sheet declares (finding 9)
    _add_rows(grid, ([cell_text(v) for v in values] for values in sheet.iter_rows(min_row=1, values_only=True)))


def _add_rows(grid: Grid, rows: Iterable[list[str]]) -> None:
    """Each row of text cells, numbered from 1, into ``grid``; a value beyond the header a problem."""
    for number, cells in enumerate(rows, start=1):
        extra = grid.add(number, cells)
        if extra:
            _beyond_header(grid, number, extra[0])


def _beyond_header(grid: Grid, number: int, column: int) -> None:
    grid.problem(
        number,
        f"has a value in column {column_letter(column + 1)} but the header (row {grid.table.header_line}) "
        "names no column there; name the column or clear the cell",
    )


def _sheet_notes(titles: list[str], read: int) -> list[str]:
    """Which sheet was read, when the workbook has others; the hidden ones before it by name."""
    if len(titles) == 1:
        return []
    hidden = [f"'{title}'" for title in titles[:read]]
    notes = [f"read the sheet '{titles[read]}'" + (", the first visible one" if hidden else "")]
    if hidden:
        notes.append(f"hidden, not read: {', '.join(hidden)}")
    if others := len(titles) - 1 - len(hidden):
        notes.append(f"not read: the {others} sheet{'s' if others > 1 else ''} after it")
    return ["; ".join(notes)]
