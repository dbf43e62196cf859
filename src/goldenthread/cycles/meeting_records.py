"""What people record at a governance body's meetings (the plan file holds the bodies, their
meetings and agendas: :mod:`goldenthread.plans.governance`): the decisions taken on each agenda
item, and the meeting's minutes — drafted, approved, and for a meeting held in public, published.

Actions agreed on an item are the cycle's own :class:`goldenthread.cycles.models.Action`, with
``agenda_item`` set instead of ``review``: the same page, owner, progress notes, e-mails and My
work as an action from an accountability review.

Imported into :mod:`goldenthread.cycles.models` so Django finds the models; every row keeps its
history (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.audit.records import AuditedRecords

USER = settings.AUTH_USER_MODEL


class ItemDecision(models.Model):
    """A decision taken on an agenda item, as the meeting worded it."""

    item = models.ForeignKey("plans.AgendaItem", on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = AuditedRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Minutes(models.Model):
    """A meeting's minutes: a draft while they are written, then approved (by the body: recorded by
    its chair or the plan's planning team). Approved minutes of a meeting held in public may be
    published: they show, with the agenda, on the plan's public page. ``version`` counts saves, so
    a save based on an older version is refused instead of overwriting someone else's."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    meeting = models.OneToOneField("plans.Meeting", on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(
        default=1, help_text="Counts saves; a save based on an older version is refused"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = AuditedRecords()

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(status="approved"),
                name="only_approved_minutes_are_published",
            )
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def published(self) -> bool:
        return self.published_at is not None
