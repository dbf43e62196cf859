"""The exceptions page: everything that needs attention — fired triggers, special causes of concern,
targets the process limits say will be missed, overdue deliverables — each listed once, under
the first objective it serves (the others named beside it), with its value, target, owner and
period, newest first. From one assessment of the plan (the same one the board pack uses)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from goldenthread.assurance.judgement import FiredTrigger
from goldenthread.formatting import due_words
from goldenthread.performance.assessment import MetricAssessment, PlanAssessment
from goldenthread.performance.definitions import Definitions
from goldenthread.planfile.periods import Period, period_name
from goldenthread.plans import models as m
from goldenthread.presenters.kept import assess
from goldenthread.presenters.metric import default_where
from goldenthread.presenters.paging import Pager
from goldenthread.presenters.plan_version import assessment_version_line
from goldenthread.presenters.reported import plan_reports
from goldenthread.presenters.values import format_target, format_value


@dataclass
class ExceptionItem:
    kind: str  # metric or activity
    code: str
    title: str
    what: list[str]  # each reason once
    when: str  # ISO date of the latest period concerned, for ordering newest first
    status: str
    link: str = ""
    value: str = ""  # a metric's latest value; an activity's reported status
    target: str = ""  # a metric's target; an activity's due date
    owner: str = ""
    period: str = ""  # the latest value's period by its name ("2016/17 Q4", "Mar 2017"); the due date
    objectives: list[tuple[str, str]] = field(default_factory=list)  # (code, title) of every objective served

    @property
    def also_serves(self) -> list[tuple[str, str]]:
        """The objectives served besides the one the item is listed under."""
        return self.objectives[1:]


@dataclass
class ExceptionGroup:
    objective_code: str
    objective_title: str
    directorate: str
    items: list[ExceptionItem] = field(default_factory=list)
    page_items: list[ExceptionItem] | None = None  # a large plan's: those on the page shown (paging.page_groups)
    list_href: str = ""  # and where its list starts

    @property
    def shown_items(self) -> list[ExceptionItem]:
        """The items the page lists: all of them, or those on this page of a large plan's list."""
        return self.items if self.page_items is None else self.page_items


@dataclass
class Exceptions:
    plan: m.Plan
    as_at: Period
    groups: list[ExceptionGroup]
    count: int
    version_line: str = ""  # which version of the plan the items are judged against, when not the latest
    pager: Pager | None = None  # a large plan's exceptions a page at a time


def _owner(*owners: m.Owner | None) -> str:
    return next((str(o) for o in owners if o is not None), "")


def _metric_reasons(a: MetricAssessment) -> list[str]:
    what = [f.message for f in a.fired]
    if a.evidence.latest_point_type == "special_cause_concern" and not any(
        f.rule == "special_cause_concern" for f in a.fired
    ):
        what.append("special cause of concern at the latest point")
    if a.spc and a.spc.assurance == "consistent_fail" and not any(f.rule == "assurance_fail" for f in a.fired):
        what.append("the process limits show the target will consistently be missed")
    return list(dict.fromkeys(what))


def _metric_item(
    a: MetricAssessment, what: list[str], objectives: list[tuple[str, str]], by_code: dict[str, m.Objective]
) -> ExceptionItem:
    """The metric's item; its owner is the plan's owner of the metric, else of an objective it serves."""
    x, latest = a.metric, a.latest
    return ExceptionItem(
        "metric",
        x.code,
        x.title,
        what,
        latest[0].isoformat() if latest else "",
        a.status.rating,
        value=format_value(latest[1] if latest else None, x.unit),
        target=format_target(x),
        owner=_owner(x.owner, *(by_code[code].owner for code, _ in objectives if code in by_code)),
        period=period_name(latest[0], x.frequency) if latest else "",
        objectives=objectives,
    )


def _activity_items(
    plan: m.Plan, fired: list[FiredTrigger], on: date, definitions: Definitions | None
) -> dict[str, ExceptionItem]:
    """One item per activity, however many of the plan's activity rules fired for it, with its
    status in force as at ``on`` (:mod:`goldenthread.presenters.reported`) and its due date and
    owner as the version of the plan in force then plans them."""
    if not any(f.kind == "activity" for f in fired):
        return {}
    read = list(plan.activities.select_related("owner", "objective__owner", "org_unit", "objective__org_unit"))
    planned = definitions.activities(read) if definitions else read
    activities = {a.code: a for a in planned}
    statuses = plan_reports(plan, on, planned).activities
    items: dict[str, ExceptionItem] = {}
    for f in fired:
        if f.kind != "activity":
            continue
        if f.code in items:
            items[f.code].what = list(dict.fromkeys([*items[f.code].what, f.message]))
            continue
        a = activities[f.code]
        due = due_words(a.due_text, a.due_date)
        items[f.code] = ExceptionItem(
            "activity",
            f.code,
            f.title,
            [f.message],
            f.periods[0] if f.periods else "",
            "concern",
            value=statuses[a.pk].brief,
            target=f"due {due}" if due else "",
            owner=_owner(a.owner, a.objective.owner),
            period=due,
            objectives=[(a.objective.code, a.objective.title)],
        )
    return items


def objective_links(plan: m.Plan, definitions: Definitions | None = None) -> dict[int, list[tuple[str, str]]]:
    """For each metric (by pk), the (code, title) of each objective it measures, in the plan's
    order — as ``definitions`` (the version of the plan in force) link them, when given."""
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if definitions is not None and not definitions.is_latest:
        by_pk = {o.pk: o for o in definitions.objectives(plan.objectives.all())}
        pairs = definitions.links()
        served = sorted((by_pk[o].position, metric_id, by_pk[o]) for metric_id, o in pairs if o in by_pk)
        for _, metric_id, o in served:
            links[metric_id].append((o.code, o.title))
        return links
    for metric_id, code, title in (
        m.Metric.objectives.through.objects.filter(metric__plan=plan)
        .order_by("objective__position", "objective__code")
        .values_list("metric_id", "objective__code", "objective__title")
    ):
        links[metric_id].append((code, title))
    return links


def exceptions(plan: m.Plan, as_at: Period | None = None, assessment: PlanAssessment | None = None) -> Exceptions:
    """Every fired trigger, special cause of concern, failing assurance and overdue deliverable, each
    once, by the first objective it serves and its directorate, newest first."""
    where = default_where(plan)
    assessment = assessment or assess(plan, as_at=as_at, where_code=where.code if where else None)
    objectives = {o.code: o for o in plan.objectives.select_related("org_unit", "owner")}
    served = objective_links(plan, assessment.definitions)
    items = [
        _metric_item(a, what, served[a.metric.pk], objectives)
        for a in assessment.metrics
        if (what := _metric_reasons(a))
    ]
    items += _activity_items(plan, assessment.fired, assessment.as_at.end, assessment.definitions).values()
    groups: dict[str, ExceptionGroup] = {}
    for item in items:
        code = item.objectives[0][0] if item.objectives else ""
        if code not in groups:
            o = objectives.get(code)
            groups[code] = ExceptionGroup(
                code, o.title if o else "Not linked to an objective", o.org_unit.name if o and o.org_unit else ""
            )
        groups[code].items.append(item)
    for g in groups.values():
        g.items.sort(key=lambda i: i.when, reverse=True)
    ordered = sorted(
        groups.values(), key=lambda g: (max((i.when for i in g.items), default=""), g.objective_code), reverse=True
    )
    return Exceptions(plan, assessment.as_at, ordered, len(items), assessment_version_line(assessment))
