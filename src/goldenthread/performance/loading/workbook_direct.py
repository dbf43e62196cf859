"""Reading a plain data sheet's cells straight from its XML with NumPy (issue 17): no second XML
parser, and openpyxl's own rules for each value — so exactly the text cells openpyxl's reading
gives, in a fraction of calamine's time (which parses the sheet twice: its cells, then its merged
ranges).

The sheet has passed the workbook scan (well-formed, no DTD or entity, within every limit) and
:func:`~.workbook_calamine.plain` (no formula, error or ISO date cell, no ``_xHHHH_`` escape, dates
in formats both readers agree on). :func:`sheet_grid` then reads it only when its ``<sheetData>``
is in the simple shape Excel and openpyxl write — every element in it one of ``row``, ``c``, ``v``,
``is`` and ``t``, nested only as ``<row><c><v>…</v></c></row>`` or
``<c t="inlineStr"><is><t>…</t></is></c>``, rows and cells numbered in order, each cell in its row,
a cell's attributes only ``s`` and ``t``, the main namespace the only default one. It finds every
tag with NumPy (one pass over the bytes for ``<`` and one for ``>``), checks that shape by which
tag may follow which, and turns each *distinct* value text into a cell by openpyxl's rules
(:func:`openpyxl.worksheet._reader._cast_number`, its shared-string table, ``from_excel`` for a
date style, then :func:`~goldenthread.planfile.workbook_read.cell_text`). Anything else raises
:class:`NotDirect` and the caller reads the sheet with calamine or openpyxl, as before. Merged
cells need nothing: like openpyxl's reading, only a range's first cell holds its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from goldenthread.performance.loading.workbook_rules import NotDirect, Styles, reader
from goldenthread.planfile.workbook_fastscan import _cells, _NotPlain, _row_numbers, windows

__all__ = ["NotDirect", "Styles", "sheet_grid"]

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: the elements of a plain ``<sheetData>``, in the order of their codes (a tag's code is
#: ``3 * kind + form``; forms: an opening tag, a closing one, an empty element ``<c …/>``)
KINDS = (b"row", b"c", b"v", b"is", b"t")
ROW, CELL, VALUE, INLINE, TEXT = range(5)
OPEN, CLOSE, EMPTY = range(3)
START, END = 15, 16
#: how each tag of a plain sheet data starts: its code, its first bytes (``<t `` is ``<t`` with
#: :data:`PRESERVE`, checked later)
TAG_STARTS = (
    (3 * ROW + OPEN, b'<row r="'),
    (3 * CELL + OPEN, b'<c r="'),
    (3 * VALUE + OPEN, b"<v>"),
    (3 * INLINE + OPEN, b"<is>"),
    (3 * TEXT + OPEN, b"<t>"),
    (3 * TEXT + OPEN, b"<t "),
    (3 * ROW + CLOSE, b"</row>"),
    (3 * CELL + CLOSE, b"</c>"),
    (3 * VALUE + CLOSE, b"</v>"),
    (3 * INLINE + CLOSE, b"</is>"),
    (3 * TEXT + CLOSE, b"</t>"),
)
START_CODES = np.array([-1] + [code for code, _ in TAG_STARTS])
START_MASKS = np.array([0] + [(1 << 8 * len(start)) - 1 for _, start in TAG_STARTS], dtype=np.uint64)
START_WORDS = np.array([1] + [int.from_bytes(start, "little") for _, start in TAG_STARTS], dtype=np.uint64)
START_OF = np.zeros(1 << 16, dtype=np.int64)
START_OF[[int.from_bytes(start[1:3], "little") for _, start in TAG_STARTS]] = np.arange(1, len(TAG_STARTS) + 1)
#: which tag may follow which in a plain ``<sheetData>``
FOLLOWS = {
    START: (3 * ROW + OPEN, 3 * ROW + EMPTY, END),
    3 * ROW + OPEN: (3 * CELL + OPEN, 3 * CELL + EMPTY, 3 * ROW + CLOSE),
    3 * CELL + EMPTY: (3 * CELL + OPEN, 3 * CELL + EMPTY, 3 * ROW + CLOSE),
    3 * CELL + CLOSE: (3 * CELL + OPEN, 3 * CELL + EMPTY, 3 * ROW + CLOSE),
    3 * CELL + OPEN: (3 * VALUE + OPEN, 3 * INLINE + OPEN, 3 * CELL + CLOSE),
    3 * VALUE + OPEN: (3 * VALUE + CLOSE,),
    3 * VALUE + CLOSE: (3 * CELL + CLOSE,),
    3 * INLINE + OPEN: (3 * TEXT + OPEN,),
    3 * TEXT + OPEN: (3 * TEXT + CLOSE,),
    3 * TEXT + CLOSE: (3 * INLINE + CLOSE,),
    3 * INLINE + CLOSE: (3 * CELL + CLOSE,),
    3 * ROW + CLOSE: (3 * ROW + OPEN, 3 * ROW + EMPTY, END),
    3 * ROW + EMPTY: (3 * ROW + OPEN, 3 * ROW + EMPTY, END),
}
ALLOWED = np.zeros((END + 1, END + 1), dtype=bool)
for _before, _after in FOLLOWS.items():
    ALLOWED[_before, list(_after)] = True
#: what may follow a row's reference, and a cell's, up to the tag's ``>`` (from the reference's quote)
ROW_TAIL = re.compile(rb'"(?:\s+[A-Za-z_][\w.:-]*="[^"<>&]*")*\s*/?')
CELL_TAIL = re.compile(rb'"((?:\s+[st]="[^"<>&]*")*)\s*(/?)')
CELL_ATTRIBUTE = re.compile(rb'([st])="([^"]*)"')
#: the attribute a ``<t>`` may have
PRESERVE = b' xml:space="preserve"'
#: a value text longer than this (in bytes) is made text one by one
WIDEST = 64
#: bytes a plain value text has none of: a reference, a carriage return; spaces at either end
OUT_OF_PLAIN = np.zeros(256, dtype=bool)
OUT_OF_PLAIN[[ord("&"), ord("\r")]] = True
SPACE = np.zeros(256, dtype=bool)
SPACE[[ord(c) for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"]] = True
#: a row's tail (from its reference's quote to its ``>``) or a cell's as long as this or longer
#: (in bytes, a multiple of 8) is read by calamine or openpyxl
LONGEST, CELL_LONGEST = 96, 40
ROOT = re.compile(rb"<([^\s/>!?]+)([^>]*)>")
#: a default namespace declared (only the root's may be)
DEFAULT_NAMESPACE = re.compile(rb"xmlns\s*=")
#: an element's name, after its ``<`` (or ``</``)
NAME = re.compile(rb"/?([^\s/>]+)")
#: the local names no element outside the sheet data may have
SHEET_DATA = frozenset({b"sheetData", *KINDS, b"f"})


def sheet_grid(data: bytes, styles: Styles) -> np.ndarray:
    """The sheet ``data``'s cells as a two-dimensional array of text, from row 1 and column A, as
    openpyxl's reading gives them (an empty cell ""); :class:`NotDirect` unless it is plain."""
    array = np.frombuffer(data, dtype=np.uint8)
    first, last = _sheet_data(data)
    opens = np.flatnonzero(array == ord("<"))
    within = (opens > first) & (opens < last)
    tags = _Tags(array, opens[within], _codes(data, array, opens[~within], opens[within]))
    try:
        rows = _row_numbers(array, tags.at[tags.rows])
        row, column = _cells(array, tags.at[tags.cells])
    except _NotPlain as exc:
        raise NotDirect("a row or cell is numbered otherwise") from exc
    kinds, which = tags.shaped(rows, row, column)
    _in_order(tags, rows, row, column)
    texts = _texts(data, tags, kinds, which, styles)
    grid = np.full((int(rows.max(initial=0)), int(column.max(initial=0))), "", dtype=object)
    grid[row - 1, column - 1] = texts
    return grid


def _sheet_data(data: bytes) -> tuple[int, int]:
    """Where ``<sheetData>`` starts and ``</sheetData>`` ends (both the same for ``<sheetData/>``);
    :class:`NotDirect` unless there is one, in the main namespace, the only default one."""
    if data.count(b"<sheetData") != 1 or len(DEFAULT_NAMESPACE.findall(data)) != 1:
        raise NotDirect("other namespaces or sheet data")
    root = ROOT.search(data, 0, data.find(b"<sheetData"))
    if root is None or root[1] != b"worksheet" or b'xmlns="' + MAIN + b'"' not in root[2]:
        raise NotDirect("not a worksheet of the main namespace")
    empty = data.find(b"<sheetData/>")
    if empty >= 0:
        return empty, empty
    first, last = data.find(b"<sheetData>"), data.find(b"</sheetData>")
    if first < 0 or last < first:
        raise NotDirect("sheet data with attributes")
    return first, last


def _codes(data: bytes, array: np.ndarray, outside: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Each tag's code inside the sheet data (as an opening or closing tag; an empty one told
    later); :class:`NotDirect` for any other element there or any of its elements outside it
    (the sheet data's own tags are the first and last of ``outside`` after the root)."""
    for at in outside.tolist():
        name = NAME.match(data, at + 1)
        local = b"" if name is None else name[1].rpartition(b":")[2]
        if local in SHEET_DATA and not (local == b"sheetData" and b":" not in name[1]):  # type: ignore[index]
            raise NotDirect("a row, cell or value outside the sheet data")
    words = windows(array, inside, 8).view("<u8").ravel()
    which = START_OF[(words >> np.uint64(8)) & np.uint64(0xFFFF)]  # told by the two bytes after "<"
    codes = START_CODES[which]
    if not ((words & START_MASKS[which]) == START_WORDS[which]).all():
        raise NotDirect("an element other than row, c, v, is and t in the sheet data, or written otherwise")
    return codes


class _Tags:
    """The tags of the sheet data: where each starts, its code, which are rows and cells."""

    def __init__(self, array: np.ndarray, at: np.ndarray, codes: np.ndarray) -> None:
        self.array, self.at, self.codes = array, at, codes
        self.rows = np.flatnonzero(codes == 3 * ROW + OPEN)
        self.cells = np.flatnonzero(codes == 3 * CELL + OPEN)

    def shaped(self, rows: np.ndarray, row: np.ndarray, column: np.ndarray) -> tuple[list[Any], np.ndarray]:
        """Each cell's type, style and whether it is empty (``<c …/>``), as a list of the distinct
        ones and which each has; :class:`NotDirect` unless what follows each row's and cell's
        reference is plain and each tag may follow the one before it."""
        begins = self.at[self.rows] + len(b'<row r="') + _digit_count(rows)
        made, which = _tails(self.array, begins, LONGEST, lambda tail: ROW_TAIL.fullmatch(tail))
        self.codes[self.rows[np.array([tail[0].endswith(b"/") for tail in made], dtype=bool)[which]]] += EMPTY
        begins = self.at[self.cells] + len(b'<c r="') + 1 + (column > 26) + (column > 702) + _digit_count(row)
        kinds, which = _tails(self.array, begins, CELL_LONGEST, _cell_kind)
        self.codes[self.cells[np.array([kind[2] for kind in kinds], dtype=bool)[which]]] += EMPTY
        sequence = np.concatenate(([START], self.codes, [END]))
        if not ALLOWED[sequence[:-1], sequence[1:]].all():
            raise NotDirect("the sheet data is not in the simple shape")
        return kinds, which


def _in_order(tags: _Tags, rows: np.ndarray, row: np.ndarray, column: np.ndarray) -> None:
    """:class:`NotDirect` unless each cell is in the row its reference names, after the one before."""
    enclosing = np.searchsorted(tags.rows, tags.cells) - 1
    if len(row) and (enclosing.min() < 0 or np.any(rows[enclosing] != row)):
        raise NotDirect("a cell outside its row")
    if np.any((row[1:] == row[:-1]) & (column[1:] <= column[:-1])):
        raise NotDirect("cells out of order")


def _digit_count(numbers: np.ndarray) -> np.ndarray:
    """How many digits each of ``numbers`` (1 to 9,999,999) is written with, without leading zeros."""
    return 1 + sum((numbers >= 10**k).astype(np.int64) for k in range(1, 7))  # type: ignore[no-any-return]


def _tails(
    array: np.ndarray, begins: np.ndarray, width: int, plain: Callable[[bytes], Any]
) -> tuple[list[Any], np.ndarray]:
    """The bytes from each of ``begins`` to the next ``>`` (a tag's tail, at most ``width`` - 1
    bytes): what ``plain`` makes of each *distinct* tail, and which of them each is;
    :class:`NotDirect` when a tail is longer or ``plain`` gives None."""
    lengths = np.zeros(len(begins), dtype=np.int64)
    pending = np.arange(len(begins))
    for most in (16, width):  # most tails are short: the rest looked at again
        closed = windows(array, begins[pending], most) == ord(">")
        found = closed.argmax(axis=1)
        done = closed[np.arange(len(pending)), found]
        lengths[pending[done]] = found[done]
        pending = pending[~done]
    if len(pending):
        raise NotDirect("a tag too long to tell apart")
    window = windows(array, begins, 8 * (int(lengths.max(initial=0)) // 8 + 1))
    distinct = _Distinct(window, lengths)
    made = [plain(distinct.raw(at)) for at in range(len(distinct.lengths))]
    if any(value is None for value in made):
        raise NotDirect("a tag with other attributes")
    return made, distinct.which


class _Distinct:
    """Byte strings (the rows of ``window``, of ``lengths``; its width a multiple of 8) told apart
    at once: by a hash of their bytes (pandas' factorize), each group then checked to hold the same
    bytes. ``which`` says which distinct one each is; ``window`` holds each distinct one's bytes."""

    def __init__(self, window: np.ndarray, lengths: np.ndarray) -> None:
        import pandas as pd

        width = window.shape[1]
        words = window.view("<u8")
        words &= _masks(width)[lengths]
        hashes = lengths.astype(np.uint64)
        for word in words.T:
            hashes = hashes * np.uint64(0x9E3779B97F4A7C15) + word
        self.which: np.ndarray = pd.factorize(hashes)[0]
        first = np.zeros(int(self.which.max(initial=-1)) + 1, dtype=np.int64)
        first[self.which] = np.arange(len(self.which))
        if not (words[first][self.which] == words).all():
            raise NotDirect("two texts of one hash")
        self.window, self.lengths, self.width = window[first], lengths[first], width

    def raw(self, at: int) -> bytes:
        return bytes(self.window[at, : self.lengths[at]])

    def texts(self, which: np.ndarray) -> np.ndarray:
        """The distinct ones ``which`` (ASCII) as text."""
        return self.window[which].view(f"S{self.width}").ravel().astype(f"U{self.width}").astype(object)  # type: ignore[no-any-return]


@cache
def _masks(width: int) -> np.ndarray:
    """For each length up to ``width``, the 64-bit words that keep that many bytes."""
    kept = (np.arange(width) < np.arange(width + 1)[:, None]).astype(np.uint8) * np.uint8(255)
    return kept.view("<u8")


def _texts(data: bytes, tags: _Tags, kinds: list[Any], which: np.ndarray, styles: Styles) -> np.ndarray:
    """Each cell's text, by openpyxl's rules for its type (``t``) and style (``s``)."""
    codes, cells, array = tags.codes, tags.cells, tags.array
    child = np.where(codes[cells] == 3 * CELL + OPEN, codes[np.minimum(cells + 1, len(codes) - 1)], -1)
    has_value, has_inline = child == 3 * VALUE + OPEN, child == 3 * INLINE + OPEN
    values, inlines = cells[has_value] + 1, cells[has_inline] + 2  # the <v> and <t> tags
    texts_at = tags.at[inlines] + len(b"<t>")
    spaced = array[texts_at - 1] != ord(">")
    texts_at[spaced] += len(PRESERVE)
    preserved = windows(array, tags.at[inlines[spaced]], len(PRESERVE) + 3)
    if not (preserved == np.frombuffer(b"<t" + PRESERVE + b">", dtype=np.uint8)).all():
        raise NotDirect("a <t> with other attributes")
    held = np.flatnonzero(has_value | has_inline)
    text_starts = np.zeros(len(cells), dtype=np.int64)
    text_starts[has_value] = tags.at[values] + len(b"<v>")
    text_starts[has_inline] = texts_at
    holder = np.where(has_inline, cells + 2, cells + 1)[held]
    values_read = _Values(data, array, text_starts[held], tags.at[holder + 1])
    texts = np.full(len(cells), "", dtype=object)
    for index, (kind, style, _) in enumerate(kinds):
        group = np.flatnonzero(which[held] == index)
        inline = has_inline[held[group]]
        if (kind == "inlineStr" and not inline.all()) or (kind != "inlineStr" and inline.any()):
            raise NotDirect("an inline string in a cell of another type, or a value in a cell of that type")
        texts[held[group]] = values_read.read(group, reader(kind, style, styles), _quick(kind, style, styles))
    return texts


class _Values:
    """The cells' value texts (from ``starts`` to ``stops``); those of at most :data:`WIDEST` bytes
    told apart at once, each distinct one made text once — those in plain ASCII (no reference,
    carriage return or space at either end) at once."""

    def __init__(self, data: bytes, array: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> None:
        self.data, self.starts, self.stops = data, starts, stops
        lengths = stops - starts
        self.short = lengths <= WIDEST
        width = 8 * (int(lengths[self.short].max(initial=0)) // 8 + 1)
        window = windows(array, starts[self.short], width)
        self.distinct = distinct = _Distinct(window, lengths[self.short])
        self.code = np.full(len(starts), -1, dtype=np.int64)
        self.code[self.short] = distinct.which
        window, count = distinct.window, distinct.lengths
        last = window[np.arange(len(count)), np.maximum(count - 1, 0)]
        plain = ~(OUT_OF_PLAIN[window].any(axis=1) | SPACE[window[:, 0]] | SPACE[last])
        self.ascii = (count > 0) & (window < 128).all(axis=1) & plain
        digits = ((window - np.uint8(ord("0")) <= 9) | (window == 0)).all(axis=1)
        self.digits = self.ascii & digits & ((window[:, 0] != ord("0")) | (count == 1))

    def read(self, group: np.ndarray, read: Callable[[bytes], str], quick: Callable[..., Any] | None) -> np.ndarray:
        """The texts of the values ``group``: the distinct ones ``quick`` takes at once (plain ASCII;
        digits alone for a number or a shared string), the others by ``read``, each once."""
        texts = np.full(len(group), "", dtype=object)
        short = self.short[group]
        codes = self.code[group[short]]
        used = np.flatnonzero(np.bincount(codes, minlength=len(self.distinct.lengths)))
        table = np.full(len(self.distinct.lengths), "", dtype=object)
        taken = np.zeros(len(used), dtype=bool) if quick is None else quick(self, used)
        if taken.any():
            table[used[taken]] = quick(self, used[taken], True)  # type: ignore[misc]
        table[used[~taken]] = _converted([self.distinct.raw(at) for at in used[~taken].tolist()], read)
        texts[short] = table[codes]
        rest = group[~short]
        raws = [self.data[a:b] for a, b in zip(self.starts[rest].tolist(), self.stops[rest].tolist(), strict=True)]
        texts[~short] = _converted(raws, read)
        return texts


def _cell_kind(tail: bytes) -> tuple[str, int, bool] | None:
    """A cell's type, style and whether it is empty (``<c …/>``) from what follows its reference,
    or None when it has anything else."""
    match = CELL_TAIL.fullmatch(tail)
    if match is None:
        return None
    attributes = dict(CELL_ATTRIBUTE.findall(match[1]))
    if len(CELL_ATTRIBUTE.findall(match[1])) != len(attributes):
        return None
    kind = attributes.get(b"t", b"n").decode("ascii", "replace")
    style = attributes.get(b"s", b"0")
    if kind not in ("n", "s", "inlineStr", "b", "str") or not style.isdigit():
        return None
    return kind, int(style), bool(match[2])


def _converted(raws: list[bytes], read: Callable[[bytes], str]) -> list[str]:
    """Each of ``raws`` read by ``read``, each distinct one once; :class:`NotDirect` when openpyxl
    would fail on one (calamine or openpyxl then reads the sheet and says what is wrong)."""
    try:
        made = {raw: read(raw) for raw in dict.fromkeys(raws)}
    except Exception as exc:  # int(), float(), an index: what openpyxl's reading raises
        raise NotDirect(f"a value openpyxl cannot read ({type(exc).__name__})") from exc
    return list(map(made.__getitem__, raws))


def _quick(kind: str, style: int, styles: Styles) -> Callable[..., Any] | None:
    """For a value of type ``kind`` in the style ``style``, which of some distinct values are made
    text at once (and, given ``True``, their texts); None when none is."""
    if kind in ("inlineStr", "str"):
        return lambda values, which, made=False: values.distinct.texts(which) if made else values.ascii[which]
    if kind == "n" and style not in styles.dates:  # digits alone: the integer's text as it stands
        return lambda values, which, made=False: values.distinct.texts(which) if made else values.digits[which]
    if kind == "s":
        return lambda values, which, made=False: _shared(values, which, styles) if made else values.digits[which]
    return None


def _shared(values: _Values, which: np.ndarray, styles: Styles) -> np.ndarray:
    """The shared strings the distinct values ``which`` (digits alone) point to, as text."""
    strings = styles.texts()
    numbers = values.distinct.texts(which).astype(np.int64)
    if numbers.max(initial=0) >= len(strings):
        raise NotDirect("a shared string past the table")
    return strings[numbers]  # type: ignore[no-any-return]
