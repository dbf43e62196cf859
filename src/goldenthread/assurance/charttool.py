"""``goldenthread spc --chart {run,p,pp,u,up,c,g,t}``: the charts of :mod:`goldenthread.assurance.charts`
on any CSV.

The columns are read by :func:`goldenthread.assurance.csvread.read` (the denominator in a second
reading of the same text, as the value column of its own), checked row by row — a count below 0,
a denominator of 0 or below, a count above its cases for p and p′, a time of 0 or less for t —
and every bad row reported as ``FILE:ROW: column: message`` before anything is computed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Protocol, TextIO, cast

import numpy as np

from goldenthread.assurance.charts import RATIO_CHARTS, chart_many
from goldenthread.assurance.csvread import Columns, InputError, Wanted, read
from goldenthread.assurance.csvwrite import write_chart


class Options(Protocol):
    """What :func:`run_chart` reads of the options (:class:`goldenthread.assurance.csvtool.Options`)."""

    value: str
    date: str
    series: str | None
    rebase: list[dt.date]
    fix_after: int | None
    format: str
    chart: str
    denominator: str | None


_ROW = re.compile(r":(\d+): ")


def run_chart(handle: TextIO, name: str, options: Options, out: TextIO) -> list[str]:
    """Read, check, compute and write one chart type; returns the engine's warnings (for stderr)."""
    text = handle.read()
    columns, sizes = _read(text, name, options)
    _check(text, name, options, columns.values, sizes)
    try:
        table = chart_many(
            options.chart,
            columns.series,
            columns.dates,
            columns.values,
            sizes,
            rebase=np.asarray(options.rebase, dtype="datetime64[D]"),
            fix_after=options.fix_after,
        )
    except ValueError as exc:
        raise InputError([f"{name}: {exc}"]) from None
    write_chart(table, columns.names, out, format=options.format)
    names = columns.names
    return [f"{names[cast(int, s)] or name}: {w}" for s, ws in table.warnings.items() for w in ws]


def _read(text: str, name: str, options: Options) -> tuple[Columns, np.ndarray | None]:
    """The value, date and series columns, and the denominators (None for charts without), row for row."""
    problems: list[str] = []
    columns = sizes = None
    try:
        columns = read(io.StringIO(text), name, Wanted(options.value, options.date, options.series))
    except InputError as exc:
        problems += exc.problems
    if options.chart in RATIO_CHARTS and options.denominator:
        try:
            sizes = read(io.StringIO(text), name, Wanted(options.denominator, options.date, options.series)).values
        except InputError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise InputError(_in_row_order(problems))
    assert columns is not None
    return columns, sizes


def _in_row_order(problems: list[str]) -> list[str]:
    """The problems of both readings by row (each reading's already are), a row's in the order found."""

    def row(problem: str) -> int:
        found = _ROW.search(problem)
        return int(found.group(1)) if found else 0

    return sorted(problems, key=row)


def _check(text: str, name: str, options: Options, counts: np.ndarray, sizes: np.ndarray | None) -> None:
    """Every row whose value (or denominator) the chart cannot take, reported as ``FILE:ROW: column: message``."""
    kind, value, denominator = options.chart, options.value, options.denominator or ""
    found: list[tuple[int, str]] = []

    def bad(mask: np.ndarray, message: str) -> None:
        found.extend((i, message) for i in np.flatnonzero(mask).tolist())

    with np.errstate(invalid="ignore"):
        if kind in (*RATIO_CHARTS, "c"):
            bad(counts < 0, f"{value}: a count cannot be below 0")
        if kind == "g":
            bad(counts < 0, f"{value}: a g chart counts cases or days between events, which cannot be below 0")
        if kind == "t":
            bad(counts <= 0, f"{value}: a t chart needs each time between events above 0")
        if sizes is not None:
            bad(sizes < 0, f"{denominator}: a denominator cannot be below 0")
            bad(
                sizes == 0, f"{denominator}: the denominator is 0, so there is no proportion or rate; leave the row out"
            )
            if kind in ("p", "pp"):
                bad(
                    (counts > sizes) & (sizes > 0),
                    f"{value}: the count is above its denominator in {denominator}; a proportion is at most 1",
                )
    if found:
        rows = _file_rows(text, counts.size)
        found.sort(key=lambda item: item[0])
        raise InputError([f"{name}:{rows[i]}: {message} ({_shown(i, counts, sizes)})" for i, message in found])


def _shown(i: int, counts: np.ndarray, sizes: np.ndarray | None) -> str:
    def number(x: float) -> str:
        return f"{x:g}" if x == x else "blank"

    return f"value {number(float(counts[i]))}" + ("" if sizes is None else f", denominator {number(float(sizes[i]))}")


def _file_rows(text: str, kept: int) -> list[int]:
    """The file row (the header is row 1) of each row read: blank rows are not read, so they are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    rows = [number for number, record in enumerate(reader, start=2) if any(cell.strip() for cell in record)]
    return rows if len(rows) == kept else list(range(2, kept + 2))
