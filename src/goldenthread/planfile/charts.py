"""Which chart a metric is drawn and judged on, and the chart settings a plan holds for it.

A metric may name its ``chart`` in the plan file; when it does not, :func:`default_chart` chooses
one from its unit and aggregation — a pure function of the two, so the plan file, the pages, the
packs and the assessment all make the same choice:

==============================================  =======  ==========================================
unit and aggregation                            chart    why
==============================================  =======  ==========================================
``percentage`` with aggregation ``ratio``       ``pp``   a proportion with denominators: Laney's p′
                                                         (large NHS denominators over-disperse a
                                                         plain p chart's limits)
any other unit with aggregation ``ratio``       ``up``   a rate with its exposure: Laney's u′
``count`` with aggregation ``sum``              ``c``    a count of events
anything else                                   ``xmr``  Making Data Count's default
==============================================  =======  ==========================================

:func:`chart_problem` says why a chart does not suit a metric (a p chart needs numerators and
denominators: aggregation ``ratio``). :func:`rebase_starts` turns a metric's rebase dates, as the
plan writes them, into the first days of the metric's periods they fall in, which is how data
points are dated; :func:`annotation_points` places its annotations the same way. Pure Python: no Django, no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal, Protocol

from goldenthread.planfile.periods import PeriodError, parse_period, period_of

ChartType = Literal["xmr", "p", "pp", "u", "up", "c", "g", "t", "run"]

#: every chart type, in the order forms and messages list them
CHART_TYPES: tuple[str, ...] = ("xmr", "p", "pp", "u", "up", "c", "g", "t", "run")

#: what each chart type is called on a page or in a form
CHART_NAMES: dict[str, str] = {
    "xmr": "XmR chart (individuals and moving ranges)",
    "p": "p chart (proportions)",
    "pp": "p′ chart (Laney's proportions)",
    "u": "u chart (rates)",
    "up": "u′ chart (Laney's rates)",
    "c": "c chart (counts)",
    "g": "g chart (cases between events)",
    "t": "t chart (time between events)",
    "run": "run chart (no limits)",
}

#: charts whose points are a numerator over a denominator
DENOMINATOR_CHARTS = frozenset({"p", "pp", "u", "up"})
#: charts of proportions: values from 0 to 1
PROPORTION_CHARTS = frozenset({"p", "pp"})
#: the units each chart of counts or times takes (a chart not named here takes any unit)
_CHART_UNITS: dict[str, tuple[str, ...]] = {
    "p": ("percentage",),
    "pp": ("percentage",),
    "c": ("count",),
    "g": ("count", "days"),
    "t": ("days",),
}

#: the most points ``fix_after_n`` may name, and the longest annotation
FIX_AFTER_MAX = 1000
ANNOTATION_LENGTH = 300
REASON_LENGTH = 1000


class _ChartSettings(Protocol):
    unit: str
    aggregation: str


def default_chart(unit: str, aggregation: str) -> str:
    """The chart for a metric that names none (see the table in this module's docstring)."""
    if aggregation == "ratio":
        return "pp" if unit == "percentage" else "up"
    if unit == "count" and aggregation == "sum":
        return "c"
    return "xmr"


def chart_for(metric: _ChartSettings | Mapping[str, Any]) -> str:
    """The chart a metric is drawn on: its own ``chart`` when it names one, else the default.

    ``metric`` is anything with ``unit``, ``aggregation`` and (optionally) ``chart``: the plan
    file's metric, the database's, or a metric as a mapping (a plan document's)."""
    if isinstance(metric, Mapping):
        chart, unit, aggregation = metric.get("chart"), metric.get("unit", "count"), metric.get("aggregation", "sum")
    else:
        chart, unit, aggregation = getattr(metric, "chart", None), metric.unit, metric.aggregation
    return str(chart) if chart else default_chart(str(unit), str(aggregation))


def chart_problem(chart: str, unit: str, aggregation: str) -> str | None:
    """Why ``chart`` does not suit a metric of ``unit`` and ``aggregation``; None when it does.

    The message reads after the field's name and says what to do."""
    if chart not in CHART_TYPES:
        return f"'{chart}' is not a chart type; use one of {', '.join(CHART_TYPES)}"
    if chart in DENOMINATOR_CHARTS and aggregation != "ratio":
        return (
            f"a {CHART_NAMES[chart]} needs numerators and denominators, but this metric's aggregation is "
            f"'{aggregation}'; set aggregation: ratio (and load numerator and denominator), or choose "
            f"{_others(unit, aggregation)}"
        )
    units = _CHART_UNITS.get(chart)
    if units is not None and unit not in units:
        return (
            f"a {CHART_NAMES[chart]} is for a metric of unit {' or '.join(units)}, but this metric's unit is "
            f"'{unit}'; choose {_others(unit, aggregation)}, or correct the unit"
        )
    return None


def _others(unit: str, aggregation: str) -> str:
    """The charts that suit any metric of this unit and aggregation, as a message offers them."""
    choices = list(dict.fromkeys((default_chart(unit, aggregation), "xmr", "run")))
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def period_start(text: str, frequency: str) -> date:
    """The first day of the metric's period (of ``frequency``) that the period text ``text`` starts
    in: a quarterly metric's rebase '2017-05' is the quarter starting 2017-04-01. A
    :class:`PeriodError` when the text names no period."""
    return period_of(parse_period(text).start, frequency).start


def rebase_starts(rebase: Iterable[Any], frequency: str) -> list[date]:
    """The days a metric's limits are recalculated from: each rebase's period start (see
    :func:`period_start`), in order, once each. ``rebase`` holds the plan's entries, as elements
    with a ``date`` or as mappings ``{date, reason}``; entries whose date names no period are
    left out (validation reports them)."""
    days: set[date] = set()
    for entry in rebase:
        text = entry["date"] if isinstance(entry, Mapping) else entry.date
        try:
            days.add(period_start(str(text), frequency))
        except PeriodError:
            continue
    return sorted(days)


def annotation_points(annotations: Iterable[Any], frequency: str) -> list[tuple[date, str, str]]:
    """Where a metric's annotations go on its charts, in order of their dates: for each, the first
    day of the metric's period its date falls in (the point it marks), its date as written and its
    text. ``annotations`` are the plan's entries, as elements or mappings ``{date, text}``; an entry
    whose date names no period is left out (validation reports it)."""
    points: list[tuple[date, date, str, str]] = []
    for entry in annotations:
        text, said = (entry["date"], entry["text"]) if isinstance(entry, Mapping) else (entry.date, entry.text)
        try:
            day = parse_period(str(text)).start
        except PeriodError:
            continue
        points.append((period_of(day, frequency).start, day, str(text), str(said)))
    return [(start, text, said) for start, _, text, said in sorted(points, key=lambda point: point[:2])]


def dated_problems(entries: Sequence[Any], frequency: str, what: str) -> list[tuple[int, str]]:
    """Problems with the dates of a metric's rebases or annotations, as (position, message): a
    date that names no period, and (for rebases) two in the same period of the metric."""
    problems: list[tuple[int, str]] = []
    seen: dict[date, str] = {}
    for i, entry in enumerate(entries):
        text = str(entry["date"] if isinstance(entry, Mapping) else entry.date)
        try:
            start = period_start(text, frequency)
        except PeriodError as exc:
            problems.append((i, str(exc)))
            continue
        if what == "rebase" and start in seen:
            problems.append(
                (
                    i,
                    f"'{text}' rebases the same period as '{seen[start]}' (the {frequency} period starting "
                    f"{start.isoformat()}); give each rebase once",
                )
            )
        seen.setdefault(start, text)
    return problems
