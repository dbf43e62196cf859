"""``goldenthread plan``: validate, load, list, export and check plan files, and print their schema.

``plan validate`` and ``plan schema`` need no database and import no Django.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from goldenthread.cli.plan_draft import add_draft_command
from goldenthread.cli.plan_versions import add_version_commands, version_spec
from goldenthread.cli.plan_workbook import add_workbook_commands, refuse_workbook_without_output, write_workbook
from goldenthread.cli.setup import django_setup, print_problems

if TYPE_CHECKING:
    from goldenthread.planfile.schema import Plan


def cmd_plan_validate(args: argparse.Namespace) -> int:
    from goldenthread.planfile.workbook_read import validate_plan_file as validate_file

    failed = 0
    for file in args.files:
        result = validate_file(file)
        if result.plan is not None and result.ok:
            plan = result.plan
            print(
                f"{file}: valid — {plan.code}, {len(plan.objectives)} objectives, {len(plan.metrics)} metrics, "
                f"{len(plan.activities)} activities"
            )
        else:
            failed += 1
            print_problems(result.problems)
    if failed:
        print(f"{failed} of {len(args.files)} file(s) invalid; nothing was loaded", file=sys.stderr)
    return 1 if failed else 0


def cmd_plan_schema(args: argparse.Namespace) -> int:
    import json

    from goldenthread.planfile.schema import Plan

    print(json.dumps(Plan.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_plan_load(args: argparse.Namespace) -> int:
    from goldenthread.planfile.workbook_read import validate_plan_file as validate_file

    results = [validate_file(f) for f in args.files]
    bad = [r for r in results if not r.ok]
    if bad:
        for result in bad:
            print_problems(result.problems)
        print(f"{len(bad)} of {len(results)} file(s) invalid; nothing was loaded", file=sys.stderr)
        return 1
    django_setup(args)
    from goldenthread.planfile.periods import PeriodError
    from goldenthread.plans.store import PlanLoadRefused, load_plans

    note = "Loaded from " + ", ".join(str(Path(f).name) for f in args.files)
    try:
        reports = load_plans(
            [r.plan for r in results if r.plan is not None], note=note, in_force_label=args.in_force_from or ""
        )
    except PlanLoadRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    except PeriodError as exc:
        print(f"--in-force-from: {exc}; nothing was loaded", file=sys.stderr)
        return 1
    for report in reports:
        print(report)
    return 0


def cmd_plan_list(args: argparse.Namespace) -> int:
    django_setup(args)
    from goldenthread.plans.store import plan_summaries

    rows = plan_summaries()
    if not rows:
        print("No plans loaded. Load one with: goldenthread plan load plans/FILE.yaml")
        return 0
    width = max(len(r["code"]) for r in rows)
    for r in rows:
        print(
            f"{r['code']:<{width}}  {r['period']:<18} {r['status']:<9} {r['objectives']:>4} objectives "
            f"{r['metrics']:>4} metrics  {r['title']}"
        )
    return 0


def _stored_plan(args: argparse.Namespace, code: str) -> Plan | None:
    """A plan from the database as a plan file holds it; None (said on standard error) when there is none."""
    django_setup(args)
    from goldenthread.plans.store import PlanNotFound, export_plan

    try:
        return export_plan(code)
    except PlanNotFound as exc:
        print(exc, file=sys.stderr)
        return None


def cmd_plan_export(args: argparse.Namespace) -> int:
    from goldenthread.planfile import to_json, to_yaml

    if (refused := refuse_workbook_without_output(args)) is not None:
        return refused
    plan = _stored_plan(args, args.code) if args.version is None else version_spec(args, args.code, args.version)
    if plan is None:
        return 1
    if args.format == "xlsx":
        return write_workbook(plan, args.output)
    text = to_yaml(plan) if args.format == "yaml" else to_json(plan)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


DOCUMENT_HELP = (
    "the source document's text, to find details not in it "
    "(default: sources/<source_document.file> beside the plan file, else plans/sources/)"
)


def _document_text(args: argparse.Namespace, plan: Plan) -> tuple[str | None, str]:
    """The source document's text for the check of added details (``--document``, else
    sources/<source_document.file> beside the plan file), and a line saying which was read."""
    from goldenthread.planfile.provenance import document_path

    plan_file = args.plan if Path(args.plan).is_file() else None
    path = Path(args.document) if args.document else document_path(plan, plan_file)
    if path is None:
        return None, "No source document text found: details not in it are not checked; give it with --document PATH"
    try:
        return path.read_text(encoding="utf-8", errors="replace"), f"Source document: {path}"
    except OSError as exc:
        return None, f"cannot read the source document {path}: {exc.strerror}; check --document PATH"


def cmd_plan_check(args: argparse.Namespace) -> int:
    from goldenthread.planfile.quality import INFORMATION, check_plan, grouped, to_fix

    if Path(args.plan).is_file():
        from goldenthread.planfile.workbook_read import validate_plan_file as validate_file

        result = validate_file(args.plan)
        if result.plan is None or not result.ok:
            print_problems(result.problems)
            return 1
        plan = result.plan
    else:
        stored = _stored_plan(args, args.plan)
        if stored is None:
            return 1
        plan = stored
    document, read = _document_text(args, plan)
    if document is None and args.document:
        print(read, file=sys.stderr)
        return 1
    findings = check_plan(plan, document, information=True)
    print(f"{plan.code}: {len(to_fix(findings))} finding(s) to review before agreeing the plan\n{read}")
    for check, heading, items in grouped(findings):
        print(f"\n{heading} ({len(items)}{', for information' if check in INFORMATION else ''})")
        for f in items:
            detail = f" — {f.detail}" if f.detail else ""
            print(f"  {f.kind} {f.code}: {f.title}{detail}")
    return 1 if args.strict and to_fix(findings) else 0


def add_plan_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``plan validate|load|list|export|check|schema``."""
    plan = commands.add_parser("plan", help="validate, load, list and export plan files").add_subparsers(
        dest="plan_command", metavar="ACTION"
    )
    plan.required = True
    p = plan.add_parser("validate", help="check plan files; print every problem as FILE:LINE:COLUMN: field: message")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_plan_validate)
    p = plan.add_parser("load", help="validate, then load plan files in one transaction (idempotent)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--in-force-from",
        metavar="PERIOD",
        help="the period from which a changed plan's new version is in force, e.g. '2019/20 Q3' "
        "(default: the plan's start — a correction that applies to every period)",
    )
    p.set_defaults(func=cmd_plan_load)
    p = plan.add_parser("list", help="list the plans in the database")
    p.set_defaults(func=cmd_plan_list)
    p = plan.add_parser("export", help="write a stored plan as YAML or JSON")
    p.add_argument("code")
    p.add_argument("--format", choices=["yaml", "json", "xlsx"], default="yaml", help="xlsx: a workbook (-o FILE)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--version", metavar="N", help="a stored version of the plan (goldenthread plan versions CODE)")
    p.set_defaults(func=cmd_plan_export)
    p = plan.add_parser("check", help="list what to fix before agreeing a plan (a stored plan's code, or a file)")
    p.add_argument("plan", metavar="CODE|FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    p.add_argument("--document", metavar="PATH", help=DOCUMENT_HELP)
    p.set_defaults(func=cmd_plan_check)
    p = plan.add_parser("schema", help="print the JSON Schema of plan files")
    p.set_defaults(func=cmd_plan_schema)
    add_version_commands(plan)
    add_workbook_commands(plan)
    add_draft_command(plan)
