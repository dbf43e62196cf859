"""A plan's elements — objectives, metrics, activities, owners, org units, budget lines and risks —
each as a list (filtered, a page at a time, by code) and one by its code, in the plan file's shape
(:mod:`goldenthread.api.element_rows`). Whoever may read the plan reads its elements
(:data:`PLAN_READER`, as the plan's pages).

A filter names other elements by code; a code the plan does not have is refused (400) with the
filter's name, rather than answered with an empty list that looks like "none".
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BaseModel

from goldenthread.access.policy import PLAN_READER, subject
from goldenthread.api import element_rows as rows
from goldenthread.api.element_rows import Paged, checked
from goldenthread.api.guard import guarded
from goldenthread.api.schemas import Detail
from goldenthread.planfile import schema
from goldenthread.plans import models as m

router = Router(tags=["plan elements"])

ERRORS: dict[int, Any] = {400: Detail, 403: Detail, 404: Detail}
ONE_ERRORS: dict[int, Any] = {400: Detail, 403: Detail, 404: Detail}


def _plan(request: HttpRequest) -> m.Plan:
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    return plan


def _pk(plan: m.Plan, model: type[models.Model], code: str, name: str, what: str) -> int:
    """The pk of the plan's element coded exactly ``code``, which the filter ``name`` names; a 400
    saying so when the plan has none."""
    found = model._default_manager.filter(plan=plan, code=checked(name, code)).values_list("pk", "code").first()
    if found is None or found[1] != code:
        raise HttpError(
            400,
            f"{name}: {plan.code} has no {what} '{code}' (codes are exact, case and all); use one of its {what} codes",
        )
    return int(found[0])


def _one(
    plan: m.Plan, model: type[models.Model], code: str, what: str, convert: Callable[[list[Any]], list[BaseModel]]
) -> BaseModel:
    """The plan's element coded exactly ``code``, in the plan file's shape; a 404 when there is none."""
    row = model._default_manager.filter(plan=plan, code=checked(what, code)).first()
    if row is None or row.code != code:  # type: ignore[attr-defined]
        raise HttpError(404, f"{plan.code} has no {what} '{code}' (codes are exact, case and all)")
    return convert([row])[0]


# --- objectives -----------------------------------------------------------------------------------


@router.get("/{code}/objectives/", response={200: list[schema.Objective], **ERRORS}, summary="A plan's objectives")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_objectives(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    parent: str | None = None,
    top: bool = False,
    org_unit: str | None = None,
    level: str | None = None,
    owner: str | None = None,
):
    """Filters: ``parent`` (an objective's code: the objectives directly under it), ``top`` (only
    those with no parent), ``org_unit``, ``level`` and ``owner`` (codes)."""
    plan = _plan(request)
    found = plan.objectives.order_by("code")
    if parent:
        found = found.filter(parent_id=_pk(plan, m.Objective, parent, "parent", "objective"))
    if top:
        found = found.filter(parent=None)
    if org_unit:
        found = found.filter(org_unit_id=_pk(plan, m.OrgUnit, org_unit, "org_unit", "org unit"))
    if level:
        found = found.filter(level_id=_pk(plan, m.Level, level, "level", "level"))
    if owner:
        found = found.filter(owner_id=_pk(plan, m.Owner, owner, "owner", "owner"))
    return Paged(found, rows.objectives)


@router.get(
    "/{code}/objectives/{path:objective}/", response={200: schema.Objective, **ONE_ERRORS}, summary="One objective"
)
@guarded(PLAN_READER)
def get_objective(request: HttpRequest, code: str, objective: str) -> BaseModel:
    return _one(_plan(request), m.Objective, objective, "objective", rows.objectives)


# --- metrics --------------------------------------------------------------------------------------


@router.get("/{code}/metrics/", response={200: list[schema.Metric], **ERRORS}, summary="A plan's metrics")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_metrics(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    objective: str | None = None,
    owner: str | None = None,
    headline: bool | None = None,
    frequency: schema.Frequency | None = None,
):
    """Filters: ``objective`` (the metrics measuring it), ``owner`` (codes), ``headline`` (on the
    scorecard or not), ``frequency``."""
    plan = _plan(request)
    found = plan.metrics.order_by("code")
    if objective:
        found = found.filter(objectives=_pk(plan, m.Objective, objective, "objective", "objective"))
    if owner:
        found = found.filter(owner_id=_pk(plan, m.Owner, owner, "owner", "owner"))
    if headline is not None:
        found = found.filter(headline=headline)
    if frequency:
        found = found.filter(frequency=frequency)
    return Paged(found, rows.metrics)


# the metric's series is at /metrics/{metric}/series (goldenthread.api.series): this matches only
# an address ending in the code and a slash


@router.get("/{code}/metrics/{path:metric}/", response={200: schema.Metric, **ONE_ERRORS}, summary="One metric")
@guarded(PLAN_READER)
def get_metric(request: HttpRequest, code: str, metric: str) -> BaseModel:
    return _one(_plan(request), m.Metric, metric, "metric", rows.metrics)


# --- activities (deliverables) --------------------------------------------------------------------


@router.get(
    "/{code}/activities/",
    response={200: list[schema.Activity], **ERRORS},
    summary="A plan's activities and deliverables",
)
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_activities(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    objective: str | None = None,
    org_unit: str | None = None,
    owner: str | None = None,
    status: schema.ActivityStatus | None = None,
    type: schema.ActivityType | None = None,
    due_before: date | None = None,
):
    """Filters: ``objective``, ``org_unit`` (the unit leading it — or, for an activity naming no
    unit, its objective's unit, as the quarterly update counts it), ``owner`` (codes); ``status``
    and ``type`` as in the plan file (the plan's own status, not a unit's reported one);
    ``due_before`` (a day: those due on or before it, by the last day of the period their due
    date names; an activity due "Ongoing" has no day and is left out)."""
    plan = _plan(request)
    found = plan.activities.order_by("code")
    if objective:
        found = found.filter(objective_id=_pk(plan, m.Objective, objective, "objective", "objective"))
    if org_unit:
        unit = _pk(plan, m.OrgUnit, org_unit, "org_unit", "org unit")
        found = found.filter(Q(org_unit_id=unit) | Q(org_unit=None, objective__org_unit_id=unit))
    if owner:
        found = found.filter(owner_id=_pk(plan, m.Owner, owner, "owner", "owner"))
    if status:
        found = found.filter(status=status)
    if type:
        found = found.filter(kind=type)
    if due_before:
        found = found.filter(due_date__lte=due_before)
    return Paged(found, rows.activities)


@router.get(
    "/{code}/activities/{path:activity}/", response={200: schema.Activity, **ONE_ERRORS}, summary="One activity"
)
@guarded(PLAN_READER)
def get_activity(request: HttpRequest, code: str, activity: str) -> BaseModel:
    return _one(_plan(request), m.Activity, activity, "activity", rows.activities)


# --- owners, org units, budget lines, risks -------------------------------------------------------


@router.get("/{code}/owners/", response={200: list[schema.Owner], **ERRORS}, summary="A plan's owners")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_owners(request: HttpRequest, code: str, org_unit: str | None = None):  # type: ignore[no-untyped-def]
    """Filter: ``org_unit`` (code)."""
    plan = _plan(request)
    found = plan.owners.order_by("code")
    if org_unit:
        found = found.filter(org_unit_id=_pk(plan, m.OrgUnit, org_unit, "org_unit", "org unit"))
    return Paged(found, rows.owners)


@router.get("/{code}/owners/{path:owner}/", response={200: schema.Owner, **ONE_ERRORS}, summary="One owner")
@guarded(PLAN_READER)
def get_owner(request: HttpRequest, code: str, owner: str) -> BaseModel:
    return _one(_plan(request), m.Owner, owner, "owner", rows.owners)


@router.get("/{code}/org-units/", response={200: list[schema.OrgUnit], **ERRORS}, summary="A plan's org units")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_org_units(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    parent: str | None = None,
    top: bool = False,
    type: schema.OrgUnitType | None = None,
):
    """The tree by each unit's ``parent``: the units the plan declares and those its data loads
    added (providers). Filters: ``parent`` (a unit's code: the units directly under it), ``top``
    (only those with no parent), ``type``."""
    plan = _plan(request)
    found = plan.org_units.order_by("code")
    if parent:
        found = found.filter(parent_id=_pk(plan, m.OrgUnit, parent, "parent", "org unit"))
    if top:
        found = found.filter(parent=None)
    if type:
        found = found.filter(kind=type)
    return Paged(found, rows.org_units)


@router.get("/{code}/org-units/{path:org_unit}/", response={200: schema.OrgUnit, **ONE_ERRORS}, summary="One org unit")
@guarded(PLAN_READER)
def get_org_unit(request: HttpRequest, code: str, org_unit: str) -> BaseModel:
    return _one(_plan(request), m.OrgUnit, org_unit, "org unit", rows.org_units)


@router.get("/{code}/budget-lines/", response={200: list[schema.BudgetLine], **ERRORS}, summary="A plan's budget lines")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_budget_lines(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    code: str,
    org_unit: str | None = None,
    category: schema.BudgetCategory | None = None,
    financial_year: str | None = None,
):
    """Filters: ``org_unit`` (code), ``category``, ``financial_year`` (the line's period, a financial
    year as written: 2016/17).
    Amounts are in pounds."""
    plan = _plan(request)
    found = plan.budget_lines.order_by("code")
    if org_unit:
        found = found.filter(org_unit_id=_pk(plan, m.OrgUnit, org_unit, "org_unit", "org unit"))
    if category:
        found = found.filter(category=category)
    if financial_year:
        found = found.filter(period=checked("financial_year", financial_year))
    return Paged(found, rows.budget_lines)


@router.get(
    "/{code}/budget-lines/{path:budget_line}/",
    response={200: schema.BudgetLine, **ONE_ERRORS},
    summary="One budget line",
)
@guarded(PLAN_READER)
def get_budget_line(request: HttpRequest, code: str, budget_line: str) -> BaseModel:
    return _one(_plan(request), m.BudgetLine, budget_line, "budget line", rows.budget_lines)


@router.get("/{code}/risks/", response={200: list[schema.Risk], **ERRORS}, summary="A plan's risks")
@guarded(PLAN_READER)
@paginate(LimitOffsetPagination)
def list_risks(  # type: ignore[no-untyped-def]
    request: HttpRequest, code: str, objective: str | None = None, owner: str | None = None
):
    """Filters: ``objective``, ``owner`` (codes)."""
    plan = _plan(request)
    found = plan.risks.order_by("code")
    if objective:
        found = found.filter(objective_id=_pk(plan, m.Objective, objective, "objective", "objective"))
    if owner:
        found = found.filter(owner_id=_pk(plan, m.Owner, owner, "owner", "owner"))
    return Paged(found, rows.risks)


@router.get("/{code}/risks/{path:risk}/", response={200: schema.Risk, **ONE_ERRORS}, summary="One risk")
@guarded(PLAN_READER)
def get_risk(request: HttpRequest, code: str, risk: str) -> BaseModel:
    return _one(_plan(request), m.Risk, risk, "risk", rows.risks)
