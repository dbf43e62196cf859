"""``goldenthread spc``'s output, written a column at a time.

Each cell is worked out once per distinct value — a number by ``repr`` (blank for a gap), a date
as ISO, a name quoted by the csv module (or encoded by the json module) — and the columns that
change together (mean, limits, special cause, point type) once per run of rows where none of them
changes; the rows are then joined from these pieces. The bytes are those that the csv module's
``DictWriter`` and ``json.dump(rows, out, indent=1)`` wrote for one dictionary per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

import numpy as np

from goldenthread.assurance.csvcells import distinct_codes
from goldenthread.assurance.results import SPCTable

if TYPE_CHECKING:
    from goldenthread.assurance.charts import ChartTable

POINT_COLUMNS = ["series", "period", "value", "mean", "lpl", "upl", "special_cause_type", "point_type"]
SUMMARY_COLUMNS = ["series", "variation", "assurance"]
#: the Anhøj rules' columns of every chart but XmR (``goldenthread spc --chart ...``)
RUNS_COLUMNS = ["runs_signal", "longest_run", "longest_run_max", "crossings", "crossings_min"]
_CHUNK = 8192  # rows joined into one write: small enough for its memory to be used again


class _Style:
    """How a format writes a cell, a row and the rows."""

    __slots__ = ("names", "json")  # plain classes here: a dataclass costs more to define than it saves

    def __init__(self, names: list[str], json: bool) -> None:
        self.names = names
        self.json = json

    def cell(self, column: int, text: str) -> str:
        """The cell of ``text`` in column ``column``, with what goes before and after it in a row."""
        if not self.json:
            return _csv_field(text)
        from json.encoder import encode_basestring_ascii  # only for JSON: not imported for CSV

        before = " {\n" if column == 0 else ""
        after = "\n }" if column == len(self.names) - 1 else ""
        return f"{before}  {encode_basestring_ascii(self.names[column])}: {encode_basestring_ascii(text)}{after}"

    @property
    def between_cells(self) -> str:
        return ",\n" if self.json else ","

    @property
    def between_rows(self) -> str:
        return ",\n" if self.json else "\n"

    @property
    def head(self) -> str:
        return "[\n" if self.json else ",".join(_csv_field(name) for name in self.names) + "\n"

    @property
    def foot(self) -> str:
        return "\n]\n" if self.json else "\n"


class _Piece:
    """A column (or columns joined) of the output: its distinct cells, and each row's cell."""

    __slots__ = ("cells", "index")

    def __init__(self, cells: list[str], index: np.ndarray) -> None:
        self.cells = cells
        self.index = index

    def rows(self) -> list[str]:
        result: list[str] = np.array(self.cells, dtype=object)[self.index.reshape(-1)].tolist()
        return result

    def followed_by(self, text: str) -> _Piece:
        return _Piece([cell + text for cell in self.cells], self.index)


def write(table: SPCTable, names: Sequence[str], out: TextIO, *, summary: bool, format: str) -> None:
    """The points (or with ``summary`` one row per series) as CSV or JSON; ``names[s]`` names series ``s``."""
    style = _Style(SUMMARY_COLUMNS if summary else POINT_COLUMNS, format == "json")
    pieces = _summary_pieces(table, names, style) if summary else _point_pieces(table, names, style)
    _emit(pieces, style, out)


def write_chart(table: ChartTable, names: Sequence[str], out: TextIO, *, format: str) -> None:
    """A chart of :mod:`goldenthread.assurance.charts`, one row per point (:func:`chart_columns`), as CSV or JSON.

    Blank where a line or number is undefined; ``true``/``false`` for the flags."""
    run = table.chart == "run"
    style = _Style(chart_columns(table.chart), format == "json")
    pieces = [
        _Piece([style.cell(0, names[s]) for s in table.series.tolist()], table.series_code),
        _dates(table.dates, style, 1),
        _numbers(table.values, style, 2),
        _numbers(table.centre, style, 3),
    ]
    if not run:
        pieces += [_numbers(table.lpl, style, 4), _numbers(table.upl, style, 5), _flags(table.outside_limits, style, 6)]
    pieces.append(_runs_cells(table, style, len(pieces)))
    _emit(pieces, style, out)


def chart_columns(chart: str) -> list[str]:
    """The columns ``goldenthread spc --chart CHART`` writes (other than ``xmr``)."""
    if chart == "run":
        return ["series", "period", "value", "median", *RUNS_COLUMNS]
    return ["series", "period", "value", "mean", "lpl", "upl", "outside_limits", *RUNS_COLUMNS]


def _runs_cells(table: ChartTable, style: _Style, first: int) -> _Piece:
    """The Anhøj rules' columns joined, worked out once per segment (they are the segment's)."""
    segment = table.segment.astype(np.int64)
    key = table.series_code.astype(np.int64) * (int(segment.max(initial=0)) + 1) + segment
    distinct, index = distinct_codes(key)
    one = np.zeros(distinct.size, dtype=np.intp)
    one[index] = np.arange(key.size)  # a point of each segment
    columns = (table.longest_run, table.longest_run_max, table.crossings, table.crossings_min)
    texts = [
        [style.cell(first, "true" if signal else "false") for signal in table.runs_signal[one].tolist()],
        *(_whole_numbers(column[one], style, first + 1 + i).rows() for i, column in enumerate(columns)),
    ]
    return _Piece([style.between_cells.join(cells) for cells in zip(*texts, strict=True)], index)


def _flags(flags: np.ndarray, style: _Style, column: int) -> _Piece:
    return _Piece([style.cell(column, "false"), style.cell(column, "true")], flags.astype(np.intp))


def _whole_numbers(values: np.ndarray, style: _Style, column: int) -> _Piece:
    """Whole numbers written without a decimal point; blank for NaN."""
    known = ~np.isnan(values)
    codes = np.where(known, values, -1).astype(np.int64)
    distinct = sorted(set(codes.tolist()))
    cells = [style.cell(column, "" if d < 0 else str(d)) for d in distinct]
    return _Piece(cells, np.searchsorted(np.array(distinct, dtype=np.int64), codes))


def _emit(pieces: list[_Piece], style: _Style, out: TextIO) -> None:
    """The rows of ``pieces``, with the head and foot of ``style``."""
    n = pieces[0].index.size
    if not n:  # the engine refuses no values, so this is only for completeness
        out.write("[]\n" if style.json else style.head)
        return
    pieces = [p.followed_by(style.between_rows if p is pieces[-1] else style.between_cells) for p in pieces]
    out.write(style.head)
    last = ""
    for text in _joined(pieces):  # the last row ends the file, not a row: written last
        out.write(last)
        last = text
    out.write(last[: -len(style.between_rows)] + style.foot)


def _joined(pieces: list[_Piece]) -> Iterator[str]:
    """The rows, a chunk at a time (small enough for the memory to be used again), joined as strings."""
    cells = np.array([cell for p in pieces for cell in p.cells], dtype=object)  # every piece's, one after another
    offsets = np.cumsum([0] + [len(p.cells) for p in pieces[:-1]]).tolist()
    indexes = [p.index.reshape(-1) for p in pieces]
    n = indexes[0].size
    grid = np.empty((min(n, _CHUNK), len(pieces)), dtype=np.intp)  # a chunk's cells (their numbers), row after row
    for start in range(0, n, _CHUNK):
        rows = min(_CHUNK, n - start)
        for k, (index, offset) in enumerate(zip(indexes, offsets, strict=True)):
            np.add(index[start : start + rows], offset, out=grid[:rows, k])
        yield "".join(cells[grid[:rows].ravel()].tolist())


def _point_pieces(table: SPCTable, names: Sequence[str], style: _Style) -> list[_Piece]:
    return [
        _Piece([style.cell(0, names[s]) for s in table.series.tolist()], table.series_code),
        _dates(table.dates, style, 1),
        _numbers(table.values, style, 2),
        _runs([table.mean, table.lpl, table.upl, table.special_cause_type, table.point_type], style, 3),
    ]


def _summary_pieces(table: SPCTable, names: Sequence[str], style: _Style) -> list[_Piece]:
    pairs = zip(table.variation.tolist(), table.assurance.tolist(), strict=True)
    every = np.arange(table.series.size)
    return [
        _Piece([style.cell(0, names[s]) for s in table.series.tolist()], every),
        _Piece([style.cell(1, str(v)) + style.between_cells + style.cell(2, a or "") for v, a in pairs], every),
    ]


def _dates(dates: np.ndarray, style: _Style, column: int) -> _Piece:
    """Each point's date as ISO text, each distinct date once."""
    days, inverse = distinct_codes(dates.astype("datetime64[D]").view(np.int64))
    return _Piece([style.cell(column, str(day)) for day in days.view("datetime64[D]")], inverse)


def _number(x: float) -> str:
    return "" if x != x else repr(x)


def _numbers(values: np.ndarray, style: _Style, column: int) -> _Piece:
    """``repr`` of each number (blank for NaN), each distinct number once (by its bits: -0.0 is not 0.0)."""
    bits, inverse = np.unique(_bits(values), return_inverse=True)
    numbers = bits.view(np.float64).tolist()
    if style.json:
        return _Piece([style.cell(column, _number(x)) for x in numbers], inverse)
    return _Piece([repr(x) if x == x else "" for x in numbers], inverse)  # as the csv module writes them: no quotes


def _runs(columns: list[np.ndarray], style: _Style, first: int) -> _Piece:
    """The cells of several columns joined, worked out once per run of rows in which none changes.

    Rows come in runs with the same limits (the number columns, first) and much the same labels
    (the text columns, after them); a run ends where any of the columns changes. The numbers'
    cells are worked out once per run of unchanged limits, the labels' once per distinct labels.
    """
    numeric = [c for c in columns if c.dtype.kind == "f"]
    labels = columns[len(numeric) :]
    new_limits = _changes([_bits(c) for c in numeric], columns[0].size)
    change = new_limits | _changes(labels, columns[0].size)
    limit_starts = np.flatnonzero(new_limits)
    limit_cells = list(
        map(
            style.between_cells.join,
            zip(*(_numbers(c[limit_starts], style, first + i).rows() for i, c in enumerate(numeric)), strict=True),
        )
    )
    starts = np.flatnonzero(change)
    limit_run = (np.cumsum(new_limits) - 1)[starts].tolist()
    label_cells: dict[tuple[object, ...], str] = {}
    cells = []
    for run, key in zip(limit_run, zip(*(c[starts].tolist() for c in labels), strict=True), strict=True):
        if key not in label_cells:
            texts = (style.cell(first + len(numeric) + i, str(v)) for i, v in enumerate(key))
            label_cells[key] = "".join(style.between_cells + text for text in texts)
        cells.append(limit_cells[run] + label_cells[key])
    return _Piece(cells, np.cumsum(change) - 1)


def _changes(keys: list[np.ndarray], n: int) -> np.ndarray:
    """Whether each row starts a run: the first row, and each row where any key changes."""
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return change


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64).view(np.int64)


def _csv_field(text: str) -> str:
    """``text`` as the csv module writes it in a row of several fields (quoted only if it must be)."""
    if not ("," in text or '"' in text or "\n" in text or "\r" in text):  # four scans in C: quicker than a set
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]
