"""The overdue page: per period past its due date, the units whose update is not yet with the
planning team."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from goldenthread.access import roles, rules
from goldenthread.cycles import services
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.formatting import long_date


@dataclass
class OverdueGroup:
    period: ReportingPeriod
    rows: list[services.Outstanding]
    can_remind: bool
    remind_href: str
    period_href: str
    due: str


def overdue_page(user, today: date) -> list[OverdueGroup]:
    p = roles.person(user)
    past_due = ReportingPeriod.objects.select_related("plan").filter(closes_on__lt=today)
    if not p.is_admin:
        past_due = past_due.filter(plan_id__in=p.planning_plan_ids)
    periods = list(past_due.order_by("plan__code", "start"))
    grouped: dict[int, list] = defaultdict(list)
    for row in services.outstanding(periods, today, overdue_only=True):
        grouped[row.period.pk].append(row)
    return [
        OverdueGroup(
            period,
            grouped[period.pk],
            rules.may_run_cycle(user, period.plan),
            reverse("cycles:remind", args=[period.plan.code, period.slug]),
            reverse("cycles:period", args=[period.plan.code, period.slug]),
            long_date(period.closes_on),
        )
        for period in periods
        if grouped.get(period.pk)
    ]
