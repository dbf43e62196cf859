"""A plan whose metric is reported quarterly, for the tests that periods are shown by their names."""

from __future__ import annotations

from datetime import date

from goldenthread.planfile import validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from .factories import PLAN_WITH_DATA, add

#: the factory plan, its metric reported quarterly and serving two objectives
QUARTERLY_PLAN = PLAN_WITH_DATA.replace("frequency: monthly", "frequency: quarterly").replace(
    "objectives: [S1]", "objectives: [S1, S2]"
)

#: eight quarters, April 2016 to March 2018: 2016/17 Q1 … 2017/18 Q4
QUARTERS = [date(2016 + (i + 1) // 4, (3 + 3 * i) % 12 + 1, 1) for i in range(8)]
#: the same quarters by their names, as every page, chart, pack and export names them
QUARTER_NAMES = [f"{year}/{year - 1999} Q{q}" for year in (2016, 2017) for q in (1, 2, 3, 4)]


def quarterly_plan(code: str = "t") -> m.Plan:
    """Two regions, eight quarters each; the South's value falls in the last quarter."""
    load_plan(validate_text(QUARTERLY_PLAN.replace("code: t\n", f"code: {code}\n", 1)).plan)
    plan = m.Plan.objects.get(code=code)
    for i, quarter in enumerate(QUARTERS):
        add(plan, "FOUR", "north", quarter, 900 + 5 * (i % 3), 1000)
        add(plan, "FOUR", "south", quarter, 600 if i == 7 else 930 + 5 * (i % 2), 1000)
    return plan
