"""The public pages: published plans, and their published periods' approved updates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from goldenthread.access import rules
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.presenters import cycle as presenters
from goldenthread.presenters.cycle import public_scorecard as public_scorecards
from goldenthread.presenters.governance_work import public_meetings


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "cycles/public_home.html", {"plans": rules.published_plans().order_by("code")})


@require_GET
def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    plan = rules.published_plans().filter(code=code).first()
    if plan is None:
        raise Http404(f"No published plan with code {code}")
    page = presenters.public_plan(plan)
    return render(request, "cycles/public_plan.html", {"page": page, "meetings": public_meetings(plan)})


def published_period(code: str, period: str) -> ReportingPeriod:
    """The period, when it and its plan are published; a 404 otherwise (nothing else is public)."""
    found = public_scorecards.published_period(code, period)
    if found is None:
        raise Http404(f"No published period {period} of {code}")
    return found


@require_GET
def public_period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    the_period = published_period(code, period)
    return render(request, "cycles/public_period.html", {"page": presenters.public_period(the_period)})


@require_GET
def public_scorecard(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The published scorecard as at the period, with its charts and the open-data downloads."""
    page = public_scorecards.public_scorecard(published_period(code, period))
    if page is None:
        raise Http404(f"{code} {period} names no period the figures can be as at")
    return render(request, "cycles/public_scorecard.html", {"page": page})
