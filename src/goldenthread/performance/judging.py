"""Every metric judged on its own chart: the assessment's one pass over a plan's series.

Each metric names its chart in the plan (``chart``), or the plan file's rule chooses one from its
unit and aggregation (:func:`goldenthread.planfile.charts.chart_for`). Metrics are grouped by
chart and by ``fix_after_n``, and each group is judged in one call to the engine, all its series
at once: the XmR chart by :func:`~goldenthread.assurance.spc.spc_many` (Making Data Count, every
figure as before), every other chart by :func:`~goldenthread.assurance.charts.chart_many`
(qicharts2), with the numerators and denominators of a p, p′, u or u′ chart. Each metric's rebase
dates start new segments.

What the other charts give is read the Making Data Count way, so every page, pack and trigger
reads one vocabulary (:class:`~goldenthread.assurance.results.SPCResult`):

* a point above the upper or below the lower limit is special cause ("Above UCL", "Below LCL"),
  improvement or concern by the metric's polarity;
* the variation icon is the latest point's; when the latest point is inside its limits but the
  latest segment fails the Anhøj rules (an unusually long run on one side of the centre line, or
  unusually few crossings of it), the shift is special cause on the latest point's side;
* assurance compares the target with the latest point's limits (a run chart has none: no
  assurance).

A group the engine refuses (a t chart's value of 0, a count above its cases) is judged metric by
metric, and a metric the engine refuses is drawn as a run chart, unjudged, with a note saying so.
A metric whose chart needs numerators and denominators (p, p′, u, u′) but whose data give some
values without them (a value returned alone in a quarterly update) is judged on the XmR chart,
with a note saying so: the counts are never made up from the values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from goldenthread.assurance.charts import RATIO_CHARTS, ChartTable, SeriesRuns, chart_many
from goldenthread.assurance.icons import (
    ASSURANCE_LABELS,
    IMPROVEMENT_DIRECTIONS,
    POINT_TYPE_LABELS,
    VARIATION_LABELS,
    assurance_codes,
    point_type_codes,
    variation_codes,
)
from goldenthread.assurance.results import Note, SPCResult
from goldenthread.assurance.spc import spc_many
from goldenthread.assurance.special_cause import SPECIAL_CAUSE_LABELS
from goldenthread.performance.charting import (
    CHART_REFUSED,
    LIMIT_NOTES,
    MIN_POINTS,
    NO_COUNTS,
    TOO_FEW_POINTS,
    MetricChart,
    chart_of,
    run_chart,
)
from goldenthread.performance.figures import Series, SeriesTable
from goldenthread.planfile.charts import chart_for, rebase_starts
from goldenthread.plans import models as m

#: (the SPC judgement, None when there is none; what the chart shows, None without data)
Judged = tuple[SPCResult | None, MetricChart | None]


def judge_all(
    metrics: list[m.Metric], series: Mapping[int, Series], improvement: Mapping[int, str], target: Mapping[int, float]
) -> dict[int, Judged]:
    """Every metric with data judged on its chart: {metric pk: (SPC result, chart)}. ``improvement``
    and ``target`` are by metric pk (a metric missing from ``target`` has none)."""
    groups: dict[tuple[str, int | None], list[m.Metric]] = defaultdict(list)
    uncounted: dict[int, str] = {}  # metrics whose ratio chart's counts the data do not give: on XmR
    for x in metrics:
        if len(series[x.pk].periods):
            kind = chart_for(x)
            if kind in RATIO_CHARTS and not _counted(series[x.pk]):
                uncounted[x.pk], kind = kind, "xmr"
            groups[(kind, x.fix_after_n)].append(x)
    asked = _Asked(series, improvement, target)
    out: dict[int, Judged] = {}
    for (kind, fix_after), group in groups.items():
        out.update(_judged(kind, fix_after, group, asked))
    for pk, planned in uncounted.items():
        chart = out[pk][1]
        if chart is not None:
            chart.planned, chart.notes = planned, (Note(NO_COUNTS), *chart.notes)
    return out


def _counted(s: Series) -> bool:
    """Whether every value of a ratio's series comes with its numerator and denominator."""
    held = ~np.isnan(s.values)
    return bool(np.all(~np.isnan(s.numerators[held]) & ~np.isnan(s.denominators[held])))


@dataclass(frozen=True)
class _Asked:
    """The series to judge and each metric's direction of improvement and target, by metric pk."""

    series: Mapping[int, Series]
    improvement: Mapping[int, str]
    target: Mapping[int, float]


def _judged(kind: str, fix_after: int | None, group: list[m.Metric], asked: _Asked) -> dict[int, Judged]:
    try:
        if kind == "xmr":
            return _xmr(fix_after, group, asked)
        return _other(kind, fix_after, group, asked)
    except ValueError:
        if len(group) > 1:  # find the metric the engine refuses: the others are judged as usual
            return {pk: j for x in group for pk, j in _judged(kind, fix_after, [x], asked).items()}
        values = asked.series[group[0].pk].values
        return {group[0].pk: (None, run_chart(values, kind, MIN_POINTS, (Note(CHART_REFUSED),)))}


def _long(group: list[m.Metric], series: Mapping[int, Series]) -> tuple[np.ndarray, np.ndarray, dict]:
    """The group's series in long format (metric pk, period) and each metric's rebase days."""
    ids = np.concatenate([np.full(len(series[x.pk].periods), x.pk) for x in group])
    dates = np.concatenate([np.asarray(series[x.pk].periods, dtype="datetime64[D]") for x in group])
    rebase = {x.pk: np.asarray(rebase_starts(x.rebase, x.frequency), dtype="datetime64[D]") for x in group if x.rebase}
    return ids, dates, rebase


def _xmr(fix_after: int | None, group: list[m.Metric], asked: _Asked) -> dict[int, Judged]:
    """Making Data Count's XmR chart, as the assessment always judged it."""
    series, improvement, target = asked.series, asked.improvement, asked.target
    ids, dates, rebase = _long(group, series)
    table = spc_many(
        ids,
        dates,
        np.concatenate([series[x.pk].values for x in group]),
        improvement={x.pk: improvement[x.pk] for x in group},
        target={x.pk: target[x.pk] for x in group if x.pk in target},
        rebase=rebase or (),
        fix_after=fix_after,
    )
    out: dict[int, Judged] = {}
    for x in group:
        result = table.result(x.pk)
        chart = chart_of(series[x.pk].values, result)
        out[x.pk] = (None if chart is not None and chart.too_few else result, chart)
    return out


def _other(kind: str, fix_after: int | None, group: list[m.Metric], asked: _Asked) -> dict[int, Judged]:
    """A qicharts2 chart for the whole group in one pass, each metric read the Making Data Count way."""
    series = asked.series
    ids, dates, rebase = _long(group, series)
    ratio = kind in RATIO_CHARTS
    values = np.concatenate([series[x.pk].numerators if ratio else series[x.pk].values for x in group])
    denominators = np.concatenate([series[x.pk].denominators for x in group]) if ratio else None
    table = chart_many(kind, ids, dates, values, denominators, rebase=rebase or (), fix_after=fix_after)
    return {x.pk: _read(table, x.pk, kind, asked.improvement[x.pk], asked.target.get(x.pk)) for x in group}


def _read(table: ChartTable, pk: int, kind: str, improvement: str, target: float | None) -> Judged:
    """One metric's chart from the engine's table, with point types, variation and assurance."""
    rows = table.rows(pk)  # date order: the series' order
    y, centre, lpl, upl = (np.asarray(a[rows], dtype=float) for a in (table.values, table.centre, table.lpl, table.upl))
    notes = tuple(table.notes.get(pk, ()))
    points = int(np.count_nonzero(~np.isnan(y)))
    if points < MIN_POINTS:
        notes = tuple(n for n in notes if n.code not in LIMIT_NOTES)  # no limits are drawn: moot
        return None, run_chart(y, kind, MIN_POINTS, (Note(TOO_FEW_POINTS, number=points), *notes))
    direction = IMPROVEMENT_DIRECTIONS[improvement]
    with np.errstate(invalid="ignore"):
        side = np.nan_to_num(np.sign(y - centre)).astype(np.int8)
    outside = np.asarray(table.outside_limits[rows], dtype=bool)
    sct = np.where(outside, np.where(side > 0, 1, 2), 0).astype(np.int8)
    pt = point_type_codes(sct, direction)
    latest = int(np.flatnonzero(~np.isnan(y))[-1])
    runs = table.runs(pk)
    latest_type = pt[latest : latest + 1]
    if runs.runs_signal and latest_type[0] == 0 and side[latest] != 0:  # a shift: the latest point's side
        latest_type = point_type_codes(np.array([1 if side[latest] > 0 else 2], dtype=np.int8), direction)
    variation = str(VARIATION_LABELS[variation_codes(latest_type, direction)][0])
    assurance = None
    if kind != "run" and target is not None:
        last = slice(len(rows) - 1, len(rows))
        assurance = ASSURANCE_LABELS[assurance_codes(np.array([target]), lpl[last], upl[last], direction)][0]
    result = SPCResult(
        dates=np.asarray(table.dates[rows]),
        values=y,
        rebase_group=np.asarray(table.segment[rows], dtype=np.int64),
        mean=centre,
        lpl=lpl,
        upl=upl,
        nlpl=np.full(y.size, np.nan),
        nupl=np.full(y.size, np.nan),
        outside_limits=outside,
        relative_to_mean=side,
        close_to_limits=np.zeros(y.size, dtype=bool),
        special_cause_type=SPECIAL_CAUSE_LABELS[sct],
        special_cause_flag=sct != 0,
        point_type=POINT_TYPE_LABELS[pt],
        short_group_warning=np.zeros(y.size, dtype=bool),
        improvement=improvement,
        target=target,
        variation=variation,
        assurance=assurance,
        warnings=tuple(table.warnings.get(pk, ())),
        notes=notes,
    )
    return result, _chart(result, kind, points, runs)


def _chart(result: SPCResult, kind: str, points: int, runs: SeriesRuns) -> MetricChart:
    return MetricChart(
        kind,
        kind,
        "median" if kind in ("run", "g") else "mean",
        result.mean,
        result.lpl,
        result.upl,
        np.asarray(result.point_type, dtype=object),
        np.asarray(result.special_cause_type, dtype=object),
        result.rebase_group,
        points,
        MIN_POINTS,
        result.notes,
        runs,
    )


def unit_chart(x: m.Metric, table: SeriesTable) -> str:
    """The chart the units' series of a metric are judged on: the metric's, or XmR for a ratio chart
    whose data give values without their counts."""
    kind = chart_for(x)
    held = ~np.isnan(table.value)
    if kind in RATIO_CHARTS and not np.all(~np.isnan(table.numerator[held]) & ~np.isnan(table.denominator[held])):
        return "xmr"
    return kind


def unit_concerns(kind: str, tables: list[SeriesTable], pks: list[int], direction: Mapping[int, int]) -> list[dict]:
    """Each unit's series of the metrics (``tables``, metric pks ``pks``) judged on chart ``kind`` (not
    XmR) in one pass: the units whose latest point with a value is outside its limits on the side of
    concern, in a series of at least :data:`MIN_POINTS` values; the engine refusing the data judges
    none. [{metric, unit, period, value, special_cause_type}]."""
    metric = np.concatenate([np.full(len(t), pk) for t, pk in zip(tables, pks, strict=True)])
    unit = np.concatenate([t.unit for t in tables])
    ids = np.char.add(np.char.add(metric.astype(str), " "), unit.astype(str))
    ratio = kind in RATIO_CHARTS
    column = "numerator" if ratio else "value"
    try:
        table = chart_many(
            kind,
            ids,
            np.concatenate([t.period for t in tables]),
            np.concatenate([getattr(t, column) for t in tables]),
            np.concatenate([t.denominator for t in tables]) if ratio else None,
        )
    except ValueError:
        return []
    ok = ~np.isnan(table.values)
    order = table.order[ok[table.order]]  # the points with a value, by series then date
    codes = table.series_code[order]
    last = order[np.append(codes[1:] != codes[:-1], True)] if order.size else order
    enough = np.bincount(table.series_code[ok], minlength=table.series.size) >= MIN_POINTS
    with np.errstate(invalid="ignore"):
        side = np.sign(table.values[last] - table.centre[last])
    towards = np.array([direction[int(metric[i])] for i in last.tolist()], dtype=float)
    concern = table.outside_limits[last] & (side * towards < 0) & enough[table.series_code[last]]
    return [
        {
            "metric": int(metric[i]),
            "unit": str(unit[i]),
            "period": str(np.datetime64(table.dates[i], "D")),
            "value": float(table.values[i]),
            "special_cause_type": "Above UCL" if table.values[i] > table.centre[i] else "Below LCL",
        }
        for i in last[concern].tolist()
    ]
