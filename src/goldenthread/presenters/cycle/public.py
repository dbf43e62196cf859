"""The public pages: a published plan's objectives with their activities and metrics — each
activity's status and each objective's reported rating as the latest published period's approved
updates give them — and a published period's approved updates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from goldenthread.cycles import services
from goldenthread.cycles.models import ReportingPeriod, Submission
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import S, Tag, rag_tag
from goldenthread.presenters.cycle.plan import published_periods
from goldenthread.presenters.cycle.submission import Line, submission_content
from goldenthread.presenters.reported import PlanReports, plan_reports

MAX_DEPTH = 3  # deeper objectives are indented no further


@dataclass
class PublicObjective:
    code: str
    title: str
    level: str
    org_unit: str
    depth: int
    activities: list[pm.Activity] = field(default_factory=list)
    metrics: list[pm.Metric] = field(default_factory=list)
    pk: int = 0


@dataclass
class PublicPlan:
    plan: pm.Plan
    objectives: list[PublicObjective]
    periods: list[ReportingPeriod]
    reports: PlanReports | None = None  # as the published periods' approved updates report them


def _by_objective(plan: pm.Plan) -> tuple[dict[int, list[pm.Activity]], dict[int, list[pm.Metric]]]:
    """The plan's activities, and its metrics in plan order, by the objective they serve."""
    activities: dict[int, list[pm.Activity]] = defaultdict(list)
    for a in plan.activities.all():
        activities[a.objective_id].append(a)
    metrics: dict[int, list[pm.Metric]] = defaultdict(list)
    metric_by_pk = {x.pk: x for x in plan.metrics.all()}
    for metric_id, objective_id in pm.Metric.objectives.through.objects.filter(metric__plan=plan).values_list(
        "metric_id", "objective_id"
    ):
        metrics[objective_id].append(metric_by_pk[metric_id])
    for listed in metrics.values():
        listed.sort(key=lambda x: x.position)
    return activities, metrics


def public_plan(plan: pm.Plan) -> PublicPlan:
    """The objectives in tree order — each followed by those under it — with their activities and metrics."""
    objectives = list(plan.objectives.select_related("level", "org_unit"))
    by_pk = {o.pk: o for o in objectives}
    children: dict[int | None, list[pm.Objective]] = defaultdict(list)
    for o in objectives:
        children[o.parent_id if o.parent_id in by_pk else None].append(o)
    activities, metrics = _by_objective(plan)
    ordered: list[PublicObjective] = []

    def visit(o: pm.Objective, depth: int) -> None:
        org_unit = o.org_unit.name if o.org_unit else ""
        ordered.append(
            PublicObjective(
                o.code, o.title, o.level.name, org_unit, min(depth, MAX_DEPTH), activities[o.pk], metrics[o.pk], o.pk
            )
        )
        for child in children[o.pk]:
            visit(child, depth + 1)

    for root in children[None]:
        visit(root, 0)
    periods = list(ReportingPeriod.objects.filter(pk__in=published_periods(plan)).order_by("start"))
    reports = plan_reports(plan, periods[-1].end, among={p.pk for p in periods}) if periods else None
    return PublicPlan(plan, ordered, periods, reports)


@dataclass
class PublicUnit:
    unit: pm.OrgUnit
    rag: Tag | None
    rag_reason: str
    commentary: str
    objectives: list[Line]
    activities: list[Line]
    metrics: list[Line]


@dataclass
class PublicPeriod:
    period: ReportingPeriod
    units: list[PublicUnit]
    not_shown: int


def public_period(period: ReportingPeriod) -> PublicPeriod:
    """Only approved updates are shown; risks and the planning team's comments never are."""
    units = []
    subs = {s.org_unit_id: s for s in Submission.objects.filter(period=period)}
    reporting = services.reporting_units(period.plan)
    for unit in reporting:
        sub = subs.get(unit.pk)
        if sub is None or sub.status != S.APPROVED:
            continue
        objectives, activities, metrics, _ = submission_content(period, unit, sub)
        units.append(
            PublicUnit(unit, rag_tag(sub.rag), sub.rag_reason, sub.commentary, objectives, activities, metrics)
        )
    return PublicPeriod(period, units, len(reporting) - len(units))
