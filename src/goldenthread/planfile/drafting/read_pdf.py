"""PDF documents: text lines in reading order, with their page and what their font says.

pdfminer lays out each page's characters into lines; a line's font size, against the size most
of the document's text is set in, gives its heading level (the largest size level 1), and a
line set wholly in a bold face is bold. Text runs separated by a wide gap on one line are cells
of a table row, joined by tabs.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from goldenthread.planfile.drafting.document import Line, UnreadableDocument

#: a gap wider than this many times the font size between two runs on a line separates cells
CELL_GAP = 2.0


def pdf_lines(data: bytes, shown: str) -> list[Line]:
    """The document's lines, page by page, top to bottom."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    raw: list[tuple[int, str, float, bool]] = []
    try:
        for page_number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), start=1):
            rows: list[tuple[float, float, Any]] = []
            for box in page:
                if isinstance(box, LTTextContainer):
                    rows.extend((-line.y1, line.x0, line) for line in box if isinstance(line, LTTextLine))
            for _, _, line in sorted(rows, key=lambda r: (round(r[0]), r[1])):
                text, size, bold = _line_text(line)
                if text.strip():
                    raw.append((page_number, text, size, bold))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableDocument(f"{shown}: not a PDF that can be read ({type(exc).__name__})") from None
    return _with_levels(raw)


def _line_text(line: Any) -> tuple[str, float, bool]:
    chars = [c for c in line if hasattr(c, "size")]
    if not chars:
        return line.get_text().rstrip("\n"), 0.0, False
    sizes = Counter(round(c.size, 1) for c in chars if c.get_text().strip())
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    bold = all("bold" in c.fontname.lower() for c in chars if c.get_text().strip())
    return line.get_text().rstrip("\n"), size, bold


def _with_levels(raw: list[tuple[int, str, float, bool]]) -> list[Line]:
    weights: Counter[float] = Counter()
    for _, text, size, _ in raw:
        weights[size] += len(text)
    body = weights.most_common(1)[0][0] if weights else 0.0
    larger = sorted({size for _, _, size, _ in raw if size > body * 1.15}, reverse=True)
    lines = []
    for page, text, size, bold in raw:
        level = larger.index(size) + 1 if size in larger else None
        lines.append(Line(text, page, min(level, 6) if level else None, bold))
    return lines
