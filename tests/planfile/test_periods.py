from datetime import date

import pytest

from goldenthread.planfile.periods import PeriodError, financial_years, parse_period, resolve_due


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2016/17", date(2016, 4, 1), date(2017, 3, 31), "2016/17"),
        ("2016/17 Q4", date(2017, 1, 1), date(2017, 3, 31), "2016/17 Q4"),
        ("2016/17-Q4", date(2017, 1, 1), date(2017, 3, 31), "2016/17 Q4"),
        ("Q1 2016/17", date(2016, 4, 1), date(2016, 6, 30), "2016/17 Q1"),
        ("2016/17 Q3", date(2016, 10, 1), date(2016, 12, 31), "2016/17 Q3"),
        ("2017-01", date(2017, 1, 1), date(2017, 1, 31), "2017-01"),
        ("January 2017", date(2017, 1, 1), date(2017, 1, 31), "2017-01"),
        ("2017-03-31", date(2017, 3, 31), date(2017, 3, 31), "2017-03-31"),
        ("31 March 2017", date(2017, 3, 31), date(2017, 3, 31), "2017-03-31"),
        ("2013", date(2013, 1, 1), date(2013, 12, 31), "2013"),
        ("1999/2000", date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
    ],
)
def test_parse_period(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2016/18", "2016-13", "2017-02-30", "soon", "Q5 2016/17"])
def test_bad_periods_say_how_to_write_them(text):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert any(word in str(info.value) for word in ("write", "date", "as in"))


def test_due_dates_keep_free_text():
    assert resolve_due("2016/17 Q4") == date(2017, 3, 31)
    assert resolve_due("March 2014") == date(2014, 3, 31)
    assert resolve_due("Annual survey") is None
    assert resolve_due(None) is None


def test_plan_span():
    span = financial_years("2013/14", "2015/16")
    assert (span.start, span.end, span.label) == (date(2013, 4, 1), date(2016, 3, 31), "2013/14 to 2015/16")
    with pytest.raises(PeriodError):
        financial_years("2015/16", "2013/14")
