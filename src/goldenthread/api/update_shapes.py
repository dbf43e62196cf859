"""A unit's quarterly update as the API reads and writes it: the overall rating and commentary,
then an entry for each objective, activity, metric and risk the unit reports on, named by code.

What is read is what is written back: a metric's value is given as people type it on the page (a
percentage as percent, 95.5), an activity's forecast date as an ISO date. Entries are read loosely
(text or numbers) so that the checks and their messages are exactly the update page's
(:class:`goldenthread.cycles.forms.UpdateForm`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from goldenthread.access.rules import may_submit
from goldenthread.cycles.forms.update import update_strings
from goldenthread.cycles.models import ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED, Scope, UpdateData, display_name, key
from goldenthread.plans import models as pm

RATING = 'red, amber or green ("" for none)'


class ObjectiveEntry(Schema):
    code: str
    title: str = ""
    rag: str = Field(default="", description=RATING)
    rag_reason: str = ""


class ActivityEntry(Schema):
    code: str
    title: str = ""
    status: str = Field(
        default="", description="not_started, in_progress, delayed, complete, …: the activity's statuses"
    )
    commentary: str = ""
    rag: str = Field(default="", description=RATING)
    percent_complete: int | str | None = Field(default=None, description="a whole number from 0 to 100, or null")
    forecast_on: str | None = Field(default=None, description="the forecast completion date, e.g. 2020-03-31, or null")


class MetricEntry(Schema):
    code: str
    title: str = ""
    value: str | float | int | None = Field(
        default=None, description="as typed on the page: a percentage as percent (95.5)"
    )
    numerator: str | float | int | None = Field(
        default=None, description="for a metric held as a ratio, with the denominator"
    )
    denominator: str | float | int | None = None
    note: str = Field(default="", description="required when there is no value: why")


class RiskEntry(Schema):
    code: str
    title: str = ""
    likelihood: int | str | None = Field(default=None, description="1 to 5, or null")
    impact: int | str | None = Field(default=None, description="1 to 5, or null")
    commentary: str = ""
    reviewed: bool = False


class UpdateIn(Schema):
    """An update as saved: every field of it (what is left out is saved empty, as on the page)."""

    rag: str = Field(default="", description=RATING)
    rag_reason: str = ""
    commentary: str = ""
    objectives: list[ObjectiveEntry] = []
    activities: list[ActivityEntry] = []
    metrics: list[MetricEntry] = []
    risks: list[RiskEntry] = []


class UpdateOut(UpdateIn):
    """A unit's update for a period as it stands, and what the caller may do with it."""

    plan: str
    period: str
    unit: str
    status: str = Field(description="not_started, draft, submitted, returned or approved")
    version: int = Field(description="counts saves (0 before the first)")
    editable: bool = Field(description="whether it may be saved now (a draft, or returned)")
    may_edit: bool = Field(description="whether you may save it")
    may_submit: bool = Field(description="whether you may submit it (its unit's lead)")
    updated_at: datetime | None
    updated_by: str | None
    submitted_at: datetime | None
    decision_comments: str


# --- reading --------------------------------------------------------------------------------------------


def _number(text: str) -> str | None:
    return text or None


def _activity(a: pm.Activity, values: dict[str, Any], started: bool) -> ActivityEntry:
    forecast = values.get("forecast_on")
    return ActivityEntry(
        code=a.code,
        title=a.title,
        status=values.get("status") or ("" if started else a.status),  # a new update starts from the plan's
        commentary=values.get("commentary") or "",
        rag=values.get("rag") or "",
        percent_complete=values.get("percent_complete"),
        forecast_on=forecast.isoformat() if isinstance(forecast, date) else None,
    )


def _metric(x: pm.Metric, shown: dict[str, str]) -> MetricEntry:
    def part(name: str) -> str | None:
        return _number(shown.get(key("m", x.pk, name), ""))

    return MetricEntry(
        code=x.code,
        title=x.title,
        value=part("value"),
        numerator=part("numerator"),
        denominator=part("denominator"),
        note=shown[key("m", x.pk, "note")],
    )


def content(scope: Scope, data: UpdateData, started: bool) -> dict[str, Any]:
    """What an update holds, as the API writes it (and reads it back)."""
    shown = update_strings(scope, data)
    return {
        "rag": data.rag or "",
        "rag_reason": data.rag_reason or "",
        "commentary": data.commentary or "",
        "objectives": [
            ObjectiveEntry(code=o.code, title=o.title, **_pick(data.objectives.get(o.pk), ("rag", "rag_reason")))
            for o in scope.objectives
        ],
        "activities": [_activity(a, data.activities.get(a.pk, {}), started) for a in scope.activities],
        "metrics": [_metric(x, shown) for x in scope.metrics],
        "risks": [
            RiskEntry(
                code=r.code,
                title=r.title,
                likelihood=(data.risks.get(r.pk) or {}).get("likelihood"),
                impact=(data.risks.get(r.pk) or {}).get("impact"),
                commentary=(data.risks.get(r.pk) or {}).get("commentary") or "",
                reviewed=bool((data.risks.get(r.pk) or {}).get("reviewed")),
            )
            for r in scope.risks
        ],
    }


def _pick(values: dict | None, names: tuple[str, ...]) -> dict[str, str]:
    return {name: (values or {}).get(name) or "" for name in names}


def update_out(
    period: ReportingPeriod, unit: pm.OrgUnit, submission: Submission | None, held: dict[str, Any], user: Any
) -> UpdateOut:
    """The update as read: ``held`` its :func:`content`, the rest from the stored row."""
    from goldenthread.access.rules import may_edit_submission

    return UpdateOut(
        **held,
        plan=period.plan.code,
        period=period.slug,
        unit=unit.code,
        status=submission.status if submission else NOT_STARTED,
        version=submission.version if submission else 0,
        editable=submission.editable if submission else True,
        may_edit=may_edit_submission(user, unit),
        may_submit=may_submit(user, unit),
        updated_at=submission.updated_at if submission else None,
        updated_by=display_name(submission.updated_by) if submission and submission.updated_by_id else None,
        submitted_at=submission.submitted_at if submission else None,
        decision_comments=submission.decision_comments if submission else "",
    )


def fingerprint(submission: Submission | None, held: dict[str, Any]) -> dict[str, Any]:
    """What an update's ETag is made of: the stored row's identity, version and status, and what
    it holds (never who is asking)."""
    state = [submission.pk, submission.version, submission.status] if submission else [None, 0, NOT_STARTED]
    return {"state": state, "content": {k: _plain(v) for k, v in held.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [item.model_dump() if isinstance(item, Schema) else item for item in value]
    return value
