"""The governance pages of a plan: its bodies, a body's page and a meeting's page (agenda with its
papers, decisions, actions and minutes). Every signed-in reader of the plan may read them
(:func:`goldenthread.access.decorators.plan_view`); the forms that record a meeting are in
:mod:`.governance_records`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goldenthread.access.decorators import plan_view
from goldenthread.planfile.fields import CODE_LENGTH, character_problem
from goldenthread.plans import models as pm
from goldenthread.presenters import governance as presenters
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.governance_meeting import meeting_page
from goldenthread.presenters.plan import plan_nav


def exact(queryset, code: str, what: str, plan: pm.Plan):
    """The one row of ``queryset`` whose code is exactly ``code`` (compared again in Python, so a
    collation that ignores case cannot widen it), or a 404 saying what is missing."""
    readable = len(code) <= CODE_LENGTH and character_problem(code) is None  # no code holds a NUL (nor can a column)
    found = queryset.filter(code=code).first() if readable else None
    if found is None or found.code != code:
        raise Http404(f"{plan.code} has no {what} '{code[:CODE_LENGTH]}' (codes are exact, case and all)")
    return found


def find_body(plan: pm.Plan, code: str) -> pm.Body:
    return exact(pm.Body.objects.filter(plan=plan).select_related("chair", "parent"), code, "governance body", plan)


def find_meeting(plan: pm.Plan, code: str) -> pm.Meeting:
    return exact(pm.Meeting.objects.filter(plan=plan).select_related("body__chair", "plan"), code, "meeting", plan)


def governance_page(request: HttpRequest, template: str, plan: pm.Plan, as_at: AsAt, **context) -> HttpResponse:
    """A page about the plan's governance, under the plan's navigation (its "Governance" tab)."""
    nav = plan_nav(plan, as_at, "plan-governance")
    links = {item.name: item.href for item in nav}
    return render(request, template, {"plan": plan, "as_at": as_at, "nav": nav, "links": links, **context})


@plan_view
def governance(request: HttpRequest, plan: pm.Plan, as_at: AsAt) -> HttpResponse:
    page = presenters.governance_page(plan, timezone.localdate())
    return governance_page(request, "governance/plan.html", plan, as_at, page=page)


@plan_view
def body(request: HttpRequest, plan: pm.Plan, as_at: AsAt, body: str) -> HttpResponse:
    page = presenters.body_page(plan, find_body(plan, body), request.user, timezone.localdate())
    return governance_page(request, "governance/body.html", plan, as_at, page=page)


@plan_view
def meeting(request: HttpRequest, plan: pm.Plan, as_at: AsAt, meeting: str) -> HttpResponse:
    page = meeting_page(plan, find_meeting(plan, meeting), request.user, timezone.localdate())
    return governance_page(request, "governance/meeting.html", plan, as_at, page=page)
