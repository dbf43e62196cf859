"""``goldenthread funnel``: funnel plots on any CSV (no database; neither Django nor pandas)."""

from __future__ import annotations

import argparse
import os
import sys


def cmd_funnel(args: argparse.Namespace) -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no linear algebra: BLAS threads only cost start-up
    from goldenthread.assurance.funnelcsv import Options, main

    options = Options(
        value=args.value,
        denominator=args.denominator,
        unit=args.unit,
        period=args.period,
        at=args.at,
        every_period=args.every_period,
        kind=args.kind,
        format=args.format,
    )
    if (args.at or args.every_period) and not args.period:
        print("goldenthread funnel: --at and --every-period need --period COL, the column of periods", file=sys.stderr)
        return 2
    return main(options, args.file, sys.stdout, sys.stderr)


def add_funnel_command(commands: argparse._SubParsersAction) -> None:
    """Add ``funnel``."""
    p = commands.add_parser(
        "funnel",
        help="funnel plot limits (Spiegelhalter, with over-dispersion) on any CSV; no database needed",
        description="Compares units at one period allowing for their sizes: one row per unit with its "
        "numerator, denominator, value, the overall target, the 95% and 99.8% limits at its size, "
        "whether it lies outside them, its z-score and the over-dispersion figures (phi, tau2). Rows of "
        "the same unit and period are added up. Method and sources: docs/funnel.md.",
    )
    p.add_argument("file", metavar="FILE.csv", help="a CSV file with a header row, or - for standard input")
    p.add_argument("--value", required=True, metavar="COL", help="the column of counts (numerators)")
    p.add_argument("--denominator", required=True, metavar="COL", help="the column of sizes (denominators)")
    p.add_argument("--unit", required=True, metavar="COL", help="the column naming each unit (provider)")
    p.add_argument("--period", metavar="COL", help="the column of periods (default: every row is one period)")
    p.add_argument(
        "--at",
        metavar="PERIOD",
        help="the period to show (default: the latest); for a column of dates also a span such as '2016/17 Q4', "
        "'2016/17' or '2017-01', whose rows are added up",
    )
    p.add_argument("--every-period", action="store_true", help="one funnel for each period in the file")
    p.add_argument(
        "--kind",
        choices=["proportion", "rate"],
        default="proportion",
        help="proportion (count within a total; default) or rate (count over an exposure, or observed over expected)",
    )
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_funnel)
