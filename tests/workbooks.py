"""Hostile and damaged Excel workbooks, built by hand (zipfile and written XML) so a test says
exactly what is in the file: the regression tests of issue 15's workbook findings (7, 8, 9, 13)
and the generated-input test of the readers share them.

:func:`xlsx` builds a workbook from sheets of XML; :func:`data_sheet` writes a data file's sheet
from rows of text; the named builders each make one of the findings' files. Every builder returns
the file's bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from goldenthread.planfile.workbook_layout import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: a data file's header and a few good rows for the plan of tests/performance/conftest.py
HEADER = ("metric", "org_unit", "period", "value")
GOOD_ROWS = [("CNT", "rx1", "2016/17 Q1", "10"), ("CNT", "rx2", "2016/17 Q1", "12")]


@dataclass
class Sheet:
    """One worksheet: its name, the XML of the part, and its state (visible, hidden, veryHidden)."""

    name: str
    xml: bytes
    state: str = "visible"


def xlsx(
    sheets: Sequence[Sheet],
    *,
    shared_strings: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    compresslevel: int = 9,
    omit: Sequence[str] = (),
) -> bytes:
    """A workbook of ``sheets`` (``xl/worksheets/sheetN.xml``), with the shared strings part
    ``shared_strings`` when given and any ``extra`` parts, deflated; the parts named in ``omit``
    are left out (for a caller to write its own)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets), shared_strings is not None))
        book.writestr("_rels/.rels", _root_rels())
        book.writestr("xl/workbook.xml", _workbook(sheets))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets), shared_strings is not None))
        for number, sheet in enumerate(sheets, start=1):
            if f"xl/worksheets/sheet{number}.xml" not in omit:
                book.writestr(f"xl/worksheets/sheet{number}.xml", sheet.xml)
        if shared_strings is not None:
            book.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            book.writestr(name, content)
    return buffer.getvalue()


def _content_types(sheets: int, strings: bool) -> bytes:
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>' for n in range(1, sheets + 1)
    )
    if strings:
        parts += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    return (
        DECLARATION
        + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{parts}</Types>"
        ).encode()
    )


def _root_rels() -> bytes:
    return (
        DECLARATION
        + (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{RELS}/officeDocument"/></Relationships>'
        ).encode()
    )


def _workbook(sheets: Sequence[Sheet]) -> bytes:
    listed = "".join(
        f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"'
        + ("" if s.state == "visible" else f' state="{s.state}"')
        + "/>"
        for n, s in enumerate(sheets, start=1)
    )
    return DECLARATION + (f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{listed}</sheets></workbook>').encode()


def _workbook_rels(sheets: int, strings: bool) -> bytes:
    rels = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="{RELS}/worksheet"/>'
        for n in range(1, sheets + 1)
    )
    if strings:
        rels += f'<Relationship Id="rId{sheets + 1}" Target="sharedStrings.xml" Type="{RELS}/sharedStrings"/>'
    return DECLARATION + f'<Relationships xmlns="{PACKAGE_RELS}">{rels}</Relationships>'.encode()


def row_xml(number: int, cells: Iterable[str]) -> bytes:
    """A ``<row>`` of inline-string cells from column A."""
    written = "".join(
        f'<c r="{column_letter(col)}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        for col, text in enumerate(cells, start=1)
        if text != ""
    )
    return f'<row r="{number}">{written}</row>'.encode()


def sheet_xml(rows: bytes, *, dimension: str | None = None, prologue: bytes = DECLARATION) -> bytes:
    """A worksheet part holding ``rows`` (``<row>`` elements), with a ``<dimension>`` when given."""
    declared = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return (
        prologue
        + f'<worksheet xmlns="{MAIN}">'.encode()
        + declared
        + b"<sheetData>"
        + rows
        + b"</sheetData></worksheet>"
    )


def data_sheet(rows: Sequence[Sequence[str]], *, dimension: str | None = None, header: Sequence[str] = HEADER) -> bytes:
    """A data file's sheet: the header in row 1, then ``rows``."""
    written = b"".join(row_xml(n, cells) for n, cells in enumerate([header, *rows], start=1))
    return sheet_xml(written, dimension=dimension)


def data_workbook(rows: Sequence[Sequence[str]] = GOOD_ROWS, **options: str | None) -> bytes:
    """A good data file: one sheet, 'Data', of ``rows``."""
    return xlsx([Sheet("Data", data_sheet(rows, **options))])


# --- finding 7: damaged workbooks ---------------------------------------------------------------


def mismatched_tag() -> bytes:
    """A sheet whose XML closes a tag it never opened."""
    broken = data_sheet(GOOD_ROWS).replace(b"</sheetData>", b"</row></sheetData>")
    return xlsx([Sheet("Data", broken)])


def doctype_entity() -> bytes:
    """A sheet declaring an entity in a DOCTYPE and using it in a cell (a billion laughs' seed)."""
    prologue = DECLARATION + b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    rows = row_xml(1, HEADER) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    return xlsx([Sheet("Data", sheet_xml(rows, prologue=prologue))])


def external_entity(where: str = "file:///etc/passwd") -> bytes:
    """A sheet whose cell is an external entity: the file or address ``where``."""
    prologue = DECLARATION + f'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "{where}">]>'.encode()
    rows = row_xml(1, HEADER) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return xlsx([Sheet("Data", sheet_xml(rows, prologue=prologue))])


def corrupted_member(name: str = "xl/worksheets/sheet1.xml", content: bytes | None = None) -> bytes:
    """A workbook whose member ``name`` has its compressed bytes overwritten in the middle, as a
    damaged download or disk leaves it."""
    good = (
        content
        if content is not None
        else data_workbook([("CNT", "rx1", f"2016/17 Q{i % 4 + 1}", str(i)) for i in range(60)])
    )
    with zipfile.ZipFile(io.BytesIO(good)) as book:
        info = book.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    damaged = bytearray(good)
    damaged[middle : middle + 8] = b"\xff\x00\xff\x00\xff\x00\xff\x00"
    return bytes(damaged)


# --- finding 8: hangs and memory ----------------------------------------------------------------


def far_cell(row: int = 1_048_576, column: int = 16_384, *, dimension: str | None = "A1:XFD1048576") -> bytes:
    """A few KB: a header, and one cell at (``row``, ``column``) — by default the last cell of a
    sheet, declared as the sheet's dimension."""
    rows = row_xml(1, HEADER) + f'<row r="{row}"><c r="{column_letter(column)}{row}"><v>1</v></c></row>'.encode()
    return xlsx([Sheet("Data", sheet_xml(rows, dimension=dimension))])


def empty_rows(count: int = 2_000_000, *, numbered: bool = False, dimension: str | None = "A1:D2") -> bytes:
    """``count`` empty ``<row/>`` elements (``<row r="N"/>`` when ``numbered``, which compresses
    less than 100 times) after a header and one good row, under a small declared dimension."""
    if numbered:
        empty = b"".join(b'<row r="%d"/>' % n for n in range(3, count + 3))
    else:
        empty = b"<row/>" * count
    rows = row_xml(1, HEADER) + row_xml(2, GOOD_ROWS[0]) + empty
    return xlsx([Sheet("Data", sheet_xml(rows, dimension=dimension))])


def random_text(size: int, seed: int = 15) -> str:
    """``size`` letters that deflate compresses less than twice."""
    import random

    generator = random.Random(seed)
    return "".join(generator.choices("abcdefghijklmnopqrstuvwxyz", k=size))


def long_text_cell(size: int) -> bytes:
    """A data file whose row 2 has a cell of ``size`` characters (inline)."""
    return data_workbook([("CNT", "rx1", "2016/17 Q1", random_text(size))])


def long_shared_string(size: int) -> bytes:
    """A shared string of ``size`` characters that compresses too little to pass for a bomb."""
    strings = (
        DECLARATION
        + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{random_text(size)}</t></si></sst>'.encode()
    )
    sheet = sheet_xml(row_xml(1, HEADER) + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    return xlsx([Sheet("Data", sheet)], shared_strings=strings)


def with_sheet_extra(extra: bytes, rows: Sequence[Sequence[str]] = GOOD_ROWS) -> bytes:
    """A good data file whose sheet has ``extra`` XML after its rows (merged cells, hyperlinks)."""
    sheet = data_sheet(rows).replace(b"</sheetData>", b"</sheetData>" + extra)
    return xlsx([Sheet("Data", sheet)])


def declared_size(content: bytes, name: str, size: int) -> bytes:
    """The workbook with its central directory declaring ``size`` as the unpacked size of part
    ``name`` (what zipfile trusts)."""
    damaged = bytearray(content)
    at = content.index(b"PK\x01\x02")
    while not content[at + 46 :].startswith(name.encode()):
        at = content.index(b"PK\x01\x02", at + 4)
    damaged[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(damaged)


def huge_shared_string(size: int = 1_500_000_000, *, count: int = 1) -> bytes:
    """A shared strings part holding ``count`` strings of ``size`` characters, streamed into the
    zip (never held whole here); the sheet's first cell uses it."""
    buffer = io.BytesIO()
    sheet = sheet_xml(row_xml(1, HEADER) + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>', dimension="A1:D2")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _content_types(1, True))
        book.writestr("_rels/.rels", _root_rels())
        book.writestr("xl/workbook.xml", _workbook([Sheet("Data", b"")]))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(1, True))
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(DECLARATION + f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
            chunk = b"x" * (1 << 22)
            for _ in range(count):
                part.write(b"<si><t>")
                for _ in range(size // len(chunk)):
                    part.write(chunk)
                part.write(b"x" * (size % len(chunk)) + b"</t></si>")
            part.write(b"</sst>")
    return buffer.getvalue()


# --- finding 9: rows past the declared dimension -------------------------------------------------


def rows_past_dimension(good: int = 50, bad: int = 10) -> bytes:
    """``good`` good rows (at most 50: monthly PCT and quarterly CNT values of rx1 and rx2), then
    ``bad`` rows with a bad value, under a dimension that declares only the good ones."""
    months = [f"{2016 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(24)]
    rows = [("PCT", unit, month, "0.5") for month in months for unit in ("rx1", "rx2")]
    rows += [("CNT", "rx1", "2016/17 Q1", "1"), ("CNT", "rx2", "2016/17 Q1", "2")]
    rows = rows[:good] + [("CNT", "rx1", f"2017/18 Q{i % 4 + 1}", "not a number") for i in range(bad)]
    return data_workbook(rows, dimension=f"A1:D{good + 1}")


# --- finding 13: a hidden first sheet -----------------------------------------------------------


def hidden_first_sheet(state: str = "hidden") -> bytes:
    """A hidden first sheet of stale rows before the visible 'Data' sheet of good ones."""
    stale = data_sheet([("CNT", "rx1", "2016/17 Q1", "999")])
    return xlsx([Sheet("Old", stale, state=state), Sheet("Data", data_sheet(GOOD_ROWS))])


# --- plan workbooks: a real one, with one part replaced -------------------------------------------


def plan_workbook(name: str = "nhse-2013") -> bytes:
    """The seed plan ``name`` (plans/NAME.yaml) as its workbook."""
    from pathlib import Path

    from goldenthread.planfile import validate_text
    from goldenthread.planfile.workbook_write import plan_workbook as write

    result = validate_text(Path(__file__).parent.parent.joinpath("plans", f"{name}.yaml").read_text(), name)
    assert result.plan is not None, result.problems
    return write(result.plan)


def sheet_part(content: bytes, sheet: str) -> str:
    """The path of the part holding the sheet named ``sheet`` (openpyxl writes sheetN.xml in order)."""
    import re

    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = re.findall(rb'<sheet [^>]*name="([^"]+)"', book.read("xl/workbook.xml"))
    return f"xl/worksheets/sheet{[n.decode() for n in names].index(sheet) + 1}.xml"


def replaced(content: bytes, name: str, part: bytes) -> bytes:
    """The workbook ``content`` with its part ``name`` replaced by (or added as) ``part``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info.filename, old.read(info.filename))
        new.writestr(name, part)
    return buffer.getvalue()


def in_plan(sheet_xml_: bytes, sheet: str = "Objectives", name: str = "nhse-2013") -> bytes:
    """A seed plan's workbook with the sheet ``sheet`` replaced by the XML ``sheet_xml_``."""
    content = plan_workbook(name)
    return replaced(content, sheet_part(content, sheet), sheet_xml_)


def comment_at(content: bytes, sheet: str, cell: str) -> bytes:
    """The workbook with a comment on ``sheet`` (made by openpyxl at B2), moved to ``cell``."""
    import re

    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    book = load_workbook(io.BytesIO(content))
    book[sheet]["B2"].comment = Comment("a note", "someone")
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as saved:
        name = next(n for n in saved.namelist() if re.fullmatch(r"xl/comments/comment\d+\.xml", n))
        xml = saved.read(name)
    return replaced(buffer.getvalue(), name, xml.replace(b'ref="B2"', f'ref="{cell}"'.encode()))


def many_defined_names(count: int = 150_000) -> bytes:
    """A good data file whose workbook part defines ``count`` names (openpyxl reads each: 100,000
    cost 4 s and 180 MB)."""
    names = b"".join(b"<definedName name='n%d'>Data!$A$%d</definedName>" % (n, n % 9 + 1) for n in range(count))
    book = _workbook([Sheet("Data", b"")]).replace(
        b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>"
    )
    return replaced(data_workbook(), "xl/workbook.xml", book)


def shared_formulas(rows: int = 5_000, length: int = 2_000) -> bytes:
    """A data file whose cells A2:D``rows`` share one formula of about ``length`` characters: 75 KB
    that cost openpyxl 34 s of CPU (it rewrites the formula for every cell sharing it)."""
    formula = "+".join(f"A{i}" for i in range(1, length // 4)).encode()
    master = b'<row r="2"><c r="A2"><f t="shared" ref="A2:D%d" si="0">%s</f><v>1</v></c></row>' % (rows, formula)
    shared = b"".join(
        b'<row r="%d">' % n
        + b"".join(b'<c r="%s%d"><f t="shared" si="0"/></c>' % (col, n) for col in (b"A", b"B", b"C", b"D"))
        + b"</row>"
        for n in range(3, rows + 1)
    )
    return xlsx([Sheet("Data", sheet_xml(row_xml(1, HEADER) + master + shared))])


def conditional_formats(count: int = 60_000) -> bytes:
    """A data file whose sheet has ``count`` conditional formats (200,000 cost openpyxl 19 s and
    400 MB: each is parsed as an object)."""
    rule = b'<conditionalFormatting sqref="A%d"><cfRule type="expression" priority="%d"><formula>1</formula></cfRule>'
    formats = b"".join(rule % (n % 100 + 1, n) + b"</conditionalFormatting>" for n in range(1, count + 1))
    return with_sheet_extra(formats)


def many_parts_of_elements(parts: int = 3, elements: int = 90_000) -> bytes:
    """A good data file with ``parts`` more XML parts (drawings, say) of ``elements`` each."""
    part = DECLARATION + b"<drawing>" + b"<a/>" * elements + b"</drawing>"
    return xlsx([Sheet("Data", data_sheet(GOOD_ROWS))], extra={f"xl/drawings/d{n}.xml": part for n in range(parts)})
