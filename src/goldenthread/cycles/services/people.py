"""The people of the cycle: how a person is named in its messages, who reports for a unit, who
leads it, who reviews a plan's updates and who may own its actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.accounts.models import Membership
from goldenthread.plans import models as pm


def display_name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def unit_people(unit_ids: set[int]) -> dict[int, list]:
    """The leads and contributors of each unit (directly a member), for reminders."""
    groups = [roles.GROUPS[roles.LEAD], roles.GROUPS[roles.CONTRIBUTOR]]
    out: dict[int, list] = {u: [] for u in unit_ids}
    for m in (
        Membership.objects.filter(org_unit_id__in=unit_ids, user__is_active=True, user__groups__name__in=groups)
        .select_related("user")
        .distinct()
        .order_by("user__username")
    ):
        if m.org_unit_id is not None and m.user not in out[m.org_unit_id]:
            out[m.org_unit_id].append(m.user)
    return out


def _active_users():
    return get_user_model().objects.filter(is_active=True)


def planning_team(plan_id: int) -> list:
    """The plan's reviewers: its planning team (members of the plan in the planning team role)."""
    return list(
        _active_users()
        .filter(groups__name=roles.GROUPS[roles.PLANNING_TEAM], memberships__plan_id=plan_id)
        .distinct()
        .order_by("username")
    )


def unit_leads(unit_id: int) -> list:
    """The leads of the unit (a membership of the unit itself, in the lead role)."""
    return list(
        _active_users()
        .filter(groups__name=roles.GROUPS[roles.LEAD], memberships__org_unit_id=unit_id)
        .distinct()
        .order_by("username")
    )


def plan_people(plan: pm.Plan) -> list:
    """The active accounts with a membership of the plan (its planning team, and the leads and
    contributors of its units), by name: who an action of the plan may be given to."""
    users = _active_users().filter(memberships__plan=plan).distinct()
    return sorted(users, key=lambda u: (display_name(u).lower(), u.pk))
