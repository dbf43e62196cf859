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
shapes, their rows grouped by breakdown to choose per period; the results are added up and the
figures worked out in array operations over the rows read, with no loop over them
(:mod:`goldenthread.performance.folding`). Results are plain data — :class:`Point` tuples, or
NumPy arrays ready for the assurance engine (:class:`Series`, :class:`SeriesTable`,
:class:`SeriesTables` for every metric at once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np

from goldenthread.performance import folding
from goldenthread.performance.folding import SUMS, TOTAL, Ask, Sums, figure_arrays
from goldenthread.performance.units import ENGLAND, england_unit, is_whole_scope
from goldenthread.plans.models import Metric, OrgUnit

__all__ = [
    "TOTAL",
    "Point",
    "Series",
    "SeriesTable",
    "all_series",
    "all_series_many",
    "as_arrays",
    "plan_series",
    "series",
    "series_by",
    "units_holding",
    "value_over",
]


class Point(NamedTuple):
    """One figure. ``numerator`` and ``denominator`` are the summed counts behind a ratio (None
    when the rows have none); ``value`` is None when it cannot be worked out."""

    period_start: date
    value: float | None
    numerator: float | None
    denominator: float | None


def _point(sums: np.ndarray, aggregation: str, period_start: date) -> Point:
    """Step 3 of the rule: the figure from the added-up sums (in :data:`SUMS` order)."""
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
    sums: np.ndarray  # (periods, len(SUMS))

    @classmethod
    def empty(cls, aggregation: str) -> Series:
        return cls(aggregation, [], np.zeros((0, len(SUMS))))

    def __post_init__(self) -> None:
        self.values, self.numerators, self.denominators = figure_arrays(self.sums, self.aggregation)

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

    @classmethod
    def of(cls, metric: Metric, s: Sums) -> SeriesTable:
        """The table of one metric's sums by unit, sorted by unit code, group and period."""
        codes = np.array([s.codes[u] for u in s.unit.tolist()], dtype=object)
        order = np.lexsort((s.period.astype(np.int64), s.group.astype(str), codes.astype(str)))
        s = s.take(order)
        value, numerator, denominator = figure_arrays(s.sums, metric.aggregation)
        return cls(
            metric.code, metric.aggregation, s.unit, codes[order], s.group, s.period, value, numerator, denominator
        )

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
        last: list[int] = np.flatnonzero(np.append(self.unit_id[1:] != self.unit_id[:-1], True)).tolist()
        return {int(self.unit_id[i]): (self.unit[i], self._point(i)) for i in (last if len(self) else [])}


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
    ask = Ask(dimension, start, end, by_period=True)
    s = _figures_at([metric], _resolve_unit(metric, unit), ask)
    out: dict[str, list[Point]] = defaultdict(list)
    for i, (period, group) in enumerate(zip(s.periods(), s.group.tolist(), strict=True)):
        out[group].append(_point(s.sums[i], metric.aggregation, period))
    return dict(out)


def value_over(
    metric: Metric, start: date, end: date, unit: OrgUnit | str | None = None, *, dimension: str | None = None
) -> dict[str, Point]:
    """One figure over a span of periods (e.g. a quarter of monthly data), aggregated from the
    rows — for a ratio, the sums of three months' counts, not a mean of monthly percentages.
    {group: point}, with the point dated ``start``; {TOTAL: point} without ``dimension``."""
    ask = Ask(dimension, start, end, by_period=False)
    s = _figures_at([metric], _resolve_unit(metric, unit), ask)
    return {group: _point(s.sums[i], metric.aggregation, start) for i, group in enumerate(s.group.tolist())}


def plan_series(metrics: list[Metric], where: OrgUnit | None = None, *, until: date | None = None) -> dict[int, Series]:
    """Every given metric's series at ``where`` (None: the whole plan) up to ``until``, keyed by
    metric id — the assessment of a whole plan, in four queries whatever the number of metrics."""
    if not metrics:
        return {}
    s = _figures_at(metrics, where, Ask(end=until, by_period=True))
    out = {}
    for x, part in zip(metrics, _by_metric(s, metrics), strict=True):
        out[x.pk] = Series(x.aggregation, part.periods(), part.sums) if len(part) else Series.empty(x.aggregation)
    return out


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
    return all_series_many([metric], kind=kind, dimension=dimension, start=start, end=end)[metric.pk]


def all_series_many(
    metrics: list[Metric],
    *,
    kind: str | None = None,
    dimension: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[int, SeriesTable]:
    """:func:`all_series` of every given metric, keyed by metric id, in the same three queries."""
    ask = Ask(dimension, start, end, by_unit=True, by_period=True, kind=kind)
    holding = folding.held([x.pk for x in metrics], kind)
    s = folding.fold(holding, holding, ask) if holding else folding.empty()
    return {x.pk: SeriesTable.of(x, part) for x, part in zip(metrics, _by_metric(s, metrics), strict=True)}


def units_holding(metric: Metric) -> set[int]:
    """The ids of the org units holding current rows of the metric (one query)."""
    return set(folding.held([metric.pk]).get(metric.pk, {}))


def _by_metric(s: Sums, metrics: list[Metric]) -> list[Sums]:
    """Each metric's rows of ``s`` (sorted by metric), in the order of ``metrics``."""
    ids = np.array([x.pk for x in metrics], dtype=np.int64)
    starts, ends = np.searchsorted(s.metric, ids, side="left"), np.searchsorted(s.metric, ids, side="right")
    return [s.take(np.arange(a, b)) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


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


def _figures_at(metrics: list[Metric], where: OrgUnit | None, ask: Ask) -> Sums:
    """The figures of ``metrics`` at ``where``: step 1 of the rule for each metric, then steps 2–3."""
    holding = folding.held([x.pk for x in metrics])
    if not holding:
        return folding.empty()
    chosen = folding.choose(holding, metrics[0].plan_id, where.pk if where else None, is_whole_scope(where))
    return folding.fold(chosen, holding, ask)
