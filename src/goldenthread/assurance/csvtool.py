"""SPC on any CSV, for analysts: ``goldenthread spc FILE.csv --value COL --date COL ...``.

Reads a column at a time (:mod:`goldenthread.assurance.csvread`), computes with the vectorised
engine and writes a column at a time (:mod:`goldenthread.assurance.csvwrite`); it loads neither
Django nor pandas, so it starts in a fraction of a second. Bad input is reported as
``FILE:ROW: column: message`` for every bad row, and nothing is computed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from dataclasses import dataclass, field
from typing import TextIO, cast

import numpy as np

from goldenthread.assurance.csvread import InputError, Wanted, parse_date, read
from goldenthread.assurance.csvwrite import POINT_COLUMNS, SUMMARY_COLUMNS, write
from goldenthread.assurance.spc import spc_many

__all__ = ["POINT_COLUMNS", "SUMMARY_COLUMNS", "InputError", "Options", "main", "parse_date", "run"]


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
    chart: str = "xmr"
    denominator: str | None = None


def run(handle: TextIO, name: str, options: Options, out: TextIO) -> list[str]:
    """Compute and write the result; returns the engine's warnings (for stderr)."""
    if options.chart != "xmr":
        from goldenthread.assurance.charttool import run_chart  # not imported for XmR, the default

        return run_chart(handle, name, options, out)
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small lists and strings, none of them in a cycle
    try:
        columns = read(handle, name, Wanted(options.value, options.date, options.series))
        try:
            table = spc_many(
                columns.series,  # numbers, in order of first appearance: names[s] names series s
                columns.dates,
                columns.values,
                improvement=options.improvement,
                target=options.target,
                rebase=np.asarray(options.rebase, dtype="datetime64[D]"),
                fix_after=options.fix_after,
            )
        except ValueError as exc:
            raise InputError([f"{name}: {exc}"]) from None
        write(table, columns.names, out, summary=options.summary, format=options.format)
    finally:
        if collecting:
            gc.enable()
    names = columns.names  # the engine's series are their numbers
    return [f"{names[cast(int, s)] or name}: {w}" for s, ws in table.warnings.items() for w in ws]


def main(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        rebase = [parse_date(d) for part in (args.rebase or []) for d in part.split(",") if d.strip()]
    except ValueError as exc:
        print(f"--rebase: {exc}", file=err)
        return 2
    chart = getattr(args, "chart", None) or "xmr"
    denominator = getattr(args, "denominator", None)
    misuse = _misused_options(args, chart, denominator)
    if misuse:
        print(misuse, file=err)
        return 2
    options = Options(
        value=args.value,
        date=args.date,
        series=args.series,
        improvement=args.improvement or "increase",
        target=args.target,
        rebase=rebase,
        fix_after=args.fix_after,
        summary=args.summary,
        format=args.format,
        chart=chart,
        denominator=denominator,
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


_RATIO = ("p", "pp", "u", "up")


def _misused_options(args: argparse.Namespace, chart: str, denominator: str | None) -> str:
    """What is wrong with the options for ``--chart``, if anything (a message that says what to do)."""
    if chart in _RATIO and not denominator:
        return (
            f"--chart {chart} needs --denominator COL: the column of the cases (p, pp) or exposure (u, up) "
            "each count in --value is out of"
        )
    if denominator and chart not in _RATIO:
        return f"--denominator is for --chart p, pp, u or up (a count over cases or exposure), not --chart {chart}"
    if chart != "xmr":
        xmr_only = [flag for flag, given in _xmr_only(args) if given]
        if xmr_only:
            flags = ", ".join(xmr_only)
            return f"{flags}: only for --chart xmr (Making Data Count's icons); leave out for --chart {chart}"
    return ""


def _xmr_only(args: argparse.Namespace) -> list[tuple[str, bool]]:
    return [
        ("--improvement", args.improvement is not None),
        ("--target", args.target is not None),
        ("--summary", bool(args.summary)),
    ]
