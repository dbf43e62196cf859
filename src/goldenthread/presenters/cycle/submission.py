"""One unit's update for a period, read-only: its ratings, commentary, values and risks, its
journey so far, and what the person may do with it."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.access import rules
from goldenthread.audit.history import history_link
from goldenthread.cycles import services
from goldenthread.cycles.models import ReportingPeriod, Submission, SubmissionEvent
from goldenthread.cycles.services import NOT_STARTED, UpdateData
from goldenthread.formatting import date_time
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import (
    S,
    Tag,
    metric_value_text,
    rag_tag,
    review_href,
    status_tag,
    submission_href,
)
from goldenthread.presenters.reported import progress_words

ACTIVITY_STATUS_LABELS = dict(pm.Activity.Status.choices)


@dataclass
class Line:
    code: str
    title: str
    tag: Tag | None
    text: str
    extra: str = ""


@dataclass
class EventRow:
    action: str
    when: str
    by: str
    comments: str


@dataclass
class SubmissionPage:
    period: ReportingPeriod
    unit: pm.OrgUnit
    submission: Submission | None
    status: Tag
    rag: Tag | None
    objectives: list[Line]
    activities: list[Line]
    metrics: list[Line]
    risks: list[Line]
    events: list[EventRow]
    can_edit: bool
    can_decide: bool
    edit_href: str
    history_href: str | None
    review_href: str


def _objective_line(o: pm.Objective, v: dict) -> Line:
    return Line(o.code, o.title, rag_tag(v.get("rag", "")), v.get("rag_reason", ""))


def _activity_line(a: pm.Activity, v: dict) -> Line:
    status = v.get("status") or ""
    return Line(
        a.code,
        a.title,
        Tag(ACTIVITY_STATUS_LABELS[status], "nhsuk-tag--white") if status else None,
        v.get("commentary", ""),
        progress_words(
            v.get("rag"), v.get("percent_complete"), v.get("forecast_on"), f"Due {a.due_text}" if a.due_text else ""
        ),
    )


def _metric_line(x: pm.Metric, v: dict) -> Line:
    value = metric_value_text(x, v.get("value"), v.get("numerator"), v.get("denominator"))
    return Line(x.code, x.title, None, v.get("note", ""), value or "No value")


def _risk_line(r: pm.Risk, v: dict) -> Line:
    score = f"Likelihood {v.get('likelihood') or '–'}, impact {v.get('impact') or '–'}"
    return Line(
        r.code,
        r.title,
        Tag("Reviewed", "nhsuk-tag--green") if v.get("reviewed") else None,
        v.get("commentary", ""),
        score,
    )


def submission_content(
    period: ReportingPeriod, unit: pm.OrgUnit, submission: Submission | None
) -> tuple[list[Line], list[Line], list[Line], list[Line]]:
    """The update's lines about the unit's objectives, activities, metrics and risks."""
    scope = services.unit_scope(period.plan, unit)
    data: UpdateData = services.stored_data(submission)
    return (
        [_objective_line(o, data.objectives.get(o.pk, {})) for o in scope.objectives],
        [_activity_line(a, data.activities.get(a.pk, {})) for a in scope.activities],
        [_metric_line(x, data.metrics.get(x.pk, {})) for x in scope.metrics],
        [_risk_line(r, data.risks.get(r.pk, {})) for r in scope.risks],
    )


def submission_page(period: ReportingPeriod, unit: pm.OrgUnit, user) -> SubmissionPage:
    submission = (
        Submission.objects.filter(period=period, org_unit=unit)
        .select_related("submitted_by", "decided_by", "updated_by")
        .first()
    )
    objectives, activities, metrics, risks = submission_content(period, unit, submission)
    events = (
        [
            EventRow(e.get_action_display(), date_time(e.at), e.by_name, e.comments)
            for e in SubmissionEvent.objects.filter(submission=submission)
        ]
        if submission
        else []
    )
    status = submission.status if submission else NOT_STARTED
    return SubmissionPage(
        period,
        unit,
        submission,
        status_tag(status),
        rag_tag(submission.rag) if submission else None,
        objectives,
        activities,
        metrics,
        risks,
        events,
        can_edit=rules.may_edit_submission(user, unit) and status in (NOT_STARTED, *Submission.EDITABLE),
        can_decide=rules.may_decide(user, period.plan) and status == S.SUBMITTED,
        edit_href=submission_href(period, unit, edit=True),
        history_href=history_link(submission) if submission else None,
        review_href=review_href(period, unit),
    )
