"""Read a document (.txt, .docx, .pdf) into a :class:`Document` of lines and blocks.

Plain text is read line by line; a Word document paragraph by paragraph, with its heading and
list styles (``Heading 2`` is level 2, ``List Bullet`` a bullet) and its tables cell by cell
(a cell merged across columns or rows is the same cell repeated, and is held once); a PDF line
by line with pdfminer, a line's font size against the body's giving its heading level.
Whatever the markup does not say, the layout rules of :mod:`layout` decide.
"""

from __future__ import annotations

from pathlib import Path

from goldenthread.planfile.drafting.document import Document, Line, UnreadableDocument
from goldenthread.planfile.drafting.layout import blocks_from_lines
from goldenthread.planfile.drafting.read_docx import read_docx
from goldenthread.planfile.drafting.read_pdf import pdf_lines

SUFFIXES = (".txt", ".docx", ".pdf")
__all__ = ["SUFFIXES", "UnreadableDocument", "read_document", "text_document"]


def read_document(path: str | Path, name: str | None = None) -> Document:
    """The document at ``path`` (its kind from its suffix), with its blocks."""
    path = Path(path)
    shown = name or path.name
    suffix = Path(shown).suffix.lower() or path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableDocument(f"{shown}: a document must be .txt, .docx or .pdf, not {suffix or 'without a suffix'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"{shown}: cannot read the file: {exc.strerror}") from None
    if suffix == ".txt":
        return text_document(_decode(data, shown), shown)
    if suffix == ".docx":
        return read_docx(data, shown)
    document = Document(shown, "pdf", pdf_lines(data, shown))
    document.blocks = blocks_from_lines(document)
    return document


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableDocument(f"{shown}:{line}: the text is not UTF-8; save it as UTF-8 text") from None


def text_document(text: str, name: str = "document.txt") -> Document:
    """A plain-text document's lines and blocks."""
    document = Document(name, "txt", [Line(line.rstrip("\r")) for line in text.split("\n")])
    document.blocks = blocks_from_lines(document)
    return document
