"""The pages' assessments, computed once and kept in the database (:mod:`goldenthread.pagecache`)
for every web server and the task worker: the same figures as :func:`.reported.assess` and
:func:`.metric.metric_page` compute, read from the kept copy while nothing that shapes them has
changed (the key: :mod:`goldenthread.pagecache.store`), computed and kept when anything has.

Pages check who may read the plan before they ask (``plan_view``), and a key names its plan, so a
kept result is only ever shown on its own plan's pages to those who may read them. After a data
load the task worker computes the default pages' assessments ahead (:func:`warm`), so the first
person to open them does not wait.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from goldenthread.pagecache import drawings, records, store
from goldenthread.performance.assessment import PlanAssessment, default_as_at
from goldenthread.performance.definitions import Definitions, definitions_in_force
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import metric, reported
from goldenthread.presenters.as_at import as_at_choice
from goldenthread.presenters.plan import PlanPage, plan_page, quality_check

WARM_TASK = "goldenthread.presenters.kept.warm"


def _statuses(reports: reported.PlanReports) -> list[tuple[int, str]]:
    """The activity statuses the approved updates give, which the assessment judges by."""
    return sorted((pk, r.status) for pk, r in reports.activities.items() if r.period)


def assess(
    plan: m.Plan, *, as_at: Period | None = None, reports: reported.PlanReports | None = None, **options
) -> PlanAssessment:
    """:func:`goldenthread.presenters.reported.assess`, kept: the key holds the as-at period, the
    options (where, metric, period, units; ``definitions`` are the plan's in force then, so
    already named by the plan's state and the period) and the activity statuses in force."""
    as_at = as_at or default_as_at(plan)
    reports = reports or reported.plan_reports(plan, as_at.end)
    named = {k: v for k, v in sorted(options.items()) if k != "definitions"}
    text = repr((as_at, named, _statuses(reports)))
    return store.kept(plan, "assessment", text, lambda: reported.assess(plan, as_at=as_at, reports=reports, **options))


def overview(
    plan: m.Plan, *, as_at: Period, reports: reported.PlanReports | None, quality: bool, **options
) -> tuple[PlanAssessment, list[tuple[str, str, list]]]:
    """The plan overview's assessment (as :func:`assess`, of all data held) and, when ``quality``,
    the plan quality check's findings (a function of the plan alone: on a plan of a thousand org
    units, reading it to check it takes longer than the rest of the page), kept together."""
    reports = reports or reported.plan_reports(plan, as_at.end)
    text = repr((as_at, _statuses(reports), quality))

    def compute() -> tuple[PlanAssessment, list[tuple[str, str, list]]]:
        assessment = reported.assess(plan, as_at=as_at, reports=reports, **options)
        return assessment, quality_check(plan) if quality else []

    return store.kept(plan, "overview", text, compute)


def plan_tree(plan: m.Plan, *, on: date, definitions: Definitions) -> PlanPage:
    """The overview's whole plan tree (:func:`goldenthread.presenters.plan.plan_page`, unpaged and
    without the quality check, which :func:`overview` keeps), kept: read from the plan alone as
    the version in force on ``definitions.day`` defines it (named by the plan's state), and from
    what the approved updates report on ``on`` — so its stamp names every committed change to the
    cycle's records too (:func:`goldenthread.pagecache.records.cycle_state`). On a plan of a few
    hundred activities, reading and arranging them was half of the overview's time. The page
    shown is cut from it afterwards (:func:`goldenthread.presenters.plan.shown_page`), so one
    result serves every page of the tree and no address makes another."""

    def compute() -> PlanPage:
        return plan_page(plan, on=on, definitions=definitions, quality=False)

    return store.kept(plan, "plan-tree", repr((on, definitions.day)), compute, more=records.cycle_state)


def metric_page(
    plan: m.Plan, metric_code: str, as_at: Period, where_code: str | None, definitions: Definitions | None = None
) -> metric.MetricPage | None:
    """:func:`goldenthread.presenters.metric.metric_page`, kept: its figures, units and chart come
    from the plan (its versions) and its data alone (the board pack's exceptions show the same)."""
    return store.kept(
        plan,
        "metric-page",
        repr((metric_code, as_at, where_code)),
        lambda: metric.metric_page(plan, metric_code, as_at, where_code, definitions),
    )


def warm(plan_id: int) -> str:
    """The task (``goldenthread worker``): compute and keep the assessments the plan's pages open
    with — the overview's (all data held, with the quality check the plan's readers see, and its
    plan tree) and the scorecard's and exceptions' (the plan's default "where"), as at the
    current quarter, and what the apps of the layers above keep (an app's ``warm_plan(plan)``: the
    board pack page) — and remove the plan's results of an older state and the drawings past their
    time."""
    plan = m.Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return "no such plan"
    where = metric.default_where(plan)
    as_at = default_as_at(plan)
    overview(plan, as_at=as_at, reports=None, quality=True)
    opens = as_at_choice(plan, "", timezone.localdate())  # the overview as it opens (plan_view's day)
    definitions = definitions_in_force(plan, opens.period.end)
    plan_tree(plan, on=opens.date, definitions=definitions)
    assess(plan, as_at=as_at, where_code=where.code if where else None)
    for config in apps.get_app_configs():  # the layers above, which this one may not import
        if callable(warm_plan := getattr(config, "warm_plan", None)):
            warm_plan(plan)
    gone = store.tidy(plan) + drawings.tidy()
    return f"kept {plan.code} as at {as_at.label}; {gone} older results removed"


def request_warm(plan: m.Plan) -> None:
    """Ask the task worker to :func:`warm` the plan once the transaction commits (after a load, or
    an approved update)."""
    plan_id = plan.pk

    def send() -> None:
        from django_q.tasks import async_task

        async_task(WARM_TASK, plan_id, group="warm")

    transaction.on_commit(send)
