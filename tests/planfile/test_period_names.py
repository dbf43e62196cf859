"""Periods by their names: the one function every page, chart, pack and export names a value's period with."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.planfile.periods import period_name, period_of


@pytest.mark.parametrize(
    ("day", "frequency", "name"),
    [
        (date(2017, 1, 1), "monthly", "Jan 2017"),
        (date(2017, 1, 1), "quarterly", "2016/17 Q4"),
        (date(2016, 4, 1), "quarterly", "2016/17 Q1"),
        (date(2016, 12, 1), "quarterly", "2016/17 Q3"),
        (date(2017, 3, 1), "annual", "2016/17"),
        (date(2017, 4, 1), "annual", "2017/18"),
        (date(2099, 12, 1), "quarterly", "2099/00 Q3"),
        (date(2017, 1, 5), "weekly", "5 Jan 2017"),
    ],
)
def test_a_period_is_named_by_the_metrics_frequency(day, frequency, name):
    assert period_name(day, frequency) == name


def test_the_period_of_a_day_contains_it():
    q = period_of(date(2017, 2, 14), "quarterly")
    assert (q.start, q.end, q.label) == (date(2017, 1, 1), date(2017, 3, 31), "2016/17 Q4")
    assert period_of(date(2017, 2, 14), "monthly").end == date(2017, 2, 28)
