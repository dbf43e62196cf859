"""One figure everywhere: the scorecard, the metric page, the board pack and ``assess`` agree.

Issue 11 found two aggregation modules that disagreed where a metric holds split and unsplit
rows side by side: England for February 2017 came out as 5/10 by one (which dropped every split
row once any unsplit row existed) and 55/70 by the other (the coarsest rows of each unit and
period). :mod:`goldenthread.performance.figures` is now the one rule; these tests hold every
place that shows a figure to it.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from goldenthread.cli.main import main
from goldenthread.performance import figures
from goldenthread.performance.assessment import assess_plan
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters.assurance import format_value, scorecard
from goldenthread.presenters.metric import metric_page
from goldenthread.reports.board import board_pack

from .. import factories

pytestmark = pytest.mark.django_db

FEB_2017 = date(2017, 2, 1)
Q4 = parse_period("2017/18 Q4")
JAN, FEB, MAR = date(2018, 1, 1), date(2018, 2, 1), date(2018, 3, 1)

# The factory plan's data split by department type, with North's totals for February and March
# 2018 beside its splits. A total may count more than its splits (attendances of no known type),
# so which rows are added up shows in the figure:
#   England, March 2018:   North's total 180/200 + South's splits 42/60 + 28/40  = 250/300
#   England, 2017/18 Q4:   January 90/100 + 93/100, February 170/200 + 94/100, March 250/300 = 697/800
#   North, 2017/18 Q4:     its splits in January (90/100), its totals after     = 440/500
ENGLAND_MARCH = 250 / 300
ENGLAND_Q4 = 697 / 800
NORTH_MARCH = 180 / 200
NORTH_Q4 = 440 / 500


@pytest.fixture
def mixed():
    plan = factories.plan_with_data()
    factories.add(plan, "FOUR", "north", FEB, 170, 200)
    factories.add(plan, "FOUR", "north", MAR, 180, 200)
    return plan


def test_england_february_2017_is_55_of_70_not_5_of_10(data, plan):
    """rx1 splits February by department type (40/50 and 10/10); rx2 gives a total (5/10)."""
    a = assess_plan(plan, as_at=parse_period("2016/17 Q4"), metric_code="PCT").metrics[0]
    february = a.series.values[a.series.periods.index(FEB_2017)]
    assert february == pytest.approx(55 / 70)
    assert figures.value_over(data["PCT"], FEB_2017, FEB_2017, "england")[figures.TOTAL].value == february


def test_the_one_rule_on_mixed_breakdowns(mixed):
    four = mixed.metrics.get(code="FOUR")

    def over(start: date, end: date, unit: str) -> float | None:
        return figures.value_over(four, start, end, unit)[figures.TOTAL].value

    assert over(MAR, MAR, "england") == pytest.approx(ENGLAND_MARCH)
    assert over(Q4.start, Q4.end, "england") == pytest.approx(ENGLAND_Q4)
    assert over(MAR, MAR, "north") == pytest.approx(NORTH_MARCH)
    assert over(Q4.start, Q4.end, "north") == pytest.approx(NORTH_Q4)
    england = {p.period_start: p.value for p in figures.series(four, "england", start=JAN)}
    assert england == {JAN: pytest.approx(183 / 200), FEB: pytest.approx(264 / 300), MAR: pytest.approx(ENGLAND_MARCH)}


def test_scorecard_metric_page_board_pack_and_assess_agree(mixed):
    assessed = assess_plan(mixed, as_at=Q4, where_code="england", period=Q4).metrics[0]
    assert assessed.latest == (MAR, pytest.approx(ENGLAND_MARCH))
    assert assessed.period_value == pytest.approx(ENGLAND_Q4)

    row = scorecard(mixed, Q4).rows[0]
    assert (row.code, row.latest_period, row.latest_value) == (
        "FOUR",
        "Mar 2018",
        format_value(ENGLAND_MARCH, "percentage"),
    )

    page = metric_page(mixed, "FOUR", Q4, None)
    assert page is not None and page.where is not None and page.where.code == "england"
    assert {r.period: r.value for r in page.table}[MAR] == pytest.approx(ENGLAND_MARCH)
    by_unit = dict(next(b for b in page.breakdowns if b.title == "By organisation").rows)
    assert by_unit["north"] == pytest.approx(NORTH_MARCH)
    by_type = dict(next(b for b in page.breakdowns if b.title == "By department type").rows)
    four = mixed.metrics.get(code="FOUR")
    groups = figures.value_over(four, MAR, MAR, "england", dimension="department_type")
    assert by_type == {g: pytest.approx(p.value) for g, p in groups.items()}

    pack = board_pack(mixed, Q4, today=date(2018, 4, 30))
    shown = next(r for r in pack.scorecard if r.row.code == "FOUR")
    assert pack.where == "England"
    assert shown.row.latest_value == format_value(ENGLAND_MARCH, "percentage")
    assert shown.period_value == format_value(ENGLAND_Q4, "percentage")


def test_a_region_holding_totals_beside_splits_agrees_too(mixed):
    assessed = assess_plan(mixed, as_at=Q4, where_code="north", period=Q4).metrics[0]
    assert assessed.latest == (MAR, pytest.approx(NORTH_MARCH))
    assert assessed.period_value == pytest.approx(NORTH_Q4)
    assert len(assessed.series.periods) == 24  # its months of splits count, not only its totals
    page = metric_page(mixed, "FOUR", Q4, "north")
    assert page is not None
    assert {r.period: r.value for r in page.table}[MAR] == pytest.approx(NORTH_MARCH)


@pytest.mark.django_db(transaction=True)
def test_the_assess_command_gives_the_same_figures(mixed, capsys):
    argv = ["assess", "t", "--as-at", "2017/18 Q4", "--metric", "FOUR", "--period", "2017/18 Q4", "--format", "json"]
    for where, month, quarter in (("England", ENGLAND_MARCH, ENGLAND_Q4), ("north", NORTH_MARCH, NORTH_Q4)):
        assert main([*argv, "--where", where]) == 0
        metric = json.loads(capsys.readouterr().out)["metrics"][0]
        assert (metric["latest_period"], metric["latest_value"]) == ("2018-03-01", round(month, 6))
        assert metric["value"] == round(quarter, 6)
