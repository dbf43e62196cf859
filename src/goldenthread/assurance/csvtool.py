"""SPC on any CSV, for analysts: ``goldenthread spc FILE.csv --value COL --date COL ...``.

Reads with the csv module and computes with the vectorised engine; it loads neither Django nor
pandas, so it starts in a fraction of a second. Bad input is reported as ``FILE:ROW: column:
message`` for every bad row, and nothing is computed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from goldenthread.assurance.results import SPCTable
from goldenthread.assurance.spc import spc_many

POINT_COLUMNS = ["series", "period", "value", "mean", "lpl", "upl", "special_cause_type", "point_type"]
SUMMARY_COLUMNS = ["series", "variation", "assurance"]


class InputError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Options:
    value: str
    date: str
    series: str | None = None
    improvement: str = "increase"
    target: float | None = None
    rebase: list[dt.date] = field(default_factory=list)
    fix_after: int | None = None
    summary: bool = False
    format: str = "csv"


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m")
_GAPS = ("NA", "NAN", "NULL")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)")


def read(handle: TextIO, name: str, options: Options) -> tuple[list[str], list[dt.date], np.ndarray]:
    """Series ids, dates and values from the CSV; every bad row is reported, in an InputError."""
    reader = csv.reader(handle)
    header = _header(reader, name, options)
    iv, idate = header.index(options.value), header.index(options.date)
    iseries = header.index(options.series) if options.series else None
    series: list[str] = []
    dates: list[dt.date] = []
    values: list[float] = []
    problems: list[str] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        sid = row[iseries].strip() if iseries is not None else ""
        day = _date_cell(row[idate], f"{name}:{row_number}: {options.date}", problems)
        value = _value_cell(row[iv], f"{name}:{row_number}: {options.value}", problems)
        if day is None:
            continue
        if (sid, day) in seen:
            where = f"series '{sid}' " if options.series else ""
            problems.append(
                f"{name}:{row_number}: {options.date}: {where}{day} is already on row {seen[sid, day]}; "
                "each series has one value per date"
            )
        seen[sid, day] = row_number
        series.append(sid)
        dates.append(day)
        values.append(value)
    if problems:
        raise InputError(problems)
    if not values:
        raise InputError([f"{name}:2: the file has a header but no rows"])
    return series, dates, np.asarray(values, dtype=float)


def _header(reader: Iterator[list[str]], name: str, options: Options) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError([f"{name}:1: the file is empty; it needs a header row"]) from None
    wanted = [c for c in (options.value, options.date, options.series) if c]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise InputError(
            [f"{name}:1: no column named {', '.join(repr(c) for c in missing)}; the columns are: {', '.join(header)}"]
        )
    return header


def _date_cell(text: str, where: str, problems: list[str]) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return None


def _value_cell(text: str, where: str, problems: list[str]) -> float:
    """The number in a cell; NaN for a gap (blank, NA, NaN, NULL) and for a bad cell, which is reported."""
    raw = text.strip()
    if raw == "" or raw.upper() in _GAPS:
        return math.nan
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        value = math.inf
    if not math.isfinite(value):
        problems.append(f"{where}: '{raw}' is not a number; leave it blank for a gap")
        return math.nan
    return value


def _number(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else repr(float(x))


def run(handle: TextIO, name: str, options: Options, out: TextIO) -> list[str]:
    """Compute and write the result; returns the engine's warnings (for stderr)."""
    series, dates, values = read(handle, name, options)
    try:
        table = spc_many(
            np.asarray(series, dtype=object),
            np.asarray(dates, dtype="datetime64[D]"),
            values,
            improvement=options.improvement,
            target=options.target,
            rebase=np.asarray(options.rebase, dtype="datetime64[D]"),
            fix_after=options.fix_after,
        )
    except ValueError as exc:
        raise InputError([f"{name}: {exc}"]) from None
    warnings = [f"{sid or name}: {w}" for sid, ws in table.warnings.items() for w in ws]
    if options.summary:
        rows, columns = _summary_rows(table), SUMMARY_COLUMNS
    else:
        rows, columns = _point_rows(table), POINT_COLUMNS
    if options.format == "json":
        json.dump(rows, out, indent=1)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return warnings


def _summary_rows(table: SPCTable) -> list[dict[str, str]]:
    return [
        {"series": str(s), "variation": str(v), "assurance": a or ""}
        for s, v, a in zip(table.series.tolist(), table.variation.tolist(), table.assurance.tolist(), strict=True)
    ]


def _point_rows(table: SPCTable) -> list[dict[str, str]]:
    return [
        {
            "series": str(s),
            "period": str(np.datetime64(d, "D")),
            "value": _number(v),
            "mean": _number(m),
            "lpl": _number(lo),
            "upl": _number(hi),
            "special_cause_type": str(t),
            "point_type": str(p),
        }
        for s, d, v, m, lo, hi, t, p in zip(
            table.series_id.tolist(),
            table.dates,
            table.values.tolist(),
            table.mean.tolist(),
            table.lpl.tolist(),
            table.upl.tolist(),
            table.special_cause_type.tolist(),
            table.point_type.tolist(),
            strict=True,
        )
    ]


def main(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        rebase = [parse_date(d) for part in (args.rebase or []) for d in part.split(",") if d.strip()]
    except ValueError as exc:
        print(f"--rebase: {exc}", file=err)
        return 2
    options = Options(
        value=args.value,
        date=args.date,
        series=args.series,
        improvement=args.improvement,
        target=args.target,
        rebase=rebase,
        fix_after=args.fix_after,
        summary=args.summary,
        format=args.format,
    )
    try:
        if args.file == "-":
            warnings = run(sys.stdin, "<stdin>", options, out)
        else:
            with open(args.file, newline="", encoding="utf-8-sig") as handle:
                warnings = run(handle, args.file, options, out)
    except OSError as exc:
        print(f"{args.file}: cannot read the file: {exc.strerror}", file=err)
        return 1
    except UnicodeDecodeError:
        print(f"{args.file}: the file is not UTF-8 text; save it as UTF-8 CSV", file=err)
        return 1
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    return 0
