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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.access.roles import person, signed_in
from goldenthread.access.rules import (
    may_approve_change,
    may_chase_updates,
    may_close_action,
    may_create_plan,
    may_decide,
    may_edit_plan,
    may_edit_submission,
    may_load_data,
    may_run_cycle,
    may_update_action,
    may_view_action,
    may_view_all_updates,
    may_view_plan,
    may_view_unit_updates,
)
from goldenthread.audit.history import may_view_history
from goldenthread.cycles.models import Action, ReportingPeriod
from goldenthread.plans import models as pm

Check = Callable[[Any, "Subject"], bool]
T = TypeVar("T")


class NotFound(Exception):
    """Something a page's address names does not exist (exactly as written): the page is a 404."""


@dataclass
class Subject:
    """What a page's address names, each looked up once and exactly (codes are matched case and
    all; there is no second, looser look-up by name or ignoring case). The rule is checked against
    these objects and the view reads the same objects (:func:`subject`)."""

    kwargs: dict
    plan: pm.Plan | None = None
    period: ReportingPeriod | None = None
    unit: pm.OrgUnit | None = None
    action: Action | None = None


def nobody(user, subject) -> bool:
    return False


def _anyone(user, subject) -> bool:
    return True


def _signed_in(user, subject) -> bool:
    return signed_in(user)


def _staff(user, subject) -> bool:
    return signed_in(user) and user.is_staff


@dataclass(frozen=True)
class Rule:
    """Who may GET (read) and who may POST (write) a page; a short phrase for refusals; and what the
    address's ``pk`` names, when the rule is about it ("action")."""

    read: Check
    write: Check = nobody
    purpose: str = ""
    pk_names: str = ""


def _exact(queryset, field: str, value: object):
    """The one row whose ``field`` is exactly ``value`` (compared again in Python, so a database
    collation that ignores case cannot widen it), or None."""
    limit = queryset.model._meta.get_field(field).max_length
    if not isinstance(value, str) or "\x00" in value or (limit is not None and len(value) > limit):
        return None  # no row could hold it (and PostgreSQL refuses a NUL in a query)
    found = queryset.filter(**{field: value}).first()
    return found if found is not None and getattr(found, field) == value else None


def find(kwargs: dict, pk_names: str = "") -> Subject:
    """Look up what the address names — the plan (``code``), one of its reporting periods
    (``period``) and org units (``unit``), and the action ``pk`` names when the rule says so —
    exactly; :class:`NotFound` when any of them does not exist."""
    found = Subject(dict(kwargs))
    if "code" in kwargs:
        found.plan = _exact(pm.Plan.objects.select_related("organisation"), "code", kwargs["code"])
        if found.plan is None:
            raise NotFound(f"There is no plan with the code '{kwargs['code']}' (codes are exact, case and all)")
    if "period" in kwargs and found.plan is not None:
        found.period = _exact(
            ReportingPeriod.objects.filter(plan=found.plan).select_related("plan"), "slug", kwargs["period"]
        )
        if found.period is None:
            raise NotFound(f"{found.plan.code} has no reporting period '{kwargs['period']}'")
    if "unit" in kwargs and found.plan is not None:
        found.unit = _exact(pm.OrgUnit.objects.filter(plan=found.plan), "code", kwargs["unit"])
        if found.unit is None:
            raise NotFound(f"{found.plan.code} has no org unit '{kwargs['unit']}' (codes are exact, case and all)")
    if pk_names == "action":
        actions = Action.objects.select_related(
            "review__period__plan", "review__org_unit", "agenda_item__meeting__plan", "agenda_item__meeting__body"
        )
        found.action = actions.filter(pk=kwargs["pk"]).first() if kwargs.get("pk") is not None else None
        if found.action is None:
            raise NotFound(f"There is no action number {kwargs.get('pk')}")
    return found


_SUBJECT = "_goldenthread_subject"


def look_up(request: HttpRequest, kwargs: dict, page_rule: Rule | None = None) -> Subject:
    """:func:`find` for a request, kept on it for the view (:func:`subject`)."""
    found = find(kwargs, page_rule.pk_names if page_rule else "")
    keep(request, found)
    return found


def keep(request: HttpRequest, found: Subject) -> None:
    """Keep what the address names on the request, for the view (:func:`subject`)."""
    setattr(request, _SUBJECT, found)


def subject(request: HttpRequest) -> Subject:
    """What the request's address names: the objects its page rule was checked against (the access
    middleware looked them up); a 404 when one does not exist."""
    found = getattr(request, _SUBJECT, None)
    if found is not None:
        return found
    match = request.resolver_match
    try:
        return look_up(request, dict(match.kwargs) if match else {}, rule_for(match.view_name if match else None))
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _about(attr: str, check: Callable[[Any, T], bool]) -> Check:
    """A check about the object the address names (``attr`` of the :class:`Subject`); when there
    is none, the answer is no — never a weaker rule."""

    def run(user: Any, found: Subject) -> bool:
        obj = getattr(found, attr)
        return obj is not None and bool(check(user, obj))

    return run


def _with_plan(check: Callable[[Any, pm.Plan], bool]) -> Check:
    """A check about the plan named by ``code``."""
    return _about("plan", check)


def _with_unit(check: Callable[[Any, pm.OrgUnit], bool]) -> Check:
    """A check about the org unit named by ``code`` and ``unit``."""
    return _about("unit", check)


def _action_check(check: Callable[[Any, Action], bool]) -> Check:
    """A check about the action numbered ``pk``."""
    return _about("action", check)


def _history_check(user, found: Subject) -> bool:
    return may_view_history(user, found.kwargs.get("kind", ""), found.kwargs.get("pk"))


def _read_and_write(check: Check, purpose: str) -> Rule:
    """A form page: the same people may see it and send it."""
    return Rule(read=check, write=check, purpose=purpose)


def _reads_plan(user, plan: pm.Plan) -> bool:
    """The signed-in pages about a plan: a published plan is open to the public only on the public
    pages (:data:`PUBLIC_PAGES`), never through a signed-in page's rule."""
    return signed_in(user) and may_view_plan(user, plan)


PLAN_READER = Rule(read=_with_plan(_reads_plan), purpose="read this plan")
SIGNED_IN_PAGE = Rule(read=_signed_in, purpose="see this page")
#: pages that show what units reported (their submitted updates, reviews, actions): the unit's
#: own people and those who read everything — for a page about one unit (``unit`` in the URL) …
UNIT_UPDATES_READER = Rule(read=_with_unit(may_view_unit_updates), purpose="see this unit's updates")
#: … and for a page about every unit at once (e.g. the board pack)
ALL_UPDATES_READER = Rule(read=lambda user, found: may_view_all_updates(user), purpose="see every unit's updates")

#: The pages open to everybody, signed in or not. The public pages show only what is published.
PUBLIC_PAGES = (
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "cycles:public_home",
    "cycles:public_plan",
    "cycles:public_period",
    "cycles:public_scorecard",  # a published period's scorecard, its charts …
    "public-open-data",  # … and its open-data files (goldenthread.reports.public_views)
    "sso-start",  # single sign-on (goldenthread.access.sso): to the provider and back
    "sso-callback",
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
    # the plan's versions (goldenthread.web.views.versions): everyone who reads the plan
    "plan-versions": PLAN_READER,
    "plan-version": PLAN_READER,
    "plan-compare": PLAN_READER,
    # change control (goldenthread.web.views.plan_change): the open change, for the plan's planning
    # team and whoever approves its changes (each action checks its own rule again); a new plan
    "plan-change": _read_and_write(
        _with_plan(lambda user, plan: may_edit_plan(user, plan) or may_approve_change(user, plan)),
        "see or decide this plan's changes",
    ),
    "plan-new": _read_and_write(lambda user, found: may_create_plan(user), "create a plan"),
    # a new plan drafted from its document (goldenthread.web.views.plan_from_document): as a new plan
    "plan-from-document": _read_and_write(lambda user, found: may_create_plan(user), "create a plan"),
    # the plan as a file (goldenthread.web.views.plan_files): downloads for its readers, the blank
    # workbook for everyone signed in, and the upload of a changed workbook into its draft change
    "plan-download": PLAN_READER,
    "plan-template": SIGNED_IN_PAGE,
    "plan-upload": _read_and_write(_with_plan(may_edit_plan), "change this plan"),
    # editing the plan in the browser (goldenthread.web.views.plan_edit, plan_edit_acts): its
    # planning team and administrators, who may draft its changes
    **{
        name: _read_and_write(_with_plan(may_edit_plan), "edit this plan")
        for name in (
            "plan-edit",
            "plan-fields-edit",
            "plan-element-new",
            "plan-element-edit",
            "plan-element-move",
            "plan-element-retire",
        )
    },
    # the upload page's data template for a plan (the upload page declares its own rule)
    "performance:upload_template": Rule(read=_with_plan(may_load_data), purpose="load data into this plan"),
    # the board pack built in the background (goldenthread.reports.build_views): asked for by a
    # form, then its progress page and its file, for exactly those who may download it directly
    "report-build-start": Rule(read=nobody, write=ALL_UPDATES_READER.read, purpose="build the board pack"),
    "report-build": ALL_UPDATES_READER,
    "report-build-file": ALL_UPDATES_READER,
    # the quarterly cycle
    "cycles:my_work": SIGNED_IN_PAGE,  # everyone's own work: what it lists is chosen for the person
    "cycles:cycles": SIGNED_IN_PAGE,  # every plan's current period; the period pages have their own rules
    "cycles:my_updates": SIGNED_IN_PAGE,
    "cycles:plan_cycle": Rule(
        read=_with_plan(_reads_plan), write=_with_plan(may_run_cycle), purpose="run this plan's cycle"
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
    "cycles:action": Rule(
        read=_action_check(may_view_action),
        write=_action_check(may_update_action),
        purpose="see or update this action",
        pk_names="action",
    ),
    "cycles:action_close": Rule(
        read=_action_check(may_close_action),
        write=_action_check(may_close_action),
        purpose="close this action",
        pk_names="action",
    ),
    "cycles:history": Rule(read=_history_check, purpose="see this history"),
    # one's own account (goldenthread.accounts.views)
    "password_change": _read_and_write(_signed_in, "change your password"),
    "password_change_done": SIGNED_IN_PAGE,
    # one's own API tokens (goldenthread.accounts.token_views): each shows and revokes only its owner's
    "api-tokens": _read_and_write(_signed_in, "manage your API tokens"),
    "api-token-revoke": _read_and_write(_signed_in, "revoke your API token"),
    # the second factor (goldenthread.web.views.second_factor): after the password, so signed in
    "otp-enrol": _read_and_write(_signed_in, "set up two-step sign-in"),
    "otp-verify": _read_and_write(_signed_in, "enter your code"),
}
for _name in PUBLIC_PAGES:
    PAGES[_name] = Rule(read=_anyone, write=_anyone if _name in PUBLIC_FORMS else nobody, purpose="")
#: URL namespaces whose every operation checks its own rule, after its own authentication (the
#: API: goldenthread.api.guard, with the same rules as these pages); the middleware leaves them be.
API_NAMESPACE = "api-v1"
SELF_GUARDED = (API_NAMESPACE,)
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
    """Whether ``user`` may GET or POST the page: the public pages are open to everybody, every
    other page needs signing in first, and then its rule decides about what the address names —
    no when something it names does not exist."""
    page_rule = rule_for(view_name, view_func)
    if page_rule is None or not (view_name in PUBLIC_PAGES or signed_in(user)):
        return False
    try:
        found = find(kwargs, page_rule.pk_names)
    except NotFound:
        return False
    check = page_rule.read if method.upper() in SAFE_METHODS else page_rule.write
    return bool(check(user, found))


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
