"""A reporting period's page: each reporting unit's update and review, and what is outstanding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from goldenthread.access import rules
from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED
from goldenthread.formatting import date_time
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import S, Tag, rag_tag, review_href, status_tag, submission_href
from goldenthread.presenters.cycle.plan import published_periods


@dataclass
class UnitRow:
    unit: pm.OrgUnit
    status: Tag
    rag: Tag | None
    submitted: str
    decided: str
    href: str
    review: str
    review_href: str


@dataclass
class PeriodPage:
    period: ReportingPeriod
    rows: list[UnitRow]
    published: bool
    plan_published: bool
    outstanding: int
    overdue: bool
    can_run: bool
    approved: int


def _unit_row(
    period: ReportingPeriod, unit: pm.OrgUnit, sub: Submission | None, review: AccountabilityReview | None
) -> UnitRow:
    return UnitRow(
        unit,
        status_tag(sub.status if sub else NOT_STARTED),
        rag_tag(sub.rag) if sub else None,
        date_time(sub.submitted_at) if sub and sub.submitted_at else "",
        date_time(sub.decided_at) if sub and sub.decided_at else "",
        submission_href(period, unit),
        review.get_status_display() if review else "Not recorded",
        review_href(period, unit),
    )


def period_page(period: ReportingPeriod, user, today: date) -> PeriodPage:
    units = services.reporting_units(period.plan)
    subs = {
        s.org_unit_id: s for s in Submission.objects.filter(period=period).select_related("submitted_by", "decided_by")
    }
    reviews = {r.org_unit_id: r for r in AccountabilityReview.objects.filter(period=period)}
    rows = [_unit_row(period, unit, subs.get(unit.pk), reviews.get(unit.pk)) for unit in units]
    outstanding = sum(1 for u in units if u.pk not in subs or subs[u.pk].status in Submission.EDITABLE)
    approved = sum(1 for s in subs.values() if s.status == S.APPROVED)
    return PeriodPage(
        period,
        rows,
        period.pk in published_periods(period.plan),
        rules.is_published(period.plan),
        outstanding,
        period.is_overdue(today),
        rules.may_run_cycle(user, period.plan),
        approved,
    )
