"""How figures, dates and cells are written, everywhere: pages, packs, e-mails and downloads.

One module so that a date, a sum of money or a spreadsheet cell reads the same on the web page,
in the board pack and in the CSV. Plain functions of plain values; no models.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

#: what a spreadsheet would run as a formula when a cell starts with it
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def long_date(day: date | None) -> str:
    """A date as NHS papers write it: 27 June 2019 (empty for no date)."""
    return f"{day.day} {day:%B %Y}" if day else ""


def due_words(text: str, due: date | None) -> str:
    """A deadline as the plan gives it, with its date: "2016/17 Q4 (31 March 2017)"; a date alone
    as NHS papers write it; free text ("Ongoing") as it is."""
    if due is None:
        return text
    written = long_date(due)
    return written if not text or text == due.isoformat() else f"{text} ({written})"


def date_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """A moment in local time: 27 June 2019 at 14:05 (empty for none)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return (
        f"{long_date(local.date())} at {local:%H:%M:%S}" if seconds else f"{long_date(local.date())} at {local:%H:%M}"
    )


def money(value: object, unit: str = "m") -> str:
    """Pounds as NHS papers print them: £1,325.8m; negative amounts in brackets."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    scaled = amount / Decimal(1_000_000) if unit == "m" else amount
    text = f"£{abs(scaled):,.1f}{unit if unit == 'm' else ''}"
    return f"({text})" if amount < 0 else text


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_cell(value: object) -> object:
    """A value for an open-data CSV file: empty for none, true/false, formulas kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


def item_anchor(kind: str, code: str) -> str:
    """The id of an objective, metric or activity on the plan page, e.g. ``objective-1``."""
    return kind + "-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in code)


def anchor(code: str) -> str:
    """The id of an objective on the plan page."""
    return item_anchor("objective", code)


def file_name(text: str) -> str:
    """Text made safe as a downloaded file's name."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
