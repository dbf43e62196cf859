"""Data workbooks read by python-calamine give exactly the table openpyxl's reading gave (issue 17):
the same text cells, lines, notes and problems, on awkward workbooks — dates, times,
percentages, big and small floats, integers stored as floats, formulas with and without cached
values, merged cells, a hidden first sheet, leading empty rows, markup and '=cmd|' held as text,
escapes, error cells, unicode. Those calamine would read differently (formulas, dates, errors,
escapes, integer-valued numbers past 15 digits) are read by openpyxl, as before. The scan's fast path counts a
plain sheet exactly as the exact scan does, and declines what it does not read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pytest
from openpyxl import Workbook

from goldenthread.performance.loading import workbook
from goldenthread.performance.loading.table import Grid, Table
from goldenthread.performance.loading.workbook_calamine import DATE_FORMATS, NotPlain, plain
from goldenthread.performance.loading.workbook_direct import NotDirect, Styles, sheet_grid
from goldenthread.planfile.workbook_fastscan import FAST_FROM_BYTES, fast_sheet, scanned_fast
from goldenthread.planfile.workbook_limits import check_workbook_content
from goldenthread.planfile.workbook_scan import Scan, _Counter
from tests import workbooks as wb


def as_before(content: bytes, name: str = "data.xlsx") -> Table:
    """The table openpyxl's reading gives (the reader before issue 17)."""
    verdict = check_workbook_content(content, workbook.DATA_LIMITS)
    assert verdict.problem is None, verdict.problem
    grid = Grid(name)
    try:
        workbook._read_openpyxl(content, grid)
    except Exception as exc:
        message = f"cannot be read as an Excel workbook ({type(exc).__name__}: {str(exc)[:200]}); {workbook.DAMAGED}"
        return workbook.refused(name, message)
    return grid.finish("has no rows; the first row must name the columns, e.g. metric, org_unit, period, value")


def by_calamine(content: bytes) -> bool:
    """Whether calamine reads the workbook (rather than openpyxl)."""
    verdict = check_workbook_content(content, workbook.DATA_LIMITS)
    try:
        workbook._read_calamine(content, verdict.sheets, Grid("data.xlsx"))
    except NotPlain:
        return False
    return True


def by_direct(content: bytes) -> bool:
    """Whether the sheet is read straight from its XML (workbook_direct), not by calamine or openpyxl."""
    verdict = check_workbook_content(content, workbook.DATA_LIMITS)
    read = next(sheet for sheet in verdict.sheets if not sheet.hidden)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            data, dates = plain(archive, verdict.sheets, read)
            sheet_grid(data, Styles(archive, dates))
        except (NotPlain, NotDirect):
            return False
    return True


def shown(table: Table) -> tuple:
    return (
        table.columns,
        [list(column) for column in table.cells],
        list(np.asarray(table.lines)),
        table.header_line,
        [(p.row, p.column, p.message) for p in table.problems],
        table.notes,
    )


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def values_book() -> bytes:
    """Numbers, booleans, text of every awkward kind, empty cells; no date or formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["metric", "org_unit", "period", "value", "source"])
    rows = [
        ["CNT", "rx1", "2016/17 Q1", 10, "<b>bold</b> & <script>x</script>"],
        ["CNT", "rx2", "2016/17 Q1", 0.1, "=cmd|' /C calc'!A0"],
        ["CNT", "rx3", "2016/17 Q1", 1 / 3, "+1-2"],
        ["CNT", "rx4", "2016/17 Q1", 1e-300, "@SUM(A1)"],
        ["CNT", "rx5", "2016/17 Q1", 123456789.125, "Café ☕ 𝔘 — ‘quoted’"],
        ["CNT", "rx6", "2016/17 Q1", 2.0, "  padded  "],
        ["CNT", "rx7", "2016/17 Q1", -0.0, None],
        ["CNT", "rx8", "2016/17 Q1", 999999999999999, ""],
        ["CNT", "rx9", "2016/17 Q1", True, "false"],
        ["CNT", "rx10", "2016/17 Q1", False, "0012"],
        ["CNT", "rx11", "2016/17 Q1", 0.95, "95%"],
        [None, None, None, None, None],
        ["CNT", "rx12", "2016/17 Q1", -12.5, "\u05d0\u05d1 right to left"],
    ]
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):  # text starting = is text, not a formula
        if isinstance(row[4].value, str):
            row[4].data_type = "s"
    sheet["D12"].number_format = "0%"
    sheet.merge_cells("E13:F13")
    return saved(book)


def dates_book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "org_unit", "period", "value"])
    sheet.append(["CNT", "rx1", dt.date(2016, 4, 1), 1])
    sheet.append(["CNT", "rx1", dt.datetime(2016, 5, 1, 13, 30), 2])
    sheet.append(["CNT", "rx1", dt.time(9, 15), 3])
    sheet.append(["CNT", "rx1", dt.timedelta(hours=30), 4])
    return saved(book)


def dated_book(code: str, epoch: dt.datetime) -> bytes:
    """Dates, date-times, fractions of a day and early serials in the format ``code``."""
    book = Workbook()
    book.epoch = epoch
    sheet = book.active
    sheet.append(["metric", "org_unit", "period", "value"])
    values = [dt.date(2016, 4, 1), dt.datetime(2017, 3, 31, 0, 0), dt.datetime(2016, 5, 1, 13, 30, 15), 42461.5]
    for value in [*values, 0.25, 1, 59, 61, 45000]:
        sheet.append(["CNT", "rx1", value, 7])
        sheet.cell(sheet.max_row, 3).number_format = code
    return saved(book)


@pytest.mark.parametrize("epoch", [dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)], ids=["1900", "1904"])
@pytest.mark.parametrize("code", sorted(DATE_FORMATS))
def test_dates_in_the_formats_both_read_alike(code, epoch):
    content = dated_book(code, epoch)
    assert shown(workbook.read_xlsx(content, "data.xlsx")) == shown(as_before(content))
    assert by_calamine(content) and by_direct(content)


def test_a_date_format_not_known_to_agree_is_read_by_openpyxl():
    content = dated_book("[$-809]dd mmmm yyyy;@", dt.datetime(1899, 12, 30))
    assert shown(workbook.read_xlsx(content, "data.xlsx")) == shown(as_before(content))
    assert not by_calamine(content)


def hidden_first_book() -> bytes:
    book = Workbook()
    hidden = book.active
    hidden.title = "Old"
    hidden.append(["metric", "org_unit", "period", "value"])
    hidden.append(["OLD", "rx1", "2015/16 Q1", 1])
    hidden.sheet_state = "hidden"
    data = book.create_sheet("Data")
    for _ in range(3):
        data.append([])
    data.append([None, None, "metric", "org_unit", "period", "value"])
    data.append([None, None, "CNT", "rx1", "2016/17 Q1", 7])
    data.append([None, None, "CNT", "rx2", "2016/17 Q1", 8, None, "beyond"])
    book.create_sheet("Notes").append(["not read"])
    return saved(book)


def mixed_book() -> bytes:
    """Text, whole and fractional numbers (large, negative, zero, tiny),
    booleans and empty cells mixed in every column: each made text a kind of value at a time."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["metric", "org_unit", "period", "value"])
    kinds = [" CNT ", 7, 123456789012.5, -12.75, -3, 0, True, None, "", 2.5e-8, False, "x"]
    for i in range(len(kinds)):
        sheet.append([kinds[(i + k) % len(kinds)] for k in range(4)])
    return saved(book)


def raw_sheet(cells: bytes, strings: bytes | None = None) -> bytes:
    """A hand-written sheet: the header, then row 2 of ``cells``."""
    rows = wb.row_xml(1, wb.HEADER) + b'<row r="2">' + cells + b"</row>"
    return wb.xlsx([wb.Sheet("Data", wb.sheet_xml(rows))], shared_strings=strings)


def strings_part(*texts: str) -> bytes:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return wb.DECLARATION + f'<sst xmlns="{wb.MAIN}">{items}</sst>'.encode()


INLINE = b'<c r="A2" t="inlineStr"><is><t>CNT</t></is></c><c r="B2" t="inlineStr"><is><t>rx1</t></is></c>'
PERIOD = b'<c r="C2" t="inlineStr"><is><t>2016/17 Q1</t></is></c>'
CASES = {
    "values": (values_book, True),
    "dates and times": (dates_book, False),
    "hidden first sheet, leading empty rows and columns": (hidden_first_book, True),
    "integer stored as float": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><v>2.0</v></c>'), True),
    "exponent": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><v>1.5E-7</v></c>'), True),
    "big float": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><v>1e+20</v></c>'), True),
    "integer past 15 digits": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><v>123456789012345678</v></c>'), True),
    "formula with its cached value": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><f>1+1</f><v>2</v></c>'), False),
    "formula without a cached value": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><f>A2/B2</f></c>'), False),
    "formula giving text": (
        lambda: raw_sheet(INLINE + b'<c r="C2" t="str"><f>"20"&amp;"16"</f><v>2016</v></c>'),
        False,
    ),
    "formula with attributes": (
        lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><f ca="1">1+1</f><v>2</v></c>'),
        False,
    ),
    "empty formula": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2"><f/><v>2</v></c>'), False),
    "every kind of value in each column": (mixed_book, True),
    "error cell": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2" t="e"><v>#N/A</v></c>'), False),
    "ISO date cell": (lambda: raw_sheet(INLINE + b'<c r="C2" t="d"><v>2016-04-01T00:00:00</v></c>'), False),
    "boolean cell": (lambda: raw_sheet(INLINE + PERIOD + b'<c r="D2" t="b"><v>1</v></c>'), True),
    "shared strings": (
        lambda: raw_sheet(b'<c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>', strings_part("CNT", " rx1 ")),
        True,
    ),
    "escaped carriage return": (
        lambda: raw_sheet(INLINE + b'<c r="C2" t="inlineStr"><is><t>2016/17_x000D_Q1</t></is></c>'),
        False,
    ),
    "rich text with a phonetic run": (
        lambda: raw_sheet(
            INLINE + b'<c r="C2" t="inlineStr"><is><r><t>2016/17</t></r><r><t xml:space="preserve"> Q1</t></r>'
            b'<rPh sb="0" eb="1"><t>ignored</t></rPh></is></c>'
        ),
        True,
    ),
}


#: the cases read straight from the sheet's XML; the rest of those not read by openpyxl, by calamine
DIRECT = {
    "values",
    "hidden first sheet, leading empty rows and columns",
    "integer stored as float",
    "exponent",
    "big float",
    "integer past 15 digits",
    "every kind of value in each column",
    "boolean cell",
    "shared strings",
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_table_as_openpyxl(case):
    """The same table as openpyxl's reading; read by openpyxl when calamine would read it otherwise
    (``by_calamine`` False: formulas, errors, escapes, ...), else straight from the XML (or by calamine
    when the XML is not in the simple shape)."""
    build, calamine = CASES[case]
    content = build()
    assert shown(workbook.read_xlsx(content, "data.xlsx")) == shown(as_before(content))
    assert by_calamine(content) is calamine
    assert by_direct(content) is (case in DIRECT)


def merged_book(with_values: bool) -> bytes:
    """Values in merged ranges (across a row, down a column) and next to them."""
    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "org_unit", "period", "value"])
    sheet.append(["CNT", "rx1", "2016/17 Q1", 4])
    sheet.append(["CNT", "rx2", "2016/17 Q2", 5])
    sheet.append(["CNT", None, "2016/17 Q3", 6])
    if with_values:
        sheet.merge_cells("B3:B4")  # rx2 over two rows: openpyxl's reading leaves B4 empty
        sheet.merge_cells("C2:D2")
    return saved(book)


def spaced_sheet() -> bytes:
    """Tags on lines of their own, indented (the spaces between them are no cell's)."""
    rows = b"".join(
        b'\n  <row r="%d">\n    <c r="A%d" t="inlineStr"><is><t>%s</t></is></c>\n  </row>' % (n, n, text)
        for n, text in ((1, b"metric"), (2, b"CNT"))
    )
    return wb.xlsx([wb.Sheet("Data", wb.sheet_xml(rows))])


TEXTS = (
    b'<c r="A2" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;i&gt; </t></is></c>'
    b'<c r="B2" t="inlineStr"><is><t>line\r\nnext&#13;&#x41;&#233;</t></is></c>'
    b'<c r="C2" t="s"><v>0</v></c><c r="D2" t="s"><v>1</v></c><c r="E2" t="str"><v> 7 </v></c>'
    b'<c r="F2" s="0"><v>-0012.50</v></c><c r="G2"><v>007</v></c><c r="H2" t="b"><v>0</v></c>'
    b'<c r="I2" t="inlineStr"><is><t>' + "Café ☕ 𝔘 — ‘quoted’".encode() + b'</t></is></c><c r="J2"/>'
)
WIDE = b'<c r="A2" t="inlineStr"><is><t>' + b"x" * 100 + b"</t></is></c>"


@pytest.mark.parametrize(
    "build",
    [
        lambda: merged_book(True),
        lambda: merged_book(False),
        lambda: raw_sheet(TEXTS, strings_part("&lt;b&gt;CNT&lt;/b&gt;", " rx1 &amp; rx2 ")),
        lambda: raw_sheet(WIDE + b'<c r="B2" t="inlineStr"><is><t>rx1</t></is></c>'),
        spaced_sheet,
        lambda: raw_sheet(b'<c r="A2"><v>1</v></c><c r="B2"></c><c r="C2" t="inlineStr"/><c r="D2"><v></v></c>'),
        lambda: wb.xlsx([wb.Sheet("Data", wb.sheet_xml(b""))]),
        lambda: dated_book("yyyy-mm-dd", dt.datetime(1904, 1, 1)),
    ],
    ids=[
        "merged cells",
        "no merged cells",
        "texts of every kind",
        "a long text",
        "tags on lines of their own",
        "empty cells",
        "no rows",
        "1904 dates",
    ],
)
def test_read_straight_from_the_xml_as_openpyxl_reads_it(build):
    content = build()
    assert by_direct(content)
    assert shown(workbook.read_xlsx(content, "data.xlsx")) == shown(as_before(content))


@pytest.mark.parametrize(
    "build",
    [
        lambda: raw_sheet(b'<c r="A3"><v>1</v></c>'),  # a cell outside its row
        lambda: raw_sheet(b'<c r="B2"><v>1</v></c><c r="A2"><v>2</v></c>'),  # cells out of order
        lambda: raw_sheet(b'<c r="A2" t="s"><v>5</v></c>', strings_part("CNT")),  # past the shared strings
        lambda: raw_sheet(b'<c r="A2" t="inlineStr"><is><r><t>CNT</t></r></is></c>'),  # rich text
        lambda: raw_sheet(b'<c r="A2" cm="1"><v>1</v></c>'),  # another attribute
        lambda: raw_sheet(b'<c r="A2" t="inlineStr"><v>CNT</v></c>'),  # a value in an inline string cell
        lambda: raw_sheet(b'<c r="A2"><v>1</v><extLst/></c>'),
        lambda: raw_sheet(b'<c r="A2"><v>1,5</v></c>'),  # openpyxl fails on it: calamine says
        lambda: wb.xlsx(
            [
                wb.Sheet(
                    "Data", wb.sheet_xml(wb.row_xml(1, wb.HEADER)).replace(b"<sheetData>", b'<sheetData xmlns="urn:x">')
                )
            ]
        ),
    ],
    ids=[
        "cell outside its row",
        "cells out of order",
        "past the shared strings",
        "rich text",
        "another attribute",
        "value in an inline string cell",
        "another element",
        "not a number",
        "another default namespace",
    ],
)
def test_anything_else_is_left_to_calamine_or_openpyxl(build):
    content = build()
    assert not by_direct(content)
    workbook.read_xlsx(content, "data.xlsx")  # read as before: by calamine, or openpyxl


def test_formula_text_is_kept_not_its_cached_value():
    """The loader's policy: a formula cell gives its formula (which a number column refuses)."""
    table = workbook.read_xlsx(raw_sheet(INLINE + PERIOD + b'<c r="D2"><f>1+1</f><v>2</v></c>'), "data.xlsx")
    assert list(table.cells[3]) == ["=1+1"]


def test_an_array_formula_gives_its_formula_text():
    """An array formula (Ctrl+Shift+Enter) is a formula too: its text, never the reader's object."""
    table = workbook.read_xlsx(
        raw_sheet(INLINE + PERIOD + b'<c r="D2"><f t="array" ref="D2">SUM(A1:A3*B1:B3)</f><v>2</v></c>'), "data.xlsx"
    )
    assert list(table.cells[3]) == ["=SUM(A1:A3*B1:B3)"]


def test_a_large_workbook_through_the_fast_scan():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(list(wb.HEADER))
    for i in range(3_000):
        sheet.append(["CNT", f"rx{i % 7}", f"2016/17 Q{i % 4 + 1}", i * 0.25 if i % 3 else i])
    content = saved(book)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # the sheet is counted the fast way
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size >= FAST_FROM_BYTES and scanned_fast(archive, sheet, workbook.DATA_LIMITS, Scan())
    assert by_calamine(content)
    table = workbook.read_xlsx(content, "data.xlsx")
    assert len(table) == 3_000 and shown(table) == shown(as_before(content))


def exact(data: bytes) -> tuple:
    counter = _Counter("xl/worksheets/sheet1.xml", workbook.DATA_LIMITS)
    counter.feed(data, final=True)
    return counter.size, counter.elements, counter.extras, counter.merged


def fast(data: bytes) -> tuple | None:
    counter = fast_sheet(data, "xl/worksheets/sheet1.xml", workbook.DATA_LIMITS)
    return None if counter is None else (counter.size, counter.elements, counter.extras, counter.merged)


EXCEL_ROWS = b"".join(
    b'<row r="%d" spans="1:4" x14ac:dyDescent="0.25"><c r="A%d" s="1" t="s"><v>0</v></c><c r="B%d" t="s"><v>1</v></c>'
    b'<c r="C%d" s="2"><v>42461</v></c><c r="D%d"><v>%d.5</v></c></row>' % (n, n, n, n, n, n)
    for n in range(1, 40)
)
EXCEL_LIKE = wb.sheet_xml(EXCEL_ROWS, dimension="A1:D39").replace(
    b"<worksheet ", b'<worksheet xmlns:x14ac="urn:x14ac" xmlns:mc="urn:mc" mc:Ignorable="x14ac" '
)
SPARSE = wb.row_xml(1, wb.HEADER) + b'<row r="7"><c r="C7"><v>1</v></c><c r="AB9" s="3"/></row>'
EXTRAS = (
    b'<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3:C9"/></mergeCells>'
    b'<hyperlinks><hyperlink ref="A2" r:id="rId1" xmlns:r="urn:r"/></hyperlinks>'
    b'<extLst><ext uri="{x}" xmlns:x14="urn:x14"><x14:t/><x14:sparklineGroups/></ext></extLst>'
)


@pytest.mark.parametrize(
    "sheet",
    [
        wb.data_sheet([("CNT", f"rx{i}", "2016/17 Q1", str(i)) for i in range(50)]),
        wb.data_sheet(wb.GOOD_ROWS, dimension="A1:D3"),
        wb.sheet_xml(SPARSE, dimension="A1:AB9").replace(b"</sheetData>", b"</sheetData>" + EXTRAS),
        wb.sheet_xml(wb.row_xml(1, wb.HEADER) + b'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>'),
        wb.sheet_xml(b""),
        EXCEL_LIKE,
    ],
)
def test_the_fast_scan_counts_as_the_exact_one(sheet):
    assert fast(sheet) == exact(sheet)


@pytest.mark.parametrize(
    "sheet",
    [
        wb.sheet_xml(
            wb.row_xml(1, wb.HEADER) + b'<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">1</f></c></row>'
        ),
        wb.sheet_xml(wb.row_xml(1, wb.HEADER)).replace(b"<sheetData>", b"<!-- a comment --><sheetData>"),
        wb.sheet_xml(b'<row r="1"><c r="a1"><v>1</v></c></row>'),
        wb.sheet_xml(b'<row r="1"><c><v>1</v></c></row>'),
        wb.sheet_xml(b'<row r="2"/><row r="1"/>'),
        wb.sheet_xml(b'<row spans="1:2" r="1"/>'),
        wb.sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>').replace(b"</sheetData>", b"</row></sheetData>"),
        wb.sheet_xml(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'),
        wb.sheet_xml(b"", dimension="A1:XFD1048576"),
        wb.DECLARATION + b"<sst/>",
    ],
    ids=[
        "shared formula",
        "comment",
        "lower-case reference",
        "cell without reference",
        "rows out of order",
        "r not first",
        "not well-formed",
        "too many columns",
        "declared too large",
        "not a worksheet",
    ],
)
def test_the_fast_scan_leaves_the_rest_to_the_exact_one(sheet):
    assert fast(sheet) is None
