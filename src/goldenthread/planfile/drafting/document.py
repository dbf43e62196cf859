"""A document as the drafting reads it: its lines, and the blocks its structure is made of.

Every reader (plain text, Word, PDF) gives the same :class:`Document`: the document's text as
numbered lines (a Word paragraph or table row is one line; a PDF line is one line, with its
page), and the blocks found in them — headings with their levels, paragraphs with their printed
numbers, bullets, and table rows with their cells. A block knows the lines it came from, so
every element drafted from it can say where it is in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "bullet", "row"]


@dataclass(frozen=True)
class Line:
    """One line of the document's text: where it is, and what its markup says of it."""

    text: str
    page: int | None = None
    #: heading level from the document's own markup (a Word heading style, a Markdown ``#``, a
    #: PDF font larger than the body's); None when the markup says nothing
    marked_level: int | None = None
    #: the whole line is bold (Word runs, a PDF bold font, Markdown ``**``)
    bold: bool = False


@dataclass
class Block:
    """A unit of the document's structure, over lines ``line`` to ``line + span - 1`` (1-based)."""

    kind: BlockKind
    text: str
    line: int
    span: int = 1
    page: int | None = None
    #: a heading's level (1 is the top), a bullet's depth (1 is the first)
    level: int = 1
    #: the number printed before it: '3.1', '12', 'a', 'iv'
    number: str | None = None
    #: a row's cells, its table (counted from 1 in the document) and row (from 1, the header is 1)
    cells: list[str] = field(default_factory=list)
    table: int | None = None
    row: int | None = None
    #: headings: what made it a heading ('markup', 'number', 'layout')
    evidence: str = ""
    #: the word printed before its number, as in 'Condition 1:', 'Priority 3 –'
    label: str = ""


@dataclass
class Document:
    name: str
    kind: Literal["txt", "docx", "pdf"]
    lines: list[Line]
    blocks: list[Block] = field(default_factory=list)

    def passage(self, block: Block) -> str:
        """The text of the lines a block came from, as the document has them."""
        return "\n".join(line.text for line in self.lines[block.line - 1 : block.line - 1 + block.span])


@dataclass(frozen=True)
class Place:
    """Where an element comes from: the block, and the heading it is under."""

    block: Block
    section: str = ""

    def label(self, kind: str) -> str:
        """As a plan file's ``source`` holds it, e.g. 'line 214; section 3.1 Priorities; para 3.102'."""
        b = self.block
        where = f"page {b.page}, line {b.line}" if b.page is not None and kind == "pdf" else f"line {b.line}"
        if kind == "docx":
            where = f"paragraph {b.line}"
        parts = [where]
        if b.table is not None:
            parts.append(f"table {b.table}, row {b.row}")
        if self.section:
            parts.append(f"section {self.section[:120]}")
        if b.kind == "paragraph" and b.number and "." in b.number:
            parts.append(f"para {b.number}")
        return "; ".join(parts)[:300]


class UnreadableDocument(ValueError):
    """The document cannot be read: the message says what and what to do."""


_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Runs of white space as one space, ends trimmed."""
    return _SPACE.sub(" ", text).strip()
