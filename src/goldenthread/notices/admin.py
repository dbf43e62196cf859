"""Notifications in the admin site, read-only: what was e-mailed to whom and when, and why any
sending failed."""

from django.contrib import admin

from goldenthread.audit.admin import ReadOnlyMixin
from goldenthread.notices.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):  # a record of its own: no history to show
    list_display = ("created_at", "kind", "email", "subject", "state", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("email", "subject", "key")
