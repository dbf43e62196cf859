"""Role changes recorded in the audit trail: who changed whose roles, when, before and after.

A person's roles are their Django groups, the administrator and staff flags of their account, and
their memberships (:class:`goldenthread.accounts.models.Membership`). Every change to any of them
— from the admin site, ``goldenthread.access.roles.grant``, single sign-on or the shell — writes a
:class:`~goldenthread.accounts.models.RoleChange` row: groups through ``m2m_changed`` (either side
of the relation, add, remove or clear), flags and memberships through ``pre_``/``post_`` save and
delete. Who made the change is the audit trail's acting user, or the operating-system user of a
command-line job (:func:`goldenthread.audit.records.actor_name`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from goldenthread.audit.records import actor_name, current_user

FLAGS = (("is_superuser", "administrator (superuser)"), ("is_staff", "staff"), ("is_active", "active"))
NONE = "(none)"
_BEFORE = "_goldenthread_roles_before"


def _record(change_model: type[Model], what: str, account_ids: Iterable[int], before: dict, after: dict) -> None:
    """One row per account whose ``what`` changed from ``before`` to ``after``."""
    users = dict(get_user_model()._default_manager.filter(pk__in=list(account_ids)).values_list("pk", "username"))
    actor = current_user()
    rows = [
        change_model(
            account=users.get(pk, f"#{pk} (deleted)"),
            account_number=pk,
            what=what,
            before=before.get(pk, NONE),
            after=after.get(pk, NONE),
            actor=actor_name(actor) or "System",
            actor_number=actor.pk if actor is not None else None,
        )
        for pk in account_ids
        if before.get(pk, NONE) != after.get(pk, NONE)
    ]
    change_model._default_manager.bulk_create(rows)


def _group_names(user_ids: Iterable[int]) -> dict[int, str]:
    through = get_user_model().groups.through
    names: dict[int, list[str]] = defaultdict(list)
    for pk, name in through.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "group__name"):
        names[pk].append(name)
    return {pk: ", ".join(sorted(n)) for pk, n in names.items()}


def _memberships(membership_model: type[Model], user_ids: Iterable[int]) -> dict[int, str]:
    rows = membership_model._default_manager.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "plan__code", "org_unit__code"
    )
    out: dict[int, list[str]] = defaultdict(list)
    for pk, plan, unit in rows:
        out[pk].append(f"{plan}: {unit}" if unit else f"{plan} (whole plan)")
    return {pk: "; ".join(sorted(items)) for pk, items in out.items()}


def _flags(user) -> str:
    return ", ".join(label for name, label in FLAGS if getattr(user, name, False)) or NONE


class _Receivers:
    """The signal receivers, for one membership model and the model they write."""

    def __init__(self, membership_model: type[Model], change_model: type[Model]) -> None:
        self.memberships, self.changes = membership_model, change_model
        self.users = get_user_model()

    def groups_changed(self, sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if action.startswith("pre_"):
            if not reverse:
                ids = [instance.pk]
            elif pk_set is not None:
                ids = list(pk_set)
            else:  # a group cleared of every member
                ids = list(instance.user_set.values_list("pk", flat=True))
            instance.__dict__[_BEFORE] = (ids, _group_names(ids))
        elif action.startswith("post_") and _BEFORE in instance.__dict__:
            ids, before = instance.__dict__.pop(_BEFORE)
            _record(self.changes, "groups", ids, before, _group_names(ids))

    def flags_before(self, sender, instance, update_fields=None, **kwargs) -> None:
        if update_fields is not None and not {n for n, _ in FLAGS} & set(update_fields):
            return  # e.g. signing in saves last_login only
        stored = self.users._default_manager.filter(pk=instance.pk).first() if instance.pk else None
        instance.__dict__[_BEFORE] = _flags(stored) if stored is not None else "(new account)"

    def flags_after(self, sender, instance, created, **kwargs) -> None:
        before = instance.__dict__.pop(_BEFORE, None)
        ordinary = not (instance.is_superuser or instance.is_staff)
        if before is not None and not (created and ordinary):  # a new account with no powers is no role change
            _record(self.changes, "flags", [instance.pk], {instance.pk: before}, {instance.pk: _flags(instance)})

    def membership_before(self, sender, instance, **kwargs) -> None:
        ids = [instance.user_id]
        if instance.pk is not None:
            stored = self.memberships._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True).first()
            ids = sorted({instance.user_id, stored} - {None})
        instance.__dict__[_BEFORE] = (ids, _memberships(self.memberships, ids))

    def membership_after(self, sender, instance, **kwargs) -> None:
        if _BEFORE in instance.__dict__:
            ids, before = instance.__dict__.pop(_BEFORE)
            _record(self.changes, "membership", ids, before, _memberships(self.memberships, ids))


def connect(membership_model: type[Model], change_model: type[Model]) -> None:
    """Connect the receivers that write ``change_model`` rows (called once, by the models module)."""
    r = _Receivers(membership_model, change_model)
    uid = "goldenthread-role-audit"
    m2m_changed.connect(r.groups_changed, sender=r.users.groups.through, dispatch_uid=f"{uid}-groups", weak=False)
    pre_save.connect(r.flags_before, sender=r.users, dispatch_uid=f"{uid}-flags-pre", weak=False)
    post_save.connect(r.flags_after, sender=r.users, dispatch_uid=f"{uid}-flags-post", weak=False)
    for signal, receiver, name in (
        (pre_save, r.membership_before, "m-pre-save"),
        (pre_delete, r.membership_before, "m-pre-delete"),
        (post_save, r.membership_after, "m-post-save"),
        (post_delete, r.membership_after, "m-post-delete"),
    ):
        signal.connect(receiver, sender=membership_model, dispatch_uid=f"{uid}-{name}", weak=False)
