"""Board packs built in the background, read-only in the admin site: who asked for which pack,
how far it got, and what went wrong when one failed (the progress page's own words)."""

from django.contrib import admin

from goldenthread.audit.admin import ReadOnlyMixin
from goldenthread.reports.models import PackBuild


@admin.register(PackBuild)
class PackBuildAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("requested_at", "plan", "period", "kind", "format", "requested_by", "state", "finished_at")
    list_filter = ("state", "kind", "format")
    search_fields = ("plan__code", "period", "error")
    exclude = ("file",)  # handed over only by its download page, after the access check
