"""Assess a plan: its metrics' data judged by SPC, targets, trajectories and the plan's own
triggers, activities against their dates, and a status for every objective.

This is the one place the web pages, the board papers and ``goldenthread assess`` get their
judgements from, so the figures are the same everywhere. Data comes from the database in a few
set-based queries; the judgement itself is done by the pure engine in
:mod:`goldenthread.assurance`, all series of a metric at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from goldenthread.assurance.icons import IMPROVEMENT_DIRECTIONS
from goldenthread.assurance.judgement import (
    ActivityState,
    FiredTrigger,
    MetricEvidence,
    ObjectiveInput,
    Status,
    activity_rating,
    evaluate_activity_rules,
    evaluate_metric_rules,
    metric_status,
    objective_statuses,
    target_met,
)
from goldenthread.assurance.spc import SPCResult, SPCTable, spc_many
from goldenthread.performance.charting import MIN_POINTS, MetricChart
from goldenthread.performance.definitions import Definitions, VersionInForce, definitions_in_force
from goldenthread.performance.figures import Series, all_series_many, plan_series
from goldenthread.performance.judging import Judged, judge_all, unit_chart, unit_concerns
from goldenthread.planfile.periods import Period, PeriodError, parse_period, period_of
from goldenthread.plans import models as m

IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}


class AssessmentError(ValueError):
    """Raised with a message a person can act on (unknown metric, unit or period)."""


@dataclass
class MetricAssessment:
    metric: m.Metric
    where: m.OrgUnit | None
    series: Series
    spc: SPCResult | None  # None: no data, or too few points to judge (``chart`` says which)
    evidence: MetricEvidence
    fired: list[FiredTrigger]
    status: Status
    period: Period | None = None
    period_value: float | None = None
    period_numerator: float | None = None
    period_denominator: float | None = None
    units_with_concern: list[dict] = field(default_factory=list)
    chart: MetricChart | None = None  # what the metric's chart shows (None: no data)

    @property
    def latest(self) -> tuple[date, float] | None:
        ok = ~np.isnan(self.series.values)
        if not ok.any():
            return None
        i = int(np.flatnonzero(ok)[-1])
        return self.series.periods[i], float(self.series.values[i])

    @property
    def period_target_met(self) -> bool | None:
        return self.judged.met if self.judged is not None else None

    @property
    def judged(self) -> PeriodJudgement | None:
        """The value over ``period`` judged against the target for it (``assess --period``)."""
        if self.period is None:
            return None
        return _judged(self.metric, self.period, self.period_value, self.period_numerator, self.period_denominator)


@dataclass(frozen=True)
class PeriodJudgement:
    """A metric's value over a period and whether it meets the plan's target for that period: what
    ``goldenthread assess --period`` prints and the metric page, scorecard, packs and open data show."""

    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None  # the trajectory's planned value for a period it names, else the target
    comparison: str
    met: bool | None  # None: no value for the period, or no target


def _trajectory_comparison(x: m.Metric) -> str:
    return {"higher_is_better": ">=", "lower_is_better": "<="}.get(x.polarity, x.target_comparison or ">=")


def period_target(x: m.Metric, period: Period) -> tuple[float | None, str]:
    """The target for ``period``: the planned value where the trajectory names the period, else the
    metric's target (None when the plan sets no numeric one), with how a value is compared with it."""
    for p in x.trajectory.all():
        if (p.period_start, p.period_end) == (period.start, period.end):
            return float(p.value), _trajectory_comparison(x)
    return (float(x.target_value) if x.target_value is not None else None), x.target_comparison or ">="


def _judged(
    x: m.Metric, period: Period, value: float | None, numerator: float | None, denominator: float | None
) -> PeriodJudgement:
    target, comparison = period_target(x, period)
    met = None
    if value is not None and target is not None:
        met = bool(target_met(np.array([value]), target, comparison)[0])
    return PeriodJudgement(period, value, numerator, denominator, target, comparison, met)


def judge_period(x: m.Metric, series: Series, period: Period) -> PeriodJudgement:
    """The metric's value over ``period`` (aggregated as declared) judged against its target for it."""
    over = series.over(period.start, period.end)
    return _judged(x, period, *(over[1:] if over is not None else (None, None, None)))


def target_by(x: m.Metric) -> Period | None:
    """The period by which the plan's target is to be met (its ``by``), when it names a period."""
    if x.target_value is None or not x.target_by:
        return None
    try:
        return parse_period(x.target_by)
    except PeriodError:
        return None


def target_periods(x: m.Metric) -> list[Period]:
    """Every period the plan names a target for: its trajectory's and the target's ``by``, in order."""
    named: dict[tuple[date, date], Period] = {}
    for p in x.trajectory.all():
        try:
            period = parse_period(p.period)
        except PeriodError:
            continue
        named[(period.start, period.end)] = period
    final = target_by(x)
    if final is not None:
        named[(final.start, final.end)] = final
    return [named[k] for k in sorted(named)]


@dataclass
class PlanAssessment:
    plan: m.Plan
    as_at: Period
    metrics: list[MetricAssessment]
    objectives: dict[str, Status]
    activities: dict[str, Status]
    fired: list[FiredTrigger]
    definitions: Definitions | None = None  # the version of the plan in force at the end of ``as_at``

    @property
    def version(self) -> VersionInForce | None:
        """The version judged against (None when the plan keeps no versions)."""
        return self.definitions.version if self.definitions else None


def default_as_at(plan: m.Plan, today: date | None = None) -> Period:
    """The current quarter, or the plan's last quarter when the plan is over."""
    today = today or date.today()
    last = parse_period(plan.end)
    return period_of(min(today, last.end), "quarterly")


def _labels(periods: list[date], frequency: str) -> list[str]:
    if frequency in ("quarterly", "monthly"):
        return [period_of(d, frequency).label for d in periods]
    return [d.isoformat() for d in periods]


def assess_plan(
    plan: m.Plan,
    *,
    as_at: Period | None = None,
    metric_code: str | None = None,
    where_code: str | None = None,
    period: Period | None = None,
    with_units: bool = False,
    activity_statuses: Mapping[int, str] | None = None,
    definitions: Definitions | None = None,
) -> PlanAssessment:
    """``activity_statuses`` (activity pk -> status) are the statuses in force — the approved
    updates' (:func:`goldenthread.presenters.reported.assess`) — over the plan file's. Metrics and
    activities are judged as the version of the plan in force at the end of ``as_at`` defines
    them (:mod:`goldenthread.performance.definitions`; pass ``definitions`` when the page has them
    for that day); ``metric_code`` names a metric even when that version did not have it (then as
    the latest version defines it)."""
    as_at = as_at or default_as_at(plan)
    if definitions is None or definitions.day != as_at.end:
        definitions = definitions_in_force(plan, as_at.end)  # the version of the plan in force then
    metrics = _metrics(plan, definitions, metric_code)
    where = _find_unit(plan, where_code) if where_code else None
    series = plan_series(metrics, where, until=as_at.end)
    judged = _judge_all(metrics, series)
    concern = units_with_concern_many(metrics, as_at) if with_units else {}
    assessments = [
        assess_metric(x, where, series[x.pk], judged.get(x.pk, (None, None)), period, concern) for x in metrics
    ]

    activities = definitions.activities(plan.activities.all())
    states = [_state(a, activity_statuses or {}) for a in activities]
    activity_status = {s.code: activity_rating(s, as_at.end) for s in states}
    fired = [f for a in assessments for f in a.fired]
    fired += evaluate_activity_rules(definitions.activity_rules, states, as_at.end)

    by_objective: dict[int, list[Status]] = defaultdict(list)
    links = definitions.links()
    status_of = {a.metric.pk: a.status for a in assessments}
    for metric_id, objective_id in links:
        if metric_id in status_of:
            by_objective[objective_id].append(status_of[metric_id])
    activity_by_objective: dict[int, list[Status]] = defaultdict(list)
    for a in activities:
        activity_by_objective[a.objective_id].append(activity_status[a.code])
    objectives = _objective_rows(plan, definitions)
    code_of: dict[int | None, str] = {pk: code for pk, code, _ in objectives}
    statuses = objective_statuses(
        [
            ObjectiveInput(code, code_of.get(parent), by_objective[pk], activity_by_objective[pk])
            for pk, code, parent in objectives
        ]
    )
    return PlanAssessment(plan, as_at, assessments, statuses, activity_status, fired, definitions)


def _metrics(plan: m.Plan, definitions: Definitions, code: str | None) -> list[m.Metric]:
    """The plan's metrics as ``definitions`` define them — only the one coded ``code``, when given."""
    live = plan.metrics.select_related("owner").order_by("position")
    if code:
        live = live.filter(code=code)
    metrics = definitions.metrics(live.prefetch_related("trajectory") if definitions.is_latest else live, keep=code)
    if code:
        metrics = [x for x in metrics if x.code == code]
        if not metrics:
            raise AssessmentError(f"plan {plan.code} has no metric '{code}'; see its metrics on the plan page")
    return metrics


def _objective_rows(plan: m.Plan, definitions: Definitions) -> list[tuple[int, str, int | None]]:
    """(pk, code, parent pk) of each objective of the version in force."""
    if definitions.is_latest:
        return list(plan.objectives.values_list("pk", "code", "parent_id"))
    return [(o.pk, o.code, o.parent_id) for o in definitions.objectives(plan.objectives.all())]


def _state(a: m.Activity, statuses: Mapping[int, str]) -> ActivityState:
    return ActivityState(a.code, a.title, statuses.get(a.pk, a.status), a.due_date, a.due_text)


def _find_unit(plan: m.Plan, code: str) -> m.OrgUnit:
    unit = plan.org_units.filter(code__iexact=code).first() or plan.org_units.filter(name__iexact=code).first()
    if unit is None:
        raise AssessmentError(
            f"plan {plan.code} has no org unit '{code}'; use a unit code or name from the plan page (e.g. England)"
        )
    return unit


def _target(x: m.Metric) -> float | None:
    return float(x.target_value) if x.target_value is not None else None


def _judge_all(metrics: list[m.Metric], series: dict[int, Series]) -> dict[int, Judged]:
    """Every metric's series judged on its own chart (:mod:`.judging`), each with its polarity and
    target: one pass of the engine per kind of chart."""
    improvement = {x.pk: IMPROVEMENT.get(x.polarity, "neutral") for x in metrics}
    targets = {x.pk: t for x in metrics if (t := _target(x)) is not None}
    return judge_all(metrics, series, improvement, targets)


def assess_metric(
    x: m.Metric,
    where: m.OrgUnit | None,
    series: Series,
    judgement: Judged,
    period: Period | None,
    concern: dict[int, list[dict]],
) -> MetricAssessment:
    """One metric's assessment at ``where`` from its series and the judgement of it (the
    scorecard's row, and the API's for one place and breakdown); ``concern`` holds the units of
    concern per metric, where the whole plan's assessment has them."""
    target = _target(x)
    result, chart = judgement  # result None: no data, or too few points to judge (chart says which)
    latest_point_type, assurance = None, None
    if result is not None:
        ok = ~np.isnan(series.values)
        if ok.any():
            latest_point_type = str(result.point_type[np.flatnonzero(ok)[-1]])
        assurance = result.assurance
    planned = None
    trajectory = {p.period_start: float(p.value) for p in x.trajectory.all()}
    if trajectory:
        planned = np.array([trajectory.get(d, np.nan) for d in series.periods], dtype=float)
    evidence = MetricEvidence(
        code=x.code,
        title=x.title,
        periods=_labels(series.periods, x.frequency),
        values=series.values,
        target=target,
        comparison=x.target_comparison or ">=",
        planned=planned,
        polarity=x.polarity,
        latest_point_type=latest_point_type,
        assurance=assurance,
        rules=x.trigger_rules,
    )
    fired = evaluate_metric_rules(evidence)
    assessment = MetricAssessment(x, where, series, result, evidence, fired, metric_status(evidence, fired))
    assessment.chart = chart
    if period is not None:
        judged = judge_period(x, series, period)
        assessment.period = period
        assessment.period_value, assessment.period_numerator = judged.value, judged.numerator
        assessment.period_denominator = judged.denominator
    assessment.units_with_concern = concern.get(x.pk, [])
    return assessment


def units_with_concern(x: m.Metric, as_at: Period, improvement: str, target: float | None) -> list[dict]:
    """Every org unit whose latest point is special cause of concern: all units' series in one pass."""
    return units_with_concern_many([x], as_at, {x.pk: (improvement, target)})[x.pk]


def units_with_concern_many(
    metrics: list[m.Metric], as_at: Period, judged: Mapping[int, tuple[str, float | None]] | None = None
) -> dict[int, list[dict]]:
    """For every metric, each org unit whose latest point is special cause of concern — every
    unit's series of every metric read in one set of queries and judged in one pass per chart
    (each metric's, :mod:`.judging`; the XmR metrics' in one ``spc_many`` call), each with its
    metric's improvement and target (``judged``: metric pk → (improvement, target);
    by default the metric's polarity and target). {metric pk: [{unit, period, value,
    special_cause_type}, …] by unit code}."""
    judged = judged or {x.pk: (IMPROVEMENT.get(x.polarity, "neutral"), _target(x)) for x in metrics}
    every = [t for t in all_series_many(metrics, end=as_at.end).values() if len(t)]
    out: dict[int, list[dict]] = {x.pk: [] for x in metrics}
    pk = {x.code: x.pk for x in metrics}
    by_code = {x.code: x for x in metrics}
    kinds = {t.metric: unit_chart(by_code[t.metric], t) for t in every}
    for kind in sorted({k for k in kinds.values() if k != "xmr"}):  # each other chart in one pass
        others = [t for t in every if kinds[t.metric] == kind]
        direction = {pk[t.metric]: IMPROVEMENT_DIRECTIONS[judged[pk[t.metric]][0]] for t in others}
        for row in unit_concerns(kind, others, [pk[t.metric] for t in others], direction):
            out[row.pop("metric")].append(row)
    tables = [t for t in every if kinds[t.metric] == "xmr"]
    if not tables:
        return _by_unit(out)
    metric = np.concatenate([np.full(len(t), pk[t.metric]) for t in tables])
    unit = np.concatenate([t.unit for t in tables])
    series = np.char.add(np.char.add(metric.astype(str), " "), unit.astype(str))  # one series per metric and unit
    ids = np.unique(series, return_index=True)
    table = spc_many(
        series,
        np.concatenate([t.period for t in tables]),
        np.concatenate([t.value for t in tables]),
        improvement={s: judged[int(metric[i])][0] for s, i in zip(*ids, strict=True)},
        target={s: judged[int(metric[i])][1] for s, i in zip(*ids, strict=True)},
    )
    for i in _latest_concerns(table):
        k = int(table.series_code[i])
        metric_pk, code = str(table.series[k]).split(" ", 1)
        out[int(metric_pk)].append(
            {
                "unit": code,
                "period": str(np.datetime64(table.dates[i], "D")),
                "value": float(table.values[i]),
                "special_cause_type": str(table.special_cause_type[i]),
            }
        )
    return _by_unit(out)


def _by_unit(out: dict[int, list[dict]]) -> dict[int, list[dict]]:
    for rows in out.values():
        rows.sort(key=lambda r: r["unit"])
    return out


def _latest_concerns(table: SPCTable) -> np.ndarray:
    """The index of each series' latest point with a value, where it is special cause of concern
    — in the series with enough points to be judged (:data:`~.charting.MIN_POINTS`)."""
    ok = np.flatnonzero(~np.isnan(np.asarray(table.values, dtype=float)))
    days = table.dates.astype("datetime64[D]").astype(np.int64)[ok]
    order = ok[np.lexsort((days, table.series_code[ok]))]
    codes = table.series_code[order]
    last = order[np.append(codes[1:] != codes[:-1], True)] if order.size else order
    judged = np.bincount(table.series_code[ok], minlength=table.series.size) >= MIN_POINTS
    return last[(table.point_type[last] == "special_cause_concern") & judged[table.series_code[last]]]


def _number(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 6)


def to_data(assessment: PlanAssessment, *, objectives: bool = True) -> dict:
    """JSON-ready: what ``goldenthread assess --format json`` prints and the API will serve."""
    plan = assessment.plan
    titles = dict(plan.objectives.values_list("code", "title")) if objectives else {}
    spec = assessment.definitions.spec if assessment.definitions else None
    if objectives and spec is not None:  # the titles of the version judged against
        titles.update((o.code, o.title) for o in spec.objectives)
    return {
        "plan": plan.code,
        "as_at": assessment.as_at.label,
        "version": _version(assessment.version),
        "metrics": [
            {
                "code": a.metric.code,
                "title": a.metric.title,
                "where": a.where.name if a.where else "all data held",
                "unit": a.metric.unit,
                "period": a.period.label if a.period else None,
                "period_start": a.period.start.isoformat() if a.period else None,
                "period_end": a.period.end.isoformat() if a.period else None,
                "value": _number(a.period_value),
                "numerator": _number(a.period_numerator),
                "denominator": _number(a.period_denominator),
                "target": _number(float(a.metric.target_value)) if a.metric.target_value is not None else None,
                "comparison": a.metric.target_comparison or None,
                "target_by": a.metric.target_by or None,
                "target_met": a.period_target_met,
                "period_target": _number(a.judged.target) if a.judged else None,
                "period_comparison": a.judged.comparison if a.judged else None,
                "latest_period": a.latest[0].isoformat() if a.latest else None,
                "latest_value": _number(a.latest[1]) if a.latest else None,
                "points": len(a.series.periods),
                "chart": a.chart.kind if a.chart else None,  # "run" when too few points to judge
                "variation": a.spc.variation if a.spc else None,
                "assurance": a.spc.assurance if a.spc else None,
                "latest_point_type": a.evidence.latest_point_type,
                "status": a.status.rating,
                "reason": a.status.reason,
                "triggers": [_trigger(f) for f in a.fired],
                "units_with_special_cause_concern": a.units_with_concern,
                "warnings": list(a.spc.warnings) if a.spc else [],
            }
            for a in assessment.metrics
        ],
        "objectives": [
            {"code": code, "title": titles.get(code, ""), "status": s.rating, "reason": s.reason}
            for code, s in assessment.objectives.items()
        ]
        if objectives
        else [],
        "triggers": [_trigger(f) for f in assessment.fired],
    }


def _version(v: VersionInForce | None) -> dict | None:
    """The version of the plan judged against, and the latest (None when the plan keeps none)."""
    if v is None:
        return None
    return {
        "number": v.number,
        "in_force_from": v.in_force_from.isoformat(),
        "in_force_label": v.in_force_label,
        "latest": v.latest,
    }


def _trigger(f: FiredTrigger) -> dict:
    return {
        "rule": f.rule,
        "kind": f.kind,
        "code": f.code,
        "title": f.title,
        "periods": list(f.periods),
        "message": f.message,
    }
