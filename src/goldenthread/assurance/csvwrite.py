"""``goldenthread spc``'s output, written a column at a time.

Each column is turned into text once per distinct value — numbers by ``repr`` (blank for a gap),
dates as ISO, names quoted by the csv module (or encoded by the json module) — and the rows are
joined from the columns. The bytes are those the csv module's ``DictWriter`` and ``json.dump(rows,
indent=1)`` wrote for one dictionary per row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from typing import TextIO

import numpy as np

from goldenthread.assurance.results import SPCTable

POINT_COLUMNS = ["series", "period", "value", "mean", "lpl", "upl", "special_cause_type", "point_type"]
SUMMARY_COLUMNS = ["series", "variation", "assurance"]
_CHUNK = 50_000  # rows joined into one write

Cell = Callable[[str], str]


def write(table: SPCTable, out: TextIO, *, summary: bool, format: str) -> None:
    """The points (or with ``summary`` one row per series) as CSV or JSON."""
    names = SUMMARY_COLUMNS if summary else POINT_COLUMNS
    if format == "json":
        cells, numbers = _json_cell, _json_cell
    else:
        cells, numbers = _csv_cell, _plain
    columns = _summary_columns(table, cells) if summary else _point_columns(table, cells, numbers)
    if format == "json":
        _write_json(names, columns, out)
    else:
        _write_csv(names, columns, out)


def _point_columns(table: SPCTable, cell: Cell, number: Cell) -> list[list[str]]:
    return [
        _texts([str(s) for s in table.series_id.tolist()], cell),
        _dates(table.dates, number),
        *(_numbers(column, number) for column in (table.values, table.mean, table.lpl, table.upl)),
        _texts([str(t) for t in table.special_cause_type.tolist()], cell),
        _texts([str(p) for p in table.point_type.tolist()], cell),
    ]


def _summary_columns(table: SPCTable, cell: Cell) -> list[list[str]]:
    return [
        _texts([str(s) for s in table.series.tolist()], cell),
        _texts([str(v) for v in table.variation.tolist()], cell),
        _texts([a or "" for a in table.assurance.tolist()], cell),
    ]


def _texts(values: list[str], cell: Cell) -> list[str]:
    """Each value as a cell, each distinct value worked out once."""
    cells = {value: cell(value) for value in set(values)}
    if all(value == text for value, text in cells.items()):
        return values
    return list(map(cells.__getitem__, values))


def _numbers(column: np.ndarray, cell: Cell) -> list[str]:
    """``repr`` of each number (blank for NaN), each distinct number (by its bits: -0.0 is not 0.0) once."""
    bits, inverse = np.unique(np.ascontiguousarray(column, dtype=np.float64).view(np.int64), return_inverse=True)
    texts = np.array([cell("" if x != x else repr(x)) for x in bits.view(np.float64).tolist()], dtype=object)
    result: list[str] = texts[inverse.reshape(-1)].tolist()
    return result


def _dates(column: np.ndarray, cell: Cell) -> list[str]:
    """Each date as ISO text, each distinct date once."""
    days, inverse = np.unique(column.astype("datetime64[D]"), return_inverse=True)
    texts = np.array([cell(str(day)) for day in days], dtype=object)
    result: list[str] = texts[inverse.reshape(-1)].tolist()
    return result


def _plain(text: str) -> str:
    return text


def _csv_cell(text: str) -> str:
    """``text`` as the csv module writes it in a row of several fields (quoted only if it must be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]


def _json_cell(text: str) -> str:
    return encode_basestring_ascii(text)


def _write_csv(names: list[str], columns: list[list[str]], out: TextIO) -> None:
    out.write(",".join(_csv_cell(name) for name in names) + "\n")
    rows = list(zip(*columns, strict=True))
    for start in range(0, len(rows), _CHUNK):
        out.write("\n".join(map(",".join, rows[start : start + _CHUNK])) + "\n")


def _write_json(names: list[str], columns: list[list[str]], out: TextIO) -> None:
    rows = list(zip(*columns, strict=True))
    if not rows:
        json.dump([], out, indent=1)
        out.write("\n")
        return
    row = " {\n" + ",\n".join(f"  {_json_cell(name)}: %s" for name in names) + "\n }"  # names hold no %
    out.write("[\n")
    for start in range(0, len(rows), _CHUNK):
        if start:
            out.write(",\n")
        out.write(",\n".join(row % cells for cells in rows[start : start + _CHUNK]))
    out.write("\n]\n")
