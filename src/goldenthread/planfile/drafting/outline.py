"""The outline of a document: each heading's level, and which headings are labels.

A heading's level comes from what sets it apart: its markup (a Word style, a Markdown ``#``, a
PDF font size), the depth of its printed number (``3.1`` is deeper than ``3``), or its layout
alone. Headings of one kind and rank are siblings; a heading of a kind not yet open nests in the
one before it (the usual way a reader infers an outline from styles). A **label** is a short
heading that announces what follows rather than a part of the plan ("Actions for 2014 to 2015",
"Key deliverables", "Priorities for 2016/17"): it takes no place in the outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goldenthread.planfile.drafting.document import Block
from goldenthread.planfile.drafting.language import Kind, announces

LABEL_WORDS = 5
_YEARISH = re.compile(r"^(?:\d{4}(?:/\d{2})?|\d+|to|for|in|the|our|key|and|of|\W+)$", re.I)


@dataclass
class Heading:
    block: Block
    level: int
    label: Kind | None
    #: the headings it sits in, outermost first (labels not included)
    path: tuple[int, ...]


def label_kind(block: Block) -> Kind | None:
    """What a heading announces, when it is a label (a short heading naming a kind of content)."""
    kind = announces(block.text)
    if kind in ("none", "structure"):
        return None
    words = [w for w in block.text.split() if not _YEARISH.match(w)]
    if block.number and words and announces(words[0]) != kind:
        return None  # a numbered part of the plan ('1. Care Quality and Outcomes'), not a label
    return kind if len(words) <= LABEL_WORDS else None


def _key(block: Block) -> tuple[str, int]:
    if block.evidence == "markup":
        return ("markup", block.level)
    if block.number:
        return ("number", block.number.count(".") + 1)
    return ("layout", 0)


def outline(blocks: list[Block]) -> dict[int, Heading]:
    """Each heading's place in the outline, by its index in ``blocks``; levels are set on the blocks."""
    stack: list[tuple[tuple[str, int], int]] = []
    headings: dict[int, Heading] = {}
    for index, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        label = label_kind(block)
        key = _key(block)
        cut = next((n for n, (k, _) in enumerate(stack) if k[0] == key[0] and k[1] >= key[1]), len(stack))
        if label is not None:  # its level is the one it would have, but it opens no section
            block.level = cut + 1
            headings[index] = Heading(block, block.level, label, tuple(i for _, i in stack[:cut]))
            continue
        del stack[cut:]
        path = tuple(i for _, i in stack)
        stack.append((key, index))
        block.level = len(stack)
        headings[index] = Heading(block, block.level, None, path)
    return headings


def section_end(blocks: list[Block], headings: dict[int, Heading], index: int) -> int:
    """The index just past the section a structural heading opens."""
    level = headings[index].level
    for later in range(index + 1, len(blocks)):
        heading = headings.get(later)
        if heading is not None and heading.label is None and heading.level <= level:
            return later
    return len(blocks)
