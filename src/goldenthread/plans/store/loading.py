"""Load validated plan files into the database: one transaction, a synchronisation by code.

Each section of the file is synchronised in turn (:class:`~.syncing.Syncer`), in an order that
lets every reference resolve: levels, org units and owners, then objectives, activities and
metrics, then the budget and the risks, then governance (:mod:`.meetings`: bodies, meetings and
their agendas). Elements the file no longer has are deleted last, dependents first, once every
reference has moved; the history rows are written after that, so each shows the load's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from goldenthread.audit import records as audit
from goldenthread.planfile import schema
from goldenthread.planfile.periods import parse_period, resolve_due
from goldenthread.plans import models as m
from goldenthread.plans import versions
from goldenthread.plans.store import mapping as fields
from goldenthread.plans.store.mapping import LEVELS, METRICS, OBJECTIVES, ORG_UNITS, OWNERS, Element
from goldenthread.plans.store.meetings import load_governance
from goldenthread.plans.store.syncing import Elements, LoadReport, Syncer, values_differ


def load_plans(
    plans: Iterable[schema.Plan],
    *,
    user=None,
    record_version: bool = True,
    note: str = "",
    in_force_label: str = "",
) -> list[LoadReport]:
    """Load several plans atomically: all of them, or none. Changes are attributed to ``user``
    (default: the signed-in user of the current request, or the system for the command line).

    Each load that changes a plan records its next version (:mod:`goldenthread.plans.versions`),
    in force from ``in_force_label`` (a period; default the plan's start: a correction of the
    record). An approved change records its own version, so it passes ``record_version=False``.
    """
    acting = user or audit.current_user()
    with transaction.atomic(), audit.acting_as(acting):
        reports = []
        for spec in plans:
            report, plan = _load(spec)
            if record_version and (report.changed or not plan.versions.exists()):
                report.version = _version(plan, spec, acting, note, in_force_label).number
            reports.append(report)
        return reports


def load_plan(plan: schema.Plan, *, user=None, record_version: bool = True, note: str = "") -> LoadReport:
    return load_plans([plan], user=user, record_version=record_version, note=note)[0]


def _version(plan: m.Plan, spec: schema.Plan, user, note: str, in_force_label: str) -> m.PlanVersion:
    in_force_from = versions.in_force_date(plan, in_force_label) if in_force_label else None
    return versions.record_version(
        plan,
        spec,
        how=m.PlanVersion.How.LOADED,
        user=user,
        note=note or "Loaded from a plan file",
        in_force_from=in_force_from,
        in_force_label=in_force_label,
    )


def _load(spec: schema.Plan) -> tuple[LoadReport, m.Plan]:
    report = LoadReport(spec.code)
    sync = Syncer(report, _plan_row(spec, report))
    tables = _load_structure(sync, spec)
    _load_objectives(sync, spec, tables)
    _load_activities(sync, spec, tables)
    _load_metrics(sync, spec, tables)
    _load_budget(sync, spec, tables)
    sync.sync(m.Risk, "risk", [fields.RISK.stored(r, tables) for r in spec.risks])
    load_governance(sync, spec, tables)
    sync.delete_stale()
    sync.record_history()
    return report, sync.plan


def _plan_row(spec: schema.Plan, report: LoadReport) -> m.Plan:
    """The plan itself (and its organisation), created or brought up to date."""
    organisation, _ = m.Organisation.objects.get_or_create(
        code=spec.organisation.code, defaults={"name": spec.organisation.name}
    )
    if organisation.name != spec.organisation.name:
        organisation.name = spec.organisation.name
        organisation.save(update_fields=["name"])
    doc = spec.source_document
    values = {
        "title": spec.title,
        "organisation": organisation,
        "start": spec.start,
        "end": spec.end,
        "status": spec.status,
        "description": spec.description,
        "source_title": doc.title if doc else "",
        "source_date": (doc.date or "") if doc else "",
        "source_file": (doc.file or "") if doc else "",
        "activity_rules": [r.model_dump() for r in spec.activity_rules],
    }
    plan = m.Plan.objects.filter(code=spec.code).first()
    if plan is None:
        report.new_plan = True
        report.created["plan"] += 1
        return m.Plan.objects.create(code=spec.code, **values)
    if values_differ(plan, values):
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save()
        report.updated["plan"] += 1
    return plan


def _load_structure(sync: Syncer, spec: schema.Plan) -> dict[str, Elements]:
    """Levels, org units (upserted without parents, then parents set, so order in the file does
    not matter) and owners: the tables of codes the other sections refer to."""
    tables = {LEVELS: sync.sync(m.Level, "level", [fields.LEVEL.stored(x, {}) for x in spec.levels])}
    tables[ORG_UNITS] = sync.sync(
        m.OrgUnit,
        "org_unit",
        [{**fields.ORG_UNIT.stored(u, {}), "declared": True} for u in spec.org_units],
        keep=lambda unit: not unit.declared,
    )
    sync.set_parents(m.OrgUnit, tables[ORG_UNITS], {u.code: u.parent for u in spec.org_units})
    tables[OWNERS] = sync.sync(m.Owner, "owner", [fields.OWNER.stored(o, tables) for o in spec.owners])
    return tables


def _load_objectives(sync: Syncer, spec: schema.Plan, tables: dict[str, Elements]) -> None:
    objectives = sync.sync(m.Objective, "objective", [fields.OBJECTIVE.stored(o, tables) for o in spec.objectives])
    tables[OBJECTIVES] = objectives
    sync.set_parents(m.Objective, objectives, {o.code: o.parent for o in spec.objectives})
    _sync_link(sync, fields.CONTRIBUTES_TO, objectives, tables, spec.objectives)
    refs = {o.code: [{"framework": r.framework, "ref": r.ref} for r in o.framework_refs] for o in spec.objectives}
    sync.sync_children(m.FrameworkReference, "objective", objectives, refs, "framework references")


def _load_activities(sync: Syncer, spec: schema.Plan, tables: dict[str, Elements]) -> None:
    activities = sync.sync(
        m.Activity,
        "activity",
        [
            {
                **fields.ACTIVITY.stored(a, tables),
                "start_date": parse_period(a.start).start if a.start else None,
                "due_date": resolve_due(a.due),
            }
            for a in spec.activities
        ],
    )
    _sync_link(sync, fields.PARTNERS, activities, tables, spec.activities)


def _load_metrics(sync: Syncer, spec: schema.Plan, tables: dict[str, Elements]) -> None:
    metrics = sync.sync(m.Metric, "metric", [_metric_values(x, tables) for x in spec.metrics])
    tables[METRICS] = metrics
    _sync_link(sync, fields.MEASURES, metrics, tables, spec.metrics)
    trajectories = {x.code: [_trajectory_row(p.period, p.value) for p in x.trajectory] for x in spec.metrics}
    sync.sync_children(m.TrajectoryPoint, "metric", metrics, trajectories, "trajectories")
    stated = {x.code: [_stated_value_row(v) for v in x.stated_values] for x in spec.metrics}
    sync.sync_children(m.StatedValue, "metric", metrics, stated, "stated values")


def _load_budget(sync: Syncer, spec: schema.Plan, tables: dict[str, Elements]) -> None:
    sync.sync(m.BudgetLine, "budget_line", [fields.BUDGET_LINE.stored(b, tables) for b in spec.budget_lines])
    totals = sync.sync(
        m.StatedTotal, "stated_total", [fields.STATED_TOTAL.stored(t, tables) for t in spec.stated_totals]
    )
    _sync_link(sync, fields.TOTALLED, totals, tables, spec.stated_totals)


def _sync_link(
    sync: Syncer, link: fields.Link, elements: Elements, tables: dict[str, Elements], specs: Sequence[Element]
) -> None:
    """The link's rows for every element, as the file's elements list them."""
    desired = {x.code: getattr(x, link.name) for x in specs}
    sync.sync_links(link.through, link.ends, elements, tables[link.table], desired, link.kind)


def _trajectory_row(period: str, value: Decimal) -> dict[str, Any]:
    span = parse_period(period)
    return {"period": period, "period_start": span.start, "period_end": span.end, "value": value}


def _stated_value_row(v: schema.StatedValue) -> dict[str, Any]:
    return {
        "period": v.period,
        "period_start": parse_period(v.period).start,
        "value": v.value,
        "source": v.source or "",
    }


def _metric_values(x: schema.Metric, tables: dict[str, Elements]) -> dict[str, Any]:
    """A metric's columns: its mapped fields, and its target and review spread over columns."""
    target, review = x.target, x.review
    return {
        **fields.METRIC.stored(x, tables),
        "target_value": target.value if target else None,
        "target_comparison": target.comparison if target else "",
        "target_by": (target.by or "") if target else "",
        "target_by_date": parse_period(target.by).end if target and target.by else None,
        "target_text": (target.text or "") if target else "",
        "review_when": (review.when or "") if review else "",
        "review_by": (review.by or "") if review else "",
    }
