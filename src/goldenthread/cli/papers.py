"""``goldenthread report`` (board, directorate and summary packs) and ``goldenthread export open-data``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from goldenthread.cli.setup import django_setup, write_output


def plan_and_period(args: argparse.Namespace, command: str):
    """Parse the period, set Django up and find the plan; (plan, period) or an exit code."""
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        period = parse_period(args.period) if getattr(args, "period", None) else None
    except PeriodError as exc:
        print(f"goldenthread {command}: {exc}", file=sys.stderr)
        return 2
    django_setup(args)
    from goldenthread.performance.assessment import default_as_at
    from goldenthread.plans.models import Plan

    plan = Plan.objects.select_related("organisation").filter(code=args.plan).first()
    if plan is None:
        print(f"goldenthread {command}: no plan with code '{args.plan}'; see: goldenthread plan list", file=sys.stderr)
        return 1
    return plan, period or default_as_at(plan)


def cmd_report(args: argparse.Namespace) -> int:
    command = f"report {args.report}"
    setup = plan_and_period(args, command)
    if isinstance(setup, int):
        return setup
    plan, period = setup
    from goldenthread.progress import progress_for
    from goldenthread.reports.documents import render_pack, render_summary

    progress = progress_for(args.progress)
    try:
        if args.report == "board":
            from goldenthread.reports.board import board_pack

            pack = board_pack(plan, period, progress=progress)
            data, stem = render_pack(pack, args.format, progress), pack.file_stem
        elif args.report == "directorate":
            from goldenthread.reports.directorate import UnitNotFound, directorate_pack, find_unit

            try:
                unit = find_unit(plan, args.unit)
            except UnitNotFound as exc:
                print(f"goldenthread {command}: {exc}", file=sys.stderr)
                return 1
            pack = directorate_pack(plan, unit, period, progress=progress)
            data, stem = render_pack(pack, args.format, progress), pack.file_stem
        else:
            from goldenthread.reports.summary import plan_summary

            summary = plan_summary(plan, period if args.period else None, progress=progress)
            data, stem = render_summary(summary, args.format, progress), summary.file_stem
    finally:
        progress.close()
    write_output(data, args.output, f"{stem}.{args.format}")
    return 0


def cmd_export_open_data(args: argparse.Namespace) -> int:
    setup = plan_and_period(args, "export open-data")
    if isinstance(setup, int):
        return setup
    plan, period = setup
    from goldenthread.reports.opendata import is_published, open_data, write_open_data

    published = is_published(plan)
    if not published and not args.unpublished:
        print(
            f"goldenthread export open-data: plan {plan.code} is not published, so its figures are not open data; "
            "publish it on the plan's quarterly cycle page first, or pass --unpublished to export it anyway "
            '(marked "published": false)',
            file=sys.stderr,
        )
        return 1
    data = open_data(plan, period, published=published)
    for path in write_open_data(data, Path(args.output)):
        print(f"Wrote {path}")
    counts = f"{len(data.scorecard)} scorecard measures and {len(data.values)} metric values"
    print(f"{counts} for {plan.code} as at {period.label}")
    return 0


def add_paper_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``report board|directorate|summary`` and ``export open-data``."""
    reports = commands.add_parser(
        "report", help="board papers: the quarterly pack, directorate review packs, the plan on two pages"
    ).add_subparsers(dest="report", metavar="REPORT")
    reports.required = True
    for name, help_text in (
        ("board", "the board's quarterly performance pack"),
        ("directorate", "the accountability review pack for one directorate, region or team"),
        ("summary", "the plan on two pages"),
    ):
        p = reports.add_parser(name, help=help_text)
        p.add_argument("plan", metavar="PLAN")
        if name == "directorate":
            p.add_argument("unit", metavar="UNIT", help="the org unit's code or name, e.g. medical")
        p.add_argument(
            "--period",
            metavar="PERIOD",
            help="the quarter reported on, e.g. '2016/17 Q4' (default: the plan's current quarter)",
        )
        p.add_argument("--format", choices=["pdf", "docx", "html"], default="pdf")
        p.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="where to write it (default: a name from the plan and period in this folder; - for standard output)",
        )
        p.add_argument(
            "--progress", action="store_true", help="show progress even when standard error is not a terminal"
        )
        p.set_defaults(func=cmd_report)

    export = commands.add_parser("export", help="publishable data").add_subparsers(dest="export", metavar="WHAT")
    export.required = True
    p = export.add_parser(
        "open-data", help="CSV and JSON of the published scorecard and metric values, with a data dictionary"
    )
    p.add_argument("plan", metavar="PLAN")
    p.add_argument(
        "--period", metavar="PERIOD", help="as at this quarter, e.g. '2016/17 Q4' (default: the current quarter)"
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="folder to write the files to (created if missing)"
    )
    p.add_argument(
        "--unpublished", action="store_true", help="export a plan that is not published (for checking, not publication)"
    )
    p.set_defaults(func=cmd_export_open_data)
