"""A small plan whose metrics' series set off each of the chart engine's cautions, for the tests of
what the chart pages say (issue 18): too few points, limits past a measure's range, gaps,
constant values and a series one point short of the engine's warning threshold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from goldenthread.performance.models import Observation
from goldenthread.planfile import validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from .factories import months

CHART_PLAN = """\
code: c
title: Chart cautions
organisation: {code: o, name: Org}
start: 2016/17
end: 2017/18
levels: [{code: p, name: Priority}]
org_units:
  - {code: england, name: England, type: organisation}
  - {code: north, name: North, type: region, parent: england}
objectives:
  - {code: P1, level: p, title: Everything}
metrics:
  - {code: SHORT, title: Two points, objectives: [P1], unit: percentage, polarity: higher_is_better,
     aggregation: ratio, frequency: monthly, headline: true, chart: xmr, target: {value: 1, comparison: "="},
     trigger_rules: [{rule: below_target_for, periods: 2}]}
  - {code: WIDE, title: Wild percentages, objectives: [P1], unit: percentage, polarity: higher_is_better,
     aggregation: ratio, frequency: monthly, headline: true, chart: xmr, target: {value: 0.95}}
  - {code: GAPS, title: With gaps, objectives: [P1], unit: count, aggregation: sum, frequency: monthly,
     headline: true, chart: xmr}
  - {code: FLAT, title: Never changes, objectives: [P1], unit: count, aggregation: sum, frequency: monthly,
     headline: true, chart: xmr}
  - {code: TWELVE, title: Twelve points, objectives: [P1], unit: count, aggregation: sum, frequency: monthly,
     headline: true, chart: xmr}
  - {code: SCALED, title: Score from 1 to 5, objectives: [P1], unit: score, scale_min: 1, scale_max: 5,
     aggregation: mean, frequency: monthly, headline: true}
"""

#: the as-at period that takes in every point below
AS_AT = "2017/18 Q4"


def _row(metric: m.Metric, unit: m.OrgUnit, month: date, value: float | None, den: int | None = None) -> Observation:
    if den is not None:  # a ratio: value as numerator over denominator
        num = None if value is None else round(value * den)
        share = None if num is None or not den else Decimal(num) / Decimal(den)
        return Observation(
            metric=metric, org_unit=unit, period_start=month, numerator=num, denominator=den, value=share
        )
    return Observation(
        metric=metric, org_unit=unit, period_start=month, value=None if value is None else Decimal(str(value))
    )


def chart_plan() -> m.Plan:
    """The plan, with each metric's series at North."""
    load_plan(validate_text(CHART_PLAN).plan)
    plan = m.Plan.objects.get(code="c")
    north = plan.org_units.get(code="north")
    x = {metric.code: metric for metric in plan.metrics.all()}
    rows = [_row(x["SHORT"], north, d, v, 100) for d, v in zip(months(2), (0.5, 0.99), strict=True)]
    rows += [_row(x["WIDE"], north, d, 0.05 if i % 2 else 0.99, 100) for i, d in enumerate(months(14))]
    gaps = [4.0, 6.0, 5.0, None, 7.0, 5.0, 6.0, None, 4.0, 5.0, 6.0, 5.0, 7.0, 4.0, 6.0]
    rows += [_row(x["GAPS"], north, d, v) for d, v in zip(months(15), gaps, strict=True)]
    rows += [_row(x["FLAT"], north, d, 5.0) for d in months(14)]
    rows += [_row(x["TWELVE"], north, d, float(3 + i % 4)) for i, d in enumerate(months(12))]
    rows += [_row(x["SCALED"], north, d, 1.2 if i % 2 else 4.9) for i, d in enumerate(months(14))]
    Observation.objects.bulk_create(rows)
    return plan
