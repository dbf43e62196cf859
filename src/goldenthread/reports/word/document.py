"""Building blocks of the Word documents: the page and its styles, tables whose header rows repeat
on each page, cells (text with a note, a status, an icon), pictures with a text alternative.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from goldenthread.presenters import icons

BLUE = RGBColor(0x00, 0x5E, 0xB8)
GREY = RGBColor(0x4C, 0x62, 0x72)
#: text colours of the NHS.UK tags, for status words
STATUS_COLOURS = {
    "concern": RGBColor(0xB1, 0x0E, 0x1E),
    "at_risk": RGBColor(0x8A, 0x52, 0x00),
    "no_data": RGBColor(0x4C, 0x62, 0x72),
    "on_track": RGBColor(0x00, 0x70, 0x3C),
    "complete": RGBColor(0x00, 0x30, 0x87),
}
STATUS_SYMBOLS = {"concern": "●", "at_risk": "▲", "no_data": "○", "on_track": "✔", "complete": "■"}

#: a cell filled in by a function (a status, an icon, text with a note)
CellFill = Callable[[_Cell], None]
#: what a table cell holds: text, nothing, or a function that fills it
CellValue = str | CellFill | None


def new_document(title: str, running: str) -> Document:
    """An A4 document in Arial with ``running`` and the page number in the footer of every page
    but the first."""
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(2.0)
    paragraph_style(doc, "Normal").font.name = "Arial"
    paragraph_style(doc, "Normal").font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        paragraph_style(doc, name).font.name = "Arial"
        paragraph_style(doc, name).font.color.rgb = RGBColor(0x21, 0x2B, 0x32)
    doc.core_properties.title = title
    doc.core_properties.author = "goldenthread"
    footer = section.footer.paragraphs[0]
    footer.text = f"{running}    Page "
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    section.different_first_page_header_footer = True
    return doc


def paragraph_style(doc: Document, name: str) -> ParagraphStyle:
    style = doc.styles[name]
    assert isinstance(style, ParagraphStyle), f"{name} is not a paragraph style"
    return style


def _field(paragraph: Paragraph, code: str) -> None:
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = code
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, text, end])


def save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def muted(doc_or_cell: Document | _Cell, text: str, size: float = 8.5) -> Paragraph:
    p = doc_or_cell.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.color.rgb = GREY
    return p


def _alt_text(run: Run, text: str) -> None:
    for pr in run._r.iter(qn("wp:docPr")):
        pr.set("descr", text)
        pr.set("title", text[:250])


def picture(paragraph: Paragraph, png: bytes, width: Length, alt: str) -> None:
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=width)
    _alt_text(run, alt)


@lru_cache(maxsize=32)
def icon_png(kind: str, key: str) -> bytes:
    import vl_convert

    svg = icons.variation_icon(key, 44) if kind == "variation" else icons.assurance_icon(key, 44)
    return vl_convert.svg_to_png(str(svg), 2.0)


def table(doc: Document, header: list[str], widths: list[float] | None = None, caption: str = "") -> Table:
    """A table with a bold, shaded header row that repeats on each page, and a caption above it."""
    if caption:
        p = doc.add_paragraph()
        run = p.add_run(caption)
        run.bold = True
        run.font.size = Pt(9)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(2)
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    row = t.rows[0]
    tr_pr = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(row.cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(8.5)
        _shade(cell, "F0F4F5")
    if widths:
        for i, w in enumerate(widths):
            for cell in t.columns[i].cells:
                cell.width = Cm(w)
    return t


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def add_row(t: Table, values: Sequence[CellValue], widths: list[float] | None = None) -> list[_Cell]:
    cells = t.add_row().cells
    for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
        if widths:
            cell.width = Cm(widths[i])
        if callable(value):
            value(cell)
        else:
            cell.text = ""
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = Pt(8.5)
    return cells


def _note(cell: _Cell, note: str) -> None:
    small = cell.add_paragraph().add_run(note)
    small.font.size = Pt(7.5)
    small.font.color.rgb = GREY


def text_cell(main: str, note: str = "", bold: bool = False) -> CellFill:
    def fill(cell: _Cell) -> None:
        cell.text = ""
        run = cell.paragraphs[0].add_run(main)
        run.font.size = Pt(8.5)
        run.bold = bold
        if note:
            _note(cell, note)

    return fill


def status_run(paragraph: Paragraph, rating: str, label: str, size: float = 8.5) -> None:
    run = paragraph.add_run(f"{STATUS_SYMBOLS.get(rating, '○')} {label}")
    run.bold = True
    run.font.size = Pt(size)
    run.font.color.rgb = STATUS_COLOURS.get(rating, GREY)


def status_cell(rating: str | None, label: str, reason: str) -> CellFill:
    def fill(cell: _Cell) -> None:
        cell.text = ""
        if rating:
            status_run(cell.paragraphs[0], rating, label)
        else:
            cell.paragraphs[0].add_run("Not assessed").font.size = Pt(8.5)
        if reason:
            _note(cell, reason)

    return fill


def icon_cell(kind: str, key: str | None, text: str) -> CellFill:
    def fill(cell: _Cell) -> None:
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if key:
            picture(p, icon_png(kind, key), Cm(0.7), text)
        else:
            p.add_run("–").font.size = Pt(8.5)

    return fill


def facts(doc: Document, pairs: list[tuple[str, str]]) -> None:
    """Label and value pairs, as a borderless two-column table."""
    t = doc.add_table(rows=0, cols=2)
    for label, value in pairs:
        cells = t.add_row().cells
        cells[0].width, cells[1].width = Cm(3.6), Cm(14.2)
        run = cells[0].paragraphs[0].add_run(label)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = GREY
        cells[1].paragraphs[0].add_run(value).font.size = Pt(9)


def plural(n: int, word: str, many: str = "") -> str:
    """A count and its noun: 1 exception, 2 exceptions (2 activities, with ``many``)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
