"""Admin support: history is shown, never changed — reverting from the admin site is refused too."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin


class HistoryReadOnlyAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with the "revert" form refused: the trail can be read, not rewritten."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The audit trail is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyMixin:
    """For records the application writes under its own rules (state machine, optimistic locking,
    loads that keep revisions): the admin site shows them but cannot add, change or delete them."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, HistoryReadOnlyAdmin):
    """A read-only record with its history shown (never reverted)."""
