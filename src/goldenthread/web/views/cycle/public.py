"""The public pages: published plans, and their published periods' approved updates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from goldenthread.access import rules
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.presenters import cycle as presenters


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/public_home.html", {"plans": rules.published_plans().order_by("code")})


@require_GET
def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    plan = rules.published_plans().filter(code=code).first()
    if plan is None:
        raise Http404(f"No published plan with code {code}")
    return render(request, "cycles/public_plan.html", {"page": presenters.public_plan(plan)})


@require_GET
def public_period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    plan = rules.published_plans().filter(code=code).first()
    the_period = ReportingPeriod.objects.filter(plan=plan, slug=period).select_related("plan").first() if plan else None
    if the_period is None or not rules.is_period_published(the_period):
        raise Http404(f"No published period {period} of {code}")
    return render(request, "cycles/public_period.html", {"page": presenters.public_period(the_period)})
