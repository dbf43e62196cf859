"""Funnel plots on any CSV: ``goldenthread funnel FILE.csv --value COL --denominator COL --unit COL``.

Rows of the same unit (and period) are added up — a proportion over several rows is the sum of
their numerators over the sum of their denominators — then every unit of a period is placed on
one funnel (:func:`goldenthread.assurance.funnel.funnel`). With ``--period COL`` the latest period
in the file is shown, or the one ``--at`` names, or each period with ``--every-period``. When the
period column holds dates, ``--at`` may name a span of them as plans write it: ``2016/17 Q4``,
``2016/17`` or ``2017-01``. Loads neither Django nor pandas. Every bad row is reported as
``FILE:ROW: column: message`` and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from goldenthread.assurance.csvread import InputError, parse_date
from goldenthread.assurance.funnel import Funnel, FunnelError, funnel

COLUMNS = [
    "unit",
    "period",
    "numerator",
    "denominator",
    "value",
    "target",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "outside_95",
    "outside_998",
    "z",
    "z_adjusted",
    "phi",
    "tau2",
    "adjusted",
]

_QUARTER = re.compile(r"^([0-9]{4})/([0-9]{2})\s*[- ]?\s*Q([1-4])$", re.I)
_YEAR = re.compile(r"^([0-9]{4})/([0-9]{2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass
class Options:
    value: str
    denominator: str
    unit: str
    period: str | None = None
    at: str | None = None
    every_period: bool = False
    kind: str = "proportion"
    format: str = "csv"


@dataclass
class _Sums:
    """A period's units in order of first appearance: their summed numerators and denominators."""

    units: dict[str, list[float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # each unit's first row, for messages

    def add(self, unit: str, x: float, n: float, row: int) -> None:
        sums = self.units.setdefault(unit, [0.0, 0.0])
        sums[0] += x
        sums[1] += n
        self.rows.setdefault(unit, row)


def span(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a financial quarter (2016/17 Q4), year (2016/17) or month (2017-01)."""
    text = text.strip()
    if m := _QUARTER.match(text):
        year, q = int(m[1]), int(m[3])
        first_month = 3 * q + 1  # Q1 starts in April
        start = dt.date(year + (first_month > 12), (first_month - 1) % 12 + 1, 1)
        return start, _add_months(start, 3) - dt.timedelta(days=1)
    if m := _YEAR.match(text):
        return dt.date(int(m[1]), 4, 1), dt.date(int(m[1]) + 1, 3, 31)
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        start = dt.date(int(m[1]), int(m[2]), 1)
        return start, _add_months(start, 1) - dt.timedelta(days=1)
    return None


def _add_months(day: dt.date, months: int) -> dt.date:
    k = day.month - 1 + months
    return dt.date(day.year + k // 12, k % 12 + 1, 1)


def _number(text: str, column: str) -> float:
    try:
        x = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{column}: '{text}' is not a number") from None
    if not math.isfinite(x):
        raise ValueError(f"{column}: '{text}' is not a number")
    if x < 0:
        raise ValueError(f"{column}: {text} is below 0; a count or size cannot be negative")
    return x


def _header(reader: Iterator[list[str]], name: str, options: Options) -> list[int]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError([f"{name}:1: the file is empty; it needs a header row"]) from None
    wanted = [options.unit, options.value, options.denominator] + ([options.period] if options.period else [])
    missing = [c for c in wanted if c not in header]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise InputError([f"{name}:1: no column named {names}; the columns are: {', '.join(header)}"])
    return [header.index(c) for c in wanted]


def _row(cells: list[str], where: list[int], options: Options) -> tuple[str, float, float, str] | None:
    """(unit, numerator, denominator, period) of one row; None for a gap (both counts blank)."""
    if len(cells) <= max(where):
        raise ValueError(f"the row has {len(cells)} cells; the header has more — check for a missing comma")
    unit, x, n = (cells[i].strip() for i in where[:3])
    period = cells[where[3]].strip() if len(where) > 3 else ""
    if not unit:
        raise ValueError(f"{options.unit}: the unit is blank; name the unit each row belongs to")
    if not x and not n:
        return None
    if not x or not n:
        blank = options.value if not x else options.denominator
        raise ValueError(f"{blank}: blank; give both the count and the size, or leave both blank for a gap")
    numerator, denominator = _number(x, options.value), _number(n, options.denominator)
    if options.kind == "proportion" and numerator > denominator:
        raise ValueError(
            f"{options.value}: {x} is above {options.denominator} ({n}); a proportion's count is part of its "
            "total — check the columns, or use --kind rate for a count over an exposure"
        )
    if options.period and not period:
        raise ValueError(f"{options.period}: the period is blank; give the period each row belongs to")
    return unit, numerator, denominator, period


def read(handle: TextIO, name: str, options: Options) -> dict[str, _Sums]:
    """Each period's sums (the key '' when there is no period column); every bad row in an InputError."""
    reader = csv.reader(handle)
    where = _header(reader, name, options)
    periods: dict[str, _Sums] = {}
    problems: list[str] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            row = _row(cells, where, options)
        except ValueError as exc:
            problems.append(f"{name}:{number}: {exc}")
            continue
        if row is not None:
            periods.setdefault(row[3], _Sums()).add(row[0], row[1], row[2], number)
    if problems:
        raise InputError(problems)
    if not periods:
        raise InputError([f"{name}:2: the file has a header but no rows with figures"])
    return periods


def _date_keys(periods: Iterable[str]) -> dict[str, dt.date] | None:
    """Each period text's date, when every one is a date; else None (periods are then texts)."""
    try:
        return {p: parse_date(p) for p in periods}
    except ValueError:
        return None


def choose(periods: dict[str, _Sums], name: str, options: Options) -> list[tuple[str, _Sums]]:
    """The periods to draw: every one, the one ``--at`` names, or the latest."""
    days = _date_keys(periods)
    order = sorted(periods, key=(lambda p: (days[p], p)) if days else None)
    if options.every_period:
        return [(p, periods[p]) for p in order]
    if options.at is None:
        return [(order[-1], periods[order[-1]])]
    if options.at in periods:
        return [(options.at, periods[options.at])]
    bounds = span(options.at) if days else None
    if bounds is None:
        shown = ", ".join(order[-5:])
        raise InputError([f"{name}: --at {options.at}: no rows for that period; the latest periods are: {shown}"])
    inside = [p for p in order if days is not None and bounds[0] <= days[p] <= bounds[1]]
    if not inside:
        raise InputError(
            [f"{name}: --at {options.at}: no rows dated within it; the file runs {order[0]} to {order[-1]}"]
        )
    merged = _Sums()
    for p in inside:
        for unit, (x, n) in periods[p].units.items():
            merged.add(unit, x, n, periods[p].rows[unit])
    return [(options.at.strip(), merged)]


def compute(period: str, sums: _Sums, kind: str) -> tuple[list[str], Funnel | None, list[str]]:
    """The funnel of a period's units with a size above 0, and a warning for each unit left out."""
    units = [u for u, (_, n) in sums.units.items() if n > 0]
    at = f" in {period}" if period else ""
    warnings = [
        f"unit '{u}'{at} left out: its denominator adds up to 0, so it has no size to place it by"
        for u, (_, n) in sums.units.items()
        if n <= 0
    ]
    if not units:
        return units, None, warnings
    f = funnel([sums.units[u][0] for u in units], [sums.units[u][1] for u in units], kind, units=units)
    return units, f, warnings


def _cell(x: object) -> object:
    if isinstance(x, bool):
        return "true" if x else "false"
    return x


def rows(period: str, units: list[str], f: Funnel) -> Iterator[list[object]]:
    for i, unit in enumerate(units):
        yield [
            unit,
            period,
            float(f.numerators[i]),
            float(f.denominators[i]),
            float(f.values[i]),
            f.target,
            float(f.lower95[i]),
            float(f.upper95[i]),
            float(f.lower998[i]),
            float(f.upper998[i]),
            bool(f.outside95[i]),
            bool(f.outside998[i]),
            float(f.z[i]),
            float(f.z_adjusted[i]),
            f.phi,
            f.tau2,
            f.adjusted,
        ]


def run(handle: TextIO, name: str, options: Options, out: TextIO) -> list[str]:
    """Read, compute and write; returns the warnings (units left out) for stderr."""
    chosen = choose(read(handle, name, options), name, options)
    table: list[list[object]] = []
    warnings: list[str] = []
    for period, sums in chosen:
        try:
            units, f, left_out = compute(period, sums, options.kind)
        except FunnelError as exc:
            raise InputError([f"{name}: {exc}"]) from None
        warnings += left_out
        if f is not None:
            table.extend(rows(period, units, f))
    if options.format == "json":
        import json

        json.dump([dict(zip(COLUMNS, r, strict=True)) for r in table], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([_cell(x) for x in r] for r in table)
    return warnings


def main(args: Options, file: str, out: TextIO, err: TextIO) -> int:
    """``goldenthread funnel``: 0 done, 1 bad input (every problem on ``err``)."""
    try:
        warnings = _run_file(file, args, out)
    except BrokenPipeError:
        raise  # the reader stopped reading: not a problem with the file
    except (OSError, UnicodeDecodeError, InputError, csv.Error) as exc:
        for problem in _problems(file, exc):
            print(problem, file=err)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    return 0


def _run_file(file: str, args: Options, out: TextIO) -> list[str]:
    if file == "-":
        import sys

        return run(sys.stdin, "<stdin>", args, out)
    with open(file, newline="", encoding="utf-8-sig") as handle:
        return run(handle, file, args, out)


def _problems(file: str, exc: Exception) -> list[str]:
    """What went wrong reading ``file``, as a person can act on it."""
    if isinstance(exc, InputError):
        return exc.problems
    if isinstance(exc, UnicodeDecodeError):
        return [f"{file}: the file is not UTF-8 text; save it as CSV UTF-8"]
    if isinstance(exc, OSError):
        return [f"{file}: cannot read the file: {exc.strerror}"]
    return [f"{file}: {exc}; save it as CSV UTF-8 from a spreadsheet"]
