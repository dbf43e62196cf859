"""Time series of a metric's current observations, aggregated the way the metric declares.

Proportions aggregate as sum(numerator) / sum(denominator), never a mean of percentages; sums
as sums; means as means. An org unit with no data of its own is the aggregate of the units
below it (providers → region → England). Data held at several levels of the same branch is not
double counted: the lowest level with data is used. Rows split by a breakdown (department type,
sex, age band) are summed unless the metric also has unsplit rows, which are then used alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Avg, Count, Sum

from goldenthread.plans import models as m

from .models import Observation


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


def _current(metric: m.Metric, until: date | None):
    rows = Observation.objects.filter(metric=metric, superseded_at=None)
    if until is not None:
        rows = rows.filter(period_start__lte=until)
    if rows.filter(breakdown="").exists():
        rows = rows.filter(breakdown="")
    return rows


def _lowest_level_units(metric: m.Metric, scope: m.OrgUnit | None, rows) -> list[int] | None:
    """Units whose rows make up ``scope``: the lowest level with data in its branch; None = all."""
    with_data = set(rows.values_list("org_unit_id", flat=True).distinct())
    parent = dict(m.OrgUnit.objects.filter(plan_id=metric.plan_id).values_list("pk", "parent_id"))

    def ancestors(pk: int):
        seen = set()
        while (pk := parent.get(pk)) is not None and pk not in seen:
            seen.add(pk)
            yield pk

    if scope is not None and scope.pk in with_data:
        return [scope.pk]
    covered = {a for u in with_data for a in ancestors(u)}
    leaves = [u for u in with_data if u not in covered]
    if scope is not None:
        leaves = [u for u in leaves if scope.pk in set(ancestors(u))]
    return leaves


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


_AGGREGATES = {
    "num": Sum("numerator"), "den": Sum("denominator"), "total": Sum("value"), "mean": Avg("value"),
    "n": Count("id"),
}


def metric_series(metric: m.Metric, where: m.OrgUnit | None = None, *, until: date | None = None) -> Series:
    """One series: the metric at ``where`` (None = everything the plan holds), period by period."""
    rows = _current(metric, until)
    units = _lowest_level_units(metric, where, rows)
    if units is not None:
        rows = rows.filter(org_unit_id__in=units)
    grouped = list(rows.values("period_start").annotate(**_AGGREGATES).order_by("period_start"))
    return _to_series(grouped, metric.aggregation)


def unit_series(metric: m.Metric, *, until: date | None = None) -> dict[int, Series]:
    """Every org unit's own series of the metric, in one query (for vectorised assurance)."""
    rows = _current(metric, until)
    grouped = rows.values("org_unit_id", "period_start").annotate(**_AGGREGATES).order_by("org_unit_id", "period_start")
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for r in grouped:
        by_unit[r["org_unit_id"]].append(r)
    return {unit: _to_series(rs, metric.aggregation) for unit, rs in by_unit.items()}

