"""The quarter a meeting's papers are as at (periods.meeting_period)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goldenthread.planfile.periods import PeriodError, meeting_period


@pytest.mark.parametrize(
    ("start", "end", "day", "label"),
    [
        ("2016/17", "2016/17", date(2017, 5, 25), "2016/17 Q4"),  # after the plan: its last quarter
        ("2019/20", "2019/20", date(2019, 6, 27), "2019/20 Q1"),  # before any quarter ended: the first
        ("2019/20", "2019/20", date(2019, 6, 30), "2019/20 Q1"),  # a quarter ending that day has ended
        ("2019/20", "2019/20", date(2019, 7, 1), "2019/20 Q1"),
        ("2019/20", "2019/20", date(2019, 9, 29), "2019/20 Q1"),
        ("2019/20", "2019/20", date(2019, 9, 30), "2019/20 Q2"),
        ("2019/20", "2019/20", date(2020, 1, 15), "2019/20 Q3"),
        ("2019/20", "2019/20", date(2020, 3, 31), "2019/20 Q4"),
        ("2019/20", "2019/20", date(2018, 1, 1), "2019/20 Q1"),  # before the plan starts
        ("2013/14", "2015/16", date(2014, 4, 2), "2013/14 Q4"),  # across a year end
        ("2013/14", "2015/16", date(2015, 2, 1), "2014/15 Q3"),
        ("2013/14", "2015/16", date(2030, 2, 1), "2015/16 Q4"),
    ],
)
def test_the_pack_is_as_at_the_latest_quarter_ended_by_the_meeting_clamped_to_the_plan(
    start: str, end: str, day: date, label: str
) -> None:
    period = meeting_period(start, end, day)
    assert period.label == label
    assert period.precision == "quarter"


def test_every_day_of_a_plan_gives_a_quarter_of_the_plan_ended_by_then_or_its_first() -> None:
    day = date(2013, 1, 1)
    while day < date(2017, 6, 1):
        period = meeting_period("2013/14", "2015/16", day)
        assert date(2013, 4, 1) <= period.start and period.end <= date(2016, 3, 31)
        assert period.end <= day or period.label == "2013/14 Q1"
        later_quarter_ended = period.end + timedelta(days=92) <= day and period.label != "2015/16 Q4"
        assert not later_quarter_ended, (day, period.label)
        day += timedelta(days=1)


def test_a_plan_that_is_not_financial_years_is_an_error_with_its_message() -> None:
    with pytest.raises(PeriodError, match="financial year"):
        meeting_period("2019", "2019/20", date(2019, 6, 27))
    with pytest.raises(PeriodError, match="before it starts"):
        meeting_period("2019/20", "2018/19", date(2019, 6, 27))
