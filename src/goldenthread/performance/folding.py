"""The one-series rule's engine (:mod:`goldenthread.performance.figures` is its public face): which
units and which rows of each make a figure, read in set-based queries and added up in
vectorised passes.

1. :func:`held` — which breakdowns each unit holds current rows of, for every metric asked for,
   in one query; each (metric, unit) is *simple* (all its rows of one shape) or *mixed*.
2. :func:`choose` — step 1 of the rule: for each metric, the unit itself when it holds data,
   else the lowest units holding data below it (the whole scope for England); worked out once
   for every metric that holds the same units.
3. :func:`fold` — steps 2 and 3: one ``GROUP BY`` over every simple unit of every metric (the
   database adds up), and, only for mixed units, their rows grouped by breakdown, from which the
   coarsest shape of each unit and period is chosen with array operations. The result is one
   :class:`Sums` — parallel arrays, one row per figure — whatever the number of metrics, units
   or periods.

Sums keep the order of :data:`SUMS`; :func:`figure_arrays` works out the figures from them by
the metric's aggregation, the same arithmetic as :func:`goldenthread.performance.figures._point`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, reduce
from operator import or_

import numpy as np
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from psycopg.types.numeric import FloatLoader

from goldenthread.performance.models import Observation
from goldenthread.plans.tree import Tree

#: the group key of figures totalled over breakdowns
TOTAL = ""

#: what is added up for each figure, in this order: the counts behind a ratio (over rows giving
#: both), how many rows gave both, the sum of the values, how many rows gave a value, all rows
SUMS = ("num", "den", "counted", "total", "values", "n")
_COUNTED = Q(numerator__isnull=False, denominator__isnull=False)
_AGGREGATES = {
    "num": Sum("numerator", filter=_COUNTED),
    "den": Sum("denominator", filter=_COUNTED),
    "counted": Count("id", filter=_COUNTED),
    "total": Sum("value"),
    "values": Count("value"),
    "n": Count("id"),
}
_NO_PERIOD = np.datetime64("NaT", "D")
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Ask:
    """What figures are asked for: grouped by a breakdown dimension or totalled, within a span
    of periods, one per unit or for the units together, one per period or over the span."""

    dimension: str | None = None
    start: date | None = None
    end: date | None = None
    by_unit: bool = False
    by_period: bool = True
    kind: str | None = None


# --- breakdowns and their shapes ----------------------------------------------------------------


@cache
def parse(breakdown: str) -> tuple[tuple[str, str], ...]:
    """``"department_type=1;sex=F"`` as ((dimension, value), …); () for a total."""
    return tuple(tuple(part.split("=", 1)) for part in breakdown.split(";") if "=" in part) if breakdown else ()  # type: ignore[misc]


@cache
def shape(breakdown: str) -> tuple[str, ...]:
    """The dimensions a breakdown splits by: () for a total, ("department_type",) …"""
    return tuple(sorted(d for d, _ in parse(breakdown)))


def group_of(breakdown: str, dimension: str | None) -> str:
    """The breakdown's value of ``dimension`` (TOTAL when no dimension is asked for)."""
    return TOTAL if dimension is None else dict(parse(breakdown))[dimension]


def _ranks(breakdowns: Iterable[str], dimension: str | None) -> dict[str, float]:
    """Each breakdown's rank among the shapes that may be added up: the coarsest first (fewest
    dimensions, then the first such shape), infinite for a shape without ``dimension``."""
    breakdowns = set(breakdowns)
    shapes = sorted({(len(shape(b)), shape(b)) for b in breakdowns if dimension is None or dimension in shape(b)})
    rank = {s: float(i) for i, (_, s) in enumerate(shapes)}
    return {b: rank.get(shape(b), np.inf) for b in breakdowns}


# --- step 1: which units ------------------------------------------------------------------------


#: metric id → org unit id → the breakdowns the unit holds current rows of
Held = dict[int, dict[int, set[str]]]


def held(metric_ids: list[int], kind: str | None = None) -> Held:
    """Which breakdowns each unit holds, for every given metric (one query)."""
    rows = Observation.objects.filter(metric_id__in=metric_ids, superseded_at=None)
    if kind:
        rows = rows.filter(org_unit__kind=kind)
    out: Held = defaultdict(lambda: defaultdict(set))
    for metric_id, unit_id, breakdown in (
        rows.values_list("metric_id", "org_unit_id", "breakdown").distinct().order_by()
    ):
        out[metric_id][unit_id].add(breakdown)
    return out


def choose(holding: Held, plan_id: int, where: int | None, whole_scope: bool) -> Held:
    """Step 1 of the rule for every metric: ``where`` itself when it holds the metric, else the
    lowest units holding it below ``where`` (anywhere, for the whole scope). The unit tree is read
    once, and only when needed; metrics held by the same units share one walk of it."""
    trees: list[Tree] = []
    lowest: dict[frozenset[int], list[int]] = {}
    chosen: Held = {}
    for metric_id, units in holding.items():
        if where is not None and where in units:
            chosen[metric_id] = {where: units[where]}
            continue
        key = frozenset(units)
        if key not in lowest:
            if not trees:
                trees.append(Tree.org_units([plan_id]))
            lowest[key] = trees[0].lowest(key, None if whole_scope else where)
        chosen[metric_id] = {pk: units[pk] for pk in lowest[key]}
    return chosen


# --- steps 2 and 3: which rows, added up --------------------------------------------------------


@dataclass
class Sums:
    """Added-up sums, one row per figure, as parallel arrays; ``unit`` is -1 unless asked by unit,
    ``period`` NaT unless asked by period."""

    metric: np.ndarray  # int64
    unit: np.ndarray  # int64
    period: np.ndarray  # datetime64[D]
    group: np.ndarray  # object: breakdown value, TOTAL for totals
    sums: np.ndarray  # float, (rows, len(SUMS))
    codes: dict[int, str] = field(default_factory=dict)  # unit id → code, when asked by unit

    def __len__(self) -> int:
        return int(self.metric.size)

    def take(self, index: np.ndarray) -> Sums:
        return Sums(
            self.metric[index], self.unit[index], self.period[index], self.group[index], self.sums[index], self.codes
        )

    def periods(self) -> list[date]:
        return self.period.astype(date).tolist()


def empty() -> Sums:
    return Sums(
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        np.zeros(0, "datetime64[D]"),
        np.zeros(0, object),
        np.zeros((0, len(SUMS))),
    )


def _columns(rows: list[tuple], names: list[str]) -> dict[str, np.ndarray]:
    """Query rows (the ``names`` then the sums) as arrays; sums of no rows count as 0."""
    n = len(names)
    sums = np.array([r[n:] for r in rows], dtype=object).reshape(len(rows), len(SUMS))
    sums[sums == None] = 0  # noqa: E711 — elementwise
    out = {name: np.array([r[i] for r in rows], dtype=object) for i, name in enumerate(names)}
    out["sums"] = sums.astype(float)
    return out


def _days(dates: np.ndarray) -> np.ndarray:
    """Dates (objects) as datetime64[D], by their ordinals (many times quicker than astype)."""
    return (np.array([d.toordinal() for d in dates.tolist()], dtype=np.int64) - _EPOCH).astype("datetime64[D]")


def _sums(cols: dict[str, np.ndarray], ask: Ask, codes: dict[int, str]) -> Sums:
    """Rows of a query as :class:`Sums`, with the breakdown read as the group asked for."""
    size = cols["sums"].shape[0]
    group = np.full(size, TOTAL, dtype=object)
    if ask.dimension is not None:
        names = {b: group_of(b, ask.dimension) for b in set(cols["breakdown"])}
        group = np.array([names[b] for b in cols["breakdown"]], dtype=object)
    unit = cols["org_unit_id"].astype(np.int64) if ask.by_unit else np.full(size, -1, np.int64)
    period = _days(cols["period_start"]) if ask.by_period else np.full(size, _NO_PERIOD)
    if ask.by_unit:
        codes.update(zip(cols["org_unit_id"].tolist(), cols["org_unit__code"].tolist(), strict=True))
    return Sums(cols["metric_id"].astype(np.int64), unit, period, group, cols["sums"], codes)


def _coarsest_rows(cols: dict[str, np.ndarray], dimension: str | None) -> np.ndarray:
    """Which rows of mixed units to add up: in each (metric, unit, period), those of the coarsest
    shape having ``dimension`` (step 2 of the rule, per unit and per period)."""
    rank_of = _ranks(cols["breakdown"], dimension)
    rank = np.array([rank_of[b] for b in cols["breakdown"]], dtype=float)
    cell = np.unique(
        np.rec.fromarrays(
            [
                cols["metric_id"].astype(np.int64),
                cols["org_unit_id"].astype(np.int64),
                _days(cols["period_start"]),
            ]
        ),
        return_inverse=True,
    )[1].ravel()
    best = np.full(cell.max() + 1 if cell.size else 0, np.inf)
    np.minimum.at(best, cell, rank)
    return np.flatnonzero((rank == best[cell]) & np.isfinite(rank))


def _concatenated(parts: list[Sums]) -> Sums:
    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return Sums(joined("metric"), joined("unit"), joined("period"), joined("group"), joined("sums"), parts[0].codes)


def _added(parts: list[Sums]) -> Sums:
    """The parts' rows added up by (metric, unit, period, group), sorted by metric, group, unit
    and period."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    s = parts[0] if len(parts) == 1 else _concatenated(parts)
    _, group_index = np.unique(s.group.astype(str), return_inverse=True)
    period_days = s.period.astype(np.int64)
    order = np.lexsort((period_days, s.unit, group_index.ravel(), s.metric))
    s = s.take(order)
    keys = np.stack([s.metric, group_index.ravel()[order], s.unit, period_days[order]], axis=1)
    first = np.ones(len(s), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    if first.all():
        return s
    starts = np.flatnonzero(first)
    totals = np.zeros((starts.size, len(SUMS)))
    np.add.at(totals, np.cumsum(first) - 1, s.sums)
    out = s.take(starts)
    out.sums = totals
    return out


def fold(chosen: Held, holding: Held, ask: Ask) -> Sums:
    """Sums per figure from the coarsest rows of each chosen unit and period.

    A unit whose rows all have one shape (the usual case: all totals, or all split by department
    type) is summed by the database in one GROUP BY over every such unit of every metric. Only
    units holding several shapes (a total row beside split rows) are read by breakdown, to choose
    per period.
    """
    simple: dict[int, set[int]] = defaultdict(set)
    mixed: dict[int, set[int]] = defaultdict(set)
    for metric_id, units in chosen.items():
        for unit_id, breakdowns in units.items():
            shapes = {shape(b) for b in breakdowns}
            if len(shapes) > 1:
                mixed[metric_id].add(unit_id)
            elif ask.dimension is None or ask.dimension in next(iter(shapes)):
                simple[metric_id].add(unit_id)
    rows = _current(list(chosen), ask)
    unit_fields = ["org_unit_id", "org_unit__code"] if ask.by_unit else []
    codes: dict[int, str] = {}
    parts = []
    if simple:
        keys = ["metric_id", *unit_fields] + (["period_start"] if ask.by_period else [])
        keys += ["breakdown"] if ask.dimension is not None else []
        found = rows.filter(_rows_of(simple, holding)).values(*keys).annotate(**_AGGREGATES).order_by()
        parts.append(_sums(_columns(_fetch(found, keys), keys), ask, codes))
    if mixed:
        keys = ["metric_id", "org_unit_id", *unit_fields[1:], "period_start", "breakdown"]
        found = rows.filter(_rows_of(mixed, holding)).values(*keys).annotate(**_AGGREGATES).order_by()
        cols = _columns(_fetch(found, keys), keys)
        keep = _coarsest_rows(cols, ask.dimension)
        parts.append(_sums({k: v[keep] for k, v in cols.items()}, ask, codes))
    return _added(parts)


def _fetch(found: QuerySet[Observation], keys: list[str]) -> list[tuple]:
    """The rows of a GROUP BY: the ``keys`` then :data:`SUMS`. On PostgreSQL the sums are read
    straight as floats (psycopg parses the numeric text, correctly rounded as ``float(Decimal)``
    is: the same numbers) instead of a Decimal per value, which took most of the time for every
    unit's series; elsewhere through Django's converters, which give SQLite's sums their places."""
    rows = found.values_list(*keys, *SUMS)
    if connection.vendor != "postgresql":
        return list(rows)
    query = rows.query
    names = [*query.values_select, *query.annotation_select]
    where = [names.index(name) for name in (*keys, *SUMS)]
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("numeric", FloatLoader)
        cursor.execute(sql, params)
        return (
            [tuple(r[i] for i in where) for r in cursor.fetchall()]
            if where != list(range(len(where)))
            else cursor.fetchall()
        )


def _current(metric_ids: list[int], ask: Ask) -> QuerySet[Observation]:
    rows = Observation.objects.filter(metric_id__in=metric_ids, superseded_at=None)
    if ask.kind:
        rows = rows.filter(org_unit__kind=ask.kind)
    if ask.start is not None:
        rows = rows.filter(period_start__gte=ask.start)
    if ask.end is not None:
        rows = rows.filter(period_start__lte=ask.end)
    return rows


def _rows_of(units: dict[int, set[int]], holding: Held) -> Q:
    """The rows of the given units of each metric, one condition for the metrics that leave out
    the same units: all of a metric's units (England's figures from every provider) is the metric
    alone; where most are taken, the few others are left out instead; else the units are named."""
    whole: list[int] = []
    leaving: dict[tuple[int, ...], list[int]] = defaultdict(list)
    naming: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for metric_id, chosen in units.items():
        others = set(holding[metric_id]) - chosen
        if not others:
            whole.append(metric_id)
        elif len(others) < len(chosen):
            leaving[tuple(sorted(others))].append(metric_id)
        else:
            naming[tuple(sorted(chosen))].append(metric_id)
    parts = [Q(metric_id__in=sorted(whole))] if whole else []
    parts += [Q(metric_id__in=sorted(m)) & ~Q(org_unit_id__in=list(u)) for u, m in leaving.items()]
    parts += [Q(metric_id__in=sorted(m), org_unit_id__in=list(u)) for u, m in naming.items()]
    return reduce(or_, parts)


# --- step 3: the figures ------------------------------------------------------------------------


def figure_arrays(sums: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, numerators, denominators) from rows of sums, NaN where there is none — the
    arithmetic of :func:`goldenthread.performance.figures._point` on every row at once."""
    num, den, counted, total, values, n = (sums[:, i] for i in range(len(SUMS)))
    has_counts = counted != 0
    numerators = np.where(has_counts, num, np.nan)
    denominators = np.where(has_counts, den, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if aggregation == "ratio":
            single = (n == 1) & (values == 1)  # a single row given as a value alone
            out = np.where(has_counts & (den != 0), num / den, np.where(single, total, np.nan))
        elif aggregation == "sum":
            out = np.where(values != 0, total, np.nan)
        else:
            out = np.where(values != 0, total / values, np.nan)
    return out, numerators, denominators
