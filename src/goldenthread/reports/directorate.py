"""The accountability review pack for one org unit (a directorate, region or team): the board pack
narrowed to the unit's objectives, metrics, activities and exceptions, with its latest update,
its latest review and the actions agreed there.

A unit's share of the plan: the objectives it (or an owner in it) holds and everything below
them; the activities it delivers — by the same rule as the deliverables page's directorate
filter (the activity's unit, else its owner's, else its objective's, else that objective's
owner's) — and the activities of its objectives; the metrics of its objectives and those owned
in it. A unit includes the units below it.
"""

from __future__ import annotations

from datetime import date

from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.plans.tree import Tree
from goldenthread.presenters.cycle_notes import agreed_actions, latest_commentary, latest_review
from goldenthread.progress import Progress, quiet
from goldenthread.reports.board import fill_pack, new_pack
from goldenthread.reports.pack import Pack, Scope


class UnitNotFound(LookupError):
    pass


def find_unit(plan: m.Plan, code: str) -> m.OrgUnit:
    unit = plan.org_units.filter(code__iexact=code).first() or plan.org_units.filter(name__iexact=code).first()
    if unit is None:
        choices = ", ".join(
            plan.org_units.filter(declared=True)
            .exclude(kind__in=["partner", "provider"])
            .order_by("position")
            .values_list("code", flat=True)
        )
        raise UnitNotFound(f"plan {plan.code} has no org unit '{code}'; use one of: {choices}")
    return unit


def unit_scope(plan: m.Plan, unit: m.OrgUnit) -> Scope:
    units = Tree.org_units([plan.pk]).subtree(unit.pk)
    owner_unit = dict(plan.owners.values_list("pk", "org_unit_id"))
    objectives = list(plan.objectives.values_list("pk", "parent_id", "org_unit_id", "owner_id"))
    held = {pk for pk, _, unit_id, owner_id in objectives if (unit_id or owner_unit.get(owner_id)) in units}
    objective_ids = Tree({pk: parent for pk, parent, _, _ in objectives}).with_descendants(held)
    objective_of = {pk: (unit_id, owner_id) for pk, _, unit_id, owner_id in objectives}
    activity_ids = set()
    for pk, objective_id, unit_id, owner_id in plan.activities.values_list(
        "pk", "objective_id", "org_unit_id", "owner_id"
    ):
        o_unit, o_owner = objective_of[objective_id]
        resolved = unit_id or owner_unit.get(owner_id) or o_unit or owner_unit.get(o_owner)
        if resolved in units or objective_id in objective_ids:
            activity_ids.add(pk)
    metric_ids = set(
        m.Metric.objectives.through.objects.filter(metric__plan=plan, objective_id__in=objective_ids).values_list(
            "metric_id", flat=True
        )
    )
    metric_ids |= {
        pk for pk, owner_id in plan.metrics.values_list("pk", "owner_id") if owner_unit.get(owner_id) in units
    }
    return Scope(objective_ids, metric_ids, activity_ids, units)


def directorate_pack(
    plan: m.Plan, unit: m.OrgUnit, period: Period, *, progress: Progress = quiet, today: date | None = None
) -> Pack:
    pack = new_pack("directorate", "Accountability review pack", plan, period, unit=unit, today=today)
    fill_pack(pack, unit_scope(plan, unit), progress)
    pack.commentary = latest_commentary(plan, period, [unit.pk], everything=True)
    pack.review = latest_review(plan, period, unit.pk)
    pack.actions = agreed_actions(plan, period, [unit.pk])
    return pack
