"""From lines to blocks: headings, numbered paragraphs, bullets and table rows, by layout.

Used for plain text and for PDF lines (whose font sizes and bold give ``Line.marked_level`` and
``Line.bold``); Word documents give their blocks from their styles (:mod:`read_docx`) and fall
back on the same rules for paragraphs their styles say nothing of.

The rules are those of how plans are typeset, not of any one document:

- a line of cells (tab-separated, or between ``|``) is a table row; consecutive rows are a
  table, whose first row is its header;
- a line starting with a bullet mark (``-``, ``•``, ``>``…) or a letter or roman numeral in
  brackets is a bullet;
- a line starting with a number (``3.``, ``3.1``, ``12``) is numbered; a short numbered line is
  a heading, a long one a numbered paragraph;
- a short line (at most 14 words) that does not end as a sentence does, followed by more text,
  is a heading; its markup (Markdown ``#``, a larger font) gives its level where there is any;
- a line wrapped mid-sentence (long, not ending a sentence) continues on the next line.
"""

from __future__ import annotations

import re

from goldenthread.planfile.drafting.document import Block, Document, Line, squeeze

_MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*)$")
_TAGS = re.compile(r"<sup>[^<]*</sup>|</?[a-zA-Z][^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_BULLET = re.compile(r"^\s*((?:(?:[-–•·▪‣◦►>]|\*(?=\s))\s*)+)(.*)$")
_LETTERED = re.compile(r"^\s*\(?([a-h]|i{1,3}|iv|v|vi{1,3})[.)]\s+(\S.*)$")
#: a printed number: '3.', '3.1', '12 –', or a bare number before a capital ('4 Developing NHS England');
#: a bare number before a small letter is a wrapped line's start ('… at Quarter' / '1 of 2016/17 …')
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,3}){0,3})(?:(?:\.|\s*[–:-])\s+|\s+(?=[^a-z\s]))(\S.*)$")
_LABELLED = re.compile(r"^([A-Z][a-z]+)\s+(\d{1,2}[a-z]?)\s*[:.–-]\s*(\S.*)$")
#: a reference set in italics at the end of an item, as in '… *Mandate paragraph 1.2*'
_CITATION = re.compile(
    r"\s\*[^*]{0,60}\b(?:paragraphs?|para|objectives?|page|section|chapter|annex)\b[^*]{0,30}\*\s*$", re.I
)
_QUOTED = re.compile(r"^\s*(?:>\s*)+")
_SEPARATOR = re.compile(r"^[\s|:\-–]*$")
_SENTENCE_END = (".", ":", ";", "!", "?", "”", '"', ")")
_JOINING = {"and", "or", "the", "of", "to", "a", "an", "in", "for", "with", "by", "on", "at", "from", "that", "as"}
HEADING_WORDS = 14
WRAPPED = 55


def clean(text: str) -> str:
    """The words of a line without its markup: emphasis marks, tags, link targets, quote marks."""
    text = _LINK.sub(r"\1", _TAGS.sub(" ", text))
    text = _EMPHASIS.sub("", text).replace("\\_", "_")
    return squeeze(_QUOTED.sub("", text))


def cells_of(text: str) -> list[str] | None:
    """The cells of a table row (tab-separated, or a Markdown ``| a | b |`` row), or None."""
    stripped = text.strip()
    if (
        (stripped.startswith("|") and stripped.count("|") >= 2)
        or stripped.count(" | ") >= 2
        or (stripped.endswith("|") and " | " in stripped)
    ):
        inner = stripped[1:] if stripped.startswith("|") else stripped
        parts = [clean(p) for p in (inner[:-1] if inner.endswith("|") else inner).split("|")]
    elif "\t" in text:
        parts = [clean(p) for p in text.split("\t")]
    else:
        return None
    while parts and not parts[-1]:
        parts.pop()
    return parts if sum(1 for p in parts if p) >= 2 or (len(parts) >= 2 and any(parts)) else None


def is_separator(text: str) -> bool:
    return "-" in text and bool(_SEPARATOR.match(text)) and "|" in text


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


_BARE_MARK = re.compile(r"^\s*[-–•*·▪‣◦►>]\s*$")


def hard_wrapped(lines: list[Line]) -> bool:
    """Whether the text was wrapped at a width (most of its prose lines long and none much longer),
    rather than written a paragraph to a line."""
    lengths = sorted(len(line.text.strip()) for line in lines if line.text.strip() and not cells_of(line.text))
    if len(lengths) < 10:
        return False
    near_longest = lengths[int(len(lengths) * 0.95)]
    return near_longest <= 100 and sum(n >= WRAPPED for n in lengths) >= 0.4 * len(lengths)


def _continues(previous: str, following: str, wrapped: bool) -> bool:
    """Whether ``following`` carries on the sentence ``previous`` was wrapped in (or the bullet
    mark printed alone on the line before it)."""
    following = following.strip()
    if _BARE_MARK.match(previous) and following:
        return True
    if not following or ends_sentence(previous) or cells_of(following) or _starts_item(following):
        return False
    last = previous.rstrip().rsplit(" ", 1)[-1].lower()
    if following[0].islower() or previous.rstrip().endswith((",", "–", "-")) or last in _JOINING:
        return True
    return wrapped and len(previous.strip()) >= WRAPPED and not _NUMBERED.match(previous)


def _starts_item(text: str) -> bool:
    return bool(_BULLET.match(text) or _LETTERED.match(text) or _MARKDOWN_HEADING.match(text) or _NUMBERED.match(text))


def unwrap(lines: list[Line]) -> list[tuple[int, int, Line]]:
    """(first line number, lines spanned, the joined line): wrapped lines put back together."""
    out: list[tuple[int, int, Line]] = []
    wrapped = hard_wrapped(lines)
    i = 0
    while i < len(lines):
        line, span = lines[i], 1
        text = line.text
        while (
            i + span < len(lines)
            and line.marked_level is None
            and not cells_of(text)
            and _continues(text, lines[i + span].text, wrapped)
        ):
            text = f"{text.rstrip()} {lines[i + span].text.strip()}"
            span += 1
        out.append((i + 1, span, Line(text, line.page, line.marked_level, line.bold)))
        i += span
    return out


def blocks_from_lines(document: Document) -> list[Block]:
    """The blocks of a document given as lines (plain text, PDF)."""
    joined = unwrap(document.lines)
    blocks: list[Block] = []
    table, row = 0, 0
    for index, (number, span, line) in enumerate(joined):
        if not line.text.strip() or is_separator(line.text):
            continue
        cells = cells_of(line.text)
        if cells is not None:
            if not (blocks and blocks[-1].kind == "row" and blocks[-1].line + blocks[-1].span >= number - 1):
                table, row = table + 1, 0
            row += 1
            blocks.append(
                Block(
                    "row", " | ".join(c for c in cells if c), number, span, line.page, cells=cells, table=table, row=row
                )
            )
            continue
        following = next((t for _, _, t in joined[index + 1 :] if t.text.strip()), None)
        blocks.append(line_block(line, number, span, following))
    return blocks


def line_block(line: Line, number: int, span: int, following: Line | None) -> Block:
    """One line's block: a heading, a bullet or a (numbered) paragraph."""
    raw = line.text
    markdown = _MARKDOWN_HEADING.match(raw)
    level = len(markdown.group(1)) if markdown else line.marked_level
    text = clean(_CITATION.sub("", markdown.group(2) if markdown else raw))
    bullet = None if markdown else (_BULLET.match(raw) or _LETTERED.match(raw))
    if bullet is not None:
        return _bullet(bullet, raw, number, span, line.page)
    numbered = _NUMBERED.match(text)
    label = _LABELLED.match(text)
    printed = numbered.group(1) if numbered else (label.group(2) if label else None)
    body = numbered.group(2) if numbered else (label.group(3) if label else text)
    heading = level is not None or _looks_like_heading(body if label else text, line.bold, following)
    if heading and len(text.split()) <= 3 * HEADING_WORDS:
        evidence = "markup" if level is not None else ("number" if printed else "layout")
        named = label.group(1) if label and not numbered else ""
        return Block(
            "heading", body, number, span, line.page, level=level or 0, number=printed, evidence=evidence, label=named
        )
    return Block("paragraph", body if numbered else text, number, span, line.page, number=printed)


def _bullet(match: re.Match[str], raw: str, number: int, span: int, page: int | None) -> Block:
    indent = len(raw) - len(raw.lstrip())
    marks = match.group(1)
    depth = 1 + min(indent // 2, 3) + max(0, marks.count("-") + marks.count(">") - 1)
    text = clean(match.group(2))
    lettered = _LETTERED.match(raw)
    printed = lettered.group(1) if lettered and lettered.group(2) == match.group(2) else None
    numbered = _NUMBERED.match(text)
    if numbered and printed is None:
        return Block("paragraph", numbered.group(2), number, span, page, number=numbered.group(1))
    return Block("bullet", text, number, span, page, level=min(depth, 4), number=printed)


def _looks_like_heading(text: str, bold: bool, following: Line | None) -> bool:
    words = text.split()
    if not words or following is None or len(text) > 120 or len(words) > HEADING_WORDS:
        return False
    if text.endswith((".", ",", ";", ":")) or not (text[0].isupper() or text[0].isdigit()):
        return False
    if sum(ch.isalpha() for ch in text) < 3:
        return False
    return bold or not text.endswith(")") or len(words) > 1
