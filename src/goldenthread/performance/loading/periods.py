"""Periods of a data file: each text parsed once, checked against the metric's frequency, and
kept as its first day counted in days since 1970 — how rows are compared and keyed as numbers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np

from goldenthread.performance.loading.cells import distinct, per_distinct
from goldenthread.performance.loading.problems import Problems, quoted
from goldenthread.planfile.periods import Period, PeriodError, parse_period, real_date

#: days since 1970-01-01: how periods are compared and keyed as numbers
EPOCH = date(1970, 1, 1)
#: the day of a row without a period
NO_DAY = np.iinfo(np.int64).min

_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_PRECISION_NAMES = {
    "day": "date",
    "month": "month",
    "quarter": "quarter",
    "year": "financial year",
    "calendar_year": "calendar year",
}


def days(d: date) -> int:
    return (d - EPOCH).days


def day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def period_starts(text: np.ndarray, frequency: np.ndarray, metric: np.ndarray, problems: Problems) -> np.ndarray:
    """Each row's period as its first day (days since 1970; :data:`NO_DAY` where there is none).

    Texts are parsed once per distinct text and checked once per distinct text and frequency;
    ``frequency`` and ``metric`` are each row's metric's frequency and code, for the messages.
    """
    import pandas as pd

    n = len(text)
    p_codes, p_uniques = distinct(text)
    parsed: list[Period | str] = [_parse_period(t) for t in p_uniques]
    problems.add(
        per_distinct(text, lambda t: t == "", bool),
        "period",
        "is empty; give the period's first day (2017-01-01) or its name (2017-01, 2016/17 Q4, 2016/17)",
    )
    if not n:
        return np.full(n, NO_DAY, dtype=np.int64)
    freq_codes, freq_uniques = pd.factorize(np.asarray(frequency, dtype=object), use_na_sentinel=False)
    width = len(freq_uniques) + 1
    pair = p_codes.astype(np.int64) * width + freq_codes
    # each distinct (text, frequency) once, numbered densely (there are a few thousand at most)
    pairs = np.flatnonzero(np.bincount(pair, minlength=len(p_uniques) * width))
    place = np.zeros(len(p_uniques) * width, dtype=np.int64)
    place[pairs] = np.arange(pairs.size)
    slot = place[pair]
    starts = np.full(pairs.size, NO_DAY, dtype=np.int64)
    errors: dict[int, str] = {}
    misaligned: list[int] = []
    for k, (t, f) in enumerate(zip((pairs // width).tolist(), (pairs % width).tolist(), strict=True)):
        result = parsed[t]
        if p_uniques[t] == "":
            continue
        if isinstance(result, str):
            errors[k] = result
        elif _misaligned(p_uniques[t], result, freq_uniques[f], ""):
            misaligned.append(k)  # (worded below, naming the metric of its first row)
        else:
            starts[k] = days(result.start)
    for k, i in zip(misaligned, _first_rows(slot, misaligned, pairs.size), strict=True):
        errors[k] = str(_misaligned(p_uniques[p_codes[i]], parsed[p_codes[i]], frequency[i], metric[i]))  # type: ignore[arg-type]
    if errors:
        bad = np.zeros(pairs.size, dtype=bool)
        bad[list(errors)] = True
        problems.add(bad[slot], "period", lambda i: errors[int(slot[i])])
    return starts[slot]


def _first_rows(slot: np.ndarray, wanted: list[int], size: int) -> list[int]:
    """The first row whose ``slot`` is each of ``wanted`` (ascending), looking only at their rows."""
    if not wanted:
        return []
    pick = np.zeros(size, dtype=bool)
    pick[wanted] = True
    rows = np.flatnonzero(pick[slot])
    _, first = np.unique(slot[rows], return_index=True)
    return rows[first].tolist()


def _parse_period(text: str) -> Period | str:
    """A period, or the message saying why ``text`` is not one. Accepts 31/01/2017 (day first)."""
    if not text:
        return "is empty"
    if match := _UK_DATE.match(text):
        day_, month, year = (int(g) for g in match.groups())
    try:
        if match:
            start = real_date(text, year, month, day_)
            return Period(start, start, start.isoformat(), "day")
        return parse_period(text)
    except PeriodError as exc:
        return str(exc)


def _misaligned(text: str, period: Period, frequency: str, metric: str) -> str | None:
    """Why a period does not start a period of the metric's frequency, or None when it does."""
    start, kind = period.start, period.precision
    named = f"{quoted(text)} is a {_PRECISION_NAMES.get(kind, kind)}"
    if frequency == "monthly":
        if kind == "month" or (kind == "day" and start.day == 1):
            return None
        if kind == "day":
            return (
                f"{quoted(text)} is not the first day of a month; metric {metric} is monthly, so give the month as "
                f"{start:%Y-%m} or {start:%Y-%m}-01"
            )
        return f"{named}; metric {metric} is monthly, so give a month, e.g. {start:%Y-%m}"
    if frequency == "quarterly":
        first_day = start.day == 1 and start.month in (1, 4, 7, 10)
        if kind == "quarter" or (kind == "day" and first_day):
            return None
        if kind == "day":
            return (
                f"{quoted(text)} is not the first day of a quarter (1 April, 1 July, 1 October or 1 January); "
                f"metric {metric} is quarterly"
            )
        return f"{named}; metric {metric} is quarterly, so give a quarter, e.g. 2016/17 Q4, or its first day"
    if frequency == "annual":
        if kind == "year" or (kind == "day" and (start.month, start.day) == (4, 1)):
            return None
        if kind == "day":
            return (
                f"{quoted(text)} is not 1 April; metric {metric} is annual (financial years), so give the year, "
                "e.g. 2016/17, or its first day, e.g. 2016-04-01"
            )
        return f"{named}; metric {metric} is annual, so give a financial year, e.g. 2016/17"
    if frequency == "weekly":
        if kind == "day":
            return None
        return f"{named}; metric {metric} is weekly, so give the date of the first day of the week"
    return None  # ad hoc (or unknown metric): any period, stored by its first day
