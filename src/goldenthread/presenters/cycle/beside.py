"""What the update form shows beside each part of a unit's update: the unit's update for the
preceding period (whatever its status, which is said), and for each metric its target (as the
version of the plan in force at the period's end sets it) and its latest value — the figure
:mod:`goldenthread.performance.figures` gives for the unit, named by its period."""

from __future__ import annotations

from dataclasses import dataclass, field

from goldenthread.cycles.models import ReportingPeriod, Submission
from goldenthread.cycles.services import STATUS_LABELS, Scope, UpdateData, stored_data
from goldenthread.performance import figures
from goldenthread.performance.definitions import definitions_in_force
from goldenthread.planfile.periods import period_name
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import RAG_LABELS, metric_value_text
from goldenthread.presenters.reported import progress_words
from goldenthread.presenters.values import format_target, format_value

ACTIVITY_STATUSES = dict(pm.Activity.Status.choices)


@dataclass
class Beside:
    """``previous`` says which update the notes come from ("2019/20 Q1, approved"), or that there
    is none; ``notes`` holds, for each part of the form (its fields' prefix: ``overall``,
    ``o12``, ``a7``, ``m3``, ``r2``), the lines to show beside it as (label, text)."""

    previous: str
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _joined(*parts: str | None) -> str:
    return " — ".join(p for p in parts if p) or "Nothing entered"


def _previous_notes(scope: Scope, data: UpdateData, label: str) -> dict[str, list[tuple[str, str]]]:
    notes: dict[str, list[tuple[str, str]]] = {
        "overall": [(label, _joined(RAG_LABELS.get(data.rag), data.rag_reason, data.commentary))]
    }
    for o in scope.objectives:
        v = data.objectives.get(o.pk, {})
        notes[f"o{o.pk}"] = [(label, _joined(RAG_LABELS.get(v.get("rag") or ""), v.get("rag_reason")))]
    for a in scope.activities:
        v = data.activities.get(a.pk, {})
        status = ACTIVITY_STATUSES.get(v.get("status") or "", "")
        status = progress_words(v.get("rag"), v.get("percent_complete"), v.get("forecast_on"), status)
        notes[f"a{a.pk}"] = [(label, _joined(status, v.get("commentary")))]
    for x in scope.metrics:
        v = data.metrics.get(x.pk, {})
        value = metric_value_text(x, v.get("value"), v.get("numerator"), v.get("denominator"))
        notes[f"m{x.pk}"] = [(label, _joined(value, v.get("note")))]
    for r in scope.risks:
        v = data.risks.get(r.pk, {})
        scores = (
            f"likelihood {v['likelihood']}, impact {v['impact']}" if v.get("likelihood") and v.get("impact") else ""
        )
        notes[f"r{r.pk}"] = [(label, _joined(scores, v.get("commentary")))]
    return notes


def _latest(metric: pm.Metric, unit: pm.OrgUnit, period: ReportingPeriod) -> str:
    """The metric's latest figure for the unit up to the end of ``period``, with its period's name."""
    points = [p for p in figures.series(metric, unit, end=period.end) if p.value is not None]
    if not points:
        return "No value yet"
    last = points[-1]
    return f"{format_value(last.value, metric.unit)} ({period_name(last.period_start, metric.frequency)})"


def beside_update(period: ReportingPeriod, unit: pm.OrgUnit, scope: Scope) -> Beside:
    previous = ReportingPeriod.objects.filter(plan=period.plan, start__lt=period.start).order_by("-start").first()
    submission = Submission.objects.filter(period=previous, org_unit=unit).first() if previous else None
    if previous is None:
        beside = Beside(f"{period.label} is the first reporting period, so there is no previous update.")
    elif submission is None:
        beside = Beside(f"{unit.name} made no update for {previous.label}.")
    else:
        status = STATUS_LABELS.get(submission.status, submission.status).lower()
        beside = Beside(f"Beside each part: {unit.name}'s update for {previous.label} ({status}).")
        beside.notes = _previous_notes(scope, stored_data(submission), f"{previous.label} ({status})")
    # the target of the version of the plan in force at the period's end
    defined = {x.pk: x for x in definitions_in_force(period.plan, period.end).metrics(scope.metrics)}
    for x in scope.metrics:
        target = format_target(defined[x.pk]) if x.pk in defined else f"Not in the plan for {period.label}"
        beside.notes.setdefault(f"m{x.pk}", []).extend([("Target", target), ("Latest value", _latest(x, unit, period))])
    return beside
