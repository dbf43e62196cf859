"""Small plans with data, built in the database for tests that need performance data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from goldenthread.performance.models import Observation
from goldenthread.planfile import validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

PLAN_WITH_DATA = """\
code: t
title: Test plan with data
organisation: {code: o, name: Org}
start: 2016/17
end: 2016/17
levels: [{code: p, name: Priority}, {code: s, name: Sub-priority}]
org_units:
  - {code: england, name: England, type: organisation}
  - {code: north, name: North, type: region, parent: england}
  - {code: south, name: South, type: region, parent: england}
objectives:
  - {code: P1, level: p, title: Urgent care}
  - {code: S1, level: s, title: Recover the standard, parent: P1, org_unit: north}
  - {code: S2, level: s, title: Publish the plan, parent: P1}
activities:
  - {code: A1, objective: S2, title: Publish, due: 2016-09-30, status: in_progress}
  - {code: A2, objective: S2, title: Survey, due: Annual survey}
metrics:
  - code: FOUR
    title: Four-hour performance
    objectives: [S1]
    unit: percentage
    polarity: higher_is_better
    aggregation: ratio
    frequency: monthly
    headline: true
    target: {value: 0.95, by: 2016/17 Q4}
    trigger: Three months below the standard
    trigger_rules:
      - {rule: below_target_for, periods: 3}
      - {rule: special_cause_concern}
activity_rules:
  - {rule: activity_overdue}
"""


def months(n: int, start: date = date(2016, 4, 1)) -> list[date]:
    return [date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(n)]


def add(plan: m.Plan, metric: str, unit: str, month: date, num: int, den: int, breakdown: str = "") -> None:
    Observation.objects.create(
        metric=plan.metrics.get(code=metric),
        org_unit=plan.org_units.get(code=unit),
        breakdown=breakdown,
        period_start=month,
        numerator=num,
        denominator=den,
        value=Decimal(num) / Decimal(den),
    )


def plan_with_data(text: str = PLAN_WITH_DATA) -> m.Plan:
    """Two regions, 24 months each, split by department type; the South drops in the last month."""
    load_plan(validate_text(text).plan)
    plan = m.Plan.objects.get(code="t")
    rows = []
    metric = plan.metrics.get(code="FOUR")
    units = {u.code: u for u in plan.org_units.all()}
    for i, month in enumerate(months(24)):
        for unit, base in (("north", 90), ("south", 93)):
            num = 70 if (unit == "south" and i == 23) else base + (i % 3)
            for dept, den in (("1", 60), ("other", 40)):
                share = round(num * den / 100)
                rows.append(
                    Observation(
                        metric=metric,
                        org_unit=units[unit],
                        breakdown=f"department_type={dept}",
                        period_start=month,
                        numerator=share,
                        denominator=den,
                        value=Decimal(share) / Decimal(den),
                    )
                )
    Observation.objects.bulk_create(rows)
    return plan
