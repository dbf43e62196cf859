"""A metric's series with its statistical process control result, for a place and a breakdown: the
figures the metric page shows.

The series of a place (``where``: an org unit's code, or the plan's default place, as on the page)
is the metric page's own assessment, kept (:func:`goldenthread.presenters.kept.metric_page`): the
API and the page read the same kept result, so their figures are the same figures and nothing is
worked out again while it is kept. A breakdown (``breakdown=department_type=1``) is that place's
rows of one breakdown value, by the same series rule (:mod:`goldenthread.performance.figures`),
judged on the metric's chart as the page judges the total.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from goldenthread.access.policy import PLAN_READER, subject
from goldenthread.api.element_rows import checked
from goldenthread.api.guard import guarded
from goldenthread.api.schemas import Detail
from goldenthread.assurance.judgement import FiredTrigger
from goldenthread.performance import figures
from goldenthread.performance.assessment import IMPROVEMENT, MetricAssessment, assess_metric
from goldenthread.performance.folding import SUMS
from goldenthread.performance.judging import judge_all
from goldenthread.planfile.charts import CHART_NAMES
from goldenthread.planfile.fields import CODE_LENGTH, text_problem
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import chart_notes, icons, kept
from goldenthread.presenters.as_at import as_at_choice
from goldenthread.presenters.chart_series import TableRow, table_and_points
from goldenthread.presenters.charts import NOT_JUDGED
from goldenthread.presenters.params import BadParameter

router = Router(tags=["metric series"])


class SeriesPoint(Schema):
    period: date  # the period's first day
    name: str  # the period as the page names it: "Jan 2017", "2016/17 Q4"
    value: float | None
    numerator: float | None
    denominator: float | None
    centre: float | None  # the mean, or a run chart's median (centre_label says which)
    lower_limit: float | None  # the lower process limit, held inside what the measure can be
    upper_limit: float | None
    point_type: str  # common_cause, special_cause_improvement, special_cause_concern, … or not_judged
    point_label: str  # the same in the page's words
    special_cause: str  # the rule that made it special cause ("" when none)
    planned: float | None  # the plan's trajectory for the period, when it has one


class Trigger(Schema):
    rule: str
    kind: str  # metric or activity
    code: str
    title: str
    periods: list[str]
    message: str


class MetricSeries(Schema):
    plan: str
    metric: str
    title: str
    unit: str
    frequency: str
    as_at: str  # the period judged as at, e.g. "2019/20 Q4"
    where: str | None  # the org unit's code (None: all data held)
    where_name: str
    breakdown: str | None  # "dimension=value", or None for the whole place
    chart: str  # the chart drawn: xmr, p, pp, u, up, c, g, t, or run (too few points to judge)
    chart_name: str
    centre_label: str  # "mean", or a run chart's "median"
    target: float | None
    target_comparison: str | None
    variation: str | None  # common_cause, special_cause_improvement, … (None: not judged)
    assurance: str | None  # consistent_pass, consistent_fail, inconsistent, no_target (None: not judged)
    variation_text: str
    assurance_text: str
    status: str  # the metric's rating: on_track, at_risk, concern, …
    status_label: str
    reason: str
    latest_period: date | None
    latest_value: float | None
    triggers: list[Trigger]
    notes: list[str]  # what limits the chart, in plain English
    points: list[SeriesPoint]


def as_at_period(request: HttpRequest, plan: m.Plan, raw: str | None) -> Period:
    """The period ``as_at`` names, as the plan's pages read it (default: the current quarter, or the
    plan's last when it is over); a 400 saying what is wrong with a bad one."""
    try:
        return as_at_choice(plan, raw or "", today=timezone.localdate()).period
    except BadParameter as exc:
        raise HttpError(400, exc.message) from None


def where_code(plan: m.Plan, where: str | None) -> str | None:
    if where is None or where == "":
        return None
    problem = text_problem(where, max_length=CODE_LENGTH)
    found = None if problem else plan.org_units.filter(code=where).values_list("code", flat=True).first()
    if found != where:
        raise HttpError(
            400,
            f"where: {plan.code} has no org unit '{where[:64]}' (codes are exact, case and all); "
            "use an org unit's code",
        )
    return where


@dataclass
class _Judged:
    assessment: MetricAssessment
    table: list[TableRow]


def _breakdown_series(a: MetricAssessment, breakdown: str, as_at: Period) -> _Judged:
    """The place's rows of one breakdown value, as a series judged on the metric's chart."""
    metric = a.metric
    dimension, _, value = breakdown.partition("=")
    grouped = figures.series_by(metric, dimension, a.where, end=as_at.end) if dimension and value else {}
    points = grouped.get(value)
    if not points:
        held = ", ".join(f"{dimension}={g}" for g in sorted(grouped) if g) or "none"
        raise HttpError(
            404,
            f"breakdown: {metric.code} has no figures for '{breakdown[:100]}' at "
            f"{a.where.code if a.where else 'all data held'}; write it as dimension=value (held: {held})",
        )
    series = figures.Series(metric.aggregation, [p.period_start for p in points], _sums(points))
    target = {metric.pk: float(metric.target_value)} if metric.target_value is not None else {}
    judged = judge_all([metric], {metric.pk: series}, {metric.pk: IMPROVEMENT.get(metric.polarity, "neutral")}, target)
    assessment = assess_metric(metric, a.where, series, judged.get(metric.pk, (None, None)), None, {})
    planned = {p.period_start: float(p.value) for p in metric.trajectory.all()}
    return _Judged(assessment, table_and_points(assessment, planned)[0])


def _sums(points: list[figures.Point]) -> np.ndarray:
    """Rows of :data:`SUMS` that give each point back by the series rule (one row per period)."""
    out = np.zeros((len(points), len(SUMS)))
    for i, p in enumerate(points):
        counted = p.numerator is not None and p.denominator is not None
        out[i] = (
            p.numerator if counted else 0.0,
            p.denominator if counted else 0.0,
            1.0 if counted else 0.0,
            p.value if p.value is not None else 0.0,
            1.0 if p.value is not None else 0.0,
            1.0,
        )
    return out


def _number(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _trigger(f: FiredTrigger) -> Trigger:
    return Trigger(rule=f.rule, kind=f.kind, code=f.code, title=f.title, periods=list(f.periods), message=f.message)


def _points(j: _Judged) -> list[SeriesPoint]:
    a, chart = j.assessment, j.assessment.chart
    return [
        SeriesPoint(
            period=row.period,
            name=row.name,
            value=row.value,
            numerator=_number(a.series.numerators[i]),
            denominator=_number(a.series.denominators[i]),
            centre=row.mean,
            lower_limit=row.lpl,
            upper_limit=row.upl,
            point_type=(str(chart.point_type[i]) if chart is not None else "") or NOT_JUDGED,
            point_label=row.point_type,
            special_cause=row.special_cause,
            planned=row.planned,
        )
        for i, row in enumerate(j.table)
    ]


def _out(plan: m.Plan, j: _Judged, as_at: Period, breakdown: str | None) -> MetricSeries:
    a = j.assessment
    x, chart, spc = a.metric, a.chart, a.spc
    not_judged = chart_notes.not_judged(chart)
    latest = a.latest
    return MetricSeries(
        plan=plan.code,
        metric=x.code,
        title=x.title,
        unit=x.unit,
        frequency=x.frequency,
        as_at=as_at.label,
        where=a.where.code if a.where else None,
        where_name=a.where.name if a.where else "all data held",
        breakdown=breakdown,
        chart=chart.kind if chart else "xmr",
        chart_name=CHART_NAMES[chart.kind] if chart else "",
        centre_label=chart.centre_label if chart else "mean",
        target=float(x.target_value) if x.target_value is not None else None,
        target_comparison=(x.target_comparison or ">=") if x.target_value is not None else None,
        variation=spc.variation if spc else None,
        assurance=spc.assurance if spc else None,
        variation_text=not_judged or icons.variation_text(spc.variation if spc else None),
        assurance_text=not_judged or icons.assurance_text(spc.assurance if spc else None),
        status=a.status.rating,
        status_label=a.status.label,
        reason=a.status.reason,
        latest_period=latest[0] if latest else None,
        latest_value=latest[1] if latest else None,
        triggers=[_trigger(f) for f in a.fired],
        notes=chart_notes.sentences(chart, x.frequency),
        points=_points(j),
    )


@router.get(
    "/{code}/metrics/{path:metric}/series/",
    response={200: MetricSeries, 400: Detail, 403: Detail, 404: Detail},
    summary="A metric's series with its SPC result, for a place and a breakdown",
)
@guarded(PLAN_READER)
def metric_series(
    request: HttpRequest,
    code: str,
    metric: str,
    where: str | None = None,
    breakdown: str | None = None,
    as_at: str | None = None,
) -> MetricSeries:
    """``where``: an org unit's code (default: the plan's England or organisation-wide unit, as the
    metric page); ``breakdown``: one breakdown value of the data, ``dimension=value`` (e.g.
    ``department_type=1``); ``as_at``: the period judged as at (``2016/17 Q4``; default as the
    page: the current quarter, or the plan's last when it is over). The figures are the metric
    page's: each period's value with its numerator and denominator, the centre line and process
    limits, the special-cause flags, the variation and assurance verdict and the chart drawn."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    period = as_at_period(request, plan, as_at)
    page = kept.metric_page(plan, checked("metric", metric), period, where_code(plan, where))
    if page is None or page.metric.code != metric:
        raise HttpError(404, f"{plan.code} has no metric '{metric}' (codes are exact, case and all)")
    if breakdown:
        judged = _breakdown_series(page.assessment, checked("breakdown", breakdown, 300), period)
    else:
        judged = _Judged(page.assessment, page.table)
    return _out(plan, judged, period, breakdown or None)
