"""Who reports what: the units that report each period, what each reports on, and the metrics
collected by return rather than loaded from data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import ReturnMetric
from goldenthread.cycles.services.errors import CycleError
from goldenthread.plans import models as pm

#: kinds of unit that never report in the cycle: the organisation as a whole, partners, providers
NON_REPORTING_KINDS = (pm.OrgUnit.Kind.ORGANISATION, pm.OrgUnit.Kind.PARTNER, pm.OrgUnit.Kind.PROVIDER)


def reporting_units(plan: pm.Plan) -> list[pm.OrgUnit]:
    """The units that report each period: directorates, regions and teams that own objectives or
    activities (one query)."""
    owns = Exists(pm.Objective.objects.filter(org_unit=OuterRef("pk"))) | Exists(
        pm.Activity.objects.filter(org_unit=OuterRef("pk"))
    )
    return list(pm.OrgUnit.objects.filter(owns, plan=plan).exclude(kind__in=NON_REPORTING_KINDS).order_by("position"))


@dataclass
class Scope:
    """What one unit reports on."""

    objectives: list[pm.Objective]
    activities: list[pm.Activity]
    metrics: list[pm.Metric]
    risks: list[pm.Risk]


def unit_scope(plan: pm.Plan, unit: pm.OrgUnit) -> Scope:
    objectives = list(plan.objectives.filter(org_unit=unit).select_related("level"))
    activities = list(
        plan.activities.filter(Q(org_unit=unit) | Q(org_unit=None, objective__org_unit=unit)).select_related(
            "objective"
        )
    )
    metrics = list(
        pm.Metric.objects.filter(plan=plan, collected_by_return__isnull=False, objectives__org_unit=unit)
        .distinct()
        .order_by("position")
    )
    risks = list(
        pm.Risk.objects.filter(plan=plan)
        .filter(Q(objective__org_unit=unit) | Q(owner__org_unit=unit))
        .distinct()
        .order_by("position")
    )
    return Scope(objectives, activities, metrics, risks)


def return_metric_ids(plan: pm.Plan) -> set[int]:
    return set(ReturnMetric.objects.filter(plan=plan).values_list("metric_id", flat=True))


def set_return_metrics(plan: pm.Plan, metric_ids: set[int], *, user=None) -> None:
    valid = set(plan.metrics.values_list("pk", flat=True))
    unknown = metric_ids - valid
    if unknown:
        raise CycleError("Some of the chosen metrics are not in this plan; reload the page and choose again.")
    with transaction.atomic(), acting_as(user):
        current = {r.metric_id: r for r in ReturnMetric.objects.filter(plan=plan)}
        for metric_id in metric_ids - current.keys():
            ReturnMetric(plan=plan, metric_id=metric_id).save()
        for metric_id in current.keys() - metric_ids:
            current[metric_id].delete()
