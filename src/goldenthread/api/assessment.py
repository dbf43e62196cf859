"""The assessment of a plan as at a period: each objective's status with its reason, each metric's
verdict, the triggers that fired and the exceptions — the judgements the scorecard and the
exceptions page show.

They are the pages' own: the kept assessment (:func:`goldenthread.presenters.kept.assess`, with the
scorecard's place by default, so the API reads what the scorecard and exceptions pages kept and
works nothing out again while it is kept), written as ``goldenthread assess --format json``
writes it (:func:`goldenthread.performance.assessment.to_data`), and the exceptions page's items
(:func:`goldenthread.presenters.exceptions.exceptions`, from the same assessment).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from goldenthread.access.policy import PLAN_READER, subject
from goldenthread.api.guard import guarded
from goldenthread.api.schemas import Detail
from goldenthread.api.series import Trigger, as_at_period, where_code
from goldenthread.performance.assessment import to_data
from goldenthread.presenters import kept
from goldenthread.presenters.exceptions import exceptions
from goldenthread.presenters.metric import default_where

router = Router(tags=["assessment"])


class Version(Schema):
    number: int
    in_force_from: str
    in_force_label: str
    latest: bool


class ObjectiveStatus(Schema):
    code: str
    title: str
    status: str  # on_track, at_risk, concern, no_data, …
    reason: str


class ActivityStatus(Schema):
    code: str
    status: str
    reason: str


class MetricVerdict(Schema):
    """As ``goldenthread assess --format json`` writes a metric."""

    code: str
    title: str
    where: str
    unit: str
    period: str | None
    period_start: str | None
    period_end: str | None
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    comparison: str | None
    target_by: str | None
    target_met: bool | None
    period_target: float | None
    period_comparison: str | None
    latest_period: str | None
    latest_value: float | None
    points: int
    chart: str | None
    variation: str | None
    assurance: str | None
    latest_point_type: str | None
    status: str
    reason: str
    triggers: list[Trigger]
    units_with_special_cause_concern: list[dict[str, Any]]
    warnings: list[str]


class ExceptionItem(Schema):
    """One item of the exceptions page, under the first objective it serves."""

    kind: str  # metric or activity
    code: str
    title: str
    reasons: list[str]
    status: str
    value: str  # as the page shows it: a metric's latest value, an activity's reported status
    target: str  # a metric's target; an activity's due date
    owner: str
    period: str
    objective: str | None  # the objective it is listed under
    objectives: list[str]  # every objective it serves


class Assessment(Schema):
    plan: str
    as_at: str
    where: str | None  # the org unit the metrics are judged at (None: all data held)
    version: Version | None  # the version of the plan judged against (None: the plan keeps none)
    objectives: list[ObjectiveStatus]
    activities: list[ActivityStatus]
    metrics: list[MetricVerdict]
    triggers: list[Trigger]
    exceptions: list[ExceptionItem]


@router.get(
    "/{code}/assessment/",
    response={200: Assessment, 400: Detail, 403: Detail, 404: Detail},
    summary="The assessment of a plan as at a period",
)
@guarded(PLAN_READER)
def plan_assessment(request: HttpRequest, code: str, as_at: str | None = None, where: str | None = None) -> Assessment:
    """``as_at``: the period (``2019/20 Q2``; default as the pages: the current quarter, or the
    plan's last when it is over); ``where``: the org unit metrics are judged at (default: the
    scorecard's, the plan's England or organisation-wide unit)."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    period = as_at_period(request, plan, as_at)
    place = where_code(plan, where) or (unit.code if (unit := default_where(plan)) else None)
    assessment = kept.assess(plan, as_at=period, where_code=place)
    data = to_data(assessment)
    listed = exceptions(plan, period, assessment)
    items = [
        ExceptionItem(
            kind=item.kind,
            code=item.code,
            title=item.title,
            reasons=item.what,
            status=item.status,
            value=item.value,
            target=item.target,
            owner=item.owner,
            period=item.period,
            objective=group.objective_code or None,
            objectives=[code for code, _ in item.objectives],
        )
        for group in listed.groups
        for item in group.items
    ]
    return Assessment(
        plan=plan.code,
        as_at=data["as_at"],
        where=place,
        version=data["version"],
        objectives=data["objectives"],
        activities=[
            ActivityStatus(code=code, status=s.rating, reason=s.reason) for code, s in assessment.activities.items()
        ],
        metrics=data["metrics"],
        triggers=data["triggers"],
        exceptions=items,
    )
