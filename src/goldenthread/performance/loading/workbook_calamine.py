"""Reading a checked data workbook's sheet with python-calamine (Rust), about twenty times faster
than openpyxl — giving exactly the text cells openpyxl's reading gives, or giving way to it.

calamine reads each cell's *cached* value: a formula cell would give the value Excel last worked
out (or nothing, when the file holds none) instead of its formula, and a few values are turned
into text differently from openpyxl (error cells, ``_x000D_`` escapes, dates by calamine's own
rule of which formats are dates, integers past 15 digits as floats). So calamine reads a sheet
only when none of that can arise — :func:`plain` looks at the raw parts, which the workbook scan
has already checked and bounded: no formula (``<f>``), no error or ISO date cell, no ``_xHHHH_``
escape, and no cell style openpyxl reads as a date, time or duration — and every value it gives
is text, a boolean or a float that turns into the same text as openpyxl's. Otherwise
:class:`NotPlain` is raised and the caller reads the sheet with openpyxl as before, so formula
cells still give their formula text (which fails the number check in a number column: the
loader's policy that formulas are never worked out, nor their cached values trusted).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from goldenthread.planfile.workbook_limits import SheetEntry

__all__ = ["NotPlain", "plain", "sheet_rows", "worksheet_kinds"]

#: what in a sheet calamine reads differently: a formula (``<f>``, or with a prefix ``<x:f>``), an
#: error or ISO date cell (``t="e"``, ``t="d"``); each looked for on its own, by a literal where
#: it can be (fast)
NOT_PLAIN_SHEET = (
    b"<f>",
    b"<f ",
    b"<f/",
    re.compile(rb":f[\s/>]"),
    re.compile(rb"""t\s*=\s*["'][de]["']"""),
)
#: what in any part calamine reads differently: an escape such as ``_x000D_``
ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
#: openpyxl turns an integer-valued number past this into an int; calamine into a float
EXACT = 1e15


class NotPlain(Exception):
    """The sheet holds something calamine reads differently from openpyxl: read it with openpyxl."""


def plain(archive: zipfile.ZipFile, sheets: Sequence[SheetEntry], read: SheetEntry) -> None:
    """Raise :class:`NotPlain` unless calamine reads the sheet ``read`` as openpyxl would. The
    workbook has passed the scan: every part is well-formed and within the limits."""
    if _has_dates(archive):
        raise NotPlain("a cell style reads as a date, time or duration")
    others = {sheet.part for sheet in sheets if sheet is not read}
    for info in archive.infolist():
        name = info.filename
        if name in others or not name.lower().endswith(".xml"):
            continue
        part = archive.read(info)
        if ESCAPE.search(part) or (name == read.part and any(_holds(part, sign) for sign in NOT_PLAIN_SHEET)):
            raise NotPlain(f"{name} holds a formula, an error, an ISO date or an escape")


def _holds(part: bytes, sign: bytes | re.Pattern[bytes]) -> bool:
    return sign in part if isinstance(sign, bytes) else sign.search(part) is not None


def _has_dates(archive: zipfile.ZipFile) -> bool:
    """Whether openpyxl would read any cell style as a date, time or duration (it reads the
    styles from this one part, whatever the workbook's relationships say)."""
    try:
        source = archive.read("xl/styles.xml")
    except KeyError:
        return False
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    try:
        stylesheet = Stylesheet.from_tree(fromstring(source))
    except Exception as exc:  # openpyxl will refuse it the same way, with its own message
        raise NotPlain("its styles cannot be read") from exc
    return bool(stylesheet.date_formats or stylesheet.timedelta_formats)


def worksheet_kinds(content: bytes, sheets: Sequence[SheetEntry]) -> list[bool]:
    """For each sheet the workbook lists, whether it is a worksheet (not a chart sheet), as
    openpyxl tells them apart; :class:`NotPlain` when calamine lists the sheets otherwise."""
    from python_calamine import SheetTypeEnum

    with _opened(content) as book:
        listed = book.sheets_metadata
    if [entry.name for entry in listed] != [sheet.name for sheet in sheets]:
        raise NotPlain("calamine lists other sheets")
    return [entry.typ != SheetTypeEnum.ChartSheet for entry in listed]


def sheet_rows(content: bytes, index: int) -> Iterator[list[str]]:
    """The rows of the workbook's sheet ``index``, from row 1, each as text cells from column A —
    as :func:`goldenthread.planfile.workbook_read.cell_text` makes them of openpyxl's values."""
    with _opened(content) as book:
        try:
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine's errors: openpyxl reads it, or says what is wrong
            raise NotPlain(f"calamine cannot read it ({type(exc).__name__})") from exc
    for row in rows:
        yield [value.strip() if type(value) is str else _text(value) for value in row]


@contextmanager
def _opened(content: bytes) -> Iterator[Any]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:
        raise NotPlain(f"calamine cannot open it ({type(exc).__name__})") from exc
    try:
        yield book
    finally:
        book.close()


def _text(value: object) -> str:
    """A value that is not text, as openpyxl's reading would give it; :class:`NotPlain` for one
    that cannot be (a date, a time, an integer past 15 digits that openpyxl keeps exactly)."""
    if type(value) is float:
        if value.is_integer() and abs(value) < EXACT:
            return str(int(value))
        if value.is_integer() or not math.isfinite(value):
            raise NotPlain(f"a number calamine cannot give exactly: {value!r}")
        return repr(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if type(value) is int:
        return str(value)
    raise NotPlain(f"a {type(value).__name__} value")
