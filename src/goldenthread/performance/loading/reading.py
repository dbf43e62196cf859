"""Reading a data file — CSV or Excel (.xlsx) — into a table of text cells, each row with its line.

Spreadsheet formulas are never evaluated: Excel cells are read as they are stored (a formula
cell gives its formula text) and CSV cells are text. Everything wrong *inside* a file is a
problem of the table, reported at its line; only a file that cannot be opened raises.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from goldenthread.performance.loading.problems import Problem
from goldenthread.performance.loading.workbook import check_workbook
from goldenthread.planfile.workbook_read import cell_text

#: one column's cells, as text
Cells = np.ndarray | list[str]


@dataclass
class Table:
    """A data file as read: the header, each column's cells as text, and each row's line."""

    name: str
    columns: list[str]
    cells: list[Cells]  # column-major: cells[j][i] is row i's text in column j (object arrays)
    lines: list[int] | np.ndarray
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.lines)


def read_table(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Table:
    """Read a CSV or Excel (.xlsx) file into text cells, keeping each row's line or row number.

    Excel cells are read as stored, never calculated: a formula cell gives its formula, which then
    fails the number check if it sits in a number column. Raises OSError when the file cannot be
    opened; everything wrong *inside* the file is reported as problems of the table.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        content = Path(source).read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        content = bytes(source)
    else:
        content = source.read()
    name = name or "data"
    suffix = Path(name).suffix.lower()
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(content, name)
    elif suffix in (".xls", ".ods", ".numbers"):
        message = (
            f"is a {suffix} spreadsheet, which goldenthread does not read; save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8 (.csv) and load that"
        )
        table = Table(name, [], [], [], problems=[Problem(name, 1, "file", message)])
    else:
        table = _read_csv(content, name)
    table.sha256 = hashlib.sha256(content).hexdigest()
    return table


class _Grid:
    """Rows of text cells under a header — the first row with any text — as a :class:`Table`.

    Blank rows are skipped; a row shorter than the header is filled with empty cells, and one
    longer is cut to the header's width when the cells beyond it are empty.
    """

    def __init__(self, name: str):
        self.table = Table(name, [], [], [])
        self.header: list[str] | None = None
        self.rows: list[list[str]] = []
        self.lines: list[int] = []

    def add(self, line: int, cells: list[str]) -> list[int]:
        """Take one row; returns the positions of values beyond the header, and leaves the row
        out, when it has any (the caller reports them)."""
        if not any(cells):
            return []
        if self.header is None:
            while cells and not cells[-1]:
                cells.pop()
            self.header = cells
            self.table.header_line = line
            return []
        width = len(self.header)
        if len(cells) > width:
            extra = [i for i in range(width, len(cells)) if cells[i]]
            if extra:
                return extra
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        self.rows.append(cells)
        self.lines.append(line)
        return []

    def problem(self, line: int, message: str) -> None:
        self.table.problems.append(Problem(self.table.name, line, "row", message))

    def finish(self, empty: str) -> Table:
        """The table; with no header, the problem ``empty`` says what the first row must be."""
        table = self.table
        if self.header is None:
            table.problems.append(Problem(table.name, 1, "file", empty))
            return table
        table.columns = self.header
        if self.rows:
            table.cells = [np.array(column, dtype=object) for column in zip(*self.rows, strict=True)]
        else:
            table.cells = [np.array([], dtype=object) for _ in self.header]
        table.lines = np.asarray(self.lines, dtype=np.int64)
        return table


# --- CSV ----------------------------------------------------------------------------------------


def _decode(content: bytes) -> tuple[str, str | None]:
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        # "CSV (Comma delimited)" from Excel on Windows is Windows-1252, not UTF-8
        return content.decode("cp1252", errors="replace"), "not UTF-8: read as Windows-1252 text"


def _read_csv(content: bytes, name: str) -> Table:
    if b"\x00" in content[:4096]:
        message = "is not a text file; give a CSV file (.csv) or an Excel workbook (.xlsx)"
        return Table(name, [], [], [], problems=[Problem(name, 1, "file", message)])
    text, note = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first or ("\t" not in first and ";" not in first) else ("\t" if "\t" in first else ";")
    table = _read_csv_fast(text, delimiter, name) or _read_csv_exact(text, delimiter, name)
    if note:
        table.notes.append(note)
    if delimiter != ",":
        table.notes.append(f"columns separated by {'tabs' if delimiter == chr(9) else 'semicolons'}")
    return table


def _read_csv_fast(text: str, delimiter: str, name: str) -> Table | None:
    """pandas' C parser, for the common file: a header on line 1 and one line per row.

    Row numbers are then line numbers without counting; anything irregular (a line with too many
    values, a value spanning lines, an unnamed or repeated column) returns None for
    :func:`_read_csv_exact`, which reads line by line and reports exactly where.
    """
    import pandas as pd

    first = text.split("\n", 1)[0]
    if not first.strip():
        return None
    header = [c.strip() for c in next(csv.reader([first.rstrip("\r")], delimiter=delimiter))]
    if not all(header) or len(set(header)) != len(header):
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error):
        return None
    lines_in_text = text.count("\n") + (0 if text.endswith("\n") else 1)
    if frame.shape[1] != len(header) or lines_in_text != len(frame) + 1 or ("\r" in text and "\n" not in text):
        return None
    cells = [frame.iloc[:, j].str.strip().to_numpy(dtype=object) for j in range(len(header))]
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = np.ones(len(frame), dtype=bool)
    for column in cells:
        blank &= column == ""
    if blank.any():
        keep = ~blank
        cells = [column[keep] for column in cells]
        lines = lines[keep]
    return Table(name, header, list(cells), lines)


def _read_csv_exact(text: str, delimiter: str, name: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = _Grid(name)
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            cells = [c.strip() for c in record]
            if grid.add(line, cells) and grid.header is not None:
                grid.problem(
                    line,
                    f"has {len(cells)} values but the header (line {grid.table.header_line}) names "
                    f"{len(grid.header)} columns; check for an extra separator, or quote values that contain one",
                )
    except csv.Error as exc:
        grid.problem(last + 1, f"cannot be read as CSV ({exc}); check its quotes")
    return grid.finish("is empty; the first line must name the columns, e.g. metric,org_unit,period,value")


# --- Excel --------------------------------------------------------------------------------------


def _read_xlsx(content: bytes, name: str) -> Table:
    from openpyxl import load_workbook

    if over := check_workbook(content):  # before openpyxl parses anything: Excel bombs
        return Table(name, [], [], [], problems=[Problem(name, 1, "file", over)])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = f"cannot be read as an Excel workbook ({exc}); save it again from Excel as .xlsx, or as CSV UTF-8"
        return Table(name, [], [], [], problems=[Problem(name, 1, "file", message)])
    grid = _Grid(name)
    try:
        sheet = book.worksheets[0]
        if len(book.worksheets) > 1:
            grid.table.notes.append(
                f"read the first sheet, '{sheet.title}'; the other {len(book.worksheets) - 1} sheet(s) were not read"
            )
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            extra = grid.add(number, [cell_text(v) for v in values])
            if extra:
                grid.problem(
                    number,
                    f"has a value in column {_excel_column(extra[0])} but the header (row {grid.table.header_line}) "
                    "names no column there; name the column or clear the cell",
                )
    finally:
        book.close()
    return grid.finish("has no rows; the first row must name the columns, e.g. metric, org_unit, period, value")


def _excel_column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
