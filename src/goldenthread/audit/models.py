"""History tables for the plan's elements and for performance observations.

The historical models live in this app (``audit_historicalobjective`` …) rather than beside the
models they track, so the audit trail needs no change to the ``plans`` or ``performance`` apps
or their migrations. The cycle's own models (``cycles``) declare their history inline.

Dependent rows without history of their own are snapshotted into their element's history row
(``related``): see :data:`goldenthread.audit.records.SNAPSHOTS`.
"""

from __future__ import annotations

from collections import defaultdict

import simple_history
from django.db.models import Model

from goldenthread.audit.records import SNAPSHOTS, AuditedRecords, normal
from goldenthread.performance.models import Observation
from goldenthread.plans import models as m

APP = "goldenthread.audit"

AUDITED_PLAN_MODELS = (
    m.Organisation,
    m.Plan,
    m.Level,
    m.OrgUnit,
    m.Owner,
    m.Objective,
    m.Activity,
    m.Metric,
    m.BudgetLine,
    m.StatedTotal,
    m.Risk,
    m.Body,
    m.Meeting,
)

for _model in (*AUDITED_PLAN_MODELS, Observation):
    simple_history.register(_model, app=APP, records_class=AuditedRecords)


def _codes(through: type[Model], source: str, target: str, pks: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        through._default_manager.filter(**{f"{source}_id__in": pks})
        .order_by(f"{target}__position", f"{target}__code")
        .values_list(f"{source}_id", f"{target}__code")
    )
    for pk, code in rows:
        out[pk].append(code)
    return out


def _objective_snapshot(pks: list[int]) -> dict[int, dict]:
    links = _codes(m.Objective.contributes_to.through, "from_objective", "to_objective", pks)
    refs: dict[int, list[str]] = defaultdict(list)
    for pk, framework, ref in (
        m.FrameworkReference.objects.filter(objective_id__in=pks)
        .order_by("objective_id", "position")
        .values_list("objective_id", "framework", "ref")
    ):
        refs[pk].append(f"{framework} {ref}")
    return {pk: {"contributes_to": links.get(pk, []), "framework_refs": refs.get(pk, [])} for pk in pks}


def _activity_snapshot(pks: list[int]) -> dict[int, dict]:
    partners = _codes(m.Activity.partners.through, "activity", "orgunit", pks)
    return {pk: {"partners": partners.get(pk, [])} for pk in pks}


def _period_values(model: type[m.TrajectoryPoint | m.StatedValue], pks: list[int]) -> dict[int, list[str]]:
    """A metric's dated values ("2016/17 Q4: 0.95"), in order, for each metric."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = model._default_manager.filter(metric_id__in=pks).order_by("metric_id", "position")
    for pk, period, value in rows.values_list("metric_id", "period", "value"):
        out[pk].append(f"{period}: {normal(value)}")
    return out


def _metric_snapshot(pks: list[int]) -> dict[int, dict]:
    objectives = _codes(m.Metric.objectives.through, "metric", "objective", pks)
    trajectory = _period_values(m.TrajectoryPoint, pks)
    stated = _period_values(m.StatedValue, pks)
    return {
        pk: {
            "objectives": objectives.get(pk, []),
            "trajectory": trajectory.get(pk, []),
            "stated_values": stated.get(pk, []),
        }
        for pk in pks
    }


def _stated_total_snapshot(pks: list[int]) -> dict[int, dict]:
    units = _codes(m.StatedTotal.org_units.through, "statedtotal", "orgunit", pks)
    return {pk: {"org_units": units.get(pk, [])} for pk in pks}


def _body_snapshot(pks: list[int]) -> dict[int, dict]:
    links = {
        "members": _codes(m.Body.members.through, "body", "owner", pks),
        "oversees_objectives": _codes(m.Body.oversees_objectives.through, "body", "objective", pks),
        "oversees_org_units": _codes(m.Body.oversees_org_units.through, "body", "orgunit", pks),
        "oversees_metrics": _codes(m.Body.oversees_metrics.through, "body", "metric", pks),
    }
    return {pk: {name: codes.get(pk, []) for name, codes in links.items()} for pk in pks}


def _meeting_snapshot(pks: list[int]) -> dict[int, dict]:
    """A meeting's agenda: each item as "number title (papers)", in order."""
    items: dict[int, list[str]] = defaultdict(list)
    rows = m.AgendaItem.objects.filter(meeting_id__in=pks).order_by("meeting_id", "position")
    for pk, number, title, considers in rows.values_list("meeting_id", "number", "title", "considers"):
        papers = f" ({', '.join(considers)})" if considers else ""
        items[pk].append(f"{number} {title}{papers}")
    return {pk: {"items": items.get(pk, [])} for pk in pks}


SNAPSHOTS.update(
    {
        m.Objective: _objective_snapshot,
        m.Activity: _activity_snapshot,
        m.Metric: _metric_snapshot,
        m.StatedTotal: _stated_total_snapshot,
        m.Body: _body_snapshot,
        m.Meeting: _meeting_snapshot,
    }
)

#: labels for the snapshot keys on history pages
RELATED_LABELS = {
    "contributes_to": "Contributes to",
    "framework_refs": "Framework references",
    "partners": "Partners",
    "objectives": "Objectives measured",
    "trajectory": "Trajectory",
    "stated_values": "Values stated in the document",
    "org_units": "Org units",
    "members": "Members",
    "oversees_objectives": "Objectives overseen",
    "oversees_org_units": "Org units overseen",
    "oversees_metrics": "Metrics overseen",
    "items": "Agenda",
}
