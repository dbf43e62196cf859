"""Tables people can take away: CSV and Excel of exactly what a page shows.

A page offers its tables at its own address with ``?format=csv`` or ``?format=xlsx`` (keeping its
filters and its "as at" period), so a download follows the page's own access rule. The tables
are built and written below the pages (:mod:`goldenthread.presenters.tables`), where the API's
exports (:mod:`goldenthread.api.tables`) find them too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from goldenthread.presenters import params
from goldenthread.presenters.tables import Table
from goldenthread.presenters.tables.files import FORMATS, export


def asked_format(request: HttpRequest) -> str:
    """The download asked for in the address (``format=csv`` or ``xlsx``), or "" for the page; any
    other value is the 400 page saying which are offered."""
    return params.of(request).choice("format", FORMATS, what="download format")


def download(table: Table, fmt: str, *, bom: bool = True) -> HttpResponse:
    """``table`` as a file to save (``fmt``: "csv" or "xlsx")."""
    written = export(table, fmt, bom=bom)
    response = HttpResponse(written.content, content_type=written.content_type)
    response["Content-Disposition"] = f'attachment; filename="{written.filename}"'
    return response


def table_response(name: str, header: list[str], rows: list[list], fmt: str, *, sheet: str = "Data") -> HttpResponse:
    """Rows of plain values as a file: the metric page's data and the upload page's template, data
    files to be read by programs (and loaded back), so their CSV has no byte-order mark."""
    return download(Table(name, sheet, header, rows), fmt, bom=False)
