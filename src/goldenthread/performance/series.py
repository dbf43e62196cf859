"""Time series of metrics' current observations, aggregated the way each metric declares.

Proportions aggregate as sum(numerator) / sum(denominator), never a mean of percentages; sums
as sums; means as means. An org unit with no data of its own is the aggregate of the units
below it (providers → region → England). Data held at several levels of the same branch is not
double counted: the lowest level with data is used. Rows split by a breakdown (department type,
sex, age band) are summed unless the metric also has unsplit rows, which are then used alone.

Everything here is set-based: the series of every metric of a plan come from three queries,
whatever the number of metrics, units or periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Avg, Count, Q, Sum

from goldenthread.performance.models import Observation
from goldenthread.plans import models as m


@dataclass
class Series:
    periods: list[date]
    values: np.ndarray
    numerators: np.ndarray
    denominators: np.ndarray

    @classmethod
    def empty(cls) -> Series:
        nothing = np.array([], dtype=float)
        return cls([], nothing, nothing.copy(), nothing.copy())

    def over(self, start: date, end: date, aggregation: str) -> tuple[float | None, float | None, float | None]:
        """The value over a longer period (e.g. a quarter of monthly data), aggregated correctly."""
        idx = [i for i, d in enumerate(self.periods) if start <= d <= end]
        if not idx:
            return None, None, None
        if aggregation == "ratio":
            num, den = float(np.nansum(self.numerators[idx])), float(np.nansum(self.denominators[idx]))
            return (num / den if den else None), num, den
        values = self.values[idx]
        if np.isnan(values).all():
            return None, None, None
        return float(np.nansum(values) if aggregation == "sum" else np.nanmean(values)), None, None


_AGGREGATES = {"num": Sum("numerator"), "den": Sum("denominator"), "total": Sum("value"), "mean": Avg("value")}


def _to_series(grouped: list[dict], aggregation: str) -> Series:
    if not grouped:
        return Series.empty()
    periods = [r["period_start"] for r in grouped]
    num = np.array([float(r["num"]) if r["num"] is not None else np.nan for r in grouped])
    den = np.array([float(r["den"]) if r["den"] is not None else np.nan for r in grouped])
    if aggregation == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(den > 0, num / den, np.nan)
    elif aggregation == "sum":
        values = np.array([float(r["total"]) if r["total"] is not None else np.nan for r in grouped])
    else:
        values = np.array([float(r["mean"]) if r["mean"] is not None else np.nan for r in grouped])
    return Series(periods, values, num, den)


class UnitTree:
    """A plan's org units as parent links, for choosing which units' rows make up an aggregate."""

    def __init__(self, plan_id: int):
        self.parent = dict(m.OrgUnit.objects.filter(plan_id=plan_id).values_list("pk", "parent_id"))

    def ancestors(self, pk: int) -> Iterable[int]:
        seen = set()
        while (pk := self.parent.get(pk)) is not None and pk not in seen:
            seen.add(pk)
            yield pk

    def lowest_with_data(self, with_data: set[int], scope: int | None) -> list[int]:
        if scope is not None and scope in with_data:
            return [scope]
        covered = {a for u in with_data for a in self.ancestors(u)}
        leaves = [u for u in with_data if u not in covered]
        if scope is not None:
            leaves = [u for u in leaves if scope in set(self.ancestors(u))]
        return leaves


def plan_series(
    metrics: list[m.Metric], where: m.OrgUnit | None = None, *, until: date | None = None
) -> dict[int, Series]:
    """Every given metric's series at ``where`` (None = everything held), in three queries."""
    if not metrics:
        return {}
    ids = [x.pk for x in metrics]
    current = Observation.objects.filter(metric_id__in=ids, superseded_at=None)
    if until is not None:
        current = current.filter(period_start__lte=until)
    # which units hold data for each metric, and whether the metric has unsplit rows
    units: dict[int, set[int]] = defaultdict(set)
    has_total: set[int] = set()
    for metric_id, unit_id, totals in (
        current.values("metric_id", "org_unit_id")
        .annotate(totals=Count("id", filter=Q(breakdown="")))
        .values_list("metric_id", "org_unit_id", "totals")
    ):
        units[metric_id].add(unit_id)
        if totals:
            has_total.add(metric_id)
    tree = UnitTree(metrics[0].plan_id)
    chosen = Q(pk__in=[])
    for metric_id, with_data in units.items():
        part = Q(metric_id=metric_id, org_unit_id__in=tree.lowest_with_data(with_data, where.pk if where else None))
        if metric_id in has_total:
            part &= Q(breakdown="")
        chosen |= part
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in (
        current.filter(chosen)
        .values("metric_id", "period_start")
        .annotate(**_AGGREGATES)
        .order_by("metric_id", "period_start")
    ):
        grouped[row["metric_id"]].append(row)
    return {x.pk: _to_series(grouped.get(x.pk, []), x.aggregation) for x in metrics}


def metric_series(metric: m.Metric, where: m.OrgUnit | None = None, *, until: date | None = None) -> Series:
    """One metric's series at ``where`` (None = everything the plan holds), period by period."""
    return plan_series([metric], where, until=until)[metric.pk]


def unit_series(metric: m.Metric, *, until: date | None = None) -> dict[int, Series]:
    """Every org unit's own series of the metric, in one query (for vectorised assurance)."""
    rows = Observation.objects.filter(metric=metric, superseded_at=None)
    if until is not None:
        rows = rows.filter(period_start__lte=until)
    if rows.filter(breakdown="").exists():
        rows = rows.filter(breakdown="")
    grouped = rows.values("org_unit_id", "period_start").annotate(**_AGGREGATES).order_by("org_unit_id", "period_start")
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for r in grouped:
        by_unit[r["org_unit_id"]].append(r)
    return {unit: _to_series(rs, metric.aggregation) for unit, rs in by_unit.items()}
