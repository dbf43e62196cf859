"""A plan's cycle page: its reporting periods with how far each has got, the units that report,
and the metrics collected by return."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from goldenthread.access import rules
from goldenthread.cycles import services
from goldenthread.cycles.models import Publication, ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import S, Tag, status_tag

STATUS_ORDER = (NOT_STARTED, S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED)


@dataclass
class PeriodRow:
    period: ReportingPeriod
    counts: list[tuple[Tag, int]]
    published: bool
    open: bool
    overdue: bool
    href: str


@dataclass
class PlanCycle:
    plan: pm.Plan
    periods: list[PeriodRow]
    units: list[pm.OrgUnit]
    metrics: list[tuple[pm.Metric, bool]]
    published: bool
    can_run: bool


def published_periods(plan: pm.Plan) -> set[int]:
    return set(
        Publication.objects.filter(plan=plan, period__isnull=False, withdrawn_at=None).values_list(
            "period_id", flat=True
        )
    )


def plan_cycle(plan: pm.Plan, user, today: date) -> PlanCycle:
    periods = list(ReportingPeriod.objects.filter(plan=plan))
    units = services.reporting_units(plan)
    counts: dict[int, Counter] = defaultdict(Counter)
    for period_id, status in Submission.objects.filter(period__plan=plan).values_list("period_id", "status"):
        counts[period_id][status] += 1
    live = published_periods(plan)
    rows = []
    for period in periods:
        c = counts[period.pk]
        c[NOT_STARTED] = max(0, len(units) - sum(c.values()))
        rows.append(
            PeriodRow(
                period,
                [(status_tag(s), c[s]) for s in STATUS_ORDER if c[s]],
                period.pk in live,
                period.is_open(today),
                period.is_overdue(today),
                reverse("cycles:period", args=[plan.code, period.slug]),
            )
        )
    chosen = services.return_metric_ids(plan)
    metrics = [(x, x.pk in chosen) for x in plan.metrics.all()]
    return PlanCycle(plan, rows, units, metrics, rules.is_published(plan), rules.may_run_cycle(user, plan))
