"""The dates a reporting period's updates open and are due."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from goldenthread.cycles.forms.fields import Field, Form, parse_date, typed
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.formatting import long_date


class PeriodForm(Form):
    def __init__(self, period: ReportingPeriod, post: Mapping[str, str] | None = None):
        super().__init__()
        values = typed(post, {"opens_on": long_date(period.opens_on), "closes_on": long_date(period.closes_on)})
        self.add(Field("opens_on", "Updates open on", "text", values["opens_on"], hint="For example, 1 April 2019"))
        self.add(
            Field(
                "closes_on",
                "Updates are due by",
                "text",
                values["closes_on"],
                hint="After this day the update is overdue and reminders say so",
            )
        )

    def clean(self) -> tuple[date, date] | None:
        days = []
        for name, what in (("opens_on", "the day updates open"), ("closes_on", "the day updates are due")):
            try:
                days.append(parse_date(self.text(name)))
            except ValueError:
                self.error(name, f"Enter {what} as a real date, like 21 July 2019")
        if len(days) == 2 and days[0] > days[1]:
            self.error("closes_on", "The due date must be on or after the day updates open")
        return None if self.errors else (days[0], days[1])
