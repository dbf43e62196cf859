"""``goldenthread plan template`` and ``plan export --format xlsx``: plans as Excel workbooks
(:mod:`goldenthread.planfile.workbook_write`). ``plan validate`` and ``plan load`` read a workbook
by its suffix (:func:`goldenthread.planfile.workbook_read.validate_plan_file`).

Imported when the command builds its parser, so it imports no Django (and no openpyxl) at module
level.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goldenthread.planfile.schema import Plan

NEEDS_OUTPUT = "an Excel workbook is not text: give the file to write with -o FILE.xlsx"


def refuse_workbook_without_output(args: argparse.Namespace) -> int | None:
    """2 (said on standard error) when ``--format xlsx`` has no ``-o``; otherwise None."""
    if args.format == "xlsx" and not args.output:
        print(f"goldenthread plan export: {NEEDS_OUTPUT}", file=sys.stderr)
        return 2
    return None


def write_workbook(plan: Plan, output: str) -> int:
    from goldenthread.planfile.workbook_write import plan_workbook

    Path(output).write_bytes(plan_workbook(plan))
    print(f"{output}: {plan.code} as an Excel workbook; load it back with: goldenthread plan load {output}")
    return 0


def cmd_plan_template(args: argparse.Namespace) -> int:
    from goldenthread.planfile.workbook_write import blank_workbook

    Path(args.output).write_bytes(blank_workbook())
    print(f"{args.output}: a blank plan workbook; fill it in, then: goldenthread plan validate {args.output}")
    return 0


def add_workbook_commands(plan: argparse._SubParsersAction) -> None:
    """Add ``plan template``."""
    p = plan.add_parser("template", help="write a blank plan workbook (.xlsx) to fill in, with drop-down lists")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the .xlsx file to write")
    p.set_defaults(func=cmd_plan_template)
