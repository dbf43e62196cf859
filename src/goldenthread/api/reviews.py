"""Accountability reviews and the actions agreed at them (and at governance bodies' meetings), as
the caller may see them: the review and action pages' rules.

A unit's review is read by whoever may read the unit's updates (:data:`UNIT_UPDATES_READER`);
a period's list of reviews holds only those units. An action is seen by whoever may read its
unit's updates and by its owner, and an action from a meeting by whoever reads the plan
(:func:`goldenthread.access.rules.may_view_action`; the list filters with the actions page's own
query, :func:`goldenthread.presenters.cycle.reviews.visible_actions`).
"""

from datetime import date, datetime

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from goldenthread.access.policy import PAGES, PLAN_READER, Rule, subject
from goldenthread.api.cycle import visible_units
from goldenthread.api.element_rows import checked
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail
from goldenthread.cycles.models import AccountabilityReview, Action, ReportingPeriod
from goldenthread.presenters.cycle.reviews import visible_actions

router = Router(tags=["cycle"])

#: the action page's rule for reading (its writes are the action page's, not the API's)
ACTION_READER = Rule(read=PAGES["cycles:action"].read, purpose="see this action", pk_names="action")


class Attendee(Schema):
    name: str
    role: str


class ReviewOut(Schema):
    org_unit: str
    org_unit_name: str
    period: str
    status: str  # planned or held
    held_on: date | None
    chair: str
    pack: str  # the pack used
    summary: str
    attendees: list[Attendee]
    decisions: list[str]
    actions: list[int]  # the numbers of the actions agreed at it


@router.get(
    "/{code}/periods/{period}/reviews/",
    response={200: list[ReviewOut], 403: Detail, 404: Detail},
    summary="A period's accountability reviews (of the units whose updates you may read)",
)
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_reviews(request: HttpRequest, code: str, period: str):  # type: ignore[no-untyped-def]
    found = subject(request).period
    assert found is not None  # the guard found it
    units = visible_units(caller(request).user, found.plan)
    reviews = (
        AccountabilityReview.objects.filter(period=found, org_unit__in=units)
        .select_related("org_unit")
        .prefetch_related("attendees", "decisions", "actions")
        .order_by("org_unit__code")
    )
    return [
        ReviewOut(
            org_unit=r.org_unit.code,
            org_unit_name=r.org_unit.name,
            period=found.label,
            status=r.status,
            held_on=r.held_on,
            chair=r.chair,
            pack=r.pack,
            summary=r.summary,
            attendees=[Attendee(name=a.name, role=a.role) for a in r.attendees.all()],
            decisions=[d.text for d in r.decisions.all()],
            actions=sorted(a.pk for a in r.actions.all()),
        )
        for r in reviews
    ]


class ActionNoteOut(Schema):
    at: datetime
    by: str
    status: str  # the status the note set ("" when it did not change it)
    text: str


class ActionOut(Schema):
    number: int
    description: str
    owner: str
    due_on: date | None
    status: str  # open, in_progress, closed
    overdue: bool
    closed_on: datetime | None
    closure_note: str
    org_unit: str | None  # the unit whose review agreed it (None: agreed at a meeting)
    period: str | None  # the review's period
    meeting: str | None  # the meeting's code, for an action agreed at a meeting
    agenda_item: str | None  # the agenda item's number


def _action_out(a: Action, today: date) -> ActionOut:
    review, item = a.review, a.agenda_item
    return ActionOut(
        number=a.pk,
        description=a.description,
        owner=a.owner,
        due_on=a.due_on,
        status=a.status,
        overdue=a.is_overdue(today),
        closed_on=a.closed_on,
        closure_note=a.closure_note,
        org_unit=review.org_unit.code if review else None,
        period=review.period.label if review else None,
        meeting=item.meeting.code if item else None,
        agenda_item=item.number if item else None,
    )


@router.get(
    "/{code}/actions/",
    response={200: list[ActionOut], 400: Detail, 403: Detail, 404: Detail},
    summary="A plan's actions you may see",
)
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_actions(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    status: Action.Status | None = None,
    open: bool | None = None,
    org_unit: str | None = None,
    reporting_period: str | None = None,
):
    """By number. Filters: ``status`` (open, in_progress, closed), ``open`` (open or in progress,
    or closed), ``org_unit`` (the code of the unit whose review agreed them), ``reporting_period``
    (the slug of the review's period, as in ``/periods/``)."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    found = visible_actions(caller(request).user).filter(
        Q(review__period__plan=plan) | Q(agenda_item__meeting__plan=plan)
    )
    if status:
        found = found.filter(status=status)
    if open is not None:
        found = (
            found.filter(status__in=Action.OPEN_STATUSES) if open else found.exclude(status__in=Action.OPEN_STATUSES)
        )
    if org_unit:
        unit = plan.org_units.filter(code=checked("org_unit", org_unit)).first()
        if unit is None or unit.code != org_unit:
            raise HttpError(
                400, f"org_unit: {plan.code} has no org unit '{org_unit[:64]}' (codes are exact, case and all)"
            )
        found = found.filter(review__org_unit=unit)
    if reporting_period:
        chosen = ReportingPeriod.objects.filter(plan=plan, slug=checked("reporting_period", reporting_period)).first()
        if chosen is None or chosen.slug != reporting_period:
            raise HttpError(
                400,
                f"reporting_period: {plan.code} has no reporting period '{reporting_period[:64]}'; "
                "see /periods/ for their slugs",
            )
        found = found.filter(review__period=chosen)
    today = timezone.localdate()
    return _Converted(found.order_by("pk"), today)


class _Converted:
    """The actions a page at a time (ninja's pagination counts and slices), each page made into
    :class:`ActionOut` from the rows already read with their review, unit and meeting."""

    def __init__(self, rows, today: date) -> None:  # type: ignore[no-untyped-def]
        self.rows, self.today = rows, today

    def all(self) -> "_Converted":
        return self

    def count(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, part: slice) -> list[ActionOut]:
        return [_action_out(a, self.today) for a in self.rows[part]]


class ActionDetail(ActionOut):
    notes: list[ActionNoteOut]  # progress notes, oldest first


@router.get(
    "/{code}/actions/{pk}/",
    response={200: ActionDetail, 403: Detail, 404: Detail},
    summary="One action, with its progress notes",
)
@guarded(ACTION_READER)
def get_action(request: HttpRequest, code: str, pk: int) -> ActionDetail:
    found = subject(request)
    action, plan = found.action, found.plan
    assert action is not None and plan is not None  # the guard found them
    if action.plan.pk != plan.pk:
        raise HttpError(404, f"{plan.code} has no action number {pk}")
    notes = [
        ActionNoteOut(at=n.at, by=n.by_name, status=n.status, text=n.text) for n in action.notes.order_by("at", "pk")
    ]
    return ActionDetail(**_action_out(action, timezone.localdate()).model_dump(), notes=notes)
