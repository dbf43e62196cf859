"""The people of the cycle: how a person is named in its messages, and who reports for a unit."""

from __future__ import annotations

from goldenthread.access import roles
from goldenthread.accounts.models import Membership


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
