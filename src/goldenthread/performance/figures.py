"""Every figure of a metric, from its current observations, by one rule — the only place that does it.

The scorecard, the metric page, the board and directorate packs, the open data and
``goldenthread assess`` all take their figures from here, so a metric's value for a place and a
period is the same figure wherever it is shown. docs/figures.md explains the rule with a worked
example; docs/adr/0005-one-series-rule.md records why it is this rule.

**The rule.** A metric's figure for an org unit and a period is made from its current rows
(``superseded_at`` empty) in three steps:

1. *Which units.* A unit that holds rows of the metric itself uses its own rows alone. A unit
   without data of its own is built from the lowest units below it that hold data (providers
   under a region, regions under England), so nothing is counted twice. England — a unit coded
   ``england``, created on demand — and "no unit" stand for the plan's whole scope: the lowest
   units holding data anywhere in the plan.
2. *Which rows of each unit.* Rows split by a breakdown (``department_type=1``) are added up. Where
   a unit holds one period at several granularities — a total row beside rows by department
   type — only its coarsest rows for that period are used (fewest breakdown dimensions, the first
   such shape when two are as coarse), so splits are never added to totals and a split by sex is
   never added to a split by age band. Asked for figures grouped by a dimension, a unit's
   coarsest rows *having* that dimension are used. The choice is made per unit and per period:
   another unit's rows, or another period's, never change it.
3. *How rows combine* — the metric's ``aggregation``:

   * ``ratio``: sum(numerator) / sum(denominator), over the rows that give both — England's
     four-hour performance is the share of *all* attendances seen in four hours, never a mean of
     percentages; a single row given as a value alone keeps its value;
   * ``sum``: the sum of the values;
   * ``mean``: the mean of the values.

   A figure over a span of periods (a quarter of monthly data) adds up the same sums over the
   span: three months' numerators over three months' denominators.

**Set-based.** Every function runs a fixed number of queries whatever the number of metrics,
units, periods or rows: the unit asked for (when given by code), which breakdowns each unit holds
(one query for all the metrics), the unit tree (when a unit must be built from those below it),
one ``GROUP BY`` over every unit holding one breakdown shape, and, only for units holding several
shapes, their rows grouped by breakdown to choose per period. Results are plain data —
:class:`Point` tuples, or NumPy arrays ready for the assurance engine (:class:`Series`,
:class:`SeriesTable`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum

from goldenthread.performance.models import Observation
from goldenthread.performance.units import ENGLAND, england_unit, is_whole_scope
from goldenthread.plans.models import Metric, OrgUnit
from goldenthread.plans.tree import Tree

#: the group key of figures totalled over breakdowns
TOTAL = ""

#: what is added up for each figure, in this order: the counts behind a ratio (over rows giving
#: both), how many rows gave both, the sum of the values, how many rows gave a value, all rows
_SUMS = ("num", "den", "counted", "total", "values", "n")
_COUNTED = Q(numerator__isnull=False, denominator__isnull=False)
_AGGREGATES = {
    "num": Sum("numerator", filter=_COUNTED),
    "den": Sum("denominator", filter=_COUNTED),
    "counted": Count("id", filter=_COUNTED),
    "total": Sum("value"),
    "values": Count("value"),
    "n": Count("id"),
}


class Point(NamedTuple):
    """One figure. ``numerator`` and ``denominator`` are the summed counts behind a ratio (None
    when the rows have none); ``value`` is None when it cannot be worked out."""

    period_start: date
    value: float | None
    numerator: float | None
    denominator: float | None


def _point(sums: np.ndarray, aggregation: str, period_start: date) -> Point:
    """Step 3 of the rule: the figure from the added-up sums (in :data:`_SUMS` order)."""
    num, den, counted, total, values, n = (float(x) for x in sums)
    numerator, denominator = (num, den) if counted else (None, None)
    value: float | None = None
    if aggregation == "ratio":
        if denominator:
            value = num / den
        elif n == 1 and values == 1:
            value = total  # a single row given as a value alone
    elif aggregation == "sum":
        value = total if values else None
    elif values:
        value = total / values
    return Point(period_start, value, numerator, denominator)


def _floats(points: list[Point], k: int) -> np.ndarray:
    return np.array([np.nan if p[k] is None else p[k] for p in points], dtype=float)


def as_arrays(points: Iterable[Point]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(periods as datetime64[D], values, numerators, denominators), with NaN for None."""
    points = list(points)
    periods = np.array([p.period_start for p in points], dtype="datetime64[D]")
    return periods, _floats(points, 1), _floats(points, 2), _floats(points, 3)


@dataclass
class Series:
    """A metric's figures at one place, period by period, as arrays for the assurance engine.

    ``sums`` keeps what each period's figure was made from, so :meth:`over` gives the figure
    over a span by the same rule as :func:`value_over` (the sums over the span, never a mean of
    the periods' figures)."""

    aggregation: str
    periods: list[date]
    sums: np.ndarray  # (periods, len(_SUMS))

    @classmethod
    def empty(cls, aggregation: str) -> Series:
        return cls(aggregation, [], np.zeros((0, len(_SUMS))))

    def __post_init__(self) -> None:
        points = self.points()
        self.values = _floats(points, 1)
        self.numerators = _floats(points, 2)
        self.denominators = _floats(points, 3)

    def points(self) -> list[Point]:
        return [_point(s, self.aggregation, d) for d, s in zip(self.periods, self.sums, strict=True)]

    def over(self, start: date, end: date) -> Point | None:
        """The figure over the periods from ``start`` to ``end`` (e.g. a quarter of monthly data),
        dated ``start``; None when the series has no period in the span."""
        idx = [i for i, d in enumerate(self.periods) if start <= d <= end]
        return _point(self.sums[idx].sum(axis=0), self.aggregation, start) if idx else None


@dataclass
class SeriesTable:
    """Every unit's own series of one metric in long format — parallel arrays sorted by unit code,
    group and period — for vectorised assurance: ``spc_many(t.unit, t.period, t.value)``."""

    metric: str
    aggregation: str
    unit_id: np.ndarray  # int64: org unit ids
    unit: np.ndarray  # object: org unit codes
    group: np.ndarray  # object: breakdown value, TOTAL ("") for totals
    period: np.ndarray  # datetime64[D]: first day of the period
    value: np.ndarray  # float, NaN where there is no value
    numerator: np.ndarray
    denominator: np.ndarray

    def __len__(self) -> int:
        return int(self.unit.size)

    def _grouped(self) -> bool:
        return bool(self.group.size) and bool((self.group != TOTAL).any())

    def _point(self, i: int) -> Point:
        def opt(x: float) -> float | None:
            return None if np.isnan(x) else float(x)

        return Point(self.period[i].astype(date), opt(self.value[i]), opt(self.numerator[i]), opt(self.denominator[i]))

    def series(self) -> dict[str | tuple[str, str], list[Point]]:
        """Each series as a list of points: keyed by unit code, or (unit, group) when grouped."""
        grouped = self._grouped()
        out: dict[str | tuple[str, str], list[Point]] = defaultdict(list)
        for i in range(len(self)):
            out[(self.unit[i], self.group[i]) if grouped else self.unit[i]].append(self._point(i))
        return dict(out)

    def latest(self) -> dict[int, tuple[str, Point]]:
        """Each unit's last period: {unit id: (unit code, point)} (for ungrouped tables)."""
        return {int(self.unit_id[i]): (self.unit[i], self._point(i)) for i in range(len(self))}


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
    ask = _Ask(dimension, start, end, by_period=True)
    folded = _figures_at([metric], _resolve_unit(metric, unit), ask)
    out: dict[str, list[Point]] = defaultdict(list)
    for (_, _, period, group), sums in folded.sums.items():
        out[group].append(_point(sums, metric.aggregation, period))
    return dict(out)


def value_over(
    metric: Metric, start: date, end: date, unit: OrgUnit | str | None = None, *, dimension: str | None = None
) -> dict[str, Point]:
    """One figure over a span of periods (e.g. a quarter of monthly data), aggregated from the
    rows — for a ratio, the sums of three months' counts, not a mean of monthly percentages.
    {group: point}, with the point dated ``start``; {TOTAL: point} without ``dimension``."""
    ask = _Ask(dimension, start, end, by_period=False)
    folded = _figures_at([metric], _resolve_unit(metric, unit), ask)
    return {group: _point(sums, metric.aggregation, start) for (_, _, _, group), sums in folded.sums.items()}


def plan_series(metrics: list[Metric], where: OrgUnit | None = None, *, until: date | None = None) -> dict[int, Series]:
    """Every given metric's series at ``where`` (None: the whole plan) up to ``until``, keyed by
    metric id — the assessment of a whole plan, in four queries whatever the number of metrics."""
    if not metrics:
        return {}
    folded = _figures_at(metrics, where, _Ask(end=until, by_period=True))
    periods: dict[int, list[date]] = defaultdict(list)
    sums: dict[int, list[np.ndarray]] = defaultdict(list)
    for (metric_id, _, period, _), s in folded.sums.items():
        periods[metric_id].append(period)
        sums[metric_id].append(s)
    return {
        x.pk: Series(x.aggregation, periods[x.pk], np.array(sums[x.pk]))
        if x.pk in periods
        else Series.empty(x.aggregation)
        for x in metrics
    }


def all_series(
    metric: Metric,
    *,
    kind: str | None = None,
    dimension: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> SeriesTable:
    """Every org unit's own series of the metric (e.g. every provider's monthly AE4HR), in at most
    three queries; ``kind`` keeps units of one kind ("provider"), ``dimension`` splits each
    unit's series by a breakdown dimension."""
    ask = _Ask(dimension, start, end, by_unit=True, by_period=True, kind=kind)
    held = _breakdowns_held([metric], kind)
    folded = _fold(held, held, ask)
    keys = sorted(folded.sums, key=lambda k: (folded.codes[k[1]], k[3], k[2]))
    points = [_point(folded.sums[k], metric.aggregation, k[2]) for k in keys]
    return SeriesTable(
        metric=metric.code,
        aggregation=metric.aggregation,
        unit_id=np.array([k[1] for k in keys], dtype=np.int64),
        unit=np.array([folded.codes[k[1]] for k in keys], dtype=object),
        group=np.array([k[3] for k in keys], dtype=object),
        period=np.array([k[2] for k in keys], dtype="datetime64[D]"),
        value=_floats(points, 1),
        numerator=_floats(points, 2),
        denominator=_floats(points, 3),
    )


# --- step 1: which units ------------------------------------------------------------------------


def _resolve_unit(metric: Metric, unit: OrgUnit | str | None) -> OrgUnit | None:
    if unit is None or isinstance(unit, OrgUnit):
        return unit
    if unit.lower() == ENGLAND:
        return england_unit(metric.plan)
    found = OrgUnit.objects.filter(plan_id=metric.plan_id, code=unit).first()
    if found is None:
        raise OrgUnit.DoesNotExist(f"plan {metric.plan.code} has no org unit '{unit}'")
    return found


#: metric id → org unit id → the breakdowns the unit holds current rows of
Held = dict[int, dict[int, set[str]]]


def _breakdowns_held(metrics: list[Metric], kind: str | None = None) -> Held:
    """Which breakdowns each unit holds, for every given metric (one query)."""
    rows = Observation.objects.filter(metric_id__in=[x.pk for x in metrics], superseded_at=None)
    if kind:
        rows = rows.filter(org_unit__kind=kind)
    held: Held = defaultdict(lambda: defaultdict(set))
    for metric_id, unit_id, breakdown in (
        rows.values_list("metric_id", "org_unit_id", "breakdown").distinct().order_by()
    ):
        held[metric_id][unit_id].add(breakdown)
    return held


def _figures_at(metrics: list[Metric], where: OrgUnit | None, ask: _Ask) -> _Folded:
    """The figures of ``metrics`` at ``where``: step 1 of the rule for each metric, then steps 2–3."""
    held = _breakdowns_held(metrics)
    tree: list[Tree] = []  # read once, and only when a unit is built from those below it

    def lowest(units: Iterable[int], within: int | None) -> list[int]:
        if not tree:
            tree.append(Tree.org_units([metrics[0].plan_id]))
        return tree[0].lowest(units, within)

    chosen: Held = {}
    for metric_id, units in held.items():
        if where is not None and where.pk in units:
            chosen[metric_id] = {where.pk: units[where.pk]}
        else:
            within = where.pk if where is not None and not is_whole_scope(where) else None
            chosen[metric_id] = {pk: units[pk] for pk in lowest(units, within)}
    return _fold(chosen, held, ask)


# --- steps 2 and 3: which rows, added up --------------------------------------------------------


@dataclass(frozen=True)
class _Ask:
    """What figures are asked for: grouped by a breakdown dimension or totalled, within a span
    of periods, one per unit or for the units together, one per period or over the span."""

    dimension: str | None = None
    start: date | None = None
    end: date | None = None
    by_unit: bool = False
    by_period: bool = True
    kind: str | None = None


#: (metric id, unit id or None, period start or None, group)
Key = tuple[int, Any, Any, str]


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


@dataclass
class _Folded:
    """Added-up sums by :data:`Key`, and the codes of the units met (when asked by unit)."""

    ask: _Ask
    sums: dict[Key, np.ndarray]
    codes: dict[int, str]

    def add(self, r: dict[str, Any]) -> None:
        ask = self.ask
        unit = None
        if ask.by_unit:
            unit = r["org_unit_id"]
            self.codes[unit] = r["org_unit__code"]
        group = _parse(r["breakdown"])[ask.dimension] if ask.dimension is not None else TOTAL
        key = (r["metric_id"], unit, r["period_start"] if ask.by_period else None, group)
        if key not in self.sums:
            self.sums[key] = np.zeros(len(_SUMS))
        self.sums[key] += [float(r[name] or 0) for name in _SUMS]


def _sorted(folded: _Folded) -> _Folded:
    folded.sums = dict(sorted(folded.sums.items(), key=lambda kv: (kv[0][0], kv[0][3], kv[0][2] or date.min)))
    return folded


def _fold(chosen: Held, held: Held, ask: _Ask) -> _Folded:
    """Sums per :data:`Key` from the coarsest rows of each chosen unit and period.

    A unit whose rows all have one shape (the usual case: all totals, or all split by department
    type) is summed by the database in one GROUP BY over every such unit of every metric. Only
    units holding several shapes (a total row beside split rows) are read by breakdown, to choose
    per period.
    """
    simple: dict[int, set[int]] = defaultdict(set)
    mixed: dict[int, set[int]] = defaultdict(set)
    for metric_id, units in chosen.items():
        for unit_id, breakdowns in units.items():
            shapes = {_shape(b) for b in breakdowns}
            if len(shapes) > 1:
                mixed[metric_id].add(unit_id)
            elif ask.dimension is None or ask.dimension in next(iter(shapes)):
                simple[metric_id].add(unit_id)
    folded = _Folded(ask, {}, {})
    rows = _current(chosen, ask)
    unit_fields = ["org_unit_id", "org_unit__code"] if ask.by_unit else []
    if simple:
        keys = ["metric_id", *unit_fields] + (["period_start"] if ask.by_period else [])
        keys += ["breakdown"] if ask.dimension is not None else []
        for r in rows.filter(_rows_of(simple, held)).values(*keys).annotate(**_AGGREGATES).order_by():
            folded.add({"org_unit_id": None, "period_start": None, "breakdown": TOTAL, **r})
    if mixed:
        fields = ["metric_id", "org_unit_id", *unit_fields[1:], "period_start", "breakdown"]
        cells: dict[tuple[int, int, date], list[dict[str, Any]]] = defaultdict(list)
        for r in rows.filter(_rows_of(mixed, held)).values(*fields).annotate(**_AGGREGATES).order_by():
            cells[(r["metric_id"], r["org_unit_id"], r["period_start"])].append(r)
        for cell in cells.values():
            shape = _coarsest({_shape(r["breakdown"]) for r in cell}, ask.dimension)
            for r in cell:
                if shape is not None and _shape(r["breakdown"]) == shape:
                    folded.add(r)
    return _sorted(folded)


def _current(chosen: Held, ask: _Ask) -> QuerySet[Observation]:
    rows = Observation.objects.filter(metric_id__in=list(chosen), superseded_at=None)
    if ask.kind:
        rows = rows.filter(org_unit__kind=ask.kind)
    if ask.start is not None:
        rows = rows.filter(period_start__gte=ask.start)
    if ask.end is not None:
        rows = rows.filter(period_start__lte=ask.end)
    return rows


def _rows_of(units: dict[int, set[int]], held: Held) -> Q:
    """The rows of the given units of each metric. Where they are most of the units holding the
    metric (England's figures from every provider), the few others are left out instead, which
    keeps the query short."""
    parts = []
    for metric_id, chosen in units.items():
        others = set(held[metric_id]) - chosen
        if not others:
            parts.append(Q(metric_id=metric_id))
        elif len(others) < len(chosen):
            parts.append(Q(metric_id=metric_id) & ~Q(org_unit_id__in=sorted(others)))
        else:
            parts.append(Q(metric_id=metric_id, org_unit_id__in=sorted(chosen)))
    return reduce(or_, parts)
