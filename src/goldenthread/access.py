"""Who may see and do what: the one place every page, endpoint and presenter asks.

Roles are Django groups; memberships (:class:`goldenthread.accounts.models.Membership`) say where
a role applies.

============================  =================================================================
role                          may
============================  =================================================================
administrator                 everything (also: Django superusers)
planning team                 read everything; run the cycle of the plans they are members of:
                              periods, approving and returning updates, reviews (QCARs),
                              reminders, publishing, and edit those plans' elements
directorate or region lead    read the plans; update and submit their units' updates; edit their
                              units' objectives and activities; close their units' actions
contributor                   as a lead, but cannot submit (the lead does)
board member                  read everything, change nothing
(signed in, no role)          read the plans, dashboards and their history; nothing else
public (not signed in)        only the public pages, which show only what is published
============================  =================================================================

A lead's or contributor's units include the units below them in the plan's tree.

Pages are enforced by :class:`AccessMiddleware`, by URL name, deny-by-default: a URL name with
no rule in :data:`PAGES` (and no ``@rule`` on its view) is refused to everybody, so a new page
is never open by accident. :data:`PUBLIC_PAGES` is the one list of pages open without signing
in. Views check object-level permissions again with the ``may_*`` functions below, and
presenters use them to decide which actions to offer — the checks are never only in templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.accounts.models import Membership
from goldenthread.plans import models as pm

ADMINISTRATOR = "administrator"
PLANNING_TEAM = "planning"
LEAD = "lead"
CONTRIBUTOR = "contributor"
BOARD = "board"

#: role -> Django group name
GROUPS = {
    ADMINISTRATOR: "Administrators",
    PLANNING_TEAM: "Planning team",
    LEAD: "Directorate and region leads",
    CONTRIBUTOR: "Contributors",
    BOARD: "Board members",
}
ROLE_LABELS = {
    ADMINISTRATOR: "administrator",
    PLANNING_TEAM: "planning team",
    LEAD: "directorate or region lead",
    CONTRIBUTOR: "contributor",
    BOARD: "board member",
}
_ROLE_OF_GROUP = {name: role for role, name in GROUPS.items()}


# --- who someone is ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    signed_in: bool
    roles: frozenset[str]
    planning_plan_ids: frozenset[int]  # plans whose cycle this person runs (planning team)
    unit_ids: frozenset[int]  # units this person updates (lead or contributor), with the units below them
    led_unit_ids: frozenset[int]  # units this person leads, with the units below them
    username: str = ""

    @property
    def is_admin(self) -> bool:
        return ADMINISTRATOR in self.roles

    @property
    def reads_everything(self) -> bool:
        return bool(self.roles & {ADMINISTRATOR, PLANNING_TEAM, BOARD})

    def describe(self) -> str:
        if not self.signed_in:
            return "You are not signed in"
        if not self.roles:
            return f"Your account ({self.username}) has no role"
        names = ", ".join(ROLE_LABELS[r] for r in sorted(self.roles))
        return f"Your account ({self.username}) has the role: {names}"


ANONYMOUS = Person(False, frozenset(), frozenset(), frozenset(), frozenset())


def signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def person(user) -> Person:
    """The roles and scope of ``user``, worked out once per user object (two or three queries)."""
    if not signed_in(user):
        return ANONYMOUS
    cached = getattr(user, "_goldenthread_person", None)
    if cached is not None:
        return cached
    roles = {_ROLE_OF_GROUP[g] for g in user.groups.values_list("name", flat=True) if g in _ROLE_OF_GROUP}
    if user.is_superuser:
        roles.add(ADMINISTRATOR)
    planning, units, led = set(), set(), set()
    memberships = list(Membership.objects.filter(user=user).values_list("plan_id", "org_unit_id"))
    if PLANNING_TEAM in roles:
        planning = {plan for plan, unit in memberships}
    if roles & {LEAD, CONTRIBUTOR}:
        direct = {unit for plan, unit in memberships if unit is not None}
        if direct:
            tree = _unit_tree({plan for plan, unit in memberships if unit is not None})
            units = _with_descendants(direct, tree)
            if LEAD in roles:
                led = units
    result = Person(True, frozenset(roles), frozenset(planning), frozenset(units), frozenset(led), user.get_username())
    user._goldenthread_person = result
    return result


def _unit_tree(plan_ids: set[int]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pk, parent in pm.OrgUnit.objects.filter(plan_id__in=plan_ids).values_list("pk", "parent_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    return children


def _with_descendants(units: set[int], children: dict[int, list[int]]) -> set[int]:
    out, todo = set(), list(units)
    while todo:
        unit = todo.pop()
        if unit not in out:
            out.add(unit)
            todo.extend(children.get(unit, []))
    return out


def grant(user, role: str, *, plan: pm.Plan | None = None, org_unit: pm.OrgUnit | None = None) -> None:
    """Give ``user`` a role, and the membership that scopes it (a plan, or one of its units)."""
    group, _ = Group.objects.get_or_create(name=GROUPS[role])
    user.groups.add(group)
    if org_unit is not None:
        plan = plan or org_unit.plan
    if plan is not None:
        Membership.objects.get_or_create(user=user, plan=plan, org_unit=org_unit)
    if hasattr(user, "_goldenthread_person"):
        del user._goldenthread_person


# --- what someone may do ------------------------------------------------------------------------


def is_published(plan: pm.Plan) -> bool:
    from goldenthread.cycles.models import Publication

    return Publication.objects.filter(plan=plan, period=None, withdrawn_at=None).exists()


def is_period_published(period) -> bool:
    from goldenthread.cycles.models import Publication

    return (Publication.objects.filter(plan_id=period.plan_id, period=None, withdrawn_at=None).exists()
            and Publication.objects.filter(period=period, withdrawn_at=None).exists())


def viewable_plans(user) -> QuerySet[pm.Plan]:
    """The plans ``user`` may read on the signed-in pages; the public pages use :func:`published_plans`."""
    if signed_in(user):
        return pm.Plan.objects.all()
    return published_plans()


def published_plans() -> QuerySet[pm.Plan]:
    from goldenthread.cycles.models import Publication

    live = Publication.objects.filter(period=None, withdrawn_at=None).values("plan_id")
    return pm.Plan.objects.filter(pk__in=live)


def may_view_plan(user, plan: pm.Plan) -> bool:
    return signed_in(user) or is_published(plan)


def may_edit_plan(user, plan: pm.Plan) -> bool:
    """Change a plan's elements and run its cycle: its planning team and administrators."""
    p = person(user)
    return p.is_admin or (PLANNING_TEAM in p.roles and plan.pk in p.planning_plan_ids)


may_run_cycle = may_edit_plan


def may_work_on_unit(user, unit_id: int | None) -> bool:
    """Update a unit's objectives, activities and submissions: its lead and contributors."""
    p = person(user)
    return p.is_admin or (unit_id is not None and bool(p.roles & {LEAD, CONTRIBUTOR}) and unit_id in p.unit_ids)


def may_lead_unit(user, unit_id: int | None) -> bool:
    p = person(user)
    return p.is_admin or (unit_id is not None and LEAD in p.roles and unit_id in p.led_unit_ids)


def may_view_objective(user, objective: pm.Objective) -> bool:
    return may_view_plan(user, objective.plan)


def may_edit_objective(user, objective: pm.Objective) -> bool:
    return may_edit_plan(user, objective.plan) or may_work_on_unit(user, objective.org_unit_id)


def activity_unit_id(activity: pm.Activity) -> int | None:
    return activity.org_unit_id if activity.org_unit_id is not None else activity.objective.org_unit_id


def may_view_activity(user, activity: pm.Activity) -> bool:
    return may_view_plan(user, activity.plan)


def may_edit_activity(user, activity: pm.Activity) -> bool:
    return may_edit_plan(user, activity.plan) or may_work_on_unit(user, activity_unit_id(activity))


def may_view_unit_updates(user, unit: pm.OrgUnit) -> bool:
    """Read a unit's submissions, reviews and actions: whoever reads everything, and the unit's people."""
    p = person(user)
    return p.reads_everything or may_work_on_unit(user, unit.pk)


def may_view_all_updates(user) -> bool:
    return person(user).reads_everything


def may_edit_submission(user, unit: pm.OrgUnit) -> bool:
    """Type into a unit's update (whether the update's status allows it is the service's business)."""
    return may_work_on_unit(user, unit.pk)


def may_submit(user, unit: pm.OrgUnit) -> bool:
    return may_lead_unit(user, unit.pk)


def may_decide(user, plan: pm.Plan) -> bool:
    """Approve or return submitted updates."""
    return may_run_cycle(user, plan)


def may_close_action(user, action) -> bool:
    review = action.review
    return may_run_cycle(user, review.period.plan) or may_lead_unit(user, review.org_unit_id)


def may_chase_updates(user) -> bool:
    """See the overdue list: the planning team and administrators."""
    p = person(user)
    return p.is_admin or PLANNING_TEAM in p.roles


def may_administer(user) -> bool:
    return person(user).is_admin


# --- pages --------------------------------------------------------------------------------------

Check = Callable[[object, dict], bool]


def _nobody(user, kwargs) -> bool:
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
    write: Check = _nobody
    purpose: str = ""


class _Lookup:
    """The objects a URL's parameters name, fetched once per request for the checks."""

    def __init__(self, kwargs: dict):
        self.kwargs = kwargs
        self._cache: dict[str, object] = {}

    def _get(self, key, fetch):
        if key not in self._cache:
            self._cache[key] = fetch()
        return self._cache[key]

    @property
    def plan(self) -> pm.Plan | None:
        return self._get("plan", lambda: pm.Plan.objects.filter(code=self.kwargs.get("code")).first())

    @property
    def unit(self) -> pm.OrgUnit | None:
        return self._get("unit", lambda: self.plan and pm.OrgUnit.objects.filter(plan=self.plan, code=self.kwargs.get("unit")).first())


def _with_plan(check: Callable[[object, pm.Plan], bool]) -> Check:
    """A check about the plan named by ``code``; a plan that does not exist is the view's 404 to give."""

    def run(user, kwargs):
        plan = _Lookup(kwargs).plan
        if plan is None:
            return signed_in(user)
        return check(user, plan)

    return run


def _with_unit(check: Callable[[object, pm.OrgUnit], bool]) -> Check:
    def run(user, kwargs):
        unit = _Lookup(kwargs).unit
        if unit is None:
            return signed_in(user)
        return check(user, unit)

    return run


def _action_check(check: Callable[[object, object], bool]) -> Check:
    def run(user, kwargs):
        from goldenthread.cycles.models import Action

        action = Action.objects.select_related("review__period__plan").filter(pk=kwargs.get("pk")).first()
        if action is None:
            return signed_in(user)
        return check(user, action)

    return run


def _history_check(user, kwargs) -> bool:
    from goldenthread.cycles.history import may_view_history

    return may_view_history(user, kwargs.get("kind", ""), kwargs.get("pk"))


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
    "cycles:plan_cycle": Rule(read=_with_plan(may_view_plan), write=_with_plan(may_run_cycle), purpose="run this plan's cycle"),
    "cycles:period": ALL_UPDATES_READER,
    "cycles:period_edit": Rule(read=_with_plan(may_run_cycle), write=_with_plan(may_run_cycle), purpose="change reporting periods"),
    "cycles:publish": Rule(read=_nobody, write=_with_plan(may_run_cycle), purpose="publish this plan"),
    "cycles:overdue": Rule(read=lambda u, k: may_chase_updates(u), purpose="chase overdue updates"),
    "cycles:remind": Rule(read=_nobody, write=_with_plan(may_run_cycle), purpose="send reminders"),
    "cycles:submission": Rule(read=_with_unit(may_view_unit_updates), write=_with_plan(may_decide),
                              purpose="see or decide this update"),
    "cycles:submission_edit": Rule(read=_with_unit(may_edit_submission), write=_with_unit(may_edit_submission),
                                   purpose="edit this unit's update"),
    "cycles:review": UNIT_UPDATES_READER,
    "cycles:review_edit": Rule(read=_with_plan(may_run_cycle), write=_with_plan(may_run_cycle),
                               purpose="record accountability reviews"),
    "cycles:actions": SIGNED_IN_PAGE,
    "cycles:action_close": Rule(read=_action_check(may_close_action), write=_action_check(may_close_action),
                                purpose="close this action"),
    "cycles:history": Rule(read=_history_check, purpose="see this history"),
}
for _name in PUBLIC_PAGES:
    PAGES[_name] = Rule(read=_anyone, write=_anyone if _name in PUBLIC_FORMS else _nobody, purpose="")
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
    response = render(request, "accounts/forbidden.html", {"reason": reason, "who": person(request.user).describe()},
                      status=status)
    response[REFUSAL_HEADER] = "goldenthread.access"
    return response


class AccessMiddleware:
    """Enforce :data:`PAGES` on every request, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else None
        page_rule = rule_for(name, view_func)
        if page_rule is None:
            return forbidden(request, f"The page “{name or request.path}” has no access rule yet, so it is closed to "
                                      "everybody. Ask the team to add it to goldenthread.access.PAGES.")
        write = request.method.upper() not in SAFE_METHODS
        check = page_rule.write if write else page_rule.read
        if check(request.user, view_kwargs):
            return None
        if not signed_in(request.user):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if write and page_rule.write is _nobody:
            return forbidden(request, "This page only shows information; there is nothing to send to it.")
        return forbidden(request, f"You do not have permission to {page_rule.purpose or 'do that'}.")


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
