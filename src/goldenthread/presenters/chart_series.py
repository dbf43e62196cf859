"""A metric's chart as a page prints it: the table of values and the chart's points, period by
period, with the limits held inside what the measure can be.

A process limit is a statement about where the process's values fall; a limit past what a
measure can be (below 0% or above 100% for a percentage, below 0 for a count) says nothing more
than the bound itself, and printed as "−96%" it says something false. So the limits a page, a
chart or a pack shows are clipped to the measure's possible range (:func:`possible_range`: the
metric's own ``scale_min``/``scale_max`` when the plan sets them, else by its unit), as qicharts2
clips its p chart's limits to 0 and 1. The judgement is unaffected: no value can lie beyond a
bound of its own range, so no point is inside a clipped limit that was outside the unclipped one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

import numpy as np

from goldenthread.performance.assessment import MetricAssessment
from goldenthread.planfile.charts import period_start
from goldenthread.planfile.periods import PeriodError, period_name
from goldenthread.plans import models as m
from goldenthread.presenters.charts import NOT_JUDGED, POINT_LABELS, ChartPoint

#: the lowest and highest value a measure of each unit can take, when its plan sets none
UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "percentage": (0.0, 1.0),
    "count": (0.0, None),
    "days": (0.0, None),
    "rate": (0.0, None),
}


@dataclass
class TableRow:
    period: date
    value: float | None
    mean: float | None  # the centre line: the mean, or a run chart's median (the page names which)
    lpl: float | None
    upl: float | None
    special_cause: str
    point_type: str
    planned: float | None = None
    name: str = ""  # the period's name: "Jan 2017", "2016/17 Q4"


def possible_range(metric: m.Metric) -> tuple[float | None, float | None]:
    """The lowest and highest value the metric can take (None: no bound)."""
    low, high = UNIT_RANGES.get(metric.unit, (None, None))
    if metric.scale_min is not None:
        low = float(metric.scale_min)
    if metric.scale_max is not None:
        high = float(metric.scale_max)
    return low, high


def clipped(x: float, bounds: tuple[float | None, float | None]) -> float | None:
    """``x`` held inside ``bounds``; None for a missing figure."""
    if math.isnan(x):
        return None
    low, high = bounds
    if low is not None and x < low:
        return low
    if high is not None and x > high:
        return high
    return float(x)


def _f(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def table_and_points(a: MetricAssessment, planned: dict[date, float]) -> tuple[list[TableRow], list[ChartPoint]]:
    """The table's rows and the chart's points, period by period, from the assessment's chart."""
    chart = a.chart
    if chart is None:
        return [], []
    bounds = possible_range(a.metric)
    values = np.asarray(a.series.values, dtype=float)
    table: list[TableRow] = []
    points: list[ChartPoint] = []
    for i, d in enumerate(a.series.periods):
        kind = str(chart.point_type[i]) or NOT_JUDGED
        centre, lpl, upl = _f(chart.centre[i]), clipped(chart.lpl[i], bounds), clipped(chart.upl[i], bounds)
        rule = str(chart.special_cause[i])
        name = period_name(d, a.metric.frequency)
        table.append(
            TableRow(d, _f(values[i]), centre, lpl, upl, rule, POINT_LABELS.get(kind, kind), planned.get(d), name)
        )
        points.append(ChartPoint(d, float(values[i]), centre, lpl, upl, kind, rule, int(chart.rebase_group[i])))
    return table, points


def _dated(entries: object, frequency: str, field: str) -> list[tuple[date, str]]:
    """The plan's dated entries (``[{date, <field>}]``) by the first day of the period each falls in;
    an entry whose date names no period is left out (the plan's validation reports it)."""
    out = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            out.append((period_start(str(entry["date"]), frequency), str(entry.get(field, ""))))
        except (PeriodError, KeyError, TypeError, AttributeError):
            continue
    return sorted(out)


class DatedMarks(TypedDict):
    annotations: list[tuple[date, str]]
    rebases: list[tuple[date, str]]


def dated_marks(metric: m.Metric) -> DatedMarks:
    """The metric's annotations (dated events) and rebase dates with their reasons, for the chart."""
    return {
        "annotations": _dated(metric.annotations, metric.frequency, "text"),
        "rebases": _dated(metric.rebase, metric.frequency, "reason"),
    }
