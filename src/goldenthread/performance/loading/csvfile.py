"""Reading a CSV data file into a :class:`~.table.Table` of text cells, each row with its line.

Any line ending (CR LF, LF, or the old Macintosh CR alone) and the encodings :mod:`.encoding`
detects are read; cells are text and never evaluated. Everything wrong inside the file — an
unclosed quote, a row with more values than the header, a NUL in a cell — is a problem at its
line, never an exception. Most files take pandas' C parser (:func:`_fast`); anything irregular
is read line by line by :func:`_exact`, which says exactly where.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np

from goldenthread.performance.loading.encoding import decode
from goldenthread.performance.loading.problems import Problem
from goldenthread.performance.loading.table import Grid, Table, refused

_SEPARATORS = {",": None, "\t": "tabs", ";": "semicolons"}
#: the longest line read, in bytes (at least a quarter as many characters): a longer one, such as
#: millions of commas, would take the parsers minutes and gigabytes to split into values
MAX_LINE = 400_000
#: the most values a file may have (as separated, or lines × the header's columns when more):
#: every value is held in memory as it is checked, about 60 bytes each at worst
MAX_CELLS = 10_000_000


def read_csv(content: bytes, name: str) -> Table:
    """The table of a CSV file; problems of the file or its rows are in ``table.problems``."""
    decoded = decode(content)
    if decoded.refusal is not None:
        return refused(name, decoded.refusal, decoded.line)
    if long_line := _line_too_long(decoded.raw):
        message = (
            f"is longer than {MAX_LINE // 4:,} characters, too long for a row of a data file; check that the file is "
            "CSV, with a line for each row"
        )
        return Table(name, [], [], [], problems=[Problem(name, long_line, "row", message)])
    text = decoded.text
    first = _first_line(text)
    delimiter = "," if "," in first or ("\t" not in first and ";" not in first) else ("\t" if "\t" in first else ";")
    breaks = _Breaks.of(decoded.raw)
    if (cells := _cells(decoded.raw, first, delimiter, breaks)) > MAX_CELLS:
        message = (
            f"has {cells:,} values, more than the {MAX_CELLS:,} a data file may have; split it into files of fewer "
            "rows, or leave out the columns that are not loaded"
        )
        return refused(name, message)
    utf8 = decoded.raw if decoded.note is None else None  # (the file's own bytes, read as UTF-8)
    table = _fast(text, first, delimiter, name, breaks, utf8) or _exact(text, delimiter, name)
    if decoded.note:
        table.notes.append(decoded.note)
    if separated := _SEPARATORS[delimiter]:
        table.notes.append(f"columns separated by {separated}")
    return table


def _line_too_long(raw: bytes) -> int | None:
    """The number of the first line longer than :data:`MAX_LINE` bytes, or None (counted with
    NumPy over the bytes, not line by line)."""
    if len(raw) <= MAX_LINE:
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    if np.diff(np.flatnonzero(data == 10), prepend=-1, append=len(data)).max() <= MAX_LINE:
        return None  # (LF-separated lines are all short, so any CR-separated ones are too)
    lf, cr = data == 10, data == 13
    cr[:-1] &= ~lf[1:]  # a CR before an LF ends no line of its own
    ends = np.flatnonzero(lf | cr)
    lengths = np.diff(ends, prepend=-1, append=len(data)) - 1
    longest = int(np.argmax(lengths))
    return longest + 1 if lengths[longest] > MAX_LINE else None


@dataclass(frozen=True)
class _Breaks:
    """How many LF, CR and CR LF a file's text holds, counted once over its bytes (``raw``: the
    text's line breaks are its bytes 10 and 13, one byte a character)."""

    lf: int
    cr: int
    crlf: int

    @classmethod
    def of(cls, raw: bytes) -> _Breaks:
        data = np.frombuffer(raw, dtype=np.uint8)
        lf, cr = int(np.count_nonzero(data == 10)), int(np.count_nonzero(data == 13))
        crlf = int(np.count_nonzero((data[:-1] == 13) & (data[1:] == 10))) if cr else 0
        return cls(lf, cr, crlf)


def _cells(raw: bytes, first: str, delimiter: str, breaks: _Breaks) -> int:
    """How many values the file will hold: its values as separated, or lines × the columns of the
    header when more (short rows are filled to the header's width)."""
    lines = breaks.lf + breaks.cr - breaks.crlf + 1
    separators = int(np.count_nonzero(np.frombuffer(raw, dtype=np.uint8) == ord(delimiter)))
    return max(separators + lines, lines * (first.count(delimiter) + 1))


def _first_line(text: str) -> str:
    """The text up to the first line break, whichever kind it is."""
    cut = len(text)
    for brk in ("\n", "\r"):
        at = text.find(brk)
        if 0 <= at < cut:
            cut = at
    return text[:cut]


def _fast(text: str, first: str, delimiter: str, name: str, breaks: _Breaks, utf8: bytes | None) -> Table | None:
    """pandas' C parser, for the common file: a header on line 1, one line per row, each line
    ending in LF or CR LF, and no NUL. ``utf8``: the text's own UTF-8 bytes when the file was
    read as UTF-8 (parsed as they are, rather than the text encoded again).

    Row numbers are then line numbers without counting; anything irregular (a line with too many
    values, a value spanning lines, an unnamed or repeated column, lines ending in CR alone)
    returns None for :func:`_exact`, which reads line by line and reports exactly where.
    """
    import pandas as pd

    if not first.strip() or breaks.cr != breaks.crlf or "\x00" in text:
        return None
    if '"' in text and _text_after_quotes(delimiter).search(text):
        return None
    header = [c.strip() for c in next(csv.reader([first], delimiter=delimiter))]
    if not all(header) or len(set(header)) != len(header):
        return None
    try:
        with warnings.catch_warnings():
            # rows longer than the header: pandas would take their first values as an index and
            # shift the rest under the wrong columns; the exact reader reports them
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text) if utf8 is None else io.BytesIO(utf8),
                encoding="utf-8",
                sep=delimiter,
                dtype=object,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, ValueError, csv.Error):
        return None
    lines_in_text = breaks.lf + (0 if text.endswith("\n") else 1)
    if frame.shape[1] != len(header) or lines_in_text != len(frame) + 1:
        return None
    if _may_need_strip(text, delimiter, utf8):
        cells = [frame.iloc[:, j].str.strip().to_numpy(dtype=object) for j in range(len(header))]
    else:  # no cell starts or ends with a space: stripping a million cells would change none
        cells = [frame.iloc[:, j].to_numpy(dtype=object) for j in range(len(header))]
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    blank = np.flatnonzero(cells[0] == "")  # (rows whose every cell is empty: looked at column by column)
    for column in cells[1:]:
        blank = blank[column[blank] == ""]
    if blank.size:
        keep = np.ones(len(frame), dtype=bool)
        keep[blank] = False
        cells = [column[keep] for column in cells]
        lines = lines[keep]
    return Table(name, header, list(cells), lines)


#: the characters ``str.strip()`` removes (``str.isspace``) beyond ASCII
_WIDE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
#: the ASCII ones, as a table over bytes
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[list(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ")] = True
_LINE_BREAK = np.array([10], dtype=np.uint8)


def _may_need_strip(text: str, delimiter: str, utf8: bytes | None = None) -> bool:
    """Whether any cell could start or end with white space (False only when none does): a space
    next to a separator, a line's start or end or a quote, or any white space beyond ASCII.

    Worked out over the bytes (in UTF-8 no byte of a longer character is ASCII): a clean file has
    no space but its line breaks and separators, found in one pass; otherwise only the bytes
    around its spaces and quotes are looked at. So a file of a million rows skips stripping each
    of its cells one by one.
    """
    if not text.isascii() and _WIDE_SPACE.search(text):
        return True
    raw = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    separator, quote = ord(delimiter), ord('"')
    inner = _ASCII_SPACE.copy()
    inner[[10, 13, separator]] = False  # line breaks (CR only before LF here) and the separator
    if b'"' not in raw and not raw.translate(None, bytes(np.flatnonzero(~inner).tolist())):
        return False
    data = np.frombuffer(raw, dtype=np.uint8)
    padded = np.concatenate([_LINE_BREAK, data, _LINE_BREAK])  # a line break before the first byte and after the last
    at = np.flatnonzero(inner[data]) + 1
    edges = np.array([separator, 10, 13, quote], dtype=np.uint8)
    if np.isin(padded[at - 1], edges).any() or np.isin(padded[at + 1], edges).any():
        return True
    at = np.flatnonzero(data == quote) + 1
    return bool(_ASCII_SPACE[padded[at - 1]].any() or _ASCII_SPACE[padded[at + 1]].any())


@cache
def _text_after_quotes(delimiter: str) -> re.Pattern[str]:
    """A quoted value, starting a line or after ``delimiter``, with text after its closing quote
    (``"rx2"x``): pandas would run the two together, the csv module (strict) says where it is."""
    d = re.escape(delimiter)
    return re.compile(rf'(?:^|{d})"[^"]*(?:""[^"]*)*"[^{d}\r\n"]', re.MULTILINE)


def _exact(text: str, delimiter: str, name: str) -> Table:
    """Line by line with Python's csv module (strict about quotes): each row at the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid = Grid(name)
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
        grid.problem(last + 1, _quote_problem(str(exc), delimiter))
    return grid.finish("is empty; the first line must name the columns, e.g. metric,org_unit,period,value")


def _quote_problem(error: str, delimiter: str) -> str:
    """What a csv module error means for the person who wrote the file."""
    if "unexpected end of data" in error:
        return (
            'opens a quoted value (") that is never closed, so the rest of the file would be read as one value; '
            "add the closing quote, or remove the opening one"
        )
    if "expected after" in error:
        shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
        return (
            f"has a quoted value followed by other characters before the next {shown}; put the whole value "
            'inside the quotes, and write a quote inside a quoted value as two ("")'
        )
    return f"cannot be read as CSV ({error}); check its quotes"
