"""Running the service: ``migrate``, ``demo``, ``serve`` (:mod:`goldenthread.cli.serving`), ``check``, and
``remind`` for the quarterly cycle."""

from __future__ import annotations

import argparse
import sys

from goldenthread.cli.serving import add_serve_options, cmd_serve
from goldenthread.cli.setup import django_setup


def cmd_migrate(args: argparse.Namespace) -> int:
    django_setup(args)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    django_setup(args)
    from goldenthread.demo import load_demo

    return load_demo(out=sys.stdout)


def cmd_check(args: argparse.Namespace) -> int:
    """Django's system checks (with ``--deploy``, the production ones too); 1 on any error or warning."""
    django_setup(args)
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        print(str(exc).strip(), file=sys.stderr)
        return 1
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """E-mail the leads and contributors whose update for a period is not yet with the planning team."""
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        label = parse_period(args.period).label
    except PeriodError as exc:
        print(f"goldenthread remind: {exc}", file=sys.stderr)
        return 2
    django_setup(args)
    from django.utils import timezone

    from goldenthread.cycles.models import ReportingPeriod
    from goldenthread.cycles.services import send_reminders

    matching = ReportingPeriod.objects.filter(label=label).select_related("plan")
    if args.plan:
        matching = matching.filter(plan__code=args.plan)
    periods = list(matching)
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


def add_service_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``migrate``, ``demo``, ``serve``, ``check`` and ``remind``."""
    p = commands.add_parser("migrate", help="create or upgrade the database tables")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = commands.add_parser("demo", help="load the demo plans and create the demo accounts (idempotent)")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("serve", help="serve the web application with gunicorn (--dev: Django's server)")
    add_serve_options(p)
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser("check", help="Django's system checks; with --deploy the production ones too")
    p.add_argument("--deploy", action="store_true", help="also the checks for a production deployment")
    p.set_defaults(func=cmd_check)

    p = commands.add_parser("remind", help="e-mail the leads whose update for a period is due or overdue")
    p.add_argument("--period", required=True, metavar="PERIOD", help="the reporting period, e.g. '2019/20 Q1'")
    p.add_argument("--plan", metavar="CODE", help="the plan, when several plans have this period")
    p.add_argument("--dry-run", action="store_true", help="list who would be reminded; send nothing")
    p.set_defaults(func=cmd_remind)
