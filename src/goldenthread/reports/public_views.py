"""Open data on the public pages: the published scorecard's files (``goldenthread export
open-data``) as downloads, for anybody — only for a period that is published with its plan, and
only its figures as at that period."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from goldenthread.formatting import file_name
from goldenthread.presenters.cycle.public_scorecard import as_at, published_period
from goldenthread.reports.opendata import FILES, open_data, render_open_data

MEDIA_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8"}


@require_GET
def open_data_file(request: HttpRequest, code: str, period: str, name: str) -> HttpResponse:
    """One open-data file of a published period (its page rule: :data:`policy.PUBLIC_PAGES`)."""
    found = published_period(code, period) if name in FILES else None
    when = as_at(found) if found is not None else None
    if found is None or when is None:
        raise Http404(f"No open data {name} for a published period {period} of {code}")
    text = render_open_data(open_data(found.plan, when, published=True))[name]
    stem, suffix = name.rsplit(".", 1)
    response = HttpResponse(text, content_type=MEDIA_TYPES["." + suffix])
    attachment = file_name(f"{found.plan.code}-{found.slug}-{stem}")
    response["Content-Disposition"] = f'attachment; filename="{attachment}.{suffix}"'
    return response
