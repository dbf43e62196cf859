"""A unit's update for a period: its content, what is missing before it can be submitted, and
saving it — and, when asked, submitting it — as one transaction attributed to the person."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from goldenthread.access import rules
from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import (
    ActivityUpdate,
    MetricReturn,
    ObjectiveUpdate,
    ReportingPeriod,
    RiskReview,
    Submission,
)
from goldenthread.cycles.services.errors import CycleError, Incomplete
from goldenthread.cycles.services.journey import S, move
from goldenthread.cycles.services.people import display_name
from goldenthread.cycles.services.scope import Scope, unit_scope
from goldenthread.cycles.services.versions import claim
from goldenthread.plans import models as pm


def key(prefix: str, pk: int, name: str) -> str:
    """The name of one field of an update, as forms and error messages use it: ``a12-status``."""
    return f"{prefix}{pk}-{name}"


@dataclass
class UpdateData:
    """What a person typed into an update, already checked for form (numbers are numbers)."""

    rag: str = ""
    rag_reason: str = ""
    commentary: str = ""
    objectives: dict[int, dict] = field(default_factory=dict)  # pk -> {rag, rag_reason}
    # pk -> {status, commentary, rag, percent_complete, forecast_on}
    activities: dict[int, dict] = field(default_factory=dict)
    metrics: dict[int, dict] = field(default_factory=dict)  # pk -> {value, numerator, denominator, note}
    risks: dict[int, dict] = field(default_factory=dict)  # pk -> {likelihood, impact, commentary, reviewed}


_CHILDREN = (
    # (model, data attribute, foreign key to the plan element, field names)
    (ObjectiveUpdate, "objectives", "objective", ("rag", "rag_reason")),
    (ActivityUpdate, "activities", "activity", ("status", "commentary", "rag", "percent_complete", "forecast_on")),
    (MetricReturn, "metrics", "metric", ("value", "numerator", "denominator", "note")),
    (RiskReview, "risks", "risk", ("likelihood", "impact", "commentary", "reviewed")),
)


def same(a, b) -> bool:
    """Whether two stored values are the same, decimals compared as numbers (1.50 is 1.5)."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None) == (b is None) and (a is None or Decimal(a) == Decimal(b))
    return a == b


def _write_children(submission: Submission, data: UpdateData) -> None:
    """Create or change the per-element rows that differ from what is stored (history via save())."""
    for model, attr, fk, names in _CHILDREN:
        wanted: dict[int, dict] = getattr(data, attr)
        stored = {getattr(row, f"{fk}_id"): row for row in model.objects.filter(submission=submission)}
        for element_id, values in wanted.items():
            row = stored.get(element_id)
            if row is None:
                if not any(v not in (None, "", False) for v in values.values()):
                    continue
                row = model(submission=submission, **{f"{fk}_id": element_id})
            elif all(same(getattr(row, n), _given(model, values, n)) for n in names):
                continue
            for n in names:
                setattr(row, n, _given(model, values, n))
            row.save()


def _given(model, values: dict, name: str):
    """The value given for a field, else the field's default ("" for text, None for a number or date)."""
    return values[name] if name in values else model._meta.get_field(name).get_default()


def stored_data(submission: Submission | None) -> UpdateData:
    data = UpdateData()
    if submission is None:
        return data
    data.rag, data.rag_reason, data.commentary = submission.rag, submission.rag_reason, submission.commentary
    for model, attr, fk, names in _CHILDREN:
        target = getattr(data, attr)
        for row in model.objects.filter(submission=submission):
            target[getattr(row, f"{fk}_id")] = {n: getattr(row, n) for n in names}
    return data


# --- what is missing before submitting ------------------------------------------------------------

Problem = tuple[str, str]  # (field name, message)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _objective_problems(o: pm.Objective, values: dict) -> Iterator[Problem]:
    if not values.get("rag"):
        yield key("o", o.pk, "rag"), f"Choose a RAG rating for objective {o.code}"
    if _blank(values.get("rag_reason")):
        yield key("o", o.pk, "rag_reason"), f"Give the reason for objective {o.code}'s rating"


def _activity_problems(a: pm.Activity, values: dict) -> Iterator[Problem]:
    if not values.get("status"):
        yield key("a", a.pk, "status"), f"Choose a status for activity {a.code}"
    elif values["status"] == pm.Activity.Status.DELAYED and _blank(values.get("commentary")):
        yield key("a", a.pk, "commentary"), f"Say why activity {a.code} is delayed and what is being done"


def _metric_problems(x: pm.Metric, values: dict) -> Iterator[Problem]:
    if values.get("value") is None and _blank(values.get("note")):
        target = "numerator" if x.aggregation == "ratio" else "value"
        yield key("m", x.pk, target), f"Enter the value for metric {x.code}, or say in the note why there is none"


def _risk_problems(r: pm.Risk, values: dict) -> Iterator[Problem]:
    if not values.get("reviewed"):
        yield key("r", r.pk, "reviewed"), f"Confirm you have reviewed risk {r.code}"


def problems_before_submit(scope: Scope, data: UpdateData) -> list[Problem]:
    """Everything missing before an update can go to the planning team, in page order."""
    problems = []
    if not data.rag:
        problems.append(("rag", "Choose an overall RAG rating: red, amber or green"))
    if _blank(data.rag_reason):
        problems.append(("rag_reason", "Give the reason for the overall RAG rating"))
    for o in scope.objectives:
        problems += _objective_problems(o, data.objectives.get(o.pk, {}))
    for a in scope.activities:
        problems += _activity_problems(a, data.activities.get(a.pk, {}))
    for x in scope.metrics:
        problems += _metric_problems(x, data.metrics.get(x.pk, {}))
    for r in scope.risks:
        problems += _risk_problems(r, data.risks.get(r.pk, {}))
    return problems


# --- saving ---------------------------------------------------------------------------------------


def save_update(
    period: ReportingPeriod, unit: pm.OrgUnit, data: UpdateData, *, based_on: int, user, submit: bool = False
) -> Submission:
    """Save a unit's update for a period — and, with ``submit``, send it for approval — as one
    transaction. ``based_on`` is the version the person started from (0 for a new update)."""
    if unit.plan_id != period.plan_id:
        raise CycleError(f"{unit.name} is not part of the plan this period belongs to.")
    if submit and not rules.may_submit(user, unit):
        raise CycleError(
            f"Only the lead for {unit.name} can submit this update. Save it as a draft and ask them to submit it."
        )
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        submission = claim(
            Submission, period, unit, based_on=based_on, removed=REMOVED, conflict=_conflict_message, check=_editable
        )
        submission.rag, submission.rag_reason, submission.commentary = data.rag, data.rag_reason, data.commentary
        submission.updated_at, submission.updated_by = now, user
        submission.save()
        _write_children(submission, data)
        if submit:
            problems = problems_before_submit(unit_scope(period.plan, unit), data)
            if problems:
                raise Incomplete(problems)
            move(submission, S.SUBMITTED, user, now, "")
    return submission


REMOVED = "This update has been removed since you opened it. Your text is kept below; save again to start it afresh."


def _editable(submission: Submission) -> None:
    if not submission.editable:
        raise CycleError(_not_editable_message(submission))


def _conflict_message(current: Submission) -> str:
    when = timezone.localtime(current.updated_at).strftime("%H:%M on %d %B %Y") if current.updated_at else "just now"
    return (
        f"{display_name(current.updated_by)} saved this update at {when}, after you opened it, so your changes "
        "have not been saved. Your text is kept below, with theirs shown under each field that differs. "
        "Check both, then save again to keep yours."
    )


def _not_editable_message(submission: Submission) -> str:
    if submission.status == S.SUBMITTED:
        return (
            "This update has been submitted and is waiting for the planning team, so it cannot be changed now. "
            "If it needs changing, ask the planning team to return it to you."
        )
    return "This update has been approved, so it can no longer be changed."
