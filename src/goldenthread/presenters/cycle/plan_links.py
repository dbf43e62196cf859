"""Where a plan's pages lead into its quarterly cycle: the cycle page, its reporting periods, and
the directorate packs of the units that report (those the person may read), for the current
period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from goldenthread.access import rules
from goldenthread.cycles import services
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.my_work import current_period


@dataclass
class Link:
    text: str
    href: str | None  # None: named, but the person may not open it


@dataclass
class PlanCycleLinks:
    cycle_href: str
    current: ReportingPeriod | None
    periods: list[Link]
    packs: list[Link]


def plan_cycle_links(plan: pm.Plan, user, today: date) -> PlanCycleLinks:
    all_periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("start"))
    current = current_period(plan, today, all_periods)
    reads_all = rules.may_view_all_updates(user)
    periods = [
        Link(p.label, reverse("cycles:period", args=[plan.code, p.slug]) if reads_all else None) for p in all_periods
    ]
    query = f"?{urlencode({'period': current.label})}" if current else ""
    packs = [
        Link(f"{unit.name} pack (PDF)", reverse("report-directorate", args=[plan.code, unit.code, "pdf"]) + query)
        for unit in services.reporting_units(plan)
        if rules.may_view_unit_updates(user, unit)
    ]
    return PlanCycleLinks(reverse("cycles:plan_cycle", args=[plan.code]), current, periods, packs)
