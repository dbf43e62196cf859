"""Tables people can take away: CSV and Excel of exactly what a page shows."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from goldenthread.formatting import file_name, safe_cell


def table_response(name: str, header: list[str], rows: list[list], fmt: str, *, sheet: str = "Data") -> HttpResponse:
    rows = [[safe_cell(c) for c in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        table = book.active
        table.title = file_name(sheet)[:31] or "Data"
        table.append(header)
        for row in rows:
            table.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{file_name(name)}.{fmt}"'
    return response
