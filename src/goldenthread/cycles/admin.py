"""The cycle in the admin site: periods and return metrics can be set up here; submissions,
reviews, actions and their progress notes, reminders, publications, and meetings' decisions and
minutes are shown read-only, because they change only through the application's own pages (state
machine, optimistic locking, audit trail)."""

from django.contrib import admin

from goldenthread.audit.admin import HistoryReadOnlyAdmin, ReadOnlyAdmin
from goldenthread.cycles import models as m


@admin.register(m.ReportingPeriod)
class ReportingPeriodAdmin(HistoryReadOnlyAdmin):
    list_display = ("plan", "label", "start", "end", "opens_on", "closes_on")
    list_filter = ("plan",)


@admin.register(m.ReturnMetric)
class ReturnMetricAdmin(HistoryReadOnlyAdmin):
    list_display = ("plan", "metric")
    list_filter = ("plan",)
    raw_id_fields = ("metric",)


@admin.register(m.Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("period", "org_unit", "status", "rag", "version", "submitted_at", "decided_at")
    list_filter = ("status", "period__plan")


@admin.register(m.AccountabilityReview)
class AccountabilityReviewAdmin(ReadOnlyAdmin):
    list_display = ("period", "org_unit", "status", "held_on")


@admin.register(m.Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("description", "owner", "owner_account", "due_on", "status")
    list_filter = ("status",)


@admin.register(m.ActionNote)
class ActionNoteAdmin(ReadOnlyAdmin):
    list_display = ("action", "at", "by_name", "status")


@admin.register(m.Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("period", "org_unit", "email", "sent_at", "overdue")


@admin.register(m.Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("plan", "period", "published_at", "withdrawn_at")


@admin.register(m.ItemDecision)
class ItemDecisionAdmin(ReadOnlyAdmin):
    list_display = ("item", "text", "recorded_at", "recorded_by")


@admin.register(m.Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "status", "approved_at", "published_at")
    list_filter = ("status",)
