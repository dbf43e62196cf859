"""The change-control pages: a plan's open change — its edits, the quality check of the plan as
changed, submitting it, withdrawing it, and the owner's approval or rejection — and a new plan.

Who may do what is checked twice: the page's rule (:mod:`goldenthread.access.policy`) lets in the
plan's planning team and whoever approves its changes, and each action here asks its own rule
again (:func:`~goldenthread.access.rules.may_edit_plan` to submit or withdraw,
:func:`~goldenthread.access.rules.may_approve_change` to decide). The core
(:mod:`goldenthread.plans.changes`) refuses what the rules cannot see, e.g. an editor approving
their own change, and its message is shown above the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goldenthread.access import policy, roles, rules
from goldenthread.planfile import schema
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.presenters import params
from goldenthread.presenters import plan_change as presenter
from goldenthread.presenters.drafted import TO_REVIEW
from goldenthread.web.change_forms import DecisionForm, NewPlanForm, SubmitForm
from goldenthread.web.views.cycle.lookup import plan_or_404

Outcome = HttpResponse | str  # a redirect when done; otherwise the problem to show ("" for the form's own)


@dataclass
class Forms:
    submit: SubmitForm
    decision: DecisionForm


def _submit(request: HttpRequest, change: m.PlanChange, forms: Forms) -> Outcome:
    cleaned = forms.submit.clean()
    if cleaned is None:
        return ""
    label, summary = cleaned
    changes.submit(change, request.user, in_force_label=label, summary=summary)
    messages.success(request, f"Change {change.number} is submitted to the plan's owner for approval.")
    return redirect("plan-change", change.plan.code)


def _withdraw(request: HttpRequest, change: m.PlanChange, forms: Forms) -> Outcome:
    changes.withdraw(change, request.user)
    messages.success(request, f"Change {change.number} is withdrawn; the plan is as it was.")
    return redirect("plan-change", change.plan.code)


def _approve(request: HttpRequest, change: m.PlanChange, forms: Forms) -> Outcome:
    comment = forms.decision.clean(rejecting=False)
    if comment is None:
        return ""
    version = changes.approve(change, request.user, comment)
    messages.success(
        request,
        f"Change {change.number} is approved: it is version {version.number} of the plan, in force from "
        f"{version.in_force_label or version.in_force_from}.",
    )
    return redirect(reverse("plan-version", args=[change.plan.code, version.number]))


def _reject(request: HttpRequest, change: m.PlanChange, forms: Forms) -> Outcome:
    comment = forms.decision.clean(rejecting=True)
    if comment is None:
        return ""
    changes.reject(change, request.user, comment)
    messages.success(request, f"Change {change.number} is rejected; the plan stays as it is.")
    return redirect("plan-change", change.plan.code)


#: action -> (who may, what the refusal says, what it does)
ACTIONS: dict[str, tuple[Callable[..., bool], str, Callable[[HttpRequest, m.PlanChange, Forms], Outcome]]] = {
    "submit": (
        rules.may_edit_plan,
        "Only the plan's planning team and administrators can submit its changes.",
        _submit,
    ),
    "withdraw": (
        rules.may_edit_plan,
        "Only the plan's planning team and administrators can withdraw its changes.",
        _withdraw,
    ),
    "approve": (
        rules.may_approve_change,
        "Only the plan's owner and administrators can approve its changes.",
        _approve,
    ),
    "reject": (rules.may_approve_change, "Only the plan's owner and administrators can reject its changes.", _reject),
}


def _stale(change: m.PlanChange | None, post) -> str:
    """Why the posted form no longer fits the open change ("" when it does): the page showed
    another change, or the change has had edits since, which the person has not seen."""
    if change is None:
        return "There is no open change to this plan any more: it was decided or withdrawn meanwhile. Nothing was done."
    if post.get("change") != str(change.number) or post.get("revision") != str(change.revision):
        return (
            f"Change {change.number} has changed since you opened this page (it now has {change.edits.count()} "
            "edits). Nothing was done: read it again below, then try again."
        )
    return ""


@require_http_methods(["GET", "POST"])
def plan_change(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_or_404(request)
    shown = params.of(request).choice("show", (TO_REVIEW,), what="choice of drafted elements")  # all, or to review
    forms, problem = Forms(SubmitForm(plan), DecisionForm()), ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseBadRequest("Unknown action: say submit, withdraw, approve or reject")
        may, refusal, run = ACTIONS[action]
        if not may(request.user, plan):
            return policy.forbidden(request, f"{refusal} Nothing was changed.")
        change = changes.open_change(plan)
        forms = Forms(SubmitForm(plan, request.POST), DecisionForm(request.POST))
        problem = _stale(change, request.POST)
        if not problem and change is not None:
            try:
                outcome = run(request, change, forms)
            except changes.ChangeRefused as exc:
                outcome = str(exc)
            if isinstance(outcome, HttpResponse):
                return outcome
            problem = outcome
    page = presenter.change_page(plan, request.user, only_to_review=shown == TO_REVIEW)
    status = 409 if problem else (400 if forms.submit.errors or forms.decision.errors else 200)
    context = {"plan": plan, "page": page, "problem": problem, "submit_form": forms.submit}
    return render(request, "web/change/change.html", {**context, "decision_form": forms.decision}, status=status)


# --- a new plan -------------------------------------------------------------------------------------


def create_plan(spec: schema.Plan, user, note: str = "Created in the browser") -> m.Plan:
    """Store the new plan as its first version (created in the browser, ``note`` saying how), with
    its creator in its planning team."""
    with transaction.atomic():
        version = changes.create_plan(spec, user, how=m.PlanVersion.How.CREATED, note=note)
        roles.grant(user, roles.PLANNING_TEAM, plan=version.plan)
    return version.plan


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    templates = list(m.Plan.objects.order_by("code"))
    if request.method != "POST":
        form = NewPlanForm(templates)
        form.fields["template"].value = params.of(request).code("from")
        return render(request, "web/change/new.html", {"form": form})
    form = NewPlanForm(templates, request.POST)
    spec = form.clean()
    if spec is None:
        return render(request, "web/change/new.html", {"form": form}, status=400)
    try:
        plan = create_plan(spec, request.user)
    except changes.ChangeRefused as exc:  # created by someone else since the form was checked
        form.error("code", str(exc))
        return render(request, "web/change/new.html", {"form": form}, status=400)
    messages.success(request, f"The plan {plan.code} is created, and you are in its planning team. Add its objectives.")
    return redirect("plan-change", plan.code)
