"""Excel bombs are refused before openpyxl parses anything (issue 12, finding 7): a tiny workbook
declaring a million rows, a small zip unpacking to hundreds of megabytes, too many parts, rows
numbered far down the sheet with no dimension. Each is refused within a second with a message
saying which limit, the file's figure and what to do, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from goldenthread.performance.loading import load_file
from goldenthread.performance.loading.workbook import WorkbookLimits, check_workbook
from goldenthread.performance.models import LoadBatch, Observation
from tests import workbooks as wb
from tests.budget import cpu_bound

SHEET_START = wb.DECLARATION + f'<worksheet xmlns="{wb.MAIN}">'.encode()
HEADER_ROW = wb.row_xml(1, wb.HEADER)
FAR_ROW = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def workbook(path: Path, sheet: bytes | None = None, *, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx whose one sheet has the XML ``sheet`` (or is streamed by the caller)."""
    omit = () if sheet is not None else ("xl/worksheets/sheet1.xml",)
    path.write_bytes(wb.xlsx([wb.Sheet("Data", sheet or b"")], extra=extra, omit=omit))
    return path


def refused(path: Path, plan) -> str:
    """Load ``path``; assert it is refused quickly with one file problem and nothing written."""
    with cpu_bound(10):
        report = load_file(path, plan)
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


# --- issue 15: damaged, lying and hostile workbooks, built by tests/workbooks.py ------------------


def loaded(content: bytes, plan, tmp_path, name: str = "data.xlsx", budget: float = 15.0):
    """Load the workbook ``content``: the report, which must come within ``budget`` seconds of CPU
    (a bound on work, not speed: a file read whole or expanded spends minutes; the 150,000 defined
    names took 5 s once under a load average of 9)."""
    path = tmp_path / name
    path.write_bytes(content)
    with cpu_bound(budget, "the load"):
        report = load_file(path, plan)
    return report


DAMAGED = {
    "mismatched tag": (wb.mismatched_tag, "is not well-formed XML (mismatched tag"),
    "DOCTYPE entity": (wb.doctype_entity, "has a DOCTYPE declaration, which goldenthread refuses to read"),
    "external entity": (wb.external_entity, "has a DOCTYPE declaration, which goldenthread refuses to read"),
    "undefined entity": (
        lambda: wb.xlsx([wb.Sheet("Data", wb.data_sheet([("&x;", "", "", "")]).replace(b"&amp;x;", b"&x;"))]),
        "is not well-formed XML (undefined entity",
    ),
    "corrupted member": (wb.corrupted_member, "cannot be unpacked"),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_workbook_is_refused_with_what_and_what_to_do(plan, tmp_path, case):
    """Issue 15 finding 7: a mismatched tag, a DOCTYPE entity, an external entity or a corrupted
    member gave xml.etree ParseError or zlib.error (a 500 on the web); now one file problem naming
    the sheet, what is wrong and what to do, and nothing written."""
    build, what = DAMAGED[case]
    report = loaded(build(), plan, tmp_path)
    assert [(p.row, p.column) for p in report.problems] == [(1, "file")], report.problems
    message = report.problems[0].message
    assert what in message and "sheet 'Data' (xl/worksheets/sheet1.xml)" in message, message
    assert "save it again as an Excel workbook (.xlsx), or save the sheet as CSV UTF-8 (.csv)" in message
    assert "root:" not in message and "/etc/passwd" not in message  # the entity was never expanded
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_a_part_declaring_a_smaller_size_than_it_unpacks_to_is_damaged(plan, tmp_path):
    """Issue 15 finding 8: a part's declared size is not trusted — what is unpacked is counted,
    and a part unpacking past its declared size is refused as damaged."""
    good = wb.data_workbook([("CNT", "rx1", "2016/17 Q1", str(i)) for i in range(200)])
    report = loaded(wb.declared_size(good, "xl/worksheets/sheet1.xml", 500), plan, tmp_path)
    assert [p.column for p in report.problems] == ["file"], report.problems
    assert "is damaged: its sheet 'Data' (xl/worksheets/sheet1.xml) cannot be unpacked" in report.problems[0].message


MERGED = b'<mergeCells count="1"><mergeCell ref="A1:GR487500"/></mergeCells>'
LINKED = b'<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>'
HANGS = {
    # the one far cell of a 6.5 KB workbook, under a dimension that declares it (14 minutes) or lies
    "far cell, declared": (lambda: wb.far_cell(), "declares 1,048,576 rows"),
    "far cell, dimension lying": (lambda: wb.far_cell(dimension="A1:D2"), "has rows up to 1,048,576"),
    "far column, dimension lying": (lambda: wb.far_cell(row=3, dimension="A1:D2"), "has cells in column 16,384"),
    "2 million numbered empty rows": (lambda: wb.empty_rows(2_000_000, numbered=True), "over 500,000 cells"),
    "2 million empty rows": (lambda: wb.empty_rows(2_000_000), "compressed at most 100 times"),
    "a cell of 1 MB of text": (lambda: wb.long_text_cell(1_000_000), "has a cell in row 2 of over 128 KB"),
    "a shared string of 300 MB": (lambda: wb.huge_shared_string(300_000_000), "unpacks to 286 MB"),
    "a shared string just under the ratio": (lambda: wb.long_shared_string(2_000_000), "has a text of over 128 KB"),
    "merged cells over the sheet": (lambda: wb.with_sheet_extra(MERGED), "merged cells covering 97,500,000 cells"),
    "shared formulas, 75 KB": (wb.shared_formulas, "has shared formulas that would be rewritten for each cell"),
    "60,000 conditional formats": (wb.conditional_formats, "has over 50,000 XML elements besides its cells"),
    "parts of 270,000 elements": (wb.many_parts_of_elements, "has over 200,000 XML elements besides its sheets"),
    "150,000 defined names": (wb.many_defined_names, "has a part (xl/workbook.xml) of over 100,000 XML elements"),
    "a link over the sheet": (lambda: wb.with_sheet_extra(LINKED), "a link reaching cell XFD1048576"),
}


@pytest.mark.parametrize("case", HANGS)
def test_a_workbook_that_would_hang_or_exhaust_memory_is_refused_within_seconds(plan, tmp_path, case):
    """Issue 15 finding 8: a declared A1:XFD1048576 with one far cell (14 minutes of CPU), 2 million
    empty rows (90 s, 1.7 GB), a 1.5 GB shared string in a 1.4 MB file (3 GB; here 300 MB, for
    speed — the limit is 200 MB): every row, cell and
    text is counted as the XML streams, whatever the sheet declares, and the file refused at the
    first limit passed — in seconds, with the limit and what to do."""
    build, what = HANGS[case]
    report = loaded(build(), plan, tmp_path)
    assert [(p.row, p.column) for p in report.problems] == [(1, "file")], report.problems
    message = report.problems[0].message
    assert what in message and "goldenthread reads" in message, message
    assert "save the sheet as CSV UTF-8 (.csv)" in message or "Excel" in message
    assert Observation.objects.count() == 0


def test_every_row_is_read_whatever_the_sheet_declares(plan, tmp_path):
    """Issue 15 finding 9: with <dimension ref="A1:D51"/>, ten bad rows 52–61 were never read
    ("unchanged — 50 rows"); now every row is read and the ten are reported at their rows."""
    report = loaded(wb.rows_past_dimension(50, 10), plan, tmp_path)
    assert report.rows_read == 60
    assert sorted({p.row for p in report.problems}) == list(range(52, 62)), report.problems
    assert Observation.objects.count() == 0


def test_a_hidden_first_sheet_is_not_read_unnoticed(plan, tmp_path):
    """Issue 15 finding 13: a hidden first sheet was read without saying so; now the first visible
    sheet is read, and the report says which, and that the hidden one before it was not."""
    report = loaded(wb.hidden_first_sheet(), plan, tmp_path)
    assert report.ok, report.problems
    assert report.rows_read == 2 and Observation.objects.count() == 2
    assert not Observation.objects.filter(value=999).exists()
    assert "read the sheet 'Data', the first visible one; hidden, not read: 'Old'" in report.notes


def test_a_workbook_whose_every_sheet_is_hidden_is_refused(plan, tmp_path):
    content = wb.xlsx([wb.Sheet("Old", wb.data_sheet(wb.GOOD_ROWS), state="veryHidden")])
    report = loaded(content, plan, tmp_path)
    assert report.problems[0].message.startswith("has no visible sheet; unhide the sheet of data in Excel")


def test_a_damaged_upload_is_a_message_on_the_page_not_an_error(client, loader, plan, settings, tmp_path):
    """Issue 15 finding 7 on the web: the upload page answered 500; now it shows the message."""
    settings.VAR_DIR = tmp_path / "var"
    for build in (wb.mismatched_tag, wb.corrupted_member, lambda: wb.far_cell(dimension="A1:D2")):
        data = io.BytesIO(build())
        data.name = "returns.xlsx"
        response = client.post("/data/upload/", {"plan": "perf", "file": data})
        page = response.content.decode()
        assert response.status_code in (200, 400), page[:500]
        assert "returns.xlsx" in page and ("damaged" in page or "goldenthread reads" in page), page
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_the_upload_page_says_which_sheet_it_read_and_that_a_hidden_one_was_not(
    client, loader, plan, settings, tmp_path
):
    """Issue 15 finding 13 on the web: the preview names the sheet read and the hidden one skipped."""
    settings.VAR_DIR = tmp_path / "var"
    data = io.BytesIO(wb.hidden_first_sheet())
    data.name = "returns.xlsx"
    response = client.post("/data/upload/", {"plan": "perf", "file": data})
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    assert "returns.xlsx: read the sheet &#39;Data&#39;, the first visible one; hidden, not read: &#39;Old&#39;" in page
    assert Observation.objects.count() == 0
