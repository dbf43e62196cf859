"""A plan's reporting periods and the dates updates are collected between."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.cycles.services.errors import CycleError
from goldenthread.planfile.periods import Period, financial_year, financial_years, month, quarter
from goldenthread.plans import models as pm

DAYS_TO_REPORT = 21  # updates are due three weeks after the period ends, unless the planning team says otherwise


def period_slug(label: str) -> str:
    return label.lower().replace("/", "-").replace(" ", "-")


def _periods_of(plan: pm.Plan, frequency: str) -> list[Period]:
    """The quarters (or months, or years) of the plan's financial years."""
    span = financial_years(plan.start, plan.end)
    wanted: list[Period] = []
    year = span.start.year
    while financial_year(year).start <= span.end:
        if frequency == "quarterly":
            wanted.extend(quarter(year, q) for q in range(1, 5))
        elif frequency == "monthly":
            wanted.extend(month(year + (m < 4), m) for m in (*range(4, 13), *range(1, 4)))
        elif frequency == "annual":
            wanted.append(financial_year(year))
        else:
            raise CycleError(f"'{frequency}' is not a reporting frequency; choose quarterly, monthly or annual")
        year += 1
    return wanted


def generate_periods(plan: pm.Plan, frequency: str = "quarterly", *, user=None) -> list[ReportingPeriod]:
    """Create the plan's reporting periods that do not exist yet: the quarters (or months, or years)
    of its financial years. Updates open on the first day and are due three weeks after the end."""
    wanted = _periods_of(plan, frequency)
    with transaction.atomic(), acting_as(user):
        have = set(ReportingPeriod.objects.filter(plan=plan).values_list("label", flat=True))
        created = []
        for p in wanted:
            if p.label in have:
                continue
            period = ReportingPeriod(
                plan=plan,
                label=p.label,
                slug=period_slug(p.label),
                start=p.start,
                end=p.end,
                opens_on=p.start,
                closes_on=p.end + timedelta(days=DAYS_TO_REPORT),
            )
            period.save()
            created.append(period)
    return created


def update_period_dates(period: ReportingPeriod, opens_on: date, closes_on: date, *, user=None) -> None:
    if opens_on > closes_on:
        raise CycleError("The date updates open must be on or before the date they are due.")
    with transaction.atomic(), acting_as(user):
        period.opens_on, period.closes_on = opens_on, closes_on
        period.save()
