"""Bad periods and dates (issue 15, findings 1 and 5): refused with a message, never a crash."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldenthread.planfile import validate_text
from goldenthread.planfile.fields import EARLIEST_YEAR, LATEST_YEAR
from goldenthread.planfile.periods import (
    NotAPeriod,
    Period,
    PeriodError,
    free_text_problem,
    parse_financial_year,
    parse_period,
    period_of,
)

OUT_OF_RANGE = ["0000", "0000-01", "9999/00", "0000/01 Q1", "Q4 9999/00", "0000-01-01", "1 January 0000", "May 0001"]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_years_out_of_range_are_refused(text):
    """Issue 15 finding 1: years 0 and 10000 raised ValueError ("year 0 is out of range") from the
    parser; now a PeriodError naming the years accepted."""
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert f"years from {EARLIEST_YEAR} to {LATEST_YEAR} are accepted" in str(info.value)


def test_the_edges_of_the_range():
    """Issue 15 finding 1: every day of a period lies within the years accepted."""
    assert parse_period(f"{EARLIEST_YEAR}-01-01").start == date(EARLIEST_YEAR, 1, 1)
    assert parse_period(f"{LATEST_YEAR}-12-31").end == date(LATEST_YEAR, 12, 31)
    assert parse_period(f"{LATEST_YEAR - 1}/{LATEST_YEAR % 100:02d}").end == date(LATEST_YEAR, 3, 31)
    with pytest.raises(PeriodError, match=f"ends in {LATEST_YEAR + 1}"):
        parse_financial_year(f"{LATEST_YEAR}/{(LATEST_YEAR + 1) % 100:02d}")
    with pytest.raises(PeriodError):
        parse_period(f"{EARLIEST_YEAR - 1}-12")


@pytest.mark.parametrize("text", ["2019-02-30", "2019-13", "2019/20 Q5", "Q0 2019/20", "2019-1", "30/02/2019"])
def test_text_shaped_like_a_period_is_not_free_text(text):
    """Issue 15 finding 5: impossible dates were taken for free text."""
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert not isinstance(info.value, NotAPeriod)
    assert free_text_problem(text)


@pytest.mark.parametrize("text", ["Ongoing", "Annual survey", "By the end of the year", "TBC", None, ""])
def test_free_text_stays_free(text):
    assert free_text_problem(text) is None


def _plan(due: str, start: str = "2016-04") -> str:
    return f"""\
code: t
title: Dates
organisation: {{code: o, name: Org}}
start: 2016/17
end: 2016/17
source_document: {{title: The plan, date: '{due}'}}
levels: [{{code: p, name: Priority}}]
objectives: [{{code: P1, level: p, title: One}}]
activities:
  - {{code: A1, objective: P1, title: Do it, due: '{due}', start: '{start}'}}
"""


@pytest.mark.parametrize("due", ["2019-02-30", "2019-13", "2019/20 Q5", "0000", "9999/00"])
def test_a_plan_refuses_impossible_due_dates(due):
    """Issue 15 findings 1 and 5: an impossible ``due`` (and document date) is refused at its line,
    as in ``target.by`` — it used to validate, and the activity silently had no due date."""
    result = validate_text(_plan(due), "plan.yaml")
    assert not result.ok
    fields = {problem.path for problem in result.problems}
    assert {"activities[0].due", "source_document.date"} <= fields, result.problems


@pytest.mark.parametrize("start", ["0000", "0000-01", "Q4 9999/00"])
def test_a_plan_refuses_out_of_range_starts(start):
    """Issue 15 finding 1: a plan's date fields with year 0 or 10000 are problems, not crashes."""
    result = validate_text(_plan("Ongoing", start), "plan.yaml")
    assert [p.path for p in result.problems] == ["activities[0].start"]
    assert "out of range" in result.problems[0].message


def test_free_text_due_still_loads():
    assert validate_text(_plan("Ongoing"), "plan.yaml").ok


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9QqA-Za-z /.-]{0,14}\Z")))
def test_any_text_is_a_period_or_a_period_error(text):
    """Issue 15 finding 1: the parser gives a Period or a PeriodError for any text, never another
    exception; every period it gives lies within the years accepted and can be named again."""
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert str(exc)
        return
    assert isinstance(period, Period)
    assert EARLIEST_YEAR <= period.start.year and period.end.year <= LATEST_YEAR
    for frequency in ("monthly", "quarterly", "annual", "weekly"):
        period_of(period.start, frequency)
        period_of(period.end, frequency)


@settings(max_examples=500, deadline=None)
@given(
    st.integers(min_value=-5, max_value=12000),
    st.integers(min_value=-1, max_value=14),
    st.sampled_from(["{y:04d}-{m:02d}", "{y}/{n:02d} Q{m}", "Q{m} {y}/{n:02d}", "{y}/{n:02d}", "{y:04d}-{m:02d}-28"]),
)
def test_generated_periods_of_any_year(year, number, shape):
    """Issue 15 finding 1: shaped periods of any year, in every notation."""
    text = shape.format(y=year, m=number, n=(year + 1) % 100)
    try:
        period = parse_period(text)
    except PeriodError:
        return
    assert EARLIEST_YEAR <= period.start.year and period.end.year <= LATEST_YEAR


@pytest.mark.parametrize("text", ["２０１９/２０", "٢٠١٩-٠١", "2019/２０ Q1", "१ March 2017"])
def test_digits_of_other_scripts_are_refused_not_read_as_another_period(text):
    """Issue 15 finding 14's class: Python's ``\\d`` matched full-width and Arabic-Indic digits, so
    '２０１９/２０' was silently taken as 2019/20 while the same digits in a number were refused.
    Periods take the digits 0 to 9 only, and the message says so."""
    with pytest.raises(PeriodError, match="write its digits as 0 to 9"):
        parse_period(text)
