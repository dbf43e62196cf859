"""Admin support: history is shown, never changed — reverting from the admin site is refused too."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryReadOnlyAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with the "revert" form refused: the trail can be read, not rewritten."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The audit trail is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(HistoryReadOnlyAdmin):
    """For records the application writes under its own rules (state machine, optimistic locking):
    the admin site shows them but cannot change them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
