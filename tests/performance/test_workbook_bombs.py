"""Excel bombs are refused before openpyxl parses anything (issue 12, finding 7): a tiny workbook
declaring a million rows, a small zip unpacking to hundreds of megabytes, too many parts, rows
numbered far down the sheet with no dimension. Each is refused within a second with a message
saying which limit, the file's figure and what to do, and nothing is written."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from goldenthread.performance.loading import load_file
from goldenthread.performance.loading.workbook import WorkbookLimits, check_workbook
from goldenthread.performance.models import LoadBatch, Observation

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
</Relationships>"""
SHEET_START = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>metric</t></is></c><c r="B1" t="inlineStr"><is><t>org_unit</t></is>'
    b'</c><c r="C1" t="inlineStr"><is><t>period</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row>'
)
FAR_ROW = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def workbook(path: Path, sheet: bytes | None = None, *, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx whose one sheet has the XML ``sheet`` (or is streamed by the caller)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if sheet is not None:
            book.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return path


def refused(path: Path, plan) -> str:
    """Load ``path``; assert it is refused quickly with one file problem and nothing written."""
    started = time.monotonic()
    report = load_file(path, plan)
    assert time.monotonic() - started < 10, "refusal should be immediate (generous bound)"
    assert [(p.row, p.column) for p in report.problems] == [(1, "file")], report.problems
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0
    return report.problems[0].message


def test_a_tiny_workbook_declaring_a_million_rows_is_refused(plan, tmp_path):
    sheet = SHEET_START + b'<dimension ref="A1:XFD1048576"/><sheetData>' + HEADER_ROW + FAR_ROW + b"</sheetData>"
    path = workbook(tmp_path / "bomb.xlsx", sheet + b"</worksheet>")
    assert path.stat().st_size < 2000
    message = refused(path, plan)
    assert "declares 1,048,576 rows" in message and "at most 500,000" in message
    assert "save the sheet as CSV UTF-8 (.csv)" in message and "split" in message


def test_a_workbook_declaring_thousands_of_columns_is_refused(plan, tmp_path):
    sheet = SHEET_START + b'<dimension ref="A1:XFD3"/><sheetData>' + HEADER_ROW + b"</sheetData></worksheet>"
    message = refused(workbook(tmp_path / "wide.xlsx", sheet), plan)
    assert "declares 16,384 columns" in message and "at most 200" in message


def test_rows_numbered_far_down_a_sheet_without_a_dimension_are_refused(plan, tmp_path):
    sheet = SHEET_START + b"<sheetData>" + HEADER_ROW + FAR_ROW + b"</sheetData></worksheet>"
    message = refused(workbook(tmp_path / "far.xlsx", sheet), plan)
    assert "has rows up to 1,048,576" in message and "at most 500,000" in message


def test_a_small_zip_unpacking_to_hundreds_of_megabytes_is_refused(plan, tmp_path):
    path = workbook(tmp_path / "zipbomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(SHEET_START + b"<sheetData>" + HEADER_ROW)
            chunk = b" " * (1 << 20)
            for _ in range(300):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2_000_000
    message = refused(path, plan)
    assert "unpacks to" in message and "MB" in message
    assert "save the sheet as CSV UTF-8 (.csv)" in message


def test_the_limits_on_total_size_and_number_of_parts(tmp_path):
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%d</t></is></c></row>' % (i, i, i) for i in range(2, 2000)
    )
    sheet = SHEET_START + b"<sheetData>" + HEADER_ROW + rows + b"</sheetData></worksheet>"
    path = workbook(tmp_path / "book.xlsx", sheet, extra={f"xl/media/p{i}.xml": b"<p/>" for i in range(20)})
    content = path.read_bytes()
    assert check_workbook(content) is None
    too_big = check_workbook(content, WorkbookLimits(unpacked_bytes=50_000))
    assert too_big is not None and "unpacks to" in too_big and "at most 0.05 MB" in too_big
    packed = check_workbook(content, WorkbookLimits(ratio=2, ratio_from_bytes=1000))
    assert packed is not None and packed.startswith("has a part (xl/worksheets/sheet1.xml) that unpacks to")
    assert "goldenthread reads parts compressed at most 2 times" in packed
    too_many = check_workbook(content, WorkbookLimits(members=10))
    assert too_many == (
        "has 25 parts inside; goldenthread reads a workbook of at most 10 parts; save the sheet as "
        "CSV UTF-8 (.csv) and load that, or split the file"
    )


@pytest.mark.parametrize("rows", [3, 1200])
def test_ordinary_workbooks_pass(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "org_unit", "period", "value"])
    for i in range(rows):
        sheet.append(["CNT", "rx1" if i % 2 else "rx2", f"2016/17 Q{i % 4 + 1}", i])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    assert check_workbook(path.read_bytes()) is None
