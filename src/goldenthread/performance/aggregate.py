"""A metric's figures for any org unit, period by period, aggregated the way the metric declares.

An org unit's figures are its own observations when it has any; otherwise they are built from
the lowest units below it that hold data (providers under a region, regions under England), so
nothing is counted twice. England — a unit with code ``england``, created on demand — stands for
the plan's whole scope: every unit that holds data, wherever it sits in the tree.

How rows combine is the metric's ``aggregation``:

* ``ratio`` — sum(numerator) / sum(denominator). England's four-hour performance is the share
  of *all* attendances seen within four hours, not the mean of the providers' percentages (a
  small unit would count as much as a large one);
* ``sum`` — the sum of the values;
* ``mean`` — the mean of the values.

Rows split by a breakdown (``department_type=1``) are totalled, or grouped by one dimension of
the breakdown. Where a unit holds a period's data at several granularities (a total row and rows
by department type), its coarsest rows for that period are used, so splits are never added to
totals.

Every function here runs a fixed number of queries — the unit asked for, the unit tree, which
units hold which breakdowns, one aggregate ``GROUP BY``, and only for units holding totals beside
splits their rows — whatever the number of units, periods or rows, and returns plain data:
:class:`Point` tuples or NumPy arrays ready for the assurance engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from django.db.models import Count, Q, Sum

from goldenthread.performance.models import Observation
from goldenthread.performance.series import UnitTree
from goldenthread.performance.units import ENGLAND, england_unit, is_whole_scope
from goldenthread.plans.models import Metric, OrgUnit

#: the group key of figures totalled over breakdowns
TOTAL = ""


class Point(NamedTuple):
    """One period's figure. ``numerator`` and ``denominator`` are the summed counts behind a
    ratio (None when the rows have none); ``value`` is None when it cannot be worked out."""

    period_start: date
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass
class SeriesTable:
    """Many series of one metric in long format — parallel arrays sorted by unit, group and
    period — for vectorised assurance: ``spc_many(t.unit, t.period, t.value)``."""

    metric: str
    aggregation: str
    unit: np.ndarray  # object: org unit codes
    group: np.ndarray  # object: breakdown value, TOTAL ("") for totals
    period: np.ndarray  # datetime64[D]: first day of the period
    value: np.ndarray  # float, NaN where there is no value
    numerator: np.ndarray
    denominator: np.ndarray

    def __len__(self) -> int:
        return int(self.unit.size)

    def series(self) -> dict[str | tuple[str, str], list[Point]]:
        """Each series as a list of points: keyed by unit code, or (unit, group) when grouped."""
        grouped = bool(self.group.size) and bool((self.group != TOTAL).any())
        out: dict[str | tuple[str, str], list[Point]] = defaultdict(list)
        for i in range(len(self)):
            key = (self.unit[i], self.group[i]) if grouped else self.unit[i]
            out[key].append(
                Point(
                    self.period[i].astype(date), _opt(self.value[i]), _opt(self.numerator[i]), _opt(self.denominator[i])
                )
            )
        return dict(out)


def _opt(x: float) -> float | None:
    return None if x is None or np.isnan(x) else float(x)


def as_arrays(points: Iterable[Point]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(periods as datetime64[D], values, numerators, denominators), with NaN for None."""
    points = list(points)

    def floats(k: int) -> np.ndarray:
        return np.array([np.nan if p[k] is None else p[k] for p in points], dtype=float)

    periods = np.array([p.period_start for p in points], dtype="datetime64[D]")
    return periods, floats(1), floats(2), floats(3)


# --- public functions ---------------------------------------------------------------------------


def series(
    metric: Metric, unit: OrgUnit | str | None = None, *, start: date | None = None, end: date | None = None
) -> list[Point]:
    """The metric's figures at ``unit`` (None or "england": the whole plan), period by period."""
    return series_by(metric, None, unit, start=start, end=end).get(TOTAL, [])


def series_by(
    metric: Metric,
    dimension: str | None,
    unit: OrgUnit | str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, list[Point]]:
    """The metric's figures at ``unit`` grouped by one breakdown dimension (e.g.
    "department_type"): {dimension value: points}; with ``dimension`` None, {TOTAL: points}."""
    units = _units_for(metric, unit)
    rows = _aggregate(metric, units, dimension, start=start, end=end, by_unit=False, by_period=True)
    out: dict[str, list[Point]] = defaultdict(list)
    for r in rows:
        out[r["group"]].append(_point(r, metric.aggregation, r["period_start"]))
    return dict(out)


def value_over(
    metric: Metric, start: date, end: date, unit: OrgUnit | str | None = None, *, dimension: str | None = None
) -> dict[str, Point]:
    """One figure over a span of periods (e.g. a quarter of monthly data), aggregated from the
    rows — for a ratio, the sums of three months' counts, not a mean of monthly percentages.
    {group: point}, with the point dated ``start``; {TOTAL: point} without ``dimension``."""
    units = _units_for(metric, unit)
    rows = _aggregate(metric, units, dimension, start=start, end=end, by_unit=False, by_period=False)
    return {r["group"]: _point(r, metric.aggregation, start) for r in rows}


def all_series(
    metric: Metric,
    *,
    kind: str | None = None,
    dimension: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> SeriesTable:
    """Every org unit's own series of the metric (e.g. every provider's monthly AE4HR), in one
    aggregate query; ``kind`` keeps units of one kind ("provider"), ``dimension`` splits each
    unit's series by a breakdown dimension."""
    rows = _aggregate(metric, None, dimension, start=start, end=end, by_unit=True, by_period=True, kind=kind)
    rows.sort(key=lambda r: (r["unit"], r["group"], r["period_start"]))
    points = [_point(r, metric.aggregation, r["period_start"]) for r in rows]
    return SeriesTable(
        metric=metric.code,
        aggregation=metric.aggregation,
        unit=np.array([r["unit"] for r in rows], dtype=object),
        group=np.array([r["group"] for r in rows], dtype=object),
        period=np.array([r["period_start"] for r in rows], dtype="datetime64[D]"),
        value=np.array([np.nan if p.value is None else p.value for p in points], dtype=float),
        numerator=np.array([np.nan if p.numerator is None else p.numerator for p in points], dtype=float),
        denominator=np.array([np.nan if p.denominator is None else p.denominator for p in points], dtype=float),
    )


# --- which rows ---------------------------------------------------------------------------------


def _resolve_unit(metric: Metric, unit: OrgUnit | str | None) -> OrgUnit | None:
    if unit is None or isinstance(unit, OrgUnit):
        return unit
    if unit.lower() == ENGLAND:
        return england_unit(metric.plan)
    found = OrgUnit.objects.filter(plan_id=metric.plan_id, code=unit).first()
    if found is None:
        raise OrgUnit.DoesNotExist(f"plan {metric.plan.code} has no org unit '{unit}'")
    return found


def _breakdowns_held(metric: Metric, kind: str | None = None) -> dict[int, set[str]]:
    """org unit id → the breakdowns it holds current rows for (one query)."""
    rows = Observation.objects.filter(metric=metric, superseded_at=None)
    if kind:
        rows = rows.filter(org_unit__kind=kind)
    held: dict[int, set[str]] = defaultdict(set)
    for unit_id, breakdown in rows.values_list("org_unit_id", "breakdown").distinct().order_by():
        held[unit_id].add(breakdown)
    return held


def _units_for(metric: Metric, unit: OrgUnit | str | None) -> dict[int, set[str]]:
    """The units whose rows make up ``unit``'s figures, with the breakdowns each holds."""
    unit = _resolve_unit(metric, unit)
    held = _breakdowns_held(metric)
    if unit is not None and unit.pk in held:
        return {unit.pk: held[unit.pk]}
    tree = UnitTree(metric.plan_id)
    chosen = tree.lowest_with_data(set(held), None if is_whole_scope(unit) else unit.pk)
    return {pk: held[pk] for pk in chosen}


def _parse(breakdown: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in breakdown.split(";") if "=" in part) if breakdown else {}


def _shape(breakdown: str) -> tuple[str, ...]:
    """The dimensions a breakdown splits by: () for a total, ("department_type",) …"""
    return tuple(sorted(_parse(breakdown)))


def _coarsest(shapes: Iterable[tuple[str, ...]], dimension: str | None) -> tuple[str, ...] | None:
    """The shape to add up: the fewest dimensions (having ``dimension`` when one is asked for),
    the first such shape when there are several, so a split by sex and one by age band held side
    by side are never both added."""
    candidates = sorted((len(shape), shape) for shape in shapes if dimension is None or dimension in shape)
    return candidates[0][1] if candidates else None


_SUMS = ("num", "den", "total")
_COUNTS = ("counted", "values", "n")


def _aggregate(
    metric: Metric,
    units: dict[int, set[str]] | None,
    dimension: str | None,
    *,
    start: date | None,
    end: date | None,
    by_unit: bool,
    by_period: bool,
    kind: str | None = None,
) -> list[dict]:
    """Sums and counts per (unit?, period?, group), with the coarsest rows of each unit and period.

    A unit whose rows all have one shape (the usual case: all totals, or all split by department
    type) is summed by the database in one GROUP BY over every such unit. Only units holding
    several shapes (a total row beside split rows) are read at row level, to choose per period.
    """
    whole = units is None
    if units is None:
        units = _breakdowns_held(metric, kind)
    simple: list[int] = []
    mixed: list[int] = []
    excluded = 0
    for unit_id, breakdowns in units.items():
        shapes = {_shape(b) for b in breakdowns}
        if len(shapes) > 1:
            mixed.append(unit_id)
        elif dimension is None or dimension in next(iter(shapes)):
            simple.append(unit_id)
        else:
            excluded += 1
    rows = Observation.objects.filter(metric=metric, superseded_at=None)
    if kind:
        rows = rows.filter(org_unit__kind=kind)
    if start is not None:
        rows = rows.filter(period_start__gte=start)
    if end is not None:
        rows = rows.filter(period_start__lte=end)
    counted = Q(numerator__isnull=False, denominator__isnull=False)
    sums = {
        "num": Sum("numerator", filter=counted),
        "den": Sum("denominator", filter=counted),
        "counted": Count("id", filter=counted),
        "total": Sum("value"),
        "values": Count("value"),
        "n": Count("id"),
    }
    keys = (["org_unit__code"] if by_unit else []) + (["period_start"] if by_period else [])
    folded: dict[tuple, dict] = {}

    def add(r: dict, unit: str | None, period: date | None, breakdown: str) -> None:
        group = _parse(breakdown)[dimension] if dimension is not None else TOTAL
        key = (unit, period, group)
        acc = folded.get(key)
        if acc is None:
            acc = folded[key] = {
                "unit": unit,
                "period_start": period,
                "group": group,
                **dict.fromkeys(_SUMS, 0.0),
                **dict.fromkeys(_COUNTS, 0),
            }
        for name in _SUMS:
            if r[name] is not None:
                acc[name] += float(r[name])
        for name in _COUNTS:
            acc[name] += r[name] or 0

    if simple:
        chosen = rows.exclude(org_unit_id__in=mixed) if whole and not excluded else rows.filter(org_unit_id__in=simple)
        group_by = keys + (["breakdown"] if dimension is not None else [])
        if group_by:
            grouped = chosen.values(*group_by).annotate(**sums).order_by()
        else:  # one figure for everything chosen
            grouped = [chosen.aggregate(**sums)]
        for r in grouped:
            if r["n"]:
                add(r, r.get("org_unit__code"), r.get("period_start"), r.get("breakdown", ""))
    if mixed:
        detail = (
            rows.filter(org_unit_id__in=mixed)
            .values("org_unit_id", "org_unit__code", "period_start", "breakdown")
            .annotate(**sums)
            .order_by()
        )
        by_cell: dict[tuple[int, date], list[dict]] = defaultdict(list)
        for r in detail:
            by_cell[(r["org_unit_id"], r["period_start"])].append(r)
        for cell in by_cell.values():
            shape = _coarsest({_shape(r["breakdown"]) for r in cell}, dimension)
            for r in cell:
                if shape is not None and _shape(r["breakdown"]) == shape:
                    add(
                        r,
                        r["org_unit__code"] if by_unit else None,
                        r["period_start"] if by_period else None,
                        r["breakdown"],
                    )
    return sorted(folded.values(), key=lambda a: (a["unit"] or "", a["group"], a["period_start"] or date.min))


def _point(r: dict, aggregation: str, period_start: date) -> Point:
    num = r["num"] if r["counted"] else None
    den = r["den"] if r["counted"] else None
    if aggregation == "ratio":
        if den:
            value = num / den
        elif r["n"] == 1 and r["values"] == 1:
            value = r["total"]  # a single row given as a value alone
        else:
            value = None
    elif aggregation == "sum":
        value = r["total"] if r["values"] else None
    else:
        value = r["total"] / r["values"] if r["values"] else None
    return Point(period_start, value, num, den)
