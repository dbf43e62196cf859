"""Scorecard and exceptions: a plan's headline measures and everything that needs attention,
from one assessment of the plan (the same one the board pack uses)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup

from goldenthread.performance.assessment import MetricAssessment, PlanAssessment, assess_plan
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import icons
from goldenthread.presenters.metric import default_where


def sparkline(values: np.ndarray, *, width: int = 120, height: int = 28, points: int = 24) -> Markup:
    """A small trend line as inline SVG (decorative: the table beside it carries the numbers)."""
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
    return Markup(
        f'<svg class="gt-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true" focusable="false">'
        f'<polyline points="{path}" fill="none" stroke="#425563" stroke-width="1.5"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="#005eb8"/></svg>'
    )


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if unit == "percentage":
        return f"{value:.1%}"
    if unit == "currency":
        return f"£{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def format_target(x: m.Metric) -> str:
    if x.target_value is None:
        return x.target_text or "–"
    value = format_value(float(x.target_value), x.unit)
    comparison = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}.get(x.target_comparison, x.target_comparison)
    by = f" by {x.target_by}" if x.target_by else ""
    return f"{comparison} {value}{by}"


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
    status: str
    status_label: str
    reason: str
    to_be_confirmed: bool


@dataclass
class Scorecard:
    plan: m.Plan
    as_at: Period
    where: m.OrgUnit | None
    headline_only: bool
    rows: list[ScorecardRow]


def objective_links(plan: m.Plan) -> dict[int, list[tuple[str, str]]]:
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for metric_id, code, title in (
        m.Metric.objectives.through.objects.filter(metric__plan=plan)
        .order_by("objective__position")
        .values_list("metric_id", "objective__code", "objective__title")
    ):
        links[metric_id].append((code, title))
    return links


def scorecard_row(a: MetricAssessment, objectives: list[tuple[str, str]]) -> ScorecardRow:
    x = a.metric
    latest = a.latest
    variation = a.spc.variation if a.spc else None
    assurance = a.spc.assurance if a.spc else None
    return ScorecardRow(
        code=x.code,
        title=x.title,
        objectives=objectives,
        latest_period=latest[0].strftime("%b %Y") if latest else "",
        latest_value=format_value(latest[1] if latest else None, x.unit),
        target=format_target(x),
        variation_icon=icons.variation_icon(variation, 32),
        assurance_icon=icons.assurance_icon(assurance, 32),
        variation_text=icons.variation_text(variation),
        assurance_text=icons.assurance_text(assurance),
        sparkline=sparkline(a.series.values),
        status=a.status.rating,
        status_label=a.status.label,
        reason=a.status.reason,
        to_be_confirmed=x.to_be_confirmed,
    )


def scorecard(plan: m.Plan, as_at: Period | None = None, assessment: PlanAssessment | None = None) -> Scorecard:
    where = default_where(plan)
    assessment = assessment or assess_plan(plan, as_at=as_at, where_code=where.code if where else None)
    headline = [a for a in assessment.metrics if a.metric.headline]
    chosen = headline or assessment.metrics
    links = objective_links(plan)
    return Scorecard(
        plan, assessment.as_at, where, bool(headline), [scorecard_row(a, links[a.metric.pk]) for a in chosen]
    )


@dataclass
class ExceptionItem:
    kind: str  # metric or activity
    code: str
    title: str
    what: list[str]
    when: str  # ISO date of the latest period concerned, for ordering newest first
    status: str
    link: str = ""


@dataclass
class ExceptionGroup:
    objective_code: str
    objective_title: str
    directorate: str
    items: list[ExceptionItem] = field(default_factory=list)


@dataclass
class Exceptions:
    plan: m.Plan
    as_at: Period
    groups: list[ExceptionGroup]
    count: int


def exceptions(plan: m.Plan, as_at: Period | None = None, assessment: PlanAssessment | None = None) -> Exceptions:
    """Every fired trigger, special cause of concern and failing assurance, by objective and
    directorate, newest first."""
    where = default_where(plan)
    assessment = assessment or assess_plan(plan, as_at=as_at, where_code=where.code if where else None)
    objectives = {o.pk: o for o in plan.objectives.select_related("org_unit")}
    metric_objectives: dict[int, list[int | None]] = defaultdict(list)
    for metric_id, objective_id in m.Metric.objectives.through.objects.filter(metric__plan=plan).values_list(
        "metric_id", "objective_id"
    ):
        metric_objectives[metric_id].append(objective_id)
    groups: dict[int | None, ExceptionGroup] = {}

    def group(objective_id: int | None) -> ExceptionGroup:
        if objective_id not in groups:
            o = objectives.get(objective_id) if objective_id is not None else None
            groups[objective_id] = ExceptionGroup(
                o.code if o else "",
                o.title if o else "Not linked to an objective",
                o.org_unit.name if o and o.org_unit else "",
            )
        return groups[objective_id]

    count = 0
    for a in assessment.metrics:
        what = [f.message for f in a.fired]
        if a.evidence.latest_point_type == "special_cause_concern" and not any(
            f.rule == "special_cause_concern" for f in a.fired
        ):
            what.append("special cause of concern at the latest point")
        if a.spc and a.spc.assurance == "consistent_fail" and not any(f.rule == "assurance_fail" for f in a.fired):
            what.append("the process limits show the target will consistently be missed")
        if not what:
            continue
        latest = a.latest
        item = ExceptionItem(
            "metric", a.metric.code, a.metric.title, what, latest[0].isoformat() if latest else "", a.status.rating
        )
        count += 1
        for linked in metric_objectives.get(a.metric.pk) or [None]:
            group(linked).items.append(item)
    activities = {a.code: a for a in plan.activities.all()}
    for f in assessment.fired:
        if f.kind != "activity":
            continue
        activity = activities[f.code]
        count += 1
        group(activity.objective_id).items.append(
            ExceptionItem("activity", f.code, f.title, [f.message], f.periods[0] if f.periods else "", "concern")
        )
    for g in groups.values():
        g.items.sort(key=lambda i: i.when, reverse=True)
    ordered = sorted(
        groups.values(), key=lambda g: (max((i.when for i in g.items), default=""), g.objective_code), reverse=True
    )
    return Exceptions(plan, assessment.as_at, ordered, count)
