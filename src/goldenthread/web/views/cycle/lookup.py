"""What a cycle page's address names — a plan, one of its periods, one of its units — or 404: the
very objects the access middleware looked up (exactly) and checked the page's rule against."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goldenthread.access import policy
from goldenthread.cycles import services
from goldenthread.cycles.forms import Form
from goldenthread.cycles.models import Action, ReportingPeriod
from goldenthread.plans import models as pm

T = TypeVar("T")


def plan_or_404(request: HttpRequest) -> pm.Plan:
    """The plan the page's rule was checked against (:func:`goldenthread.access.policy.subject`)."""
    return _found(policy.subject(request).plan)


def period_or_404(request: HttpRequest) -> ReportingPeriod:
    return _found(policy.subject(request).period)


def unit_period_or_404(request: HttpRequest) -> tuple[pm.Plan, ReportingPeriod, pm.OrgUnit]:
    """The plan, period and unit of a unit's update or review page: those the page's rule was
    checked against, looked up once, exactly, by the access middleware."""
    found = policy.subject(request)
    return _found(found.plan), _found(found.period), _found(found.unit)


def action_or_404(request: HttpRequest, pk: int) -> Action:
    """The action the page's rule was checked against (looked up once, by the access middleware)."""
    found = policy.subject(request).action
    if found is None:
        raise Http404(f"There is no action number {pk}")
    return found


def attempt(form: Form, write: Callable[[], object]) -> str | None:
    """Run a service's ``write``: None when it is done; otherwise the problem to show above the form
    ("" when the problems are the form's own, now shown at their fields)."""
    try:
        write()
    except services.Incomplete as exc:
        form.apply_problems(exc.problems)
        return ""
    except services.CycleError as exc:
        return str(exc)
    return None


def _found(obj: T | None) -> T:
    if obj is None:  # the access middleware 404s first; a view reached some other way does too
        raise Http404("Not found")
    return obj


def today() -> date:
    return timezone.localdate()


def render_form(request: HttpRequest, template: str, form: Form, problem: str, status: int, **context) -> HttpResponse:
    """A page with a form: 400 when what was typed has errors and nothing else went wrong."""
    if form.errors and status == 200:
        status = 400
    return render(request, template, {"form": form, "problem": problem, **context}, status=status)
