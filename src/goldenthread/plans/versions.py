"""The plan's versions: the baseline, each file load that changed it, each approved change.

A version holds the whole plan file (``planfile.plan_document``); the live tables always hold the
latest. Each version says from when it is in force: reports and assessments for a period use the
highest-numbered version in force on the period's last day (:func:`in_force`). A change approved
"from 2019/20 Q3" leaves the Q1 and Q2 papers as they were; a file load is a correction of the
record and is in force from the plan's start unless told otherwise, so it supersedes every
earlier version for every period.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from goldenthread.audit.records import actor_name
from goldenthread.planfile import plan_document, schema
from goldenthread.planfile.periods import PeriodError, parse_financial_year, parse_period
from goldenthread.plans import models as m

__all__ = ["PeriodError", "in_force", "in_force_date", "is_latest", "plan_start", "record_version", "version_plan"]


def plan_start(plan: m.Plan) -> date:
    return parse_financial_year(plan.start).start


def in_force_date(plan: m.Plan, label: str) -> date:
    """The first day of the period ``label`` names (e.g. "2019/20 Q3"), inside the plan period;
    raises PeriodError with a message a person can act on."""
    period = parse_period(label)
    first, last = parse_financial_year(plan.start), parse_financial_year(plan.end)
    if not (first.start <= period.start <= last.end):
        raise PeriodError(
            f"'{label}' is outside the plan period ({plan.period_label}); give a period from "
            f"{first.label} to {last.label}, e.g. {last.label} Q1"
        )
    return period.start


def record_version(
    plan: m.Plan,
    spec: schema.Plan,
    *,
    how: str,
    user=None,
    note: str = "",
    in_force_from: date | None = None,
    in_force_label: str = "",
    change: m.PlanChange | None = None,
) -> m.PlanVersion:
    """The next version of ``plan``: ``spec`` as it now stands, in force from ``in_force_from``
    (default: the plan's start, as a correction of the record)."""
    with transaction.atomic():
        m.Plan.objects.select_for_update().filter(pk=plan.pk).first()  # versions numbered one at a time
        last = m.PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
        return m.PlanVersion.objects.create(
            plan=plan,
            number=last + 1,
            document=plan_document(spec),
            in_force_from=in_force_from or plan_start(plan),
            in_force_label=in_force_label if in_force_from else (in_force_label or plan.start),
            how=how,
            note=note,
            made_by=user if user is not None and user.is_authenticated else None,
            made_by_name=_name(user),
            made_at=timezone.now(),
            change=change,
        )


def _name(user) -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_full_name() or user.get_username()
    return actor_name(None) or "the system"


def version_plan(version: m.PlanVersion) -> schema.Plan:
    """The version's plan, as its file would hold it."""
    return schema.Plan.model_validate(version.document)


def in_force(plan: m.Plan, day: date) -> m.PlanVersion | None:
    """The version in force on ``day``: the highest-numbered one in force from that day or before
    (None when the plan keeps no versions, or none was in force yet)."""
    return m.PlanVersion.objects.filter(plan=plan, in_force_from__lte=day).order_by("-number").first()


def is_latest(version: m.PlanVersion) -> bool:
    return not m.PlanVersion.objects.filter(plan_id=version.plan_id, number__gt=version.number).exists()
