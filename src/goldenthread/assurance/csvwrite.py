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
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import TextIO

import numpy as np

from goldenthread.assurance.results import SPCTable

POINT_COLUMNS = ["series", "period", "value", "mean", "lpl", "upl", "special_cause_type", "point_type"]
SUMMARY_COLUMNS = ["series", "variation", "assurance"]
_CHUNK = 50_000  # rows joined into one write
_QUOTED = frozenset(',"\r\n')  # what makes the csv module quote a field (QUOTE_MINIMAL)


@dataclass(frozen=True)
class _Style:
    """How a format writes a cell, a row and the rows."""

    names: list[str]
    json: bool

    def cell(self, column: int, text: str) -> str:
        """The cell of ``text`` in column ``column``, with what goes before and after it in a row."""
        if not self.json:
            return _csv_field(text)
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


def write(table: SPCTable, names: Sequence[str], out: TextIO, *, summary: bool, format: str) -> None:
    """The points (or with ``summary`` one row per series) as CSV or JSON; ``names[s]`` names series ``s``."""
    style = _Style(SUMMARY_COLUMNS if summary else POINT_COLUMNS, format == "json")
    pieces = _summary_pieces(table, names, style) if summary else _point_pieces(table, names, style)
    rows = list(zip(*pieces, strict=True))
    if not rows:  # the engine refuses no values, so this is only for completeness
        out.write("[]\n" if style.json else style.head)
        return
    out.write(style.head)
    for start in range(0, len(rows), _CHUNK):
        if start:
            out.write(style.between_rows)
        out.write(style.between_rows.join(map(style.between_cells.join, rows[start : start + _CHUNK])))
    out.write(style.foot)


def _point_pieces(table: SPCTable, names: Sequence[str], style: _Style) -> list[list[str]]:
    return [
        _by_series(table, [names[s] for s in table.series.tolist()], style, 0),
        _dates(table.dates, style, 1),
        _numbers(table.values, style, 2),
        _runs([table.mean, table.lpl, table.upl, table.special_cause_type, table.point_type], style, 3),
    ]


def _summary_pieces(table: SPCTable, names: Sequence[str], style: _Style) -> list[list[str]]:
    pairs = zip(table.variation.tolist(), table.assurance.tolist(), strict=True)
    return [
        [style.cell(0, names[s]) for s in table.series.tolist()],
        [style.cell(1, str(v)) + style.between_cells + style.cell(2, a or "") for v, a in pairs],
    ]


def _by_series(table: SPCTable, texts: list[str], style: _Style, column: int) -> list[str]:
    """Each point's series cell, worked out once per series."""
    cells = np.array([style.cell(column, text) for text in texts], dtype=object)
    result: list[str] = cells[table.series_code].tolist()
    return result


def _dates(dates: np.ndarray, style: _Style, column: int) -> list[str]:
    """Each point's date as ISO text, each distinct date once."""
    days = dates.astype("datetime64[D]").view(np.int64).tolist()
    cells = {day: style.cell(column, str(np.datetime64(day, "D"))) for day in dict.fromkeys(days)}
    return list(map(cells.__getitem__, days))


def _number(x: float) -> str:
    return "" if x != x else repr(x)


def _numbers(values: np.ndarray, style: _Style, column: int) -> list[str]:
    """``repr`` of each number (blank for NaN), each distinct number once (by its bits: -0.0 is not 0.0)."""
    floats = np.ascontiguousarray(values, dtype=np.float64)
    bits = floats.view(np.int64).tolist()
    cells = {b: style.cell(column, _number(x)) for b, x in dict(zip(bits, floats.tolist(), strict=True)).items()}
    return list(map(cells.__getitem__, bits))


def _runs(columns: list[np.ndarray], style: _Style, first: int) -> list[str]:
    """The cells of several columns joined, worked out once per run of rows in which none changes.

    The numeric columns come first; each distinct combination is worked out once.
    """
    n = columns[0].size
    keys = [np.ascontiguousarray(c).view(np.int64) if c.dtype.kind == "f" else c for c in columns]
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(change)
    found: dict[tuple[object, ...], str] = {}
    cells = []
    run_keys = zip(*(k[starts].tolist() for k in keys), strict=True)
    run_values = zip(*(c[starts].tolist() for c in columns), strict=True)
    for run, values in zip(run_keys, run_values, strict=True):
        if run not in found:
            found[run] = style.between_cells.join(
                style.cell(first + i, _number(v) if isinstance(v, float) else str(v)) for i, v in enumerate(values)
            )
        cells.append(found[run])
    result: list[str] = np.array(cells, dtype=object)[np.cumsum(change) - 1].tolist()
    return result


def _csv_field(text: str) -> str:
    """``text`` as the csv module writes it in a row of several fields (quoted only if it must be)."""
    if _QUOTED.isdisjoint(text):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]
