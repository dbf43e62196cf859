"""The "as at" period every plan page carries in its address (``?as_at=2016/17 Q4``).

The choice offered is the quarters of the plan's financial years; any period the plan format
can write (``2017/18 Q4``, ``2017-01``, ``2017-03-31``) is accepted in the address, since data
and deliverables can run past a plan's last year; any other value is refused with the 400 page
(:class:`goldenthread.presenters.params.BadParameter`). A page judged against a date
(deliverables now; statuses when the assurance side fills them) uses the end of the chosen
period. With no choice made the date is today — or, for a plan whose last year has passed, the
plan's last day, since judging a finished plan against today would call everything overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from goldenthread.formatting import long_date
from goldenthread.planfile.periods import Period, financial_year, financial_years, quarter
from goldenthread.plans import models as m
from goldenthread.presenters.params import period_value


def quarter_of(day: date) -> Period:
    fy = day.year if day.month >= 4 else day.year - 1
    return quarter(fy, (day.month - 4) % 12 // 3 + 1)


@dataclass
class Option:
    value: str
    text: str
    selected: bool = False


@dataclass
class OptionGroup:
    label: str
    options: list[Option]


@dataclass
class AsAt:
    value: str  # as written in the address: a period label, or "" for the default
    date: date  # the day things are judged at: the end of the chosen period
    chosen: Period | None  # the period chosen in the address; None when the default is in force
    period: Period  # the chosen period, or by default the quarter containing ``date`` (as ``assess``)
    label: str  # "2019/20 Q4", or "today" / "the end of the plan"
    explanation: str
    groups: list[OptionGroup] = field(default_factory=list)
    default_option: Option | None = None  # "Today" when today falls within or before the plan

    @property
    def date_text(self) -> str:
        return long_date(self.date)

    @property
    def query(self) -> str:
        """``as_at=…`` for links that keep the period, or "" when the default is in force."""
        return urlencode({"as_at": self.value}) if self.value else ""

    def link(self, href: str, **params: str) -> str:
        """``href`` with the period (and any non-empty ``params``) kept in the query."""
        query = {k: v for k, v in params.items() if v}
        if self.value:
            query = {"as_at": self.value, **query}
        return f"{href}?{urlencode(query)}" if query else href


def as_at_choice(plan: m.Plan, raw: str, today: date) -> AsAt:
    span = financial_years(plan.start, plan.end)
    chosen = period_value("as_at", raw or "", what="“As at” period")
    plan_over = today > span.end
    if chosen is not None:
        day = chosen.end
        label = chosen.label
        explanation = f"Dates are judged as at {long_date(day)}, the end of {chosen.label}."
    elif plan_over:
        day = span.end
        label = "the end of the plan"
        explanation = (
            f"The plan ended on {long_date(span.end)}, so dates are judged as at its end. "
            "Choose a quarter to see the plan as it stood at the end of that quarter."
        )
    else:
        day = today
        label = "today"
        explanation = f"Dates are judged as at today, {long_date(today)}."
        if today < span.start:
            explanation += f" The plan starts on {long_date(span.start)}."
        explanation += " Choose a quarter to see the plan as it stood at the end of that quarter."

    selected_value = chosen.label if chosen else (quarter_of(day).label if plan_over else "")
    groups = []
    start_year = span.start.year
    while financial_year(start_year).start <= span.end:
        fy = financial_year(start_year)
        groups.append(
            OptionGroup(
                fy.label,
                [
                    Option(q.label, f"{q.label} (to {long_date(q.end)})", q.label == selected_value)
                    for q in (quarter(start_year, n) for n in range(1, 5))
                ],
            )
        )
        start_year += 1
    if chosen is not None and not any(o.selected for g in groups for o in g.options):
        chosen_option = Option(chosen.label, f"{chosen.label} (to {long_date(day)})", True)
        groups.insert(0, OptionGroup("Chosen period", [chosen_option]))
    default_option = None if plan_over else Option("", f"Today ({long_date(today)})", chosen is None)
    return AsAt(
        value=chosen.label if chosen else "",
        date=day,
        chosen=chosen,
        period=chosen or quarter_of(day),
        label=label,
        explanation=explanation,
        groups=groups,
        default_option=default_option,
    )
