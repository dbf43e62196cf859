"""A :class:`~goldenthread.presenters.tables.Table` written as a file — CSV or Excel — or as JSON.

* CSV: the page's words, UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the
  Windows code page and "£1.2m" and "≥ 95%" come out garbled; other readers skip the mark).
* Excel: numbers and dates as typed cells with the page's number format (a percentage is 0.876
  shown as 87.6%), so they sum and sort; text as text; the heading row bold and frozen.
* JSON: the values (numbers as numbers, dates as ISO dates), one object a row keyed by heading.

Text a spreadsheet would run as a formula (a cell starting ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets a leading apostrophe in both files (:func:`goldenthread.formatting.safe_cell`),
so it is shown, never run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from goldenthread.formatting import file_name, safe_cell
from goldenthread.presenters.tables import Cell, Figure, Table

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: the longest sheet name Excel accepts
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Export:
    """A written table: its bytes, their content type and the file's name."""

    content: bytes
    content_type: str
    filename: str


def export(table: Table, fmt: str, *, bom: bool = True) -> Export:
    """``table`` as a ``fmt`` file ("csv" or "xlsx"); ``bom``: the CSV starts with a byte-order mark."""
    if fmt not in FORMATS:
        raise ValueError(f"Tables are written as {' or '.join(FORMATS)}, not {fmt!r}")
    content = csv_bytes(table, bom=bom) if fmt == "csv" else xlsx_bytes(table)
    return Export(content, CONTENT_TYPES[fmt], f"{file_name(table.name)}.{fmt}")


def _text(cell: Cell) -> object:
    if isinstance(cell, Figure):
        return safe_cell(cell.text)
    return "" if cell is None else safe_cell(cell)


def csv_bytes(table: Table, *, bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.header])
    writer.writerows([_text(c) for c in row] for row in table.rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(table.title)
    sheet.append([safe_cell(h) for h in table.header])
    bold = Font(bold=True)
    for heading in sheet[1]:
        heading.font = bold
    sheet.freeze_panes = "A2"
    for r, row in enumerate(table.rows, start=2):
        for c, cell in enumerate(row, start=1):
            if isinstance(cell, Figure) and cell.value is not None:
                written = sheet.cell(r, c, cell.value)
                written.number_format = cell.excel
            else:
                sheet.cell(r, c, _text(cell))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_name(title: str) -> str:
    """A sheet's name from a title: no character Excel refuses in one, no longer than it allows."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip("' ")
    return cleaned[:SHEET_NAME_LENGTH].strip() or "Data"


def _json_value(cell: Cell) -> str | int | float | None:
    value = cell.value if isinstance(cell, Figure) else cell
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def json_rows(table: Table) -> list[dict[str, str | int | float | None]]:
    """The rows as JSON objects keyed by heading: numbers as numbers, dates as ISO dates, a figure
    with no value as null."""
    return [dict(zip(table.header, (_json_value(c) for c in row), strict=True)) for row in table.rows]
