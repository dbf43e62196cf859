"""Plans: the list the caller may read, and one plan."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from goldenthread.access.policy import PLAN_READER, SIGNED_IN_PAGE, subject
from goldenthread.access.rules import viewable_plans
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail
from goldenthread.plans import models as pm

router = Router(tags=["plans"])


class PlanOut(Schema):
    code: str
    title: str
    organisation: str
    start: str
    end: str
    status: str
    description: str


def plan_out(plan: pm.Plan) -> PlanOut:
    return PlanOut(
        code=plan.code,
        title=plan.title,
        organisation=plan.organisation.name,
        start=plan.start,
        end=plan.end,
        status=plan.status,
        description=plan.description,
    )


@router.get("/", response=list[PlanOut], summary="The plans you may read")
@guarded(SIGNED_IN_PAGE)
@paginate(LimitOffsetPagination)
def list_plans(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    plans = viewable_plans(caller(request).user).select_related("organisation").order_by("code")
    if status:
        plans = plans.filter(status=status)
    return [plan_out(plan) for plan in plans]


@router.get("/{code}/", response={200: PlanOut, 403: Detail, 404: Detail}, summary="One plan")
@guarded(PLAN_READER)
def get_plan(request: HttpRequest, code: str) -> PlanOut:
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    return plan_out(plan)
