"""The quarterly cycle as the caller may see it: a plan's reporting periods and where each unit's
update for a period stands, under the cycle pages' rules (one unit's update whole, to read and to
write, is :mod:`goldenthread.api.updates`: ``/periods/{period}/units/{unit}/update/``).

Who sees which update follows the pages: a unit's update is read by the unit's own people (its
lead and contributors, and those of the units above it) and by those who read everything (the
planning team, board members, administrators) — :data:`UNIT_UPDATES_READER`, as the update's
page. The list of a period's updates holds only the units the caller may read
(:func:`goldenthread.access.rules.may_view_unit_updates`, for every unit at once), so a lead sees
where their own units' updates stand and nothing of another directorate's.
"""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from goldenthread.access.policy import PLAN_READER, subject
from goldenthread.access.roles import person
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail
from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.plan import published_periods

router = Router(tags=["cycle"])


class PeriodOut(Schema):
    label: str  # as plans write it: 2019/20 Q1
    slug: str  # as addresses write it: 2019-20-q1
    start: date
    end: date
    opens_on: date  # the first day updates can be submitted
    closes_on: date  # updates are due by the end of this day
    overdue: bool  # the deadline has passed
    published: bool  # published on the public pages


def _period_out(period: ReportingPeriod, published: set[int], today: date) -> PeriodOut:
    return PeriodOut(
        label=period.label,
        slug=period.slug,
        start=period.start,
        end=period.end,
        opens_on=period.opens_on,
        closes_on=period.closes_on,
        overdue=period.is_overdue(today),
        published=period.pk in published,
    )


@router.get(
    "/{code}/periods/", response={200: list[PeriodOut], 403: Detail, 404: Detail}, summary="A plan's reporting periods"
)
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_periods(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    """The plan's reporting periods, in time order."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    published, today = published_periods(plan), timezone.localdate()
    return [_period_out(p, published, today) for p in ReportingPeriod.objects.filter(plan=plan).order_by("start")]


@router.get(
    "/{code}/periods/{period}/", response={200: PeriodOut, 403: Detail, 404: Detail}, summary="One reporting period"
)
@guarded(PLAN_READER)
def get_period(request: HttpRequest, code: str, period: str) -> PeriodOut:
    found = subject(request).period
    assert found is not None  # the guard found it
    return _period_out(found, published_periods(found.plan), timezone.localdate())


class UpdateStatus(Schema):
    """A unit's update for the period: where it is in the cycle."""

    org_unit: str  # the unit's code
    org_unit_name: str
    status: str  # not_started, draft, submitted, returned, approved
    rag: str  # the unit's own rating: green, amber, red, … ("" until given)
    version: int | None  # the update's version (None: not started)
    updated_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    review: str  # the accountability review: planned, held, or not_recorded


def visible_units(user, plan: pm.Plan) -> list[pm.OrgUnit]:
    """The plan's reporting units whose updates ``user`` may read
    (:func:`goldenthread.access.rules.may_view_unit_updates`, for them all at once)."""
    units = services.reporting_units(plan)
    p = person(user)
    if p.reads_everything:
        return units
    return [u for u in units if u.pk in p.unit_ids]


@router.get(
    "/{code}/periods/{period}/updates/",
    response={200: list[UpdateStatus], 403: Detail, 404: Detail},
    summary="The status of each unit's update for a period (the units whose updates you may read)",
)
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_updates(request: HttpRequest, code: str, period: str):  # type: ignore[no-untyped-def]
    """Every reporting unit's update for those who read everything; a lead's or contributor's own
    units' for them; none for anyone else. In the plan's order of units."""
    found = subject(request).period
    assert found is not None  # the guard found it
    units = visible_units(caller(request).user, found.plan)
    ids = [u.pk for u in units]
    subs = {s.org_unit_id: s for s in Submission.objects.filter(period=found, org_unit_id__in=ids)}
    reviews = dict(
        AccountabilityReview.objects.filter(period=found, org_unit_id__in=ids).values_list("org_unit_id", "status")
    )
    return [
        UpdateStatus(
            org_unit=u.code,
            org_unit_name=u.name,
            status=sub.status if sub else NOT_STARTED,
            rag=sub.rag if sub else "",
            version=sub.version if sub else None,
            updated_at=sub.updated_at if sub else None,
            submitted_at=sub.submitted_at if sub else None,
            decided_at=sub.decided_at if sub else None,
            review=reviews.get(u.pk, "not_recorded"),
        )
        for u in units
        for sub in [subs.get(u.pk)]
    ]
