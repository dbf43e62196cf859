"""Moving an element to another place in its list, and retiring it: each a page that asks where
to, or for confirmation, and why; each an edit in the plan's draft change. An element others
still name (an objective with activities, metrics or objectives under it) is not retired: the page
says which elements name it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goldenthread.plans import changes
from goldenthread.plans import models as pm
from goldenthread.presenters import plan_form_page as page
from goldenthread.presenters import plan_form_values as conv
from goldenthread.presenters import plan_forms as forms
from goldenthread.web.views.plan_edit import REASON_NEEDED, Screen, Working, editable, section_form

MOVE, RETIRE = "move", "retire"


@require_http_methods(["GET", "POST"])
def element_move(request: HttpRequest, code: str, section: str, element: str) -> HttpResponse:
    """Put an element at another place in its list (its parent is changed on its form)."""
    return _page(request, section, element, MOVE)


@require_http_methods(["GET", "POST"])
def element_retire(request: HttpRequest, code: str, section: str, element: str) -> HttpResponse:
    """Retire an element, once the person confirms it and says why."""
    return _page(request, section, element, RETIRE)


def _page(request: HttpRequest, section: str, element: str, act: str) -> HttpResponse:
    plan = editable(request)
    if isinstance(plan, HttpResponse):
        return plan
    form, working = section_form(section), Working.of(plan)
    at, current = working.find(section, element)
    screen = Screen({"position": str(at + 1)}, changes.fingerprint(current))
    if request.method == "POST":
        screen = Screen(
            {"position": request.POST.get("position", "").strip()},
            request.POST.get("seen", ""),
            reason=request.POST.get("reason", ""),
        )
        to = _position(screen, len(working.items(section))) if act == MOVE else None
        if not screen.placed.summary:
            done = _act(request, working, form, element, screen, to)
            if done is not None:
                return done
    context = {
        "plan": plan,
        "form": form,
        "code": element,
        "act": act,
        "screen": screen,
        "errors": page.error_list(screen.placed, "act-form"),
        "submitted": working.submitted,
        "change": working.change,
        "count": len(working.items(section)),
        "position": at + 1,
        "named_by": changes.referring(working.document, section, element) if act == RETIRE else [],
        "current": current,
        "edit_href": reverse("plan-element-edit", args=[plan.code, section, element]),
        "change_href": reverse("plan-change", args=[plan.code]),
    }
    status = 409 if screen.problem else (400 if screen.placed.summary else 200)
    return render(request, "web/edit/act.html", context, status=status)


def _position(screen: Screen, count: int) -> int | None:
    """The place asked for, from 0; None with a problem at the field when it is not one."""
    text = screen.values["position"]
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    message = f"Enter a position from 1 to {count}"
    screen.placed = conv.Placed({"position": message}, [(message, "position")])
    return None


def _act(
    request: HttpRequest, working: Working, form: forms.SectionForm, element: str, screen: Screen, to: int | None
) -> HttpResponse | None:
    """Move (``to`` the place) or retire: where to go next, or None with the problem on the screen."""
    if working.submitted:
        screen.problem = working.submitted
        return None
    if not screen.reason.strip():
        screen.placed = conv.Placed({"reason": REASON_NEEDED}, [(REASON_NEEDED, "reason")])
        return None
    try:
        with transaction.atomic():
            change = changes.draft_change(working.plan, request.user)
            edit = _write(change, form.section, element, screen, request.user, to)
    except changes.ChangeRefused as exc:
        screen.problem = str(exc)
    except changes.EditProblems as exc:
        path = f"{form.section}[{working.find(form.section, element)[0]}]"
        screen.placed = conv.place(form, exc.problems, path, working.document)
    except changes.EditConflict as exc:
        screen.problem, screen.conflict = str(exc), True
        now = changes.open_change(working.plan)
        theirs = changes.element_data(now, form.section, element) if now is not None else None
        screen.seen = changes.fingerprint(theirs) if theirs is not None else screen.seen
    else:
        what = f"{form.kind.capitalize()} {element}"
        if edit is None:
            messages.success(request, f"{what} is at that place already: nothing changed.")
        else:
            done = "moved" if to is not None else "retired"
            messages.success(request, f"{what} {done} in draft change {change.number}, with your reason.")
        return redirect("plan-change", working.plan.code)
    return None


def _write(
    change: pm.PlanChange, section: str, element: str, screen: Screen, user: Any, to: int | None
) -> pm.PlanEdit | None:
    if to is None:
        return changes.remove_element(change, section, element, reason=screen.reason, user=user, seen=screen.seen)
    return changes.move_element(
        change, section, element, to_position=to, reason=screen.reason, user=user, seen=screen.seen
    )
