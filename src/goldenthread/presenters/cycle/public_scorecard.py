"""The public scorecard of a published period: the plan's scorecard as at the period, each measure's
SPC chart as the metric page draws it, and the open-data files of the same figures.

Only what the period's publication makes public: the figures as at the period's end (nothing
loaded for later periods), the plan's own measures and targets, and the Making Data Count
judgements on them. The planning team's notes, the units' updates and anything signed-in pages
link to are not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.access import rules
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.formatting import item_anchor
from goldenthread.planfile.periods import Period, PeriodError, parse_period
from goldenthread.presenters.assurance import Scorecard, scorecard
from goldenthread.presenters.metric import metric_page

#: the open-data files, as the public page offers them: (file name, what it holds)
OPEN_DATA = (
    ("scorecard.csv", "the scorecard (CSV)"),
    ("metric_values.csv", "each measure's values, mean and process limits by period (CSV)"),
    ("data_dictionary.csv", "what every column holds (CSV)"),
    ("open_data.json", "all of it in one file (JSON)"),
)


@dataclass(frozen=True)
class PublicChart:
    code: str
    title: str
    element_id: str  # the chart's element; its specification is embedded as ``<element_id>-spec``
    spec: dict
    summary: str  # the chart in plain English: its accessible name
    key: str  # its lines and marks in words, for the caption


@dataclass
class PublicScorecard:
    period: ReportingPeriod
    as_at: Period
    card: Scorecard
    charts: list[PublicChart]
    files: tuple[tuple[str, str], ...] = OPEN_DATA


def published_period(code: str, slug: str) -> ReportingPeriod | None:
    """The period ``slug`` of plan ``code`` when it and its plan are published and not withdrawn;
    None otherwise, so nothing else is ever public."""
    plan = rules.published_plans().filter(code=code).first()
    period = ReportingPeriod.objects.filter(plan=plan, slug=slug).select_related("plan").first() if plan else None
    if period is None or period.slug != slug or not rules.is_period_published(period):
        return None
    return period


def as_at(period: ReportingPeriod) -> Period | None:
    """The period the figures are as at: the reporting period itself, by its label."""
    try:
        return parse_period(period.label)
    except PeriodError:
        return None


def public_scorecard(period: ReportingPeriod) -> PublicScorecard | None:
    """The scorecard as at ``period`` with a chart for each measure that has figures; None when
    the period's label names no period."""
    when = as_at(period)
    if when is None:
        return None
    plan = period.plan
    card = scorecard(plan, when)
    charts = []
    for row in card.rows:
        page = metric_page(plan, row.code, when, None, card.definitions) if row.latest_period else None
        if page is not None and page.table:
            element = item_anchor("chart", row.code)
            charts.append(
                PublicChart(row.code, row.title, element, page.chart_spec, page.chart_summary, page.chart_key)
            )
    return PublicScorecard(period, when, card, charts)
