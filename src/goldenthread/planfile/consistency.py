"""The plan's own consistency, checked across elements once each element has the right shape.

Codes are unique within their kind, every reference names a declared element, parents form trees
without cycles, and the dates and periods an element gives lie inside the plan period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from goldenthread.planfile import schema
from goldenthread.planfile.charts import chart_problem, dated_problems
from goldenthread.planfile.periods import (
    NotAPeriod,
    Period,
    PeriodError,
    financial_years,
    free_text_problem,
    parse_financial_year,
    parse_period,
    quoted,
)
from goldenthread.planfile.source import Path, Problem, Source

#: For each section, the fields that name other elements: (field, the section it refers to, what it
#: is called in a message). A field holds one code or a list of codes.
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "org_units": (("parent", "org_units", "parent org unit"),),
    "owners": (("org_unit", "org_units", "org unit"),),
    "objectives": (
        ("level", "levels", "level"),
        ("parent", "objectives", "parent objective"),
        ("org_unit", "org_units", "org unit"),
        ("owner", "owners", "owner"),
        ("contributes_to", "objectives", "objective"),
    ),
    "activities": (
        ("objective", "objectives", "objective"),
        ("owner", "owners", "owner"),
        ("org_unit", "org_units", "org unit"),
        ("partners", "org_units", "org unit"),
    ),
    "metrics": (("objectives", "objectives", "objective"), ("owner", "owners", "owner")),
    "budget_lines": (("org_unit", "org_units", "org unit"),),
    "stated_totals": (("org_units", "org_units", "org unit"),),
    "risks": (("objective", "objectives", "objective"), ("owner", "owners", "owner")),
    "bodies": (
        ("parent", "bodies", "parent body"),
        ("chair", "owners", "owner"),
        ("members", "owners", "owner"),
    ),
    "meetings": (("body", "bodies", "body"),),
}

#: The fields of what a body oversees, and of a meeting's agenda items, that name other elements.
OVERSEES_REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("objectives", "objectives", "objective"),
    ("org_units", "org_units", "org unit"),
    ("metrics", "metrics", "metric"),
)
ITEM_REFERENCES: tuple[tuple[str, str, str], ...] = (("presenter", "owners", "owner"), *OVERSEES_REFERENCES)


def check_consistency(
    plan: schema.Plan, source: Source, invalid_codes: dict[str, set[str]] | None = None
) -> list[Problem]:
    """Checks across elements: codes, references, cycles, periods.

    ``invalid_codes`` are the codes of elements that failed shape validation; they still count as
    declared, so that one bad element does not make every reference to it an error too.
    """
    check = _Checker(plan, source, invalid_codes or {})
    check.references()
    check.objectives()
    check.document_date()
    check.activity_dates()
    check.metric_periods()
    check.metric_charts()
    check.budget_periods()
    check.governance()
    check.problems.extend(_cycles(plan.objectives, "objectives", source))
    check.problems.extend(_cycles(plan.org_units, "org_units", source))
    check.problems.extend(_cycles(plan.bodies, "bodies", source))
    return check.problems


class _Checker:
    """The plan, what it declares, its period, and the problems found so far."""

    def __init__(self, plan: schema.Plan, source: Source, invalid_codes: dict[str, set[str]]) -> None:
        self.plan = plan
        self.source = source
        self.problems: list[Problem] = []
        self.codes = {
            section: self._unique_codes(section) | invalid_codes.get(section, set())
            for section in ("levels", *schema.SECTIONS)
        }
        self.span = self._plan_span()

    def report(self, path: Path, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def _unique_codes(self, section: str) -> set[str]:
        """The codes declared in ``section``, reporting any used twice."""
        seen: dict[str, int] = {}
        for i, element in enumerate(getattr(self.plan, section)):
            if element.code not in seen:
                seen[element.code] = i
                continue
            first_line = self.source.where((section, seen[element.code]))[0]
            self.report(
                (section, i, "code"),
                f"code '{element.code}' is used twice in {section} (first on line {first_line}); codes must be unique",
            )
        return set(seen)

    def _plan_span(self) -> Period | None:
        """The plan period; None (with the problem reported) when its start or end is not usable."""
        try:
            return financial_years(self.plan.start, self.plan.end)
        except PeriodError as exc:
            for key in ("start", "end"):
                try:
                    parse_financial_year(getattr(self.plan, key))
                except PeriodError as inner:
                    self.report((key,), str(inner))
                    break
            else:
                self.report(("end",), str(exc))
            return None

    def refer(self, path: Path, code: str | None, section: str, what: str) -> None:
        if code is not None and code not in self.codes[section]:
            self.report(path, f"unknown {what} '{code}'; declare it under '{section}' or correct the code")

    def within(self, path: Path, text: str | None, *, must_parse: bool) -> None:
        """``text`` names a period that overlaps the plan period (and, if ``must_parse``, names one
        at all; if not, it is free text or a real period — never one shaped like a period that is
        not real, such as '2019-02-30')."""
        if text is None:
            return
        try:
            period = parse_period(text)
        except NotAPeriod as exc:
            if must_parse:
                self.report(path, str(exc))
            return
        except PeriodError as exc:
            self.report(path, str(exc))
            return
        span = self.span
        if span is not None and not (span.start <= period.end and period.start <= span.end):
            self.report(
                path, f"'{text}' is outside the plan period {span.label}; correct the date or the plan's start and end"
            )

    def references(self) -> None:
        for section, fields in REFERENCES.items():
            for i, element in enumerate(getattr(self.plan, section)):
                for name, target, what in fields:
                    self._refer_field((section, i, name), getattr(element, name), target, what)

    def _refer_field(self, path: Path, value: str | list[str] | None, section: str, what: str) -> None:
        if isinstance(value, list):
            for j, code in enumerate(value):
                self.refer(path + (j,), code, section, what)
        else:
            self.refer(path, value, section, what)

    def objectives(self) -> None:
        for i, objective in enumerate(self.plan.objectives):
            for j, target in enumerate(objective.contributes_to):
                if target == objective.code:
                    self.report(("objectives", i, "contributes_to", j), "an objective cannot contribute to itself")

    def document_date(self) -> None:
        """The source document's date is as printed — but not a date that does not exist."""
        document = self.plan.source_document
        problem = free_text_problem(document.date) if document is not None else None
        if problem:
            self.report(("source_document", "date"), problem)

    def activity_dates(self) -> None:
        for i, activity in enumerate(self.plan.activities):
            self.within(("activities", i, "start"), activity.start, must_parse=True)
            self.within(("activities", i, "due"), activity.due, must_parse=False)

    def metric_periods(self) -> None:
        for i, metric in enumerate(self.plan.metrics):
            base = ("metrics", i)
            if metric.target is not None:
                self.within(base + ("target", "by"), metric.target.by, must_parse=True)
            periods_seen: set[str] = set()
            for j, point in enumerate(metric.trajectory):
                self.within(base + ("trajectory", j, "period"), point.period, must_parse=True)
                if point.period in periods_seen:
                    self.report(
                        base + ("trajectory", j, "period"), f"trajectory period '{point.period}' is given twice"
                    )
                periods_seen.add(point.period)
            for j, stated in enumerate(metric.stated_values):
                try:
                    parse_period(stated.period)
                except PeriodError as exc:
                    self.report(base + ("stated_values", j, "period"), str(exc))

    def metric_charts(self) -> None:
        """A chart that suits the metric's unit and aggregation; rebase and annotation dates that
        name periods, each rebase once."""
        for i, metric in enumerate(self.plan.metrics):
            base = ("metrics", i)
            problem = chart_problem(metric.chart, metric.unit, metric.aggregation) if metric.chart else None
            if problem:
                self.report(base + ("chart",), problem)
            for name in ("rebase", "annotations"):
                for j, message in dated_problems(getattr(metric, name), metric.frequency, name):
                    self.report(base + (name, j, "date"), message)

    def budget_periods(self) -> None:
        for section in ("budget_lines", "stated_totals"):
            for i, line in enumerate(getattr(self.plan, section)):
                try:
                    parse_financial_year(line.period)
                except PeriodError as exc:
                    self.report((section, i, "period"), str(exc))
                else:
                    self.within((section, i, "period"), line.period, must_parse=True)

    def governance(self) -> None:
        """What bodies oversee and what meetings' agenda items name; meetings' dates and numbers."""
        for i, body in enumerate(self.plan.bodies):
            if body.oversees is not None:
                for name, target, what in OVERSEES_REFERENCES:
                    path: Path = ("bodies", i, "oversees", name)
                    self._refer_field(path, getattr(body.oversees, name), target, what)
        for i, meeting in enumerate(self.plan.meetings):
            self._meeting_date(("meetings", i, "date"), meeting.date)
            first: dict[str, int] = {}
            for j, item in enumerate(meeting.items):
                path = ("meetings", i, "items", j)
                for name, target, what in ITEM_REFERENCES:
                    self._refer_field(path + (name,), getattr(item, name), target, what)
                self.within(path + ("period",), item.period, must_parse=True)
                if item.org_units and "directorate_packs" not in item.considers:
                    self.report(
                        path + ("org_units",),
                        "org_units names whose directorate packs the item considers; add directorate_packs "
                        "to its considers, or leave org_units out",
                    )
                if item.number in first:
                    self.report(
                        path + ("number",),
                        f"item number '{item.number}' is used twice in this meeting (first as item "
                        f"{first[item.number] + 1} of its agenda); number each item once",
                    )
                first.setdefault(item.number, j)

    def _meeting_date(self, path: Path, text: str) -> None:
        """A meeting's date is a real day, e.g. '2019-06-27' or '27 June 2019'."""
        advice = f"{quoted(text)} is not a day; give the meeting's date, e.g. 2019-06-27 or 27 June 2019"
        try:
            period = parse_period(text)
        except NotAPeriod:
            self.report(path, advice)
        except PeriodError as exc:
            self.report(path, str(exc))
        else:
            if period.precision != "day":
                self.report(path, advice)


def _cycles(
    elements: Sequence[schema.Objective | schema.OrgUnit | schema.Body], section: str, source: Source
) -> Iterable[Problem]:
    parent = {e.code: e.parent for e in elements}
    index = {e.code: i for i, e in enumerate(elements)}
    reported: set[str] = set()
    for start in parent:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in chain:
            chain.append(node)
            node = parent[node]
        if node is not None and node in chain:
            cycle = chain[chain.index(node) :]
            key = min(cycle)
            if key in reported:
                continue
            reported.add(key)
            loop = " → ".join(cycle + [node])
            yield source.problem(
                (section, index[node], "parent"),
                f"parents form a cycle ({loop}); an element cannot be its own ancestor",
            )
