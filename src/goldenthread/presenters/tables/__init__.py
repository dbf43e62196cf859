"""Tables people take away: each table a page shows, as plain rows (:class:`Table`), built from the
same presenter the page renders, so the file holds the page's own figures and words.

A cell is plain text, a whole number, or a :class:`Figure` — a number or date with the words the
page shows for it. The files are written by :mod:`goldenthread.presenters.tables.files`: CSV holds
the page's words (UTF-8 with a byte-order mark, so Excel reads "£" and "≥" rightly), Excel holds
the value itself with a number format that shows it as the page does, and JSON (for the API and
Power BI) holds the value. Text a spreadsheet would run as a formula is kept as text
(:func:`goldenthread.formatting.safe_cell`) in both files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from goldenthread.formatting import date_time, long_date, money

Value = int | float | Decimal | date | datetime | None

#: Excel number formats that show a value as the pages write it
PERCENT = "0.0%"
POUNDS = '"£"#,##0'
MILLIONS = '"£"#,##0.0,,"m";("£"#,##0.0,,"m")'  # pounds shown in millions, negatives in brackets
LONG_DATE = "d mmmm yyyy"
DATE_TIME = 'd mmmm yyyy "at" hh:mm'
WHOLE = "#,##0"


@dataclass(frozen=True)
class Figure:
    """A number or date in a table: its value (for Excel and JSON; None when there is none) and the
    words the page shows (for CSV), with the Excel format that shows the value the same way."""

    value: Value
    text: str
    excel: str = "General"


Cell = str | int | Figure | None


@dataclass
class Table:
    """One table as a page shows it: ``name`` is the file's name (without its extension), ``title``
    what it is (the sheet's name is made from it), ``header`` its columns' headings and ``rows``
    its rows, one cell per heading."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def day(value: date | None, empty: str = "") -> Figure:
    """A date as the pages write it (27 June 2019)."""
    return Figure(value, long_date(value) if value else empty, LONG_DATE)


def moment(value: datetime | None) -> Figure:
    """A moment in local time as the pages write it (27 June 2019 at 14:05); Excel's without a zone."""
    if value is None:
        return Figure(None, "", DATE_TIME)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return Figure(local.replace(tzinfo=None), date_time(value), DATE_TIME)


def millions(value: Decimal | None) -> Figure:
    """Pounds as the budget pages print them: £1,325.8m, negative amounts in brackets."""
    return Figure(value, money(value) if value is not None else "–", MILLIONS)


def count(value: int) -> Figure:
    return Figure(value, f"{value:,}", WHOLE)


def metric_value(value: float | None, unit: str, text: str) -> Figure:
    """A metric's value as :func:`goldenthread.presenters.values.format_value` writes it (``text``)."""
    if value is None or value != value:  # none, or not a number
        return Figure(None, text)
    if unit == "percentage":
        return Figure(value, text, PERCENT)
    if unit == "currency":
        return Figure(value, text, POUNDS)
    return Figure(value, text, WHOLE if abs(value) >= 1000 else "General")
