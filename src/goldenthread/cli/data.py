"""``goldenthread data``: load performance data files from the command line.

Imported by the ``goldenthread`` command to build its parser, so this module imports neither
Django nor pandas; the command functions load them when they run.
"""

from __future__ import annotations

import argparse
import os
import sys

from goldenthread.cli.setup import django_setup

LOAD_DESCRIPTION = """\
Load a data file (CSV or Excel .xlsx, long format) into a plan's observations. Columns:
metric (or --metric), org_unit, period (2017-01-01, 2017-01, 2016/17 Q4, 2016/17), value, or
numerator and denominator; optional status (provisional|final), source, and breakdown.<dimension>
columns. Every row is checked first; any problem and nothing is written, and every problem is
printed as FILE:ROW: column: message (exit status 1). A new value for a key already held
supersedes it (the old value is kept as a revision); loading the same file again changes
nothing. Several files are loaded in turn, each all or nothing on its own (one with problems
leaves the others to load); while one is written the next is read and checked. See
docs/data-files.md.
"""


def add_data_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``data load`` to the ``goldenthread`` command's subcommands."""
    data = commands.add_parser("data", help="load performance data files (CSV or Excel) into a plan").add_subparsers(
        dest="data_command", metavar="ACTION"
    )
    data.required = True
    p = data.add_parser(
        "load",
        help="check a data file and load it into a plan, all or nothing",
        description=LOAD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="+", metavar="FILE", help="a .csv or .xlsx file with a header row (one or more)")
    p.add_argument("--plan", required=True, metavar="PLAN", help="the code of the plan the data belongs to")
    p.add_argument("--metric", metavar="CODE", help="the metric of every row, for files without a metric column")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        dest="mapping",
        help="read file column COLUMN as FIELD, e.g. --map org_code=org_unit "
        "--map type=breakdown.department_type (repeat for each column)",
    )
    p.add_argument(
        "--add-units",
        metavar="KIND",
        help="create the org units the plan does not have, of this kind (e.g. provider), under England, "
        "instead of reporting them as problems",
    )
    p.add_argument("--source", default="", metavar="TEXT", help="where the data comes from, for rows that do not say")
    p.add_argument("--dry-run", action="store_true", help="check the file and say what would change; write nothing")
    p.add_argument(
        "--progress", action="store_true", help="show a progress bar on standard error even when it is not a terminal"
    )
    p.set_defaults(func=cmd_data_load)


def _refused(args: argparse.Namespace) -> tuple[str, int] | None:
    """What is wrong with the source or the file given, and the exit status for it; or None."""
    from goldenthread.performance.loading.cells import SOURCE_LENGTH
    from goldenthread.planfile.fields import text_problem

    if problem := text_problem(args.source, max_length=SOURCE_LENGTH):
        return f"--source {problem}", 2
    for name in args.file:
        if not os.path.isfile(name):
            return f"{name}: no such file", 1
    return None


def cmd_data_load(args: argparse.Namespace) -> int:
    try:
        from goldenthread.performance.loading import MappingError, parse_mapping

        mapping = parse_mapping(args.mapping)
    except MappingError as exc:
        print(f"goldenthread data load: {exc}", file=sys.stderr)
        return 2
    if refused := _refused(args):
        print(f"goldenthread data load: {refused[0]}", file=sys.stderr)
        return refused[1]
    django_setup(args)
    from goldenthread.performance.loading.files import load_files
    from goldenthread.plans.models import OrgUnit, Plan

    if args.add_units is not None and args.add_units not in OrgUnit.Kind.values:
        print(
            f"goldenthread data load: --add-units {args.add_units}: not a kind of org unit; use one of "
            f"{', '.join(OrgUnit.Kind.values)}",
            file=sys.stderr,
        )
        return 2
    plan = Plan.objects.filter(code=args.plan).first()
    if plan is None:
        print(f"goldenthread data load: no plan with code '{args.plan}'; see: goldenthread plan list", file=sys.stderr)
        return 1
    from goldenthread.progress import progress_for

    progress = progress_for(args.progress)
    options = {"metric": args.metric, "mapping": mapping, "add_units": args.add_units, "source": args.source}
    status, changed = 0, False
    try:
        for outcome in load_files(args.file, plan, progress=progress, dry_run=args.dry_run, **options):
            if outcome.report is None:
                error = outcome.error
                reason = getattr(error, "strerror", None) or error
                print(f"goldenthread data load: {outcome.path}: cannot be read ({reason})", file=sys.stderr)
                status = 1
                continue
            status = max(status, _said(outcome.path, outcome.report))
            changed |= outcome.report.batch is not None
    finally:
        progress.close()
    if changed:
        from goldenthread.presenters.kept import request_warm

        request_warm(plan)
    return status


def _said(path: str, report) -> int:
    """Print what the load of one file found or did; its exit status."""
    for note in report.notes:
        print(f"{path}: note: {note}", file=sys.stderr)
    if not report.ok:
        for line in report.problem_lines():
            print(line, file=sys.stderr)
        print(report, file=sys.stderr)
        return 1
    print(report)
    for line in report.preview_lines():
        print(line)
    return 0
