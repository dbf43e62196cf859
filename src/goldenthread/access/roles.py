"""Roles and who someone is: the people a page, endpoint or service asks about.

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

Everything a person may do follows from their roles: see :mod:`goldenthread.access.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

from goldenthread.accounts.models import Membership
from goldenthread.plans import models as pm
from goldenthread.plans.tree import Tree

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
            tree = Tree.org_units({plan for plan, unit in memberships if unit is not None})
            units = tree.with_descendants(direct)
            if LEAD in roles:
                led = units
    result = Person(True, frozenset(roles), frozenset(planning), frozenset(units), frozenset(led), user.get_username())
    user._goldenthread_person = result
    return result


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
