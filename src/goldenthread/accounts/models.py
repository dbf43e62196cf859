"""Memberships: which plan, and which directorate or region of it, a person works on.

A person's role comes from their Django groups (see :mod:`goldenthread.access.rules`); a membership
says where the role applies. A planning team member with a membership of a plan (and no org
unit) runs that plan's cycle; a lead or contributor with a membership of an org unit updates that
unit's objectives, activities and submissions (and those of the units below it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from goldenthread.accounts import role_audit
from goldenthread.audit.records import AuditedRecords
from goldenthread.plans.models import OrgUnit, Plan


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Blank for the whole plan (planning team); a directorate or region for its lead and contributors",
    )
    history = AuditedRecords()

    class Meta:
        ordering = ["plan__code", "org_unit__position", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plan", "org_unit"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "plan"], condition=models.Q(org_unit=None), name="membership_unique_whole_plan"
            ),
        ]

    def clean(self) -> None:
        unit = self.org_unit
        if unit is not None and self.plan_id and unit.plan_id != self.plan_id:
            raise ValidationError(
                {"org_unit": f"{unit.name} belongs to another plan; choose one of {self.plan.code}'s units."}
            )

    def __str__(self) -> str:
        where = self.org_unit.name if self.org_unit is not None else "whole plan"
        return f"{self.user.get_username()}: {self.plan.code} ({where})"


class RoleChange(models.Model):
    """One change to someone's roles — their groups, their account's flags or their memberships —
    with who made it, when, and what they were before and after (written by
    :mod:`goldenthread.accounts.role_audit`; never changed). Names are kept as text, and the
    accounts by number without a foreign key, so the record outlives the accounts."""

    class What(models.TextChoices):
        GROUPS = "groups", "Roles (groups)"
        FLAGS = "flags", "Account flags"
        MEMBERSHIP = "membership", "Memberships"

    when = models.DateTimeField(default=timezone.now, db_index=True)
    account = models.CharField(max_length=150, db_index=True, help_text="Whose roles changed (user name)")
    account_number = models.IntegerField(null=True, help_text="Their account's id")
    what = models.CharField(max_length=12, choices=What.choices)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    actor = models.CharField(
        max_length=200, help_text="Who made the change: a user name, or the operating-system user of a command"
    )
    actor_number = models.IntegerField(null=True, help_text="Their account's id, when signed in")

    class Meta:
        ordering = ["-when", "-pk"]
        verbose_name = "role change"

    def __str__(self) -> str:
        return f"{self.account}: {self.get_what_display()} {self.before} → {self.after} by {self.actor}"


role_audit.connect(Membership, RoleChange)

# personal API tokens and the API's request counts live in their own module; Django finds them here
from goldenthread.accounts.api_tokens import ApiRequestCount, ApiToken  # noqa: E402,F401
