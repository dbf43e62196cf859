"""Admin pages for performance data: read-only, because observations change only through loads.

A load checks every row and keeps revisions (superseding, never overwriting), and a batch
records what a load did; editing either by hand would bypass both, so the admin site shows them
and nothing more. Load data with ``goldenthread data load`` or the "Upload data" page.
"""

from __future__ import annotations

from django.contrib import admin

from goldenthread.audit.admin import ReadOnlyMixin
from goldenthread.performance.models import LoadBatch, Observation


@admin.register(LoadBatch)
class LoadBatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "loaded_at",
        "plan",
        "file_name",
        "rows_read",
        "rows_created",
        "rows_revised",
        "rows_unchanged",
        "units_added",
        "loaded_by",
    )
    list_filter = ("plan",)
    search_fields = ("file_name", "source", "sha256")
    date_hierarchy = "loaded_at"


@admin.register(Observation)
class ObservationAdmin(ReadOnlyMixin, admin.ModelAdmin):  # its revisions are its history (ADR 0012)
    list_display = (
        "metric",
        "org_unit",
        "breakdown",
        "period_start",
        "value",
        "numerator",
        "denominator",
        "status",
        "superseded_at",
        "batch",
    )
    list_filter = ("status", "metric__plan", ("superseded_at", admin.EmptyFieldListFilter))
    search_fields = ("metric__code", "org_unit__code", "breakdown")
    list_select_related = ("metric", "org_unit", "batch")
    raw_id_fields = ("metric", "org_unit", "batch", "loaded_by")
    date_hierarchy = "period_start"
