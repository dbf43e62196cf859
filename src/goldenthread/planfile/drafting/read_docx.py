"""Word documents: paragraphs with their styles, tables with their header rows and merged cells.

Each paragraph and each table row is one line of the document's text (a row's cells joined by
tabs), so provenance says "paragraph N". A ``Heading N`` or ``Title`` style gives the level; a
list style (``List Bullet``, ``List Number``) or numbering makes a bullet; a paragraph whose
runs are all bold is a candidate heading; the rest is decided by the layout rules.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from goldenthread.planfile.drafting.document import Block, Document, Line, UnreadableDocument
from goldenthread.planfile.drafting.layout import clean, line_block

#: a Word paragraph is read as if more text followed it (the layout rule for a heading asks)
_MORE = Line("…")
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre)\s*(\d)$", re.I)


def read_docx(data: bytes, shown: str) -> Document:
    """The document's lines and blocks, in body order (paragraphs and tables interleaved)."""
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _unreadable(shown, exc) from None
    document = Document(shown, "docx", [])
    table_count = 0
    for item in word.iter_inner_content():
        if hasattr(item, "rows"):
            table_count += 1
            _table(document, item, table_count)
        else:
            _paragraph(document, item)
    return document


def _unreadable(shown: str, exc: Exception) -> ValueError:
    return UnreadableDocument(f"{shown}: not a Word document that can be read ({type(exc).__name__}); save it as .docx")


def _paragraph(document: Document, paragraph: Any) -> None:
    text = paragraph.text
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING_STYLE.match(style)
    level = int(heading.group(1)) if heading else (1 if style.lower() == "title" else None)
    runs = [run for run in paragraph.runs if run.text.strip()]
    bold = bool(runs) and all(run.bold for run in runs)
    line = Line(text, None, level, bold)
    document.lines.append(line)
    number = len(document.lines)
    if not text.strip():
        return
    listed = "list" in style.lower() or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if listed and level is None:
        depth = 1 + (int(paragraph._p.pPr.numPr.ilvl.val) if _has_level(paragraph) else 0)
        document.blocks.append(Block("bullet", clean(text), number, level=min(depth, 4)))
        return
    document.blocks.append(line_block(line, number, 1, _MORE))


def _has_level(paragraph: Any) -> bool:
    pr = paragraph._p.pPr
    return pr is not None and pr.numPr is not None and pr.numPr.ilvl is not None


def _table(document: Document, table: Any, count: int) -> None:
    """Each row as a line and a block; a merged cell is the same cell repeated, and is held once
    (its text in the first column or row it spans, empty after)."""
    held: list[Any] = []  # the cells' XML elements, kept so that their identities stay theirs
    seen: set[int] = set()
    for r, row in enumerate(table.rows, start=1):
        cells = []
        for cell in row.cells:
            held.append(cell._tc)
            key = id(cell._tc)
            cells.append("" if key in seen else clean(cell.text))
            seen.add(key)
        document.lines.append(Line("\t".join(cells)))
        text = " | ".join(c for c in cells if c)
        document.blocks.append(Block("row", text, len(document.lines), cells=cells, table=count, row=r))
