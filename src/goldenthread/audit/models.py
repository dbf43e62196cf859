"""History tables for the plan's elements.

Performance observations have none: they are their own revision trail — rows only ever inserted
and superseded, each with its load batch, who loaded it and when — which the observation history
page reads (:mod:`goldenthread.audit.history`); a deleted observation leaves its last state in
:class:`DeletedObservation` (docs/adr/0012-observations-as-their-own-history.md).

The historical models live in this app (``audit_historicalobjective`` …) rather than beside the
models they track, so the audit trail needs no change to the ``plans`` or ``performance`` apps
or their migrations. The cycle's own models (``cycles``) declare their history inline.

Dependent rows without history of their own are snapshotted into their element's history row
(``related``): see :data:`goldenthread.audit.records.SNAPSHOTS`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import simple_history
from django.conf import settings
from django.db import connection, models
from django.db.models import Model

from goldenthread.audit.records import (
    SNAPSHOTS,
    TOMBSTONES,
    AuditedRecords,
    actor_name,
    current_reason,
    current_user,
    normal,
)
from goldenthread.performance.models import LoadBatch, Observation
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

for _model in AUDITED_PLAN_MODELS:
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


def _reference(to: type[Model] | str) -> models.ForeignKey:
    """A reference kept as it was: no constraint, nothing done when its row goes (the history
    page names a row gone "#id (deleted)")."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )


class DeletedObservation(models.Model):
    """An observation deleted (its org unit or metric removed from the plan): its last state, and
    who deleted it and when — the trace its history page shows once the row itself is gone."""

    observation_id = models.BigIntegerField(db_index=True, help_text="The id the observation had")
    metric = _reference(m.Metric)
    org_unit = _reference(m.OrgUnit)
    breakdown = models.CharField(max_length=500, blank=True, default="")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    status = models.CharField(max_length=16)
    source = models.CharField(max_length=500, blank=True)
    batch = _reference(LoadBatch)
    loaded_at = models.DateTimeField()
    loaded_by = _reference(settings.AUTH_USER_MODEL)
    superseded_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField()
    deleted_by = _reference(settings.AUTH_USER_MODEL)
    deleted_by_name = models.CharField(max_length=150, blank=True, help_text="Who, kept as text")
    reason = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["metric", "org_unit", "breakdown", "period_start"], name="deleted_obs_key")]

    def __str__(self) -> str:
        return f"Observation {self.observation_id} (deleted)"


#: the columns an observation and its tombstone share: all but the id
_KEPT = [c for f in Observation._meta.concrete_fields if (c := f.column) is not None and not f.primary_key]


def _tombstones(rows: models.QuerySet, user: Any, when: datetime) -> int:
    """Keep the last state of the observations ``rows`` before they are deleted, set-based."""
    user = user if user is not None else current_user()
    q = connection.ops.quote_name
    select, params = rows.values("pk").query.sql_with_params()
    columns = ", ".join(q(c) for c in _KEPT)
    given = ["deleted_at", "deleted_by_id", "deleted_by_name", "reason"]
    sql = (
        f"INSERT INTO {q(DeletedObservation._meta.db_table)} ({q('observation_id')}, {columns}, "
        f"{', '.join(q(c) for c in given)}) "
        f"SELECT o.{q('id')}, {', '.join('o.' + q(c) for c in _KEPT)}, %s, %s, %s, %s "
        f"FROM {q(Observation._meta.db_table)} o WHERE o.{q('id')} IN ({select})"
    )
    values = [
        connection.ops.adapt_datetimefield_value(when),
        user.pk if user is not None else None,
        actor_name(user),
        current_reason(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.rowcount


TOMBSTONES[Observation] = _tombstones
