"""Reading a checked data workbook's sheet with python-calamine (Rust), about ten times faster
than openpyxl — giving exactly the text cells openpyxl's reading gives, or giving way to it.

calamine reads each cell's *cached* value: a formula cell would give the value Excel last worked
out (or nothing, when the file holds none) instead of its formula, and a few values are turned
into text differently from openpyxl (error cells, ``_x000D_`` escapes, integers past 15 digits as
floats, dates by calamine's own rule of which formats are dates). So calamine reads a sheet only
when none of that can arise — :func:`plain` looks at the raw parts, which the workbook scan has
already checked and bounded: no formula (``<f>``), no error or ISO date cell, no ``_xHHHH_``
escape, no duration style, every date style one of :data:`DATE_FORMATS` that both read alike — and
every value it gives is text, a boolean, a float or a date that turns into the same text as
openpyxl's. Otherwise :class:`NotPlain` is raised and the caller reads the sheet with openpyxl as
before, so formula cells still give their formula text (which fails the number check in a number
column: the loader's policy that formulas are never worked out, nor their cached values trusted).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any, cast

import numpy as np

from goldenthread.planfile.workbook_limits import SheetEntry
from goldenthread.planfile.workbook_read import cell_text

__all__ = ["NotPlain", "plain", "sheet_rows", "sheet_texts", "worksheet_kinds"]

#: what in a sheet calamine reads differently: a formula (``<f>``, ``<f ``, ``<f/``, or with a
#: prefix ``<x:f>``), an error or ISO date cell (``t="e"``, ``t="d"``); each looked for on its own,
#: by a pattern that starts with a literal (which the search skips to: fast)
NOT_PLAIN_SHEET = (
    re.compile(rb"<f[ />]"),
    re.compile(rb":f[\s/>]"),
    re.compile(rb"""t\s*=\s*["'][de]["']"""),
)
#: what in any part calamine reads differently: an escape such as ``_x000D_``
ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
#: openpyxl turns an integer-valued number past this into an int; calamine into a float
EXACT = 1e15
#: the date formats calamine and openpyxl read alike (tests/performance/test_workbook_calamine.py
#: compares them on dates, date-times, fractions of a day, early serials and the 1904 epoch)
DATE_FORMATS = frozenset(
    {
        "mm-dd-yy",
        "d-mmm-yy",
        "d-mmm",
        "mmm-yy",
        "m/d/yy h:mm",
        "yyyy-mm-dd",
        "yyyy-mm-dd h:mm:ss",
        "dd/mm/yyyy",
        "d/m/yyyy",
        "dd/mm/yy",
        "mmm yyyy",
        "mmmm yyyy",
        "yyyy-mm",
        "dd-mmm-yy",
        "dd-mmm-yyyy",
        "d mmmm yyyy",
        "yyyy/mm/dd",
        "mm/dd/yyyy",
        "m/d/yyyy",
    }
)
#: a format that is no date to openpyxl but has one of these letters might be one to calamine
DATE_LETTERS = re.compile(r"[dmyhsDMYHS]")
#: the first number of a workbook's own formats (below it, Excel's built-in ones)
CUSTOM = 164


class NotPlain(Exception):
    """The sheet holds something calamine reads differently from openpyxl: read it with openpyxl."""


def plain(archive: zipfile.ZipFile, sheets: Sequence[SheetEntry], read: SheetEntry) -> tuple[bytes, frozenset[int]]:
    """Raise :class:`NotPlain` unless calamine reads the sheet ``read`` as openpyxl would; else
    the sheet's XML (each part is unpacked once) and which cell styles openpyxl reads as dates.
    The workbook has passed the scan: every part is well-formed and within the limits."""
    dates = _dates_agree(archive)
    others = {sheet.part for sheet in sheets if sheet is not read}
    sheet = b""
    for info in archive.infolist():
        name = info.filename
        if name in others or not name.lower().endswith(".xml"):
            continue
        part = archive.read(info)
        if ESCAPE.search(part) or (name == read.part and any(_holds(part, sign) for sign in NOT_PLAIN_SHEET)):
            raise NotPlain(f"{name} holds a formula, an error, an ISO date or an escape")
        if name == read.part:
            sheet = part
    return sheet, dates


def _holds(part: bytes, sign: bytes | re.Pattern[bytes]) -> bool:
    return sign in part if isinstance(sign, bytes) else sign.search(part) is not None


def _dates_agree(archive: zipfile.ZipFile) -> frozenset[int]:
    """Raise :class:`NotPlain` unless calamine tells the dates as openpyxl does: every cell style
    openpyxl reads as a date has one of the :data:`DATE_FORMATS` both read alike, none is a
    duration, and every other style's format has no letter of a date in it (openpyxl reads the
    styles from this one part, whatever the workbook's relationships say). Else which cell styles
    openpyxl reads as dates (none when the part lists no cell style: openpyxl keeps its own)."""
    try:
        source = archive.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    from openpyxl.styles.numbers import builtin_format_code
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    try:
        stylesheet = Stylesheet.from_tree(fromstring(source))
    except Exception as exc:  # openpyxl will refuse it the same way, with its own message
        raise NotPlain("its styles cannot be read") from exc
    if stylesheet.timedelta_formats:
        raise NotPlain("a cell style reads as a duration")
    for index, style in enumerate(stylesheet.cell_styles):
        number = style.numFmtId
        code = builtin_format_code(number) if number < CUSTOM else stylesheet.number_formats[number - CUSTOM]
        if (code in DATE_FORMATS) != (index in stylesheet.date_formats) or (
            index not in stylesheet.date_formats and DATE_LETTERS.search(code or "")
        ):
            raise NotPlain(f"the number format {code!r}: calamine may tell its dates otherwise")
    return frozenset(stylesheet.date_formats) if stylesheet.cell_styles else frozenset()


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
    for row in _values(content, index):
        yield [value.strip() if type(value) is str else _text(value) for value in row]


def sheet_texts(content: bytes, index: int) -> np.ndarray | list[list[str]]:
    """The text cells of :func:`sheet_rows`: when every row has the same number of cells (as
    calamine gives a sheet), a two-dimensional array of them, made a kind of value at a time;
    otherwise the list of rows."""
    rows = _values(content, index)
    if len(set(map(len, rows))) != 1 or not rows[0]:
        return [[value.strip() if type(value) is str else _text(value) for value in row] for row in rows]
    values = np.array(rows, dtype=object)
    return _texts(values.ravel()).reshape(values.shape)


def _values(content: bytes, index: int) -> list[list[Any]]:
    with _opened(content) as book:
        try:
            return cast(list[list[Any]], book.get_sheet_by_index(index).to_python(skip_empty_area=False))
        except Exception as exc:  # calamine's errors: openpyxl reads it, or says what is wrong
            raise NotPlain(f"calamine cannot read it ({type(exc).__name__})") from exc


_KIND = np.frompyfunc(type, 1, 1)
_STRIP = np.frompyfunc(str.strip, 1, 1)
_REPR = np.frompyfunc(repr, 1, 1)
_TEXT = np.frompyfunc(lambda value: _text(value), 1, 1)


def _texts(values: np.ndarray) -> np.ndarray:
    """Each of ``values`` (calamine's, one-dimensional) as text, exactly as :func:`sheet_rows` makes
    it one by one: text stripped; a float that is a whole number below :data:`EXACT` as an integer,
    another as its ``repr``; anything else (a boolean, a date) by :func:`_text`."""
    texts = np.empty(len(values), dtype=object)
    kinds = _KIND(values)
    is_text, is_float = kinds == str, kinds == float  # noqa: E721  (element by element, on an array of types)
    texts[is_text] = _STRIP(values[is_text])
    numbers = values[is_float].astype(np.float64)
    whole = np.floor(numbers) == numbers  # False for NaN; True for infinities
    if not np.all(np.isfinite(numbers) & (~whole | (np.abs(numbers) < EXACT))):
        raise NotPlain("a number calamine cannot give exactly")
    floats = np.empty(len(numbers), dtype=object)
    floats[whole] = numbers[whole].astype(np.int64).astype(str).astype(object)
    floats[~whole] = _REPR(numbers[~whole].astype(object))
    texts[is_float] = floats
    rest = ~(is_text | is_float)
    texts[rest] = _TEXT(values[rest])
    return texts


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
    that cannot be (an integer past 15 digits that openpyxl keeps exactly, a duration, a time to
    a fraction of a second)."""
    kind = type(value)
    if kind is float:
        number = cast(float, value)
        if number.is_integer() and abs(number) < EXACT:
            return str(int(number))
        if number.is_integer() or not math.isfinite(number):
            raise NotPlain(f"a number calamine cannot give exactly: {number!r}")
        return repr(number)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int:
        return str(value)
    if kind in (datetime, date, time) and getattr(value, "microsecond", 0) == 0:
        return cell_text(value)
    raise NotPlain(f"a {kind.__name__} value")
