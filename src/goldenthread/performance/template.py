"""A plan's data template: a CSV with the header the loader reads and a row per metric, to fill in.

Each row names a metric by its code, the org unit the plan's figures are judged for (England, or
the plan's organisation-wide unit), and the plan's first period in the metric's frequency, by the
name the loader takes ("2016/17 Q1", "2016-04", "2016/17"). The value columns are left empty to
fill in. The metric's title, unit and frequency follow for reference; the loader leaves those
columns out with a note (they name no field).
"""

from __future__ import annotations

from datetime import date

from goldenthread.performance.units import ENGLAND, england_unit
from goldenthread.planfile.periods import PeriodError, financial_year, month, parse_financial_year, quarter
from goldenthread.plans.models import Plan

#: the fields the loader reads, in the order the template gives them
FIELDS = ("metric", "org_unit", "period", "value", "numerator", "denominator", "status", "source")
#: columns for reference only (no field of the loader)
REFERENCE = ("metric_title", "metric_unit", "metric_frequency")
FREQUENCY_NAMES = {
    "weekly": "weekly (give the first day of each week, e.g. 2016-04-04)",
    "monthly": "monthly (give months, e.g. 2016-04)",
    "quarterly": "quarterly (give quarters, e.g. 2016/17 Q1)",
    "annual": "annual (give financial years, e.g. 2016/17)",
    "ad_hoc": "as needed (give the date)",
}


def period_as_written(start: date, frequency: str) -> str:
    """A period as a data file writes it, in the metric's frequency: "2016/17 Q4", "2017-01",
    "2016/17"; a date for weekly and ad hoc metrics."""
    fy = start.year if start.month >= 4 else start.year - 1
    if frequency == "quarterly":
        return quarter(fy, (start.month - 4) % 12 // 3 + 1).label
    if frequency == "monthly":
        return month(start.year, start.month).label
    if frequency == "annual":
        return financial_year(fy).label
    return start.isoformat()


def whole_plan_unit(plan: Plan) -> str:
    """The code of the unit the plan's figures are judged for: England, else its organisation-wide unit."""
    unit = england_unit(plan, create=False) or plan.org_units.filter(kind="organisation", parent=None).first()
    return unit.code if unit is not None else ENGLAND


def template_rows(plan: Plan) -> tuple[list[str], list[list[str]]]:
    """The plan's data template: its header and a row per metric, in plan order."""
    try:
        first = parse_financial_year(plan.start).start
    except PeriodError:
        first = None
    unit = whole_plan_unit(plan)
    rows = []
    for x in plan.metrics.order_by("position"):
        period = period_as_written(first, x.frequency) if first is not None else ""
        rows.append([x.code, unit, period, "", "", "", "", "", x.title, x.unit, x.frequency])
    return [*FIELDS, *REFERENCE], rows
