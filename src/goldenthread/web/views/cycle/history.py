"""The history of a cycle record: every change, who made it and when, from the audit trail."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from goldenthread.access import policy
from goldenthread.audit import history as history_module


@require_GET
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    page = history_module.history_page(kind, pk)
    if page is None:
        raise Http404(f"No history for {kind} {pk}")
    if not history_module.may_view_history(request.user, kind, pk):
        return policy.forbidden(request, "You do not have permission to see this history.")
    return render(request, "cycles/history.html", {"page": page})
