"""One row per e-mail the product sends by itself.

``key`` names the event and the recipient (e.g. ``submission-event:12:user:3``) and is unique, so
the same event never mails anyone twice: the row is inserted first, in the transaction that
caused it, and only the inserter queues the e-mail; the task that sends it claims the row
(queued → sending) before sending, so a retried or duplicated task sends nothing again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.cycles.models import ReportingPeriod
from goldenthread.plans.models import OrgUnit


class Notification(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Update submitted"
        RETURNED = "returned", "Update returned"
        APPROVED = "approved", "Update approved"
        ACTION_ASSIGNED = "action_assigned", "Action assigned"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        REMINDER_DUE = "reminder_due", "Reminder: update due"
        REMINDER_OVERDUE = "reminder_overdue", "Reminder: update overdue"
        CHANGE_SUBMITTED = "change_submitted", "Plan change submitted"
        CHANGE_DECIDED = "change_decided", "Plan change decided"

    key = models.CharField(max_length=200, unique=True, help_text="The event and the recipient; one e-mail each")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True, help_text="Why sending failed")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # for reminders: recorded with the cycle's reminders once sent
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.email} ({self.state})"
