"""The page policy: which rule every page follows, by URL name, deny by default.

Pages are enforced by :class:`goldenthread.access.middleware.AccessMiddleware`: a URL name with
no rule in :data:`PAGES` (and no ``@rule`` on its view) is refused to everybody, so a new page is
never open by accident. :data:`PUBLIC_PAGES` is the one list of pages open without signing in.
Views check object-level permissions again with the ``may_*`` functions of
:mod:`goldenthread.access.rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.access.roles import person, signed_in
from goldenthread.access.rules import (
    may_chase_updates,
    may_close_action,
    may_decide,
    may_edit_submission,
    may_run_cycle,
    may_view_all_updates,
    may_view_plan,
    may_view_unit_updates,
)
from goldenthread.audit.history import may_view_history
from goldenthread.cycles.models import Action
from goldenthread.plans import models as pm

Check = Callable[[Any, dict], bool]
T = TypeVar("T")


def nobody(user, kwargs) -> bool:
    return False


def _anyone(user, kwargs) -> bool:
    return True


def _signed_in(user, kwargs) -> bool:
    return signed_in(user)


def _staff(user, kwargs) -> bool:
    return signed_in(user) and user.is_staff


@dataclass(frozen=True)
class Rule:
    """Who may GET (read) and who may POST (write) a page; a short phrase for refusals."""

    read: Check
    write: Check = nobody
    purpose: str = ""


def _plan(kwargs: dict) -> pm.Plan | None:
    return pm.Plan.objects.filter(code=kwargs.get("code")).first()


def _unit(kwargs: dict) -> pm.OrgUnit | None:
    plan = _plan(kwargs)
    return pm.OrgUnit.objects.filter(plan=plan, code=kwargs.get("unit")).first() if plan else None


def _action(kwargs: dict) -> Action | None:
    pk = kwargs.get("pk")
    return Action.objects.select_related("review__period__plan").filter(pk=pk).first() if pk is not None else None


def _about(find: Callable[[dict], T | None], check: Callable[[Any, T], bool]) -> Check:
    """A check about the object a URL's parameters name (``find``); one that does not exist is the
    view's 404 to give."""

    def run(user: Any, kwargs: dict) -> bool:
        found = find(kwargs)
        if found is None:
            return signed_in(user)
        return check(user, found)

    return run


def _with_plan(check: Callable[[Any, pm.Plan], bool]) -> Check:
    """A check about the plan named by ``code``."""
    return _about(_plan, check)


def _with_unit(check: Callable[[Any, pm.OrgUnit], bool]) -> Check:
    """A check about the org unit named by ``code`` and ``unit``."""
    return _about(_unit, check)


def _action_check(check: Callable[[Any, Action], bool]) -> Check:
    """A check about the action numbered ``pk``."""
    return _about(_action, check)


def _history_check(user, kwargs) -> bool:
    return may_view_history(user, kwargs.get("kind", ""), kwargs.get("pk"))


def _read_and_write(check: Check, purpose: str) -> Rule:
    """A form page: the same people may see it and send it."""
    return Rule(read=check, write=check, purpose=purpose)


PLAN_READER = Rule(read=_with_plan(may_view_plan), purpose="read this plan")
SIGNED_IN_PAGE = Rule(read=_signed_in, purpose="see this page")
#: pages that show what units reported (their submitted updates, reviews, actions): the unit's
#: own people and those who read everything — for a page about one unit (``unit`` in the URL) …
UNIT_UPDATES_READER = Rule(read=_with_unit(may_view_unit_updates), purpose="see this unit's updates")
#: … and for a page about every unit at once (e.g. the board pack)
ALL_UPDATES_READER = Rule(read=lambda user, kwargs: may_view_all_updates(user), purpose="see every unit's updates")

#: The pages open to everybody, signed in or not. The public pages show only what is published.
PUBLIC_PAGES = (
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "cycles:public_home",
    "cycles:public_plan",
    "cycles:public_period",
)
#: Of the public pages, those whose forms anybody may post (signing in and out).
PUBLIC_FORMS = ("login", "logout", "admin:login", "admin:logout")

#: URL name -> rule. Namespaced names as Django writes them ("cycles:submission"); "admin:*"
#: covers the whole Django admin site (staff only; the admin site checks model permissions too).
PAGES: dict[str, Rule] = {
    # web (plans and dashboards): every signed-in person reads the plans
    "home": SIGNED_IN_PAGE,
    "plan": PLAN_READER,
    "scorecard": PLAN_READER,
    "exceptions": PLAN_READER,
    "metric": PLAN_READER,
    # board papers quote units' submitted commentary and review actions
    "report-board": ALL_UPDATES_READER,
    "report-directorate": UNIT_UPDATES_READER,
    "report-summary": PLAN_READER,
    # the quarterly cycle
    "cycles:my_updates": SIGNED_IN_PAGE,
    "cycles:plan_cycle": Rule(
        read=_with_plan(may_view_plan), write=_with_plan(may_run_cycle), purpose="run this plan's cycle"
    ),
    "cycles:period": ALL_UPDATES_READER,
    "cycles:period_edit": _read_and_write(_with_plan(may_run_cycle), "change reporting periods"),
    "cycles:publish": Rule(read=nobody, write=_with_plan(may_run_cycle), purpose="publish this plan"),
    "cycles:overdue": Rule(read=lambda u, k: may_chase_updates(u), purpose="chase overdue updates"),
    "cycles:remind": Rule(read=nobody, write=_with_plan(may_run_cycle), purpose="send reminders"),
    "cycles:submission": Rule(
        read=_with_unit(may_view_unit_updates), write=_with_plan(may_decide), purpose="see or decide this update"
    ),
    "cycles:submission_edit": _read_and_write(_with_unit(may_edit_submission), "edit this unit's update"),
    "cycles:review": UNIT_UPDATES_READER,
    "cycles:review_edit": _read_and_write(_with_plan(may_run_cycle), "record accountability reviews"),
    "cycles:actions": SIGNED_IN_PAGE,
    "cycles:action_close": _read_and_write(_action_check(may_close_action), "close this action"),
    "cycles:history": Rule(read=_history_check, purpose="see this history"),
}
for _name in PUBLIC_PAGES:
    PAGES[_name] = Rule(read=_anyone, write=_anyone if _name in PUBLIC_FORMS else nobody, purpose="")
_WILDCARDS: dict[str, Rule] = {"admin:*": Rule(read=_staff, write=_staff, purpose="use the administration site")}


def rule(page_rule: Rule):
    """Declare a view's rule on the view itself (for a URL name not in :data:`PAGES`)."""

    def mark(view):
        view.access_rule = page_rule
        return view

    return mark


def rule_for(view_name: str | None, view_func=None) -> Rule | None:
    if view_name in PAGES:
        return PAGES[view_name]
    if view_name:
        namespace = view_name.rpartition(":")[0]
        if namespace and f"{namespace}:*" in _WILDCARDS:
            return _WILDCARDS[f"{namespace}:*"]
    return getattr(view_func, "access_rule", None)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: set on every refusal this module makes, so tests (and people reading logs) can tell them apart
REFUSAL_HEADER = "X-Goldenthread-Refused"


def allowed(user, view_name: str | None, kwargs: dict, method: str = "GET", view_func=None) -> bool:
    page_rule = rule_for(view_name, view_func)
    if page_rule is None:
        return False
    check = page_rule.read if method.upper() in SAFE_METHODS else page_rule.write
    return bool(check(user, kwargs))


def forbidden(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    """The refusal page: what was refused, why, and what to do."""
    response = render(
        request, "accounts/forbidden.html", {"reason": reason, "who": person(request.user).describe()}, status=status
    )
    response[REFUSAL_HEADER] = "goldenthread.access.rules"
    return response


def require(check: Callable[[HttpRequest, dict], bool], purpose: str):
    """Decorator for a view: run ``check(request, kwargs)`` and refuse with the standard page."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request, kwargs):
                if not signed_in(request.user):
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                return forbidden(request, f"You do not have permission to {purpose}.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
