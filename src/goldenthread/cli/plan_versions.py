"""``goldenthread plan versions|compare`` and ``plan export --version N``: a plan's versions from
the command line, as the versions pages show them (:mod:`goldenthread.presenters.versions`).

Imported when the command builds its parser, so it imports no Django at module level.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from goldenthread.cli.setup import django_setup

if TYPE_CHECKING:
    from goldenthread.planfile.schema import Plan
    from goldenthread.plans.models import Plan as StoredPlan


def _plan(args: argparse.Namespace, code: str) -> StoredPlan | None:
    """The stored plan ``code`` names; None (said on standard error) when there is none."""
    django_setup(args)
    from goldenthread.plans.models import Plan as StoredPlan

    plan = StoredPlan.objects.filter(code=code).first()
    if plan is None or plan.code != code:
        print(
            f"There is no plan with code '{code}' (codes are exact, case and all); see: goldenthread plan list",
            file=sys.stderr,
        )
        return None
    return plan


def version_spec(args: argparse.Namespace, code: str, number: object) -> Plan | None:
    """Version ``number`` of plan ``code`` as its file holds it; None (said on standard error) when
    the plan or the version does not exist."""
    plan = _plan(args, code)
    if plan is None:
        return None
    from goldenthread.plans.versions import version_plan
    from goldenthread.presenters.versions import VersionNotFound, find_version

    try:
        return version_plan(find_version(plan, number))
    except VersionNotFound as exc:
        print(f"{exc}; see: goldenthread plan versions {code}", file=sys.stderr)
        return None


def cmd_plan_versions(args: argparse.Namespace) -> int:
    plan = _plan(args, args.code)
    if plan is None:
        return 1
    from goldenthread.planfile.compare_values import printable
    from goldenthread.presenters.versions import versions_page

    page = versions_page(plan)
    if not page.rows:
        print(f"{plan.code}: no versions recorded yet (one is recorded when the plan is next loaded)")
        return 0
    table = [("version", "how", "in force from", "by", "when", "note")]
    table += [
        (f"{r.number}{' (latest)' if r.latest else ''}", r.how, r.in_force, r.by, r.when, r.note)
        for r in reversed(page.rows)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print(printable("  ".join([*cells, " ".join(row[5].split())]).rstrip()))
    if page.open_change:
        print(
            f"\nChange {page.open_change.number} is open ({page.open_change.status.lower()}): "
            f"{printable(page.open_change.summary) or 'no summary yet'}"
        )
    return 0


def cmd_plan_compare(args: argparse.Namespace) -> int:
    plan = _plan(args, args.code)
    if plan is None:
        return 1
    from goldenthread.planfile.compare import compare, listing
    from goldenthread.plans.versions import version_plan
    from goldenthread.presenters.versions import VersionNotFound, find_version

    try:
        older = find_version(plan, args.older, "first version")
        newer = find_version(plan, args.newer, "second version")
    except VersionNotFound as exc:
        print(f"{exc}; see: goldenthread plan versions {plan.code}", file=sys.stderr)
        return 1
    print(f"{plan.code}: version {older.number} → version {newer.number}")
    for line in listing(compare(version_plan(older), version_plan(newer))):
        print(line)
    return 0


def add_version_commands(plan: argparse._SubParsersAction) -> None:
    """Add ``plan versions`` and ``plan compare`` to the ``plan`` commands."""
    p = plan.add_parser("versions", help="list a stored plan's versions")
    p.add_argument("code")
    p.set_defaults(func=cmd_plan_versions)
    p = plan.add_parser("compare", help="what changed between two versions of a stored plan")
    p.add_argument("code")
    p.add_argument("older", metavar="N", help="the version to compare from")
    p.add_argument("newer", metavar="M", help="the version to compare to")
    p.set_defaults(func=cmd_plan_compare)
