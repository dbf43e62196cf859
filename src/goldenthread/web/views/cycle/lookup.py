"""What a cycle page's address names — a plan, one of its periods, one of its units — or 404."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from goldenthread.cycles.forms import Form
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.plans import models as pm


def plan_or_404(code: str) -> pm.Plan:
    return get_object_or_404(pm.Plan.objects.select_related("organisation"), code=code)


def period_or_404(plan: pm.Plan, slug: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(plan=plan, slug=slug).select_related("plan").first()
    if period is None:
        raise Http404(f"{plan.code} has no reporting period '{slug}'")
    return period


def unit_or_404(plan: pm.Plan, code: str) -> pm.OrgUnit:
    unit = pm.OrgUnit.objects.filter(plan=plan, code=code).first()
    if unit is None:
        raise Http404(f"{plan.code} has no org unit '{code}'")
    return unit


def unit_period_or_404(code: str, period: str, unit: str) -> tuple[pm.Plan, ReportingPeriod, pm.OrgUnit]:
    """The plan, period and unit of a unit's update or review page."""
    plan = plan_or_404(code)
    return plan, period_or_404(plan, period), unit_or_404(plan, unit)


def today() -> date:
    return timezone.localdate()


def render_form(request: HttpRequest, template: str, form: Form, problem: str, status: int, **context) -> HttpResponse:
    """A page with a form: 400 when what was typed has errors and nothing else went wrong."""
    if form.errors and status == 200:
        status = 400
    return render(request, template, {"form": form, "problem": problem, **context}, status=status)
