"""Editing a plan in the browser: add and edit any element, move it in its list, retire it, and
change the plan's own fields — every save an edit, with its reason, in the plan's draft change.

One form engine serves every kind of element (:mod:`goldenthread.presenters.plan_forms` declares
each form). A save goes through :mod:`goldenthread.plans.changes`, which validates the whole plan
as a plan file is validated: its problems are shown against their fields and in the error summary,
with what the person typed kept; a save of an element someone else changed since the form was
shown is refused, their version shown beside the person's values. Only the plan's planning team
and administrators reach these pages (``may_edit_plan``, in the page policy and here again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goldenthread.access import policy, rules
from goldenthread.planfile import Problem, validate_data
from goldenthread.plans import changes
from goldenthread.plans import models as pm
from goldenthread.presenters import params
from goldenthread.presenters import plan_form_page as page
from goldenthread.presenters import plan_form_values as conv
from goldenthread.presenters import plan_forms as forms
from goldenthread.presenters.drafted import drafted_note

REASON_NEEDED = "Say why this is changing, e.g. 'Target revised by the board'"
SUBMITTED = (
    "Change {number} to this plan is with the plan's owner for a decision, so nothing can be saved until "
    "it is approved or rejected (or the planning team withdraws it)."
)


@dataclass
class Working:
    """The plan as the forms show it: the open change's working plan, or the latest version."""

    plan: pm.Plan
    change: pm.PlanChange | None
    document: dict[str, Any]

    @classmethod
    def of(cls, plan: pm.Plan) -> Working:
        change = changes.open_change(plan)
        document = change.document if change is not None else changes.latest_version(plan).document
        return cls(plan, change, document)

    @property
    def submitted(self) -> str:
        """Why nothing can be saved now ("" when edits can be saved)."""
        if self.change is not None and self.change.status == pm.PlanChange.Status.SUBMITTED:
            return SUBMITTED.format(number=self.change.number)
        return ""

    def items(self, section: str) -> list[dict[str, Any]]:
        return list(self.document.get(section) or [])

    def find(self, section: str, code: str) -> tuple[int, dict[str, Any]]:
        for at, item in enumerate(self.items(section)):
            if item.get("code") == code:
                return at, item
        raise Http404(f"{self.plan.code} has no {forms.FORMS[section].kind} '{code}' (codes are exact, case and all)")


@dataclass
class Screen:
    """What one showing of an edit form holds besides the fields."""

    values: conv.Values
    seen: str
    reason: str = ""
    problem: str = ""
    conflict: bool = False
    placed: conv.Placed = field(default_factory=conv.Placed)
    theirs: conv.Values | None = None
    more: str = ""


def editable(request: HttpRequest) -> pm.Plan | HttpResponse:
    """The plan the address names, for someone who may edit it, or the refusal (the page policy
    refused everyone else already; asked again here so no view relies on the policy alone)."""
    plan = policy.subject(request).plan
    if plan is None:
        raise Http404("No such plan")
    if not rules.may_edit_plan(request.user, plan):
        return policy.forbidden(request, "Only this plan's planning team and administrators can edit it.")
    return plan


def section_form(section: str) -> forms.SectionForm:
    form = forms.form_for(section)
    if form is None:
        raise Http404(f"'{section}' is not a kind of plan element")
    return form


# --- what there is to edit -----------------------------------------------------------------------


@require_http_methods(["GET"])
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Every element of the plan (the open change's working plan), to choose one to edit or add."""
    plan = editable(request)
    if isinstance(plan, HttpResponse):
        return plan
    working = Working.of(plan)
    context = {"plan": plan, "listing": page.listing(working.document), "submitted": working.submitted}
    return render(request, "web/edit/index.html", {**context, "change": working.change})


# --- adding and editing --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def element_new(request: HttpRequest, code: str, section: str) -> HttpResponse:
    plan = editable(request)
    if isinstance(plan, HttpResponse):
        return plan
    form = section_form(section)
    working = Working.of(plan)
    values = conv.values_from_data(form, None)
    values.update(_presets(form, working, params.of(request)))
    return _edit(request, working, form, None, None, values)


@require_http_methods(["GET", "POST"])
def element_edit(request: HttpRequest, code: str, section: str, element: str) -> HttpResponse:
    plan = editable(request)
    if isinstance(plan, HttpResponse):
        return plan
    form = section_form(section)
    working = Working.of(plan)
    _, current = working.find(section, element)
    return _edit(request, working, form, element, current, conv.values_from_data(form, current))


@require_http_methods(["GET", "POST"])
def plan_fields_edit(request: HttpRequest, code: str) -> HttpResponse:
    plan = editable(request)
    if isinstance(plan, HttpResponse):
        return plan
    working = Working.of(plan)
    current = {k: v for k, v in working.document.items() if k not in changes.LISTS}
    return _edit(
        request, working, forms.PLAN_FIELDS, plan.code, current, conv.values_from_data(forms.PLAN_FIELDS, current)
    )


def _presets(form: forms.SectionForm, working: Working, query: params.Params) -> conv.Values:
    """A new element's fields given by the link that led to the form: an objective under a parent
    (``?parent=``, at the level below the parent's), an activity, metric or risk of an objective
    (``?objective=``)."""
    parent, objective = query.code("parent"), query.code("objective")
    if form.section == "objectives" and parent:
        levels = [level.get("code") for level in working.items("levels")]
        above = next((o.get("level") for o in working.items("objectives") if o.get("code") == parent), None)
        below = levels[levels.index(above) + 1] if above in levels and levels.index(above) + 1 < len(levels) else ""
        return {"parent": parent, "level": below or (above or "")}
    if objective and form.section in ("activities", "risks"):
        return {"objective": objective}
    if objective and form.section == "metrics":
        return {"objectives": [objective]}
    return {}


def _edit(
    request: HttpRequest,
    working: Working,
    form: forms.SectionForm,
    code: str | None,
    current: dict[str, Any] | None,
    values: conv.Values,
) -> HttpResponse:
    """The form for one element (``code`` None: a new one), shown or saved."""
    screen = Screen(values, changes.fingerprint(current) if current is not None else "")
    if request.method == "POST":
        screen = Screen(
            conv.values_from_post(form, request.POST),
            request.POST.get("seen", ""),
            reason=request.POST.get("reason", ""),
            more=request.POST.get("more", ""),
        )
        if not screen.more:
            saved = _save(request, working, form, code, current, screen)
            if saved is not None:
                return saved
    return _show(request, working, form, code, screen)


def _save(
    request: HttpRequest,
    working: Working,
    form: forms.SectionForm,
    code: str | None,
    current: dict[str, Any] | None,
    screen: Screen,
) -> HttpResponse | None:
    """Save what was typed: where to go next, or None with the problems put on the screen."""
    data = conv.data_from_values(form, screen.values, current)
    if working.submitted:
        screen.problem = working.submitted + " Your values are kept below."
        return None
    if not screen.reason.strip():
        _without_reason(form, working, code, data, screen)
        return None
    try:
        with transaction.atomic():
            change = changes.draft_change(working.plan, request.user)
            working = Working(working.plan, change, change.document)
            edit = _write(change, form, code, data, screen, request.user)
    except changes.ChangeRefused as exc:
        screen.problem = str(exc)
    except changes.EditProblems as exc:
        screen.placed = conv.place(form, exc.problems, _path(working, form, code), working.document)
    except changes.EditConflict as exc:
        _conflict(form, working.plan, code, screen, str(exc))
    else:
        return _saved(request, working.plan, form, code, data, edit)
    return None


def _write(
    change: pm.PlanChange, form: forms.SectionForm, code: str | None, data: dict, screen: Screen, user: Any
) -> pm.PlanEdit | None:
    seen = screen.seen if code is not None else None
    if form.section == changes.PLAN:
        return changes.save_plan_fields(change, data, reason=screen.reason, user=user, seen=seen)
    return changes.save_element(change, form.section, code, data, reason=screen.reason, user=user, seen=seen)


def _index(working: Working, form: forms.SectionForm, code: str | None) -> int:
    """Where the element is in its list (a new one: at the end)."""
    items = working.items(form.section)
    return next((i for i, item in enumerate(items) if item.get("code") == code), len(items))


def _path(working: Working, form: forms.SectionForm, code: str | None) -> str:
    """The element's path in the plan (``metrics[5]``), which its problems' paths start with."""
    return "" if form.section == changes.PLAN else f"{form.section}[{_index(working, form, code)}]"


def _without_reason(form: forms.SectionForm, working: Working, code: str | None, data: dict, screen: Screen) -> None:
    """No reason given: nothing is saved, and the reason's problem is shown with every other
    problem the save would meet, so the person mends them all at once."""
    document = dict(working.document)
    if form.section == changes.PLAN:
        document = {**data, **{k: v for k, v in document.items() if k in changes.LISTS}}
    else:
        items, at = working.items(form.section), _index(working, form, code)
        document[form.section] = [*items[:at], data, *items[at + 1 :]]
    problems = [Problem("", 0, 0, "reason", REASON_NEEDED), *validate_data(document).problems]
    screen.placed = conv.place(form, problems, _path(working, form, code), working.document)


def _conflict(form: forms.SectionForm, plan: pm.Plan, code: str | None, screen: Screen, message: str) -> None:
    """Someone saved the element since the form was shown: their version beside the person's
    values, and the form now based on their version, so the person can check and save again."""
    screen.problem, screen.conflict = message, True
    change = changes.open_change(plan)
    theirs = changes.element_data(change, form.section, code or "") if change is not None else None
    if theirs is not None:
        screen.theirs = conv.values_from_data(form, theirs)
        screen.seen = changes.fingerprint(theirs)


def _saved(
    request: HttpRequest, plan: pm.Plan, form: forms.SectionForm, code: str | None, data: dict, edit: Any
) -> HttpResponse:
    change = changes.open_change(plan)
    where = f"draft change {change.number}" if change is not None else "the draft change"
    if form.section == changes.PLAN:
        what, target = "The plan's details", reverse("plan-fields-edit", args=[plan.code])
    else:
        saved_code = edit.code if edit is not None else (code or str(data.get("code", "")))
        what = f"{form.kind.capitalize()} {saved_code}"
        target = reverse("plan-element-edit", args=[plan.code, form.section, saved_code])
    if edit is None:
        messages.success(request, f"{what}: nothing changed, so nothing was added to {where}.")
    else:
        messages.success(request, f"{what} saved in {where}, with your reason. The plan's owner approves the change.")
    return redirect(target)


def _show(
    request: HttpRequest, working: Working, form: forms.SectionForm, code: str | None, screen: Screen
) -> HttpResponse:
    context = page.Context(forms.Choices.of(working.document), code or "", screen.placed, screen.theirs, screen.more)
    status = 409 if screen.problem else (400 if screen.placed.summary else 200)
    shown = next((i for i in working.items(form.section) if i.get("code") == code), None) if code else None
    return render(
        request,
        "web/edit/element.html",
        {
            "plan": working.plan,
            "form": form,
            "code": code,
            "parts": page.parts(form, screen.values, context),
            "screen": screen,
            "errors": page.error_list(screen.placed),
            "reason_error": screen.placed.at.get("reason", ""),
            "submitted": working.submitted,
            "change": working.change,
            "links": _links(working, form, code),
            "drafted": drafted_note(shown) if form.section != changes.PLAN else "",
        },
        status=status,
    )


def _links(working: Working, form: forms.SectionForm, code: str | None) -> dict[str, str]:
    plan = working.plan.code
    links = {name: reverse(name, args=[plan]) for name in ("plan", "plan-change", "plan-edit")}
    if code is None or form.section == changes.PLAN:
        return links
    args = [plan, form.section, code]
    links["move"] = reverse("plan-element-move", args=args)
    links["retire"] = reverse("plan-element-retire", args=args)
    if form.section == "objectives":
        for section in ("objectives", "activities", "metrics"):
            key = "parent" if section == "objectives" else "objective"
            links["add-" + section] = reverse("plan-element-new", args=[plan, section]) + "?" + _query(key, code)
    return links


def _query(key: str, value: str) -> str:
    return urlencode({key: value})
