"""The straightforward ``goldenthread spc``: a row at a time, as it was before issue 17.

csv.reader row by row, each date parsed as it comes, one dictionary per output row written by
``csv.DictWriter`` or ``json.dump``. The tests hold the column-at-a-time command to exactly
these bytes, messages and exit codes. What did not change (the date formats, the header check,
the command's arguments and error printing) is the product's own.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from typing import TextIO

import numpy as np

from goldenthread.assurance.csvread import InputError, Wanted, _header, _Problems, parse_date
from goldenthread.assurance.csvread import _value_cell as csvread_value_cell
from goldenthread.assurance.csvtool import POINT_COLUMNS, SUMMARY_COLUMNS, Options
from goldenthread.assurance.results import SPCTable
from goldenthread.assurance.spc import spc_many


def read(handle: TextIO, name: str, options: Options) -> tuple[list[str], list[dt.date], np.ndarray]:
    """Series ids, dates and values from the CSV; every bad row is reported, in an InputError."""
    reader = csv.reader(handle)
    header = _header(reader, name, Wanted(options.value, options.date, options.series))
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
        try:
            day: dt.date | None = parse_date(row[idate])
        except ValueError as exc:
            problems.append(f"{name}:{row_number}: {options.date}: {exc}")
            day = None
        value = _value_cell(row[iv], name, row_number, options.value, problems)
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


def _value_cell(text: str, name: str, row_number: int, column: str, problems: list[str]) -> float:
    """The number in one cell, by the product's reading of a cell (its fast path is what is tested)."""
    found = _Problems(name)
    value = csvread_value_cell(text, row_number - 2, column, found)
    problems.extend(message for _, _, message in found.found)
    return value


def _number(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else repr(float(x))


def run(handle: TextIO, name: str, options: Options, out: TextIO) -> list[str]:
    """Compute and write the result; returns the engine's warnings (for stderr)."""
    series, dates, values = read(handle, name, options)
    tuning = {"improvement": options.improvement, "target": options.target, "fix_after": options.fix_after}
    try:
        table = spc_many(
            np.asarray(series, dtype=object),
            np.asarray(dates, dtype="datetime64[D]"),
            values,
            rebase=np.asarray(options.rebase, dtype="datetime64[D]"),
            **tuning,  # type: ignore[arg-type]
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
