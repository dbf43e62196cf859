"""The metric page: an SPC chart with its table, icons, target and trajectory, breakdowns with the
gap between best and worst, the definition, review and trigger — all from the assessment that
the board papers and ``goldenthread assess`` use, so the figures are the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from goldenthread.assurance.judgement import FiredTrigger, Status
from goldenthread.performance import figures
from goldenthread.performance.assessment import MetricAssessment, PlanAssessment, assess_plan
from goldenthread.performance.definitions import Definitions
from goldenthread.performance.models import Observation
from goldenthread.planfile.charts import CHART_NAMES
from goldenthread.planfile.periods import Period, period_name
from goldenthread.plans import models as m
from goldenthread.plans.tree import Tree
from goldenthread.presenters import chart_notes, icons
from goldenthread.presenters.chart_series import TableRow, dated_marks, table_and_points
from goldenthread.presenters.charts import ChartPoint, chart_key, spc_chart_spec
from goldenthread.presenters.funnel import FunnelView, Held, funnel_view, units_below
from goldenthread.presenters.plan_version import assessment_version_line, not_in_version
from goldenthread.presenters.values import format_target, format_value
from goldenthread.presenters.verdict import Verdict, verdicts

__all__ = ["Breakdown", "MetricPage", "TableRow", "default_where", "download_rows", "metric_page"]


@dataclass
class Breakdown:
    title: str
    period: str
    rows: list[tuple[str, float]]  # (label, value), best first
    gap: float | None
    note: str = ""


@dataclass
class MetricPage:
    plan: m.Plan
    metric: m.Metric
    objectives: list[m.Objective]
    where: m.OrgUnit | None
    where_options: list[tuple[str, str]]
    as_at: Period
    assessment: MetricAssessment
    status: Status
    table: list[TableRow]
    chart_spec: dict  # the Vega-Lite specification, as data: pages embed it with json_script
    variation_icon: str
    assurance_icon: str
    variation_text: str
    assurance_text: str
    fired: list[FiredTrigger]
    breakdowns: list[Breakdown] = field(default_factory=list)
    percentage: bool = False
    has_trajectory: bool = False
    verdicts: list[Verdict] = field(default_factory=list)  # one for each target period the plan names
    version_line: str = ""  # which version of the plan the page shows, when not the latest
    version_note: str = ""  # when that version did not have the metric
    funnel: FunnelView | None = None  # the units below compared at the latest period (presenters/funnel.py)
    funnel_note: str = ""  # why there is no funnel plot, when the metric could have one
    notes: list[str] = field(default_factory=list)  # what limits the chart, in plain English (chart_notes)
    centre_label: str = "mean"  # the chart's centre line: "mean", or a run chart's "median"
    chart_kind: str = "xmr"  # the chart drawn: the metric's, or "run" when too few points to judge
    chart_name: str = ""  # the chart drawn in plain English: "p′ chart (Laney's proportions)"
    chart_key: str = ""  # the key to the chart's lines and marks, in words (presenters/charts.chart_key)

    @property
    def latest(self):
        return self.assessment.latest

    @property
    def fired_named(self) -> list[tuple[str, str]]:
        """Each fired trigger's message and the periods it fired for, by their names."""
        a = self.assessment
        named = [period_name(d, self.metric.frequency) for d in a.series.periods]
        names = dict(zip(a.evidence.periods, named, strict=True))
        return [(f.message, ", ".join(names.get(p, p) for p in f.periods)) for f in self.fired]

    @property
    def latest_name(self) -> str:
        """The latest value's period by its name, e.g. "2016/17 Q4" or "Mar 2017"."""
        latest = self.assessment.latest
        return period_name(latest[0], self.metric.frequency) if latest else ""

    @property
    def chart_summary(self) -> str:
        """The chart in plain English, what a reader would take from it: its accessible name on the
        page (``role="img"``) and its text alternative in the packs."""
        unit = self.metric.unit
        where = self.where.name if self.where else "all data held"
        kind = "Run chart" if self.chart_kind == "run" else "Statistical process control chart"
        parts = [f"{kind} of {self.metric.title} for {where}, {len(self.table)} points"]
        if self.table:
            parts.append(f" from {self.table[0].name} to {self.table[-1].name}")
        parts.append(".")
        if self.latest:
            parts.append(f" Latest value {format_value(self.latest[1], unit)} ({self.latest_name}).")
        last = self.table[-1] if self.table else None
        if last is not None and last.mean is not None:
            parts.append(f" {self.centre_label.capitalize()} {format_value(last.mean, unit)}")
            if last.lpl is not None and last.upl is not None:
                parts.append(f", process limits {format_value(last.lpl, unit)} to {format_value(last.upl, unit)}")
            parts.append(".")
        if self.metric.target_value is not None:
            parts.append(f" Target {format_target(self.metric)}.")
        parts += [f" {text}." for text in dict.fromkeys((self.variation_text, self.assurance_text))]
        parts += [f" {note}" for note in self.notes]  # what limits the chart, in plain English
        return "".join(parts)


def default_where(plan: m.Plan) -> m.OrgUnit | None:
    """England (or the plan's organisation-wide unit) when the plan has one."""
    return (
        plan.org_units.filter(code__iexact="england").first()
        or plan.org_units.filter(kind="organisation", parent=None).first()
    )


def metric_page(
    plan: m.Plan, metric_code: str, as_at: Period, where_code: str | None, definitions: Definitions | None = None
) -> MetricPage | None:
    """The page as at ``as_at``; pass the plan's ``definitions`` in force then when already read."""
    metric = plan.metrics.filter(code=metric_code).first()
    if metric is None:
        return None
    where = plan.org_units.filter(code=where_code).first() if where_code else default_where(plan)
    where_code = where.code if where else None
    result = assess_plan(plan, as_at=as_at, metric_code=metric.code, where_code=where_code, definitions=definitions)
    a = result.metrics[0]
    metric = a.metric  # as the version of the plan in force at the end of ``as_at`` defines it
    percentage = metric.unit == "percentage"
    planned = {p.period_start: float(p.value) for p in a.metric.trajectory.all()}
    table, points = table_and_points(a, planned)
    where_name = where.name if where else "all data held"
    centre = a.chart.centre_label if a.chart else "mean"
    units = units_below(metric, where, a.latest[0]) if a.latest else None  # by organisation, and the funnel
    funnel, funnel_note = funnel_view(plan, metric, where, a.latest[0] if a.latest else None, units)
    spec, key = _chart(a, points, planned, f"{metric.title} — {where_name}", centre)
    not_judged = chart_notes.not_judged(a.chart)
    return MetricPage(
        plan=plan,
        metric=metric,
        objectives=_objectives(plan, metric, result),
        where=where,
        where_options=_where_options(plan, metric),
        as_at=as_at,
        assessment=a,
        status=a.status,
        table=table,
        chart_spec=spec,
        variation_icon=icons.variation_icon(a.spc.variation if a.spc else None),
        assurance_icon=icons.assurance_icon(a.spc.assurance if a.spc else None),
        variation_text=not_judged or icons.variation_text(a.spc.variation if a.spc else None),
        assurance_text=not_judged or icons.assurance_text(a.spc.assurance if a.spc else None),
        fired=a.fired,
        breakdowns=_breakdowns(metric, where, a, units),
        percentage=percentage,
        has_trajectory=bool(planned),
        verdicts=verdicts(a, as_at),
        version_line=assessment_version_line(result),
        version_note=not_in_version(result, metric.code),
        notes=chart_notes.sentences(a.chart, metric.frequency),
        centre_label=centre,
        chart_kind=a.chart.kind if a.chart else "xmr",
        chart_name=CHART_NAMES[a.chart.kind] if a.chart else "",
        chart_key=key,
        funnel=funnel,
        funnel_note=funnel_note,
    )


def _chart(
    a: MetricAssessment, points: list[ChartPoint], planned: dict[date, float], title: str, centre: str
) -> tuple[dict, str]:
    """The chart's specification, and the key to its lines and marks in words."""
    metric = a.metric
    marks = dated_marks(metric)
    spec = spc_chart_spec(
        points,
        title=title,
        y_title=_unit_title(metric),
        percentage=metric.unit == "percentage",
        target=float(metric.target_value) if metric.target_value is not None else None,
        trajectory=sorted(planned.items()),
        frequency=metric.frequency,
        centre=centre,
        **marks,
    )
    key = chart_key(
        run=bool(a.chart and a.chart.kind == "run"),
        centre=centre,
        target=metric.target_value is not None,
        trajectory=bool(planned),
        rebases=bool(marks["rebases"]),
        annotations=bool(marks["annotations"]),
    )
    return spec, key


def _objectives(plan: m.Plan, metric: m.Metric, result: PlanAssessment) -> list[m.Objective]:
    """The objectives the metric measures, as the version of the plan assessed links them."""
    definitions = result.definitions
    if definitions is None or definitions.is_latest:
        return list(metric.objectives.order_by("position"))
    measured = {objective for x, objective in definitions.links() if x == metric.pk}
    return [o for o in definitions.objectives(plan.objectives.order_by("position")) if o.pk in measured]


def _unit_title(metric: m.Metric) -> str:
    return {
        "percentage": "Per cent",
        "count": "Count",
        "currency": "£",
        "rate": "Rate",
        "days": "Days",
        "score": "Score",
    }.get(metric.unit, metric.unit.capitalize())


def _where_options(plan: m.Plan, metric: m.Metric) -> list[tuple[str, str]]:
    """Org units the metric can be shown for: those with data and every unit above them."""
    units = {u.pk: u for u in plan.org_units.all()}
    with_data = set(figures.units_holding(metric))
    shown = Tree({pk: u.parent_id for pk, u in units.items()}).with_ancestors(with_data)
    chosen = sorted((units[pk] for pk in shown), key=lambda u: (u.parent_id is not None, u.kind == "provider", u.name))
    return [(u.code, u.name if u.name == u.code else f"{u.name} ({u.code})") for u in chosen]


def _best_first(rows: list[tuple[str, float]], polarity: str) -> list[tuple[str, float]]:
    return sorted(rows, key=lambda r: -r[1] if polarity != "lower_is_better" else r[1])


def _breakdowns(
    metric: m.Metric, where: m.OrgUnit | None, a: MetricAssessment, units: list[Held] | None
) -> list[Breakdown]:
    latest = a.latest
    if latest is None:
        return []
    period = latest[0]
    label = period_name(period, metric.frequency)
    out: list[Breakdown] = []
    # by breakdown dimension (department type, sex, age band…), over the latest period
    held = (
        Observation.objects.filter(metric=metric, superseded_at=None, period_start=period)
        .exclude(breakdown="")
        .values_list("breakdown", flat=True)
        .distinct()
        .order_by()  # the model's ordering would make DISTINCT read every row's key
    )
    dimensions = sorted({pair.partition("=")[0] for b in held for pair in b.split(";")})
    for dim in dimensions:
        groups = figures.value_over(metric, period, period, where, dimension=dim)
        pairs = _best_first(
            [(g, p.value) for g, p in groups.items() if g != figures.TOTAL and p.value is not None], metric.polarity
        )
        if len(pairs) > 1:
            out.append(Breakdown(f"By {dim.replace('_', ' ')}", label, pairs, pairs[0][1] - pairs[-1][1]))
    # by the org units below the one shown (providers, regions) that report the latest period
    if units is None:
        return out
    pairs = _best_first([(code, p.value) for _, code, p in units if p.value is not None], metric.polarity)
    if len(pairs) > 1:
        note = f"{len(pairs)} units; the five best and five worst are shown" if len(pairs) > 10 else ""
        shown = pairs if len(pairs) <= 10 else pairs[:5] + pairs[-5:]
        out.append(Breakdown("By organisation", label, shown, pairs[0][1] - pairs[-1][1], note))
    return out


def download_rows(page: MetricPage) -> tuple[list[str], list[list]]:
    """What the page shows, as a table for CSV and Excel."""
    header = [
        "metric",
        "where",
        "period",
        "value",
        page.centre_label,  # "mean", or a run chart's "median"
        "lower_process_limit",
        "upper_process_limit",
        "special_cause_type",
        "point_type",
        "target",
        "planned",
        "period_name",
    ]
    target = float(page.metric.target_value) if page.metric.target_value is not None else None
    where = page.where.name if page.where else "all data held"
    rows = [
        [
            page.metric.code,
            where,
            r.period.isoformat(),
            r.value,
            r.mean,
            r.lpl,
            r.upl,
            r.special_cause,
            r.point_type,
            target,
            r.planned,
            r.name,
        ]
        for r in page.table
    ]
    return header, rows
