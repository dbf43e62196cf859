"""Financial years, quarters and months as NHS plans write them.

A financial year runs from 1 April to 31 March and is written ``2016/17``; its quarters are
written ``2016/17 Q4`` (also accepted: ``2016/17-Q4`` and ``Q4 2016/17``); months are ISO
``2017-01`` or ``January 2017``. Plans also give deadlines as plain dates or as free text
("Annual survey", "Ongoing"), so :func:`resolve_due` keeps the text and, where the text names a
period, the last day of that period. Text shaped like a period or date that is not a real one
(``2019-02-30``, ``2019-13``, ``2019/20 Q5``) is an error everywhere, free text or not.

Every period and date lies within the years :data:`~goldenthread.planfile.fields.EARLIEST_YEAR`
to :data:`~goldenthread.planfile.fields.LATEST_YEAR`: any text gives a :class:`Period` or a
:class:`PeriodError`, never another exception.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from goldenthread.planfile.fields import year_problem

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_FY = re.compile(r"^([0-9]{4})\s*/\s*([0-9]{2}|[0-9]{4})$")
_QUARTER = re.compile(
    r"^(?:([0-9]{4})\s*/\s*([0-9]{2}|[0-9]{4})\s*[- ]\s*Q([1-4])|Q([1-4])\s+([0-9]{4})\s*/\s*([0-9]{2}|[0-9]{4}))$",
    re.I,
)
_ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_NAMED_MONTH = re.compile(r"^(?:end\s+(?:of\s+)?)?([A-Za-z]+)\.?\s+([0-9]{4})$")
_UK_DATE = re.compile(r"^([0-9]{1,2})\s+([A-Za-z]+)\.?\s+([0-9]{4})$")
_CAL_YEAR = re.compile(r"^([0-9]{4})$")
#: shapes of a period or date that no notation above takes: a quarter numbered past Q4, a month
#: or day of one digit or of three, a date written day/month/year — never free text
_LOOKS_LIKE_A_PERIOD = (
    (
        re.compile(r"^[0-9]{4}\s*/\s*[0-9]{2,4}\s*[- ]?\s*Q[0-9]+$|^Q[0-9]+\s*[0-9]{4}\s*/\s*[0-9]{2,4}$", re.I),
        "a financial year has quarters Q1 to Q4; write a quarter as 2016/17 Q4",
    ),
    (re.compile(r"^[0-9]{1,6}-[0-9]{1,3}(?:-[0-9]{1,3})?$"), "write a month as 2017-01 and a date as 2017-03-31"),
    (re.compile(r"^[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}$"), "write a date as 2017-03-31 or 31 March 2017"),
    (re.compile(r"^[0-9]{1,6}\s*/\s*[0-9]{1,6}$"), "write a financial year as 2016/17"),
)


class PeriodError(ValueError):
    """Raised with a message a plan author can act on."""


class NotAPeriod(PeriodError):
    """The text is in none of the notations, nor shaped like one: free text such as 'Ongoing'."""


def quoted(text: str) -> str:
    """Text as a message quotes it: 'text', cut to 60 characters."""
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"


def _check_years(raw: str, first: int, last: int) -> None:
    """Refuse a period whose days fall outside the years goldenthread accepts."""
    for year in (first, last):
        problem = year_problem(year)
        if problem:
            ends = f" ends in {year}:" if year != first else ":"
            raise PeriodError(f"{quoted(raw)}{ends} {problem}")


@dataclass(frozen=True, order=True)
class Period:
    """A span of time with a label in the plan's own notation."""

    start: date
    end: date
    label: str
    precision: str  # day, month, quarter, year (financial), calendar_year

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def _fy_start_year(first: str, second: str) -> int:
    start = int(first)
    expected = (start + 1) % 100 if len(second) == 2 else start + 1
    if int(second) != expected:
        raise PeriodError(
            f"'{first}/{second}' is not a financial year: the second year must follow the first, "
            f"as in {start}/{(start + 1) % 100:02d}"
        )
    return start


def financial_year(start_year: int) -> Period:
    return Period(
        date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}/{(start_year + 1) % 100:02d}", "year"
    )


def quarter(start_year: int, q: int) -> Period:
    first_month = 4 + 3 * (q - 1)
    year = start_year if first_month <= 12 else start_year + 1
    first_month = (first_month - 1) % 12 + 1
    last_month = first_month + 2
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(date(year, first_month, 1), end, f"{financial_year(start_year).label} Q{q}", "quarter")


def month(year: int, m: int) -> Period:
    if not 1 <= m <= 12:
        raise PeriodError(f"month {m} does not exist; write months as YYYY-MM, e.g. 2017-01")
    return Period(date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]), f"{year}-{m:02d}", "month")


def parse_financial_year(text: str) -> Period:
    match = _FY.match(text.strip())
    if not match:
        raise PeriodError(f"{quoted(text)} is not a financial year; write it as 2016/17")
    start = _fy_start_year(*match.groups())
    _check_years(text.strip(), start, start + 1)
    return financial_year(start)


def parse_period(text: str) -> Period:
    """Parse a financial year, quarter, month, date or calendar year; raise PeriodError otherwise."""
    raw = str(text).strip()
    for parse in _NOTATIONS:
        period = parse(raw)
        if period is not None:
            return period
    for shape, advice in _LOOKS_LIKE_A_PERIOD:
        if shape.match(raw):
            raise PeriodError(f"{quoted(raw)} is not a period: {advice}")
    if any(c.isdigit() and not c.isascii() for c in raw):
        raise PeriodError(f"{quoted(raw)} is not a period: write its digits as 0 to 9, e.g. 2016/17 Q4")
    raise NotAPeriod(
        f"{quoted(raw)} is not a period; write a financial year (2016/17), a quarter (2016/17 Q4), "
        "a month (2017-01) or a date (2017-03-31)"
    )


def real_date(raw: str, year: int, month: int, day: int) -> date:
    """The day ``raw`` names, or PeriodError when it does not exist or its year is out of range."""
    _check_years(raw, year, year)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise PeriodError(f"{quoted(raw)} is not a real date ({exc})") from None


def _quarter(raw: str) -> Period | None:
    if not (m := _QUARTER.match(raw)):
        return None
    if m.group(1):
        start, q = _fy_start_year(m.group(1), m.group(2)), int(m.group(3))
    else:
        start, q = _fy_start_year(m.group(5), m.group(6)), int(m.group(4))
    year = start + (q == 4)  # the calendar year of the quarter's days
    _check_years(raw, year, year)
    return quarter(start, q)


def _financial_year(raw: str) -> Period | None:
    return parse_financial_year(raw) if _FY.match(raw) else None


def _iso_date(raw: str) -> Period | None:
    if not (m := _ISO_DATE.match(raw)):
        return None
    day = real_date(raw, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return Period(day, day, raw, "day")


def _iso_month(raw: str) -> Period | None:
    if not (m := _ISO_MONTH.match(raw)):
        return None
    _check_years(raw, int(m.group(1)), int(m.group(1)))
    return month(int(m.group(1)), int(m.group(2)))


def _uk_date(raw: str) -> Period | None:
    if not (m := _UK_DATE.match(raw)) or not (mon := MONTHS.get(m.group(2).lower())):
        return None
    day = real_date(raw, int(m.group(3)), mon, int(m.group(1)))
    return Period(day, day, day.isoformat(), "day")


def _named_month(raw: str) -> Period | None:
    if not (m := _NAMED_MONTH.match(raw)) or not (mon := MONTHS.get(m.group(1).lower())):
        return None
    _check_years(raw, int(m.group(2)), int(m.group(2)))
    return month(int(m.group(2)), mon)


def _calendar_year(raw: str) -> Period | None:
    if not (m := _CAL_YEAR.match(raw)):
        return None
    year = int(m.group(1))
    _check_years(raw, year, year)
    return Period(date(year, 1, 1), date(year, 12, 31), raw, "calendar_year")


#: The notations :func:`parse_period` tries, in order; each gives None when the text is not in it.
_NOTATIONS: tuple[Callable[[str], Period | None], ...] = (
    _quarter,
    _financial_year,
    _iso_date,
    _iso_month,
    _uk_date,
    _named_month,
    _calendar_year,
)


def resolve_due(text: str | None) -> date | None:
    """The last day of the period a due text names, or None for free text such as 'Ongoing' (a
    valid plan has no text shaped like a period that is not one: :func:`free_text_problem`)."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_period(text).end
    except PeriodError:
        return None


def free_text_problem(text: str | None) -> str | None:
    """For a field that takes a period or free text (an activity's ``due``, a document's date):
    None for a real period or free text such as 'Annual survey'; the problem for text shaped like
    a period or date that is not a real one ('2019-02-30', '2019-13', '2019/20 Q5', year 0)."""
    if text is None or not str(text).strip():
        return None
    try:
        parse_period(text)
    except NotAPeriod:
        return None
    except PeriodError as exc:
        return str(exc)
    return None


def financial_years(start: str, end: str) -> Period:
    """The span from the first day of financial year ``start`` to the last day of ``end``."""
    first, last = parse_financial_year(start), parse_financial_year(end)
    if last.start < first.start:
        raise PeriodError(f"the plan ends ({end}) before it starts ({start})")
    label = first.label if first == last else f"{first.label} to {last.label}"
    return Period(first.start, last.end, label, "year")


def period_of(day: date, frequency: str) -> Period:
    """The period of a metric's ``frequency`` that contains ``day``: its month, its quarter or its
    financial year; a day for weekly and ad hoc data."""
    fy = day.year if day.month >= 4 else day.year - 1
    if frequency == "quarterly":
        return quarter(fy, (day.month - 4) % 12 // 3 + 1)
    if frequency == "annual":
        return financial_year(fy)
    if frequency == "monthly":
        return month(day.year, day.month)
    return Period(day, day, day.isoformat(), "day")


def period_name(day: date, frequency: str) -> str:
    """How pages, charts, packs and exports name a value's period: ``Jan 2017`` for a month,
    ``2016/17 Q4`` for a quarter, ``2016/17`` for a financial year, ``5 Jan 2017`` for a day."""
    period = period_of(day, frequency)
    if period.precision == "month":
        return f"{calendar.month_abbr[day.month]} {day.year}"
    if period.precision == "day":
        return f"{day.day} {calendar.month_abbr[day.month]} {day.year}"
    return period.label


def meeting_period(start_fy: str, end_fy: str, day: date) -> Period:
    """The quarter a meeting's papers are as at: the plan's latest quarter ended by ``day`` (the
    "current period" of docs/reported-state.md: a quarter ending on the meeting's day has ended),
    clamped to the plan — before any quarter has ended, its first quarter; after the plan has
    ended, its last. A 2016/17 plan's meeting on 2017-05-25 takes 2016/17 Q4.

    ``start_fy`` and ``end_fy`` are the plan's first and last financial years ('2016/17'); a
    PeriodError when they are not financial years or the plan ends before it starts."""
    span = financial_years(start_fy, end_fy)
    first_year, last_year = span.start.year, span.end.year - 1
    if day >= span.end:
        return quarter(last_year, 4)
    fy = day.year if day.month >= 4 else day.year - 1
    q = (day.month - 4) % 12 // 3 + 1
    current = quarter(fy, q)
    if current.end > day:  # the quarter the day falls in has not ended: the one before it
        fy, q = (fy, q - 1) if q > 1 else (fy - 1, 4)
    if fy < first_year:
        return quarter(first_year, 1)
    return quarter(fy, q)
