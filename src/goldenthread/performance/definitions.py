"""The plan's definitions in force on a day: what a report or an assessment as at a past period
judges against.

The live tables always hold the plan's latest version; a change approved "from 2019/20 Q3" must
leave the Q1 papers as they were. So for a day on which an earlier version was in force
(:func:`goldenthread.plans.versions.in_force`: the highest-numbered version in force from that
day or before), each metric of the plan is given that version's definition — target (value,
comparison, by, text), trajectory, polarity, unit, frequency, aggregation, trigger and its rules,
title, headline flag, owner, review — each activity its title, dates, owner and planned status,
each objective its title, description, level, parent, unit and owner, and each metric the
objectives it measures (:meth:`Definitions.links`); elements the version did not have are left
out. The elements are the live model instances, so their data (observations, updates) is found
by their keys, overlaid on *unsaved copies*: never save one. Each copy's prefetched trajectory
is the version's points, so ``metric.trajectory.all()`` reads them without a query.

Queries are set-based: one for the plan's versions (numbers and dates only), and only when the
version in force is not the latest, one for its document and one each for the plan's owners and
org units (for objectives, its levels; for links, its metrics' and objectives' codes). When the
latest version is in force (or the plan keeps no versions), the live elements are used as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from goldenthread.formatting import long_date
from goldenthread.planfile import schema
from goldenthread.planfile.periods import PeriodError, parse_period, resolve_due
from goldenthread.plans import models as m
from goldenthread.plans import versions
from goldenthread.plans.store import mapping

_T = TypeVar("_T", m.Metric, m.Activity, m.Objective, m.Owner)


@dataclass(frozen=True)
class VersionInForce:
    """Which version of the plan was in force on a day, and which is the latest."""

    number: int
    in_force_from: date
    in_force_label: str  # as given, e.g. "2019/20 Q3"
    latest: int  # the latest version's number
    pk: int = 0

    @property
    def is_latest(self) -> bool:
        return self.number == self.latest

    @property
    def from_text(self) -> str:
        """When it is in force from: its period as given ("2019/20 Q3"), else the day."""
        return self.in_force_label or long_date(self.in_force_from)


@dataclass
class Definitions:
    """The plan's metrics and activities as defined by the version in force on ``day``."""

    plan: m.Plan
    day: date
    version: VersionInForce | None  # None: the plan keeps no versions
    spec: schema.Plan | None = None  # the version's plan when it is not the latest
    _owners: dict[str, m.Owner] | None = field(default=None, repr=False)
    _units: dict[str, int] | None = field(default=None, repr=False)
    _links: list[tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def is_latest(self) -> bool:
        """Whether the live tables are in force (the latest version, or a plan with no versions)."""
        return self.spec is None

    @property
    def activity_rules(self) -> list[dict]:
        if self.spec is None:
            return self.plan.activity_rules
        return [r.model_dump() for r in self.spec.activity_rules]

    def metric_codes(self) -> set[str] | None:
        """The codes of the version's metrics; None when the live tables are in force."""
        return None if self.spec is None else {x.code for x in self.spec.metrics}

    def metrics(self, live: Iterable[m.Metric], *, keep: str | None = None) -> list[m.Metric]:
        """``live`` metrics (in their order) as the version defines them; those it did not have are
        left out — except the metric coded ``keep``, which stays as the latest version defines it."""
        if self.spec is None:
            return list(live)
        defined = {x.code: x for x in self.spec.metrics}
        owners = self._owner_table()
        out = []
        for x in live:
            if x.code in defined:
                out.append(_metric_as(x, defined[x.code], owners))
            elif x.code == keep:
                out.append(x)
        return out

    def activities(self, live: Iterable[m.Activity]) -> list[m.Activity]:
        """``live`` activities as the version plans them; those it did not have are left out."""
        if self.spec is None:
            return list(live)
        planned = {a.code: a for a in self.spec.activities}
        owners = self._owner_table()
        return [_activity_as(a, planned[a.code], owners) for a in live if a.code in planned]

    def objectives(self, live: Iterable[m.Objective]) -> list[m.Objective]:
        """``live`` objectives as the version sets them out (title, description, level, parent, unit,
        owner); those it did not have are left out."""
        if self.spec is None:
            return list(live)
        live = list(live)
        defined = {o.code: o for o in self.spec.objectives}
        codes = {
            "objectives": {o.code: o.pk for o in live},
            "levels": dict(self.plan.levels.values_list("code", "pk")),
            "org_units": self._unit_codes(),
        }
        owners = self._owner_table()
        return [_objective_as(o, defined[o.code], owners, codes) for o in live if o.code in defined]

    def links(self) -> list[tuple[int, int]]:
        """(metric pk, objective pk) for each objective each metric measures, in the order of the
        metrics: the live links, or as the version lists them; read once (a page and its
        assessment ask for them both)."""
        if self._links is not None:
            return self._links
        if self.spec is None:
            self._links = list(
                m.Metric.objectives.through.objects.filter(metric__plan=self.plan)
                .order_by("metric__position")
                .values_list("metric_id", "objective_id")
            )
            return self._links
        metrics = dict(self.plan.metrics.values_list("code", "pk"))
        objectives = dict(self.plan.objectives.values_list("code", "pk"))
        self._links = [
            (metrics[x.code], objectives[code])
            for x in self.spec.metrics
            if x.code in metrics
            for code in x.objectives
            if code in objectives
        ]
        return self._links

    def _unit_codes(self) -> dict[str, int]:
        if self._units is None:
            self._units = dict(self.plan.org_units.values_list("code", "pk"))
        return self._units

    def _owner_table(self) -> dict[str, m.Owner]:
        """The version's owners by code: the live owner with the version's title and name, or an
        unsaved one for an owner the plan no longer has."""
        if self._owners is None:
            assert self.spec is not None
            live = {o.code: o for o in self.plan.owners.select_related("org_unit")}
            units = self._unit_codes()
            self._owners = {o.code: _owner_as(live.get(o.code), o, self.plan, units) for o in self.spec.owners}
        return self._owners


def version_in_force(plan: m.Plan, day: date) -> VersionInForce | None:
    """The version of the plan in force on ``day`` — as :func:`goldenthread.plans.versions.in_force`,
    the highest-numbered one in force from that day or before; before any was, the first — in one
    query that reads no document. None when the plan keeps no versions."""
    rows = list(
        m.PlanVersion.objects.filter(plan=plan)
        .order_by("-number")
        .values_list("pk", "number", "in_force_from", "in_force_label")
    )
    if not rows:
        return None
    pk, number, start, label = next((r for r in rows if r[2] <= day), rows[-1])
    return VersionInForce(number, start, label, rows[0][1], pk)


def definitions_in_force(plan: m.Plan, day: date) -> Definitions:
    """The plan's definitions in force on ``day`` (for a period, pass its last day)."""
    version = version_in_force(plan, day)
    if version is None or version.is_latest:
        return Definitions(plan, day, version)
    spec = versions.version_plan(m.PlanVersion.objects.get(pk=version.pk))
    return Definitions(plan, day, version, spec)


def _copy(live: _T, values: dict[str, Any]) -> _T:
    """An unsaved copy of ``live`` with ``values`` set (foreign keys as instances or None)."""
    out = copy.copy(live)
    out._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    for name, value in values.items():
        setattr(out, name, value)
    return out


def _metric_as(live: m.Metric, x: schema.Metric, owners: dict[str, m.Owner]) -> m.Metric:
    values = mapping.METRIC.stored(x, {mapping.OWNERS: owners})
    values.pop("code")
    review = x.review
    out = _copy(
        live,
        {
            **values,
            **_target_columns(x.target),
            "review_when": (review.when or "") if review else "",
            "review_by": (review.by or "") if review else "",
        },
    )
    points = [_point(out, p, i) for i, p in enumerate(x.trajectory)]
    trajectory = m.TrajectoryPoint.objects.filter(metric_id=live.pk)  # never run: its results are set here
    trajectory._result_cache = [p for p in points if p is not None]
    trajectory._prefetch_done = True  # type: ignore[attr-defined]
    out._prefetched_objects_cache = {"trajectory": trajectory}  # type: ignore[attr-defined]
    return out


def _target_columns(target: schema.Target | None) -> dict[str, Any]:
    """The target's columns, as a load stores them."""
    by = target.by if target else None
    try:
        by_date = parse_period(by).end if by else None
    except PeriodError:
        by_date = None
    return {
        "target_value": target.value if target else None,
        "target_comparison": target.comparison if target else "",
        "target_by": by or "",
        "target_by_date": by_date,
        "target_text": (target.text or "") if target else "",
    }


def _point(metric: m.Metric, p: schema.TrajectoryPoint, position: int) -> m.TrajectoryPoint | None:
    try:
        span = parse_period(p.period)
    except PeriodError:  # a valid plan never has one; a point the dates cannot place is left out
        return None
    return m.TrajectoryPoint(
        metric=metric, period=p.period, period_start=span.start, period_end=span.end, value=p.value, position=position
    )


def _activity_as(live: m.Activity, a: schema.Activity, owners: dict[str, m.Owner]) -> m.Activity:
    try:
        start = parse_period(a.start).start if a.start else None
    except PeriodError:
        start = None
    return _copy(
        live,
        {
            "title": a.title,
            "description": a.description,
            "kind": a.type,
            "status": a.status,
            "start_text": a.start or "",
            "start_date": start,
            "due_text": a.due or "",
            "due_date": resolve_due(a.due),
            "owner": owners.get(a.owner) if a.owner else None,
        },
    )


def _objective_as(
    live: m.Objective, o: schema.Objective, owners: dict[str, m.Owner], codes: dict[str, dict[str, int]]
) -> m.Objective:
    """The objective as the version sets it out; a level, parent or unit the plan no longer has
    leaves the live one (level) or none (parent, unit)."""
    return _copy(
        live,
        {
            "title": o.title,
            "description": o.description,
            "assessment": o.assessment,
            "level_id": codes["levels"].get(o.level, live.level_id),
            "parent_id": codes["objectives"].get(o.parent) if o.parent else None,
            "org_unit_id": codes["org_units"].get(o.org_unit) if o.org_unit else None,
            "owner": owners.get(o.owner) if o.owner else None,
        },
    )


def _owner_as(live: m.Owner | None, o: schema.Owner, plan: m.Plan, units: dict[str, int]) -> m.Owner:
    values = {"title": o.title, "name": o.name or "", "org_unit_id": units.get(o.org_unit) if o.org_unit else None}
    if live is None:
        return m.Owner(plan=plan, code=o.code, **values)
    return _copy(live, values)
