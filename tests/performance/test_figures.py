"""Figures: ratio of sums (never a mean of ratios), sums, means, breakdowns, England."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from goldenthread.performance import figures as ag
from goldenthread.performance.units import england_unit

JAN, FEB, MAR = date(2017, 1, 1), date(2017, 2, 1), date(2017, 3, 1)


def test_ratio_is_the_ratio_of_sums_not_the_mean_of_ratios(data):
    north = ag.series(data["PCT"], "north", end=JAN)
    assert north == [ag.Point(JAN, pytest.approx(91 / 110), 91.0, 110.0)]
    mean_of_ratios = (90 / 100 + 1 / 10) / 2
    assert abs(north[0].value - mean_of_ratios) > 0.3


def test_england_is_the_whole_plan_and_is_created_on_demand(data, plan):
    assert not plan.org_units.filter(code="england").exists()
    england = ag.series(data["PCT"], "england")
    unit = plan.org_units.get(code="england")
    assert (unit.declared, unit.kind) == (False, "organisation")
    assert england[0] == ag.Point(JAN, pytest.approx(141 / 210), 141.0, 210.0)
    # February: rx1's department types added up, with rx2's total
    assert england[1] == ag.Point(FEB, pytest.approx(55 / 70), 55.0, 70.0)
    assert ag.series(data["PCT"], None) == england  # None is the whole plan too


def test_a_unit_with_its_own_figures_uses_them(load, data):
    assert load("metric,org_unit,period,numerator,denominator\nPCT,north,2017-01,7,10\n").ok
    assert ag.series(data["PCT"], "north", end=JAN) == [ag.Point(JAN, 0.7, 7.0, 10.0)]
    assert ag.series(data["PCT"], "rx1", end=JAN)[0].value == 0.9
    # England uses the lowest units with data: the providers, not north's own row as well
    assert ag.series(data["PCT"], "england", end=JAN)[0].denominator == 210.0


def test_sum_and_mean_metrics(data):
    assert ag.series(data["CNT"], "north") == [ag.Point(JAN, 30.0, None, None)]
    assert ag.series(data["SCORE"], "england") == [ag.Point(date(2017, 1, 2), 4.0, None, None)]


def test_grouped_by_a_breakdown_dimension(data):
    by_type = ag.series_by(data["PCT"], "department_type", "north")
    assert by_type == {"1": [ag.Point(FEB, 0.8, 40.0, 50.0)], "other": [ag.Point(FEB, 1.0, 10.0, 10.0)]}


def test_totals_use_each_units_coarsest_rows(load, data):
    report = load(
        "metric,org_unit,period,numerator,denominator,breakdown.sex\n"
        "CHPPD,rx1,2017-03,300,40,\n"
        "CHPPD,rx1,2017-03,200,25,F\n"
        "CHPPD,rx1,2017-03,100,15,M\n"
    )
    assert report.ok, report.problem_lines()
    assert ag.series(data["CHPPD"], "rx1") == [ag.Point(MAR, 7.5, 300.0, 40.0)]
    assert ag.series_by(data["CHPPD"], "sex", "north") == {
        "F": [ag.Point(MAR, 8.0, 200.0, 25.0)],
        "M": [ag.Point(MAR, pytest.approx(100 / 15), 100.0, 15.0)],
    }


def test_value_over_a_quarter_sums_the_months_counts(data):
    quarter = ag.value_over(data["PCT"], JAN, date(2017, 3, 31), "england")
    assert quarter == {ag.TOTAL: ag.Point(JAN, pytest.approx(196 / 280), 196.0, 280.0)}
    by_type = ag.value_over(data["PCT"], JAN, date(2017, 3, 31), "rx1", dimension="department_type")
    assert by_type == {"1": ag.Point(JAN, 0.8, 40.0, 50.0), "other": ag.Point(JAN, 1.0, 10.0, 10.0)}


def test_all_series_of_a_metric_by_unit_in_a_fixed_number_of_queries(data, django_assert_max_num_queries):
    from goldenthread.assurance.spc import spc_many

    with django_assert_max_num_queries(3):  # breakdowns held, the GROUP BY, rx1's mixed rows
        table = ag.all_series(data["PCT"], kind="provider")
    assert list(table.unit) == ["rx1", "rx1", "rx2", "rx2"]
    assert list(table.period) == [np.datetime64(JAN), np.datetime64(FEB)] * 2
    assert np.allclose(table.value, [0.9, 50 / 60, 0.1, 0.5])
    assert np.allclose(table.denominator, [100, 60, 10, 10])
    assert table.series()["rx2"] == [ag.Point(JAN, 0.1, 1.0, 10.0), ag.Point(FEB, 0.5, 5.0, 10.0)]
    assert len(spc_many(table.unit, table.period, table.value).series) == 2
    everyone = ag.all_series(data["PCT"])
    assert set(everyone.unit) == {"rx1", "rx2", "south"}


def test_series_queries_do_not_grow_with_the_data(data, django_assert_max_num_queries):
    england_unit(data["PCT"].plan)
    for unit in ("england", "north"):  # the unit, breakdowns held, the tree, the GROUP BY, rx1's mixed rows
        with django_assert_max_num_queries(5):
            ag.series(data["PCT"], unit)
        with django_assert_max_num_queries(5):
            ag.series_by(data["PCT"], "department_type", unit)


def test_as_arrays_and_unknown_units(data):
    periods, values, numerators, denominators = ag.as_arrays(ag.series(data["CNT"], "north"))
    assert periods.dtype == np.dtype("datetime64[D]") and values.tolist() == [30.0] and np.isnan(numerators).all()
    from goldenthread.plans.models import OrgUnit

    with pytest.raises(OrgUnit.DoesNotExist, match="plan perf has no org unit 'nowhere'"):
        ag.series(data["PCT"], "nowhere")


def test_a_plans_series_come_in_a_fixed_number_of_queries(data, plan, django_assert_max_num_queries):
    metrics = list(plan.metrics.order_by("position"))
    north = plan.org_units.get(code="north")
    for where in (None, north):  # breakdowns held, the tree, the GROUP BY, rx1's mixed rows
        with django_assert_max_num_queries(4):
            every = ag.plan_series(metrics, where)
        assert set(every) == {x.pk for x in metrics}
    pct = ag.plan_series(metrics)[data["PCT"].pk]
    assert pct.points() == ag.series(data["PCT"])
    assert pct.values.tolist() == [pytest.approx(141 / 210), pytest.approx(55 / 70)]
    assert ag.plan_series(metrics)[data["GBP"].pk].periods == []


def test_a_series_over_a_span_is_value_over(load, data, plan):
    """A mean over two weeks is the mean of the rows, as value_over gives it, not of the weeks' means."""
    assert load("metric,org_unit,period,value\nSCORE,rx1,2017-01-09,2\n").ok
    weeks = ag.plan_series([data["SCORE"]])[data["SCORE"].pk]
    assert weeks.values.tolist() == [4.0, 2.0]
    start, end = date(2017, 1, 2), date(2017, 1, 9)
    assert weeks.over(start, end) == ag.value_over(data["SCORE"], start, end)[ag.TOTAL]
    assert weeks.over(start, end).value == pytest.approx(10 / 3)
    pct = ag.plan_series([data["PCT"]])[data["PCT"].pk]
    assert (
        pct.over(JAN, MAR) == ag.value_over(data["PCT"], JAN, MAR)[ag.TOTAL] == ag.Point(JAN, 196 / 280, 196.0, 280.0)
    )
    assert pct.over(date(2018, 1, 1), date(2018, 3, 1)) is None
