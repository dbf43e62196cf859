"""Scorecard and exceptions: a plan's headline measures and everything that needs attention,
from one assessment of the plan (the same one the board pack uses). The exceptions are built in
:mod:`goldenthread.presenters.exceptions` and named here too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from markupsafe import Markup, escape

from goldenthread.performance.assessment import MetricAssessment, PlanAssessment
from goldenthread.performance.definitions import Definitions
from goldenthread.planfile.periods import Period, period_name
from goldenthread.plans import models as m
from goldenthread.presenters import icons
from goldenthread.presenters.chart_notes import NOT_ENOUGH_DATA, not_judged
from goldenthread.presenters.exceptions import ExceptionGroup, ExceptionItem, Exceptions, exceptions, objective_links
from goldenthread.presenters.kept import assess
from goldenthread.presenters.metric import default_where
from goldenthread.presenters.plan_version import assessment_version_line
from goldenthread.presenters.values import format_target, format_value
from goldenthread.presenters.verdict import Verdict, verdicts

__all__ = [
    "ExceptionGroup",
    "ExceptionItem",
    "Exceptions",
    "exceptions",
    "format_target",
    "format_value",
    "objective_links",
]


def sparkline(
    values: np.ndarray,
    *,
    periods: Sequence[date] = (),
    unit: str = "",
    frequency: str = "",
    width: int = 120,
    height: int = 28,
    points: int = 24,
) -> Markup:
    """A small trend line as inline SVG, one image named by the trend in words (:func:`trend_words`)."""
    v = np.asarray(values, dtype=float)[-points:]
    ok = ~np.isnan(v)
    if ok.sum() < 2:
        return Markup("")
    lo, hi = np.nanmin(v), np.nanmax(v)
    span = hi - lo or 1.0
    xs = np.linspace(2, width - 2, len(v))
    ys = height - 2 - (v - lo) / span * (height - 4)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, good in zip(xs, ys, ok, strict=True) if good)
    last_x, last_y = xs[ok][-1], ys[ok][-1]
    label = escape(trend_words(values, periods=periods, unit=unit, frequency=frequency, points=points))
    return Markup(
        f'<svg class="gt-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{label}" focusable="false"><title>{label}</title>'
        f'<polyline points="{path}" fill="none" stroke="#425563" stroke-width="1.5"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="#005eb8"/></svg>'
    )


def trend_words(
    values: np.ndarray, *, periods: Sequence[date] = (), unit: str = "", frequency: str = "", points: int = 24
) -> str:
    """The trend of the last ``points`` values in words, as the sparkline names it (the page) and the
    scorecard's export gives it in its Trend column; empty with fewer than two values."""
    v = np.asarray(values, dtype=float)[-points:]
    if (~np.isnan(v)).sum() < 2:
        return ""
    shown = [period_name(d, frequency) for d in list(periods)[-points:]] if len(periods) >= len(v) else []
    return trend_text(v, shown, unit)


def trend_text(values: np.ndarray, names: Sequence[str], unit: str) -> str:
    """The sparkline in words: "Trend of the last 24 values, Apr 2017 to Mar 2019: falling from 95.1%
    to 88.2%; lowest 85.0%, highest 95.1%." (``names``: each value's period, or none)."""
    held = [(i, float(x)) for i, x in enumerate(values) if x == x]
    (i0, first), (i1, last) = held[0], held[-1]
    when = f", {names[i0]} to {names[i1]}" if names else ""
    low, high = min(x for _, x in held), max(x for _, x in held)
    start, end = format_value(first, unit), format_value(last, unit)
    if start == end:  # the same as shown, whatever the digits beyond
        move = f"ending where it began, at {end}"
    else:
        move = f"{'rising' if last > first else 'falling'} from {start} to {end}"
    return (
        f"Trend of the last {len(held)} values{when}: {move}; "
        f"lowest {format_value(low, unit)}, highest {format_value(high, unit)}."
    )


@dataclass
class ScorecardRow:
    code: str
    title: str
    objectives: list[tuple[str, str]]
    latest_period: str
    latest_value: str
    target: str
    variation_icon: Markup
    assurance_icon: Markup
    variation_text: str
    assurance_text: str
    sparkline: Markup
    trend: str  # the sparkline in words
    status: str
    status_label: str
    reason: str
    to_be_confirmed: bool
    verdicts: list[Verdict] = field(default_factory=list)  # one for each target period the plan names
    not_judged: str = ""  # "Not enough data" when too few points to judge variation and assurance


@dataclass
class Scorecard:
    plan: m.Plan
    as_at: Period
    where: m.OrgUnit | None
    headline_only: bool
    rows: list[ScorecardRow]
    version_line: str = ""  # which version of the plan the figures are judged against, when not the latest
    definitions: Definitions | None = None  # that version's definitions, for pages built beside the scorecard


def scorecard_row(a: MetricAssessment, objectives: list[tuple[str, str]], as_at: Period | None = None) -> ScorecardRow:
    x = a.metric
    latest = a.latest
    variation = a.spc.variation if a.spc else None
    assurance = a.spc.assurance if a.spc else None
    too_few = not_judged(a.chart)
    return ScorecardRow(
        code=x.code,
        title=x.title,
        objectives=objectives,
        latest_period=period_name(latest[0], x.frequency) if latest else "",
        latest_value=format_value(latest[1] if latest else None, x.unit),
        target=format_target(x),
        variation_icon=icons.variation_icon(variation, 32),
        assurance_icon=icons.assurance_icon(assurance, 32),
        variation_text=too_few or icons.variation_text(variation),
        assurance_text=too_few or icons.assurance_text(assurance),
        sparkline=sparkline(a.series.values, periods=a.series.periods, unit=x.unit, frequency=x.frequency),
        trend=trend_words(a.series.values, periods=a.series.periods, unit=x.unit, frequency=x.frequency),
        status=a.status.rating,
        status_label=a.status.label,
        reason=a.status.reason,
        to_be_confirmed=x.to_be_confirmed,
        verdicts=verdicts(a, as_at),
        not_judged=(NOT_ENOUGH_DATA if a.chart is not None and a.chart.too_few else "Not judged") if too_few else "",
    )


def scorecard(plan: m.Plan, as_at: Period | None = None, assessment: PlanAssessment | None = None) -> Scorecard:
    where = default_where(plan)
    assessment = assessment or assess(plan, as_at=as_at, where_code=where.code if where else None)
    headline = [a for a in assessment.metrics if a.metric.headline]
    chosen = headline or assessment.metrics
    links = objective_links(plan, assessment.definitions)
    return Scorecard(
        plan,
        assessment.as_at,
        where,
        bool(headline),
        [scorecard_row(a, links[a.metric.pk], assessment.as_at) for a in chosen],
        assessment_version_line(assessment),
        assessment.definitions,
    )
