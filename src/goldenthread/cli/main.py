"""The `goldenthread` command: every job the product does, scriptable.

Commands that need no database (``plan validate``, ``plan schema``) import neither Django nor
pandas, so they start in a fraction of a second; the rest set Django up on demand.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SUPPORTED_DATABASES = ("sqlite", "postgres", "postgresql", "pgsql")


def _django(args: argparse.Namespace) -> None:
    if getattr(args, "database", None):
        os.environ["DATABASE_URL"] = args.database
    url = os.environ.get("DATABASE_URL", "")
    scheme = url.partition("://")[0].lower()
    if url and scheme not in SUPPORTED_DATABASES:
        raise SystemExit(
            f"goldenthread: unsupported database URL '{url}'; use sqlite:////absolute/path.sqlite3 "
            "or postgresql://user:password@host:port/name (--database or DATABASE_URL)"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()


def _print_problems(problems: list) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


# --- plan -----------------------------------------------------------------------------------


def cmd_plan_validate(args: argparse.Namespace) -> int:
    from goldenthread.planfile import validate_file

    failed = 0
    for file in args.files:
        result = validate_file(file)
        if result.ok:
            plan = result.plan
            print(
                f"{file}: valid — {plan.code}, {len(plan.objectives)} objectives, {len(plan.metrics)} metrics, "
                f"{len(plan.activities)} activities"
            )
        else:
            failed += 1
            _print_problems(result.problems)
    if failed:
        print(f"{failed} of {len(args.files)} file(s) invalid; nothing was loaded", file=sys.stderr)
    return 1 if failed else 0


def cmd_plan_schema(args: argparse.Namespace) -> int:
    import json

    from goldenthread.planfile.schema import Plan

    print(json.dumps(Plan.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_plan_load(args: argparse.Namespace) -> int:
    from goldenthread.planfile import validate_file

    results = [validate_file(f) for f in args.files]
    bad = [r for r in results if not r.ok]
    if bad:
        for result in bad:
            _print_problems(result.problems)
        print(f"{len(bad)} of {len(results)} file(s) invalid; nothing was loaded", file=sys.stderr)
        return 1
    _django(args)
    from goldenthread.plans.store import PlanLoadRefused, load_plans

    try:
        reports = load_plans([r.plan for r in results])
    except PlanLoadRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    for report in reports:
        print(report)
    return 0


def cmd_plan_list(args: argparse.Namespace) -> int:
    _django(args)
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


def cmd_plan_export(args: argparse.Namespace) -> int:
    _django(args)
    from goldenthread.planfile import to_json, to_yaml
    from goldenthread.plans.store import PlanNotFound, export_plan

    try:
        plan = export_plan(args.code)
    except PlanNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    text = to_yaml(plan) if args.format == "yaml" else to_json(plan)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_plan_check(args: argparse.Namespace) -> int:
    from goldenthread.planfile.quality import check_plan, grouped

    if Path(args.plan).is_file():
        from goldenthread.planfile import validate_file

        result = validate_file(args.plan)
        if not result.ok:
            _print_problems(result.problems)
            return 1
        plan = result.plan
    else:
        _django(args)
        from goldenthread.plans.store import PlanNotFound, export_plan

        try:
            plan = export_plan(args.plan)
        except PlanNotFound as exc:
            print(exc, file=sys.stderr)
            return 1
    findings = check_plan(plan)
    print(f"{plan.code}: {len(findings)} finding(s) to review before agreeing the plan")
    for _, heading, items in grouped(findings):
        print(f"\n{heading} ({len(items)})")
        for f in items:
            detail = f" — {f.detail}" if f.detail else ""
            print(f"  {f.kind} {f.code}: {f.title}{detail}")
    return 1 if args.strict and findings else 0


# --- analysis -------------------------------------------------------------------------------


def cmd_spc(args: argparse.Namespace) -> int:
    from goldenthread.assurance.csvtool import main as spc_main

    return spc_main(args)


def cmd_assess(args: argparse.Namespace) -> int:
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        as_at = parse_period(args.as_at) if args.as_at else None
        period = parse_period(args.period) if args.period else None
    except PeriodError as exc:
        print(f"goldenthread assess: {exc}", file=sys.stderr)
        return 2
    _django(args)
    import json

    from goldenthread.performance.assessment import AssessmentError, assess_plan, to_data
    from goldenthread.plans.models import Plan

    plan = Plan.objects.filter(code=args.plan).first()
    if plan is None:
        print(f"goldenthread assess: no plan with code '{args.plan}'; see: goldenthread plan list", file=sys.stderr)
        return 1
    try:
        result = assess_plan(
            plan,
            as_at=as_at,
            metric_code=args.metric,
            where_code=args.where,
            period=period,
            with_units=args.metric is not None,
        )
    except AssessmentError as exc:
        print(f"goldenthread assess: {exc}", file=sys.stderr)
        return 1
    data = to_data(result, objectives=args.metric is None)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_assessment(data)
    return 0


def _print_assessment(data: dict) -> None:
    def pct(x, unit):
        if x is None:
            return "no data"
        return f"{x:.1%}" if unit == "percentage" else f"{x:,.4g}"

    print(f"{data['plan']} as at {data['as_at']}")
    for x in data["metrics"]:
        print(f"\n{x['code']} {x['title']} — {x['where']}")
        if x["period"]:
            met = {True: "met", False: "not met", None: "no target"}[x["target_met"]]
            target = f", target {pct(x['target'], x['unit'])} {met}" if x["target"] is not None else ""
            print(f"  {x['period']}: {pct(x['value'], x['unit'])}{target}")
        if x["latest_period"]:
            print(
                f"  latest {x['latest_period']}: {pct(x['latest_value'], x['unit'])}; variation {x['variation']}; "
                f"assurance {x['assurance'] or 'none'}"
            )
        print(f"  status: {x['status']} — {x['reason']}")
        for t in x["triggers"]:
            print(f"  trigger fired: {t['rule']} ({', '.join(t['periods'])}): {t['message']}")
        if x["units_with_special_cause_concern"]:
            units = ", ".join(u["unit"] for u in x["units_with_special_cause_concern"])
            print(
                f"  {len(x['units_with_special_cause_concern'])} units with special cause concern at their latest point: {units}"
            )
    if data["objectives"]:
        print("\nObjectives")
        for o in data["objectives"]:
            print(f"  {o['code']} {o['title']}: {o['status']} — {o['reason']}")
    fired = [t for t in data["triggers"] if t["kind"] == "activity"]
    for t in fired:
        print(f"  activity {t['code']}: {t['message']}")


# --- board papers ---------------------------------------------------------------------------


def _report_setup(args: argparse.Namespace, command: str):
    """Parse the period, set Django up and find the plan; (plan, period) or an exit code."""
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        period = parse_period(args.period) if getattr(args, "period", None) else None
    except PeriodError as exc:
        print(f"goldenthread {command}: {exc}", file=sys.stderr)
        return 2
    _django(args)
    from goldenthread.performance.assessment import default_as_at
    from goldenthread.plans.models import Plan

    plan = Plan.objects.select_related("organisation").filter(code=args.plan).first()
    if plan is None:
        print(f"goldenthread {command}: no plan with code '{args.plan}'; see: goldenthread plan list", file=sys.stderr)
        return 1
    return plan, period or default_as_at(plan)


def _write_output(data: bytes, output: str | None, default_name: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output or default_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"Wrote {path} ({len(data):,} bytes)")


def cmd_report(args: argparse.Namespace) -> int:
    command = f"report {args.report}"
    setup = _report_setup(args, command)
    if isinstance(setup, int):
        return setup
    plan, period = setup
    from goldenthread.reports.documents import render_pack, render_summary
    from goldenthread.reports.progress import progress_for

    progress = progress_for(args.progress)
    try:
        if args.report == "board":
            from goldenthread.reports.board import board_pack

            document = board_pack(plan, period, progress=progress)
            data = render_pack(document, args.format, progress)
        elif args.report == "directorate":
            from goldenthread.reports.directorate import UnitNotFound, directorate_pack, find_unit

            try:
                unit = find_unit(plan, args.unit)
            except UnitNotFound as exc:
                print(f"goldenthread {command}: {exc}", file=sys.stderr)
                return 1
            document = directorate_pack(plan, unit, period, progress=progress)
            data = render_pack(document, args.format, progress)
        else:
            from goldenthread.reports.summary import plan_summary

            document = plan_summary(plan, period if args.period else None, progress=progress)
            data = render_summary(document, args.format, progress)
    finally:
        progress.close()
    _write_output(data, args.output, f"{document.file_stem}.{args.format}")
    return 0


def cmd_export_open_data(args: argparse.Namespace) -> int:
    setup = _report_setup(args, "export open-data")
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
    print(
        f"{len(data.scorecard)} scorecard measures and {len(data.values)} metric values for {plan.code} as at {period.label}"
    )
    return 0


# --- service --------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    _django(args)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django(args)
    from goldenthread.demo import load_demo

    return load_demo(out=sys.stdout)


def cmd_serve(args: argparse.Namespace) -> int:
    _django(args)
    from django.core.management import call_command

    print(f"goldenthread is serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """E-mail the leads and contributors whose update for a period is not yet with the planning team."""
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        label = parse_period(args.period).label
    except PeriodError as exc:
        print(f"goldenthread remind: {exc}", file=sys.stderr)
        return 2
    _django(args)
    from django.utils import timezone

    from goldenthread.cycles.models import ReportingPeriod
    from goldenthread.cycles.services import send_reminders

    periods = ReportingPeriod.objects.filter(label=label).select_related("plan")
    if args.plan:
        periods = periods.filter(plan__code=args.plan)
    periods = list(periods)
    if not periods:
        where = f" of plan '{args.plan}'" if args.plan else ""
        print(
            f"goldenthread remind: no reporting period {label}{where}; the planning team creates periods on the "
            "plan's quarterly cycle page",
            file=sys.stderr,
        )
        return 1
    if len(periods) > 1:
        codes = ", ".join(p.plan.code for p in periods)
        print(
            f"goldenthread remind: {label} is a reporting period of several plans ({codes}); choose one with --plan",
            file=sys.stderr,
        )
        return 2
    period = periods[0]
    results = send_reminders(period, today=timezone.localdate(), dry_run=args.dry_run)
    verb = "would e-mail" if args.dry_run else "e-mailed"
    if not results:
        print(f"{period.plan.code} {period.label}: every update is with the planning team; nobody to remind")
        return 0
    for r in results:
        state = f"{r.unit.name}: {r.status_label.lower()}{', overdue' if r.overdue else ''}"
        if r.email:
            print(f"{period.plan.code} {period.label}: {verb} {r.recipient} <{r.email}> — {state}")
        else:
            print(f"{period.plan.code} {period.label}: cannot remind {r.recipient or r.unit.name} — {state}: {r.note}")
    sent = sum(1 for r in results if r.email)
    print(f"{sent} reminder(s) {'to send (dry run: nothing sent)' if args.dry_run else 'sent'}")
    return 0


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goldenthread",
        description="Planning and performance assurance for health and care.",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database for this command, e.g. sqlite:////tmp/x.sqlite3 or postgresql://user@host/db "
        "(default: $DATABASE_URL, else the embedded SQLite file under var/)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p = commands.add_parser("migrate", help="create or upgrade the database tables")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = commands.add_parser("demo", help="load the demo plans and create the demo accounts (idempotent)")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("serve", help="serve the web application")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser(
        "spc",
        help="statistical process control (Making Data Count XmR) on any CSV; no database needed",
        description="One row per point: series,period,value,mean,lpl,upl,special_cause_type,point_type, spelled "
        "as NHSRplotthedots spells them; with --summary one row per series: series,variation,assurance.",
    )
    p.add_argument("file", metavar="FILE.csv", help="a CSV file with a header row, or - for standard input")
    p.add_argument("--value", required=True, metavar="COL", help="the column of values")
    p.add_argument("--date", required=True, metavar="COL", help="the column of dates (YYYY-MM-DD)")
    p.add_argument("--series", metavar="COL", help="the column that names each series (for many series at once)")
    p.add_argument(
        "--improvement",
        choices=["increase", "decrease", "neutral"],
        default="increase",
        help="which direction is improvement (default: increase)",
    )
    p.add_argument("--target", type=float, metavar="X", help="target value, for the assurance icon")
    p.add_argument("--rebase", action="append", metavar="DATE,...", help="recalculate limits from these dates")
    p.add_argument("--fix-after", type=int, metavar="N", help="fix the limits after the first N points (N ≥ 12)")
    p.add_argument("--summary", action="store_true", help="one row per series: variation and assurance")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_spc)

    p = commands.add_parser("assess", help="judge a plan: objective statuses, metric values, icons and fired triggers")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--as-at", metavar="PERIOD", help="assess with the data up to this period, e.g. '2016/17 Q4'")
    p.add_argument("--metric", metavar="CODE", help="one metric only (adds the units with special cause concern)")
    p.add_argument("--where", metavar="UNIT", help="an org unit's code or name, e.g. England (default: all data held)")
    p.add_argument("--period", metavar="PERIOD", help="report the value over this period, e.g. '2016/17 Q4' or 2017-01")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_assess)

    p = commands.add_parser("remind", help="e-mail the leads whose update for a period is due or overdue")
    p.add_argument("--period", required=True, metavar="PERIOD", help="the reporting period, e.g. '2019/20 Q1'")
    p.add_argument("--plan", metavar="CODE", help="the plan, when several plans have this period")
    p.add_argument("--dry-run", action="store_true", help="list who would be reminded; send nothing")
    p.set_defaults(func=cmd_remind)

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

    from goldenthread.cli.data import add_data_commands  # imports neither Django nor pandas

    add_data_commands(commands)

    plan = commands.add_parser("plan", help="validate, load, list and export plan files").add_subparsers(
        dest="plan_command", metavar="ACTION"
    )
    plan.required = True
    p = plan.add_parser("validate", help="check plan files; print every problem as FILE:LINE:COLUMN: field: message")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_plan_validate)
    p = plan.add_parser("load", help="validate, then load plan files in one transaction (idempotent)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_plan_load)
    p = plan.add_parser("list", help="list the plans in the database")
    p.set_defaults(func=cmd_plan_list)
    p = plan.add_parser("export", help="write a stored plan as YAML or JSON")
    p.add_argument("code")
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_plan_export)
    p = plan.add_parser("check", help="list what to fix before agreeing a plan (a stored plan's code, or a file)")
    p.add_argument("plan", metavar="CODE|FILE")
    p.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    p.set_defaults(func=cmd_plan_check)
    p = plan.add_parser("schema", help="print the JSON Schema of plan files")
    p.set_defaults(func=cmd_plan_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # database problems get a message a person can act on
        message = _database_problem(exc)
        if message is None:
            raise
        print(f"goldenthread: {message}", file=sys.stderr)
        return 2


def _database_problem(exc: Exception) -> str | None:
    if "django.db" not in sys.modules and "django.core.exceptions" not in sys.modules:
        return None
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    if isinstance(exc, ImproperlyConfigured) and "database" in str(exc).lower():
        return f"the database is not configured correctly ({exc}); check --database or DATABASE_URL"
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"the database has no goldenthread tables yet ({text}); run: goldenthread migrate"
    return f"database error: {text}; check --database or DATABASE_URL and that the server is running"


if __name__ == "__main__":
    sys.exit(main())
