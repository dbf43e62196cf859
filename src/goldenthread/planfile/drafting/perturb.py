"""Perturbed versions of a document's text, to check that the drafting generalises.

Three ways a document of the same plan could have been typeset, each made from the text alone
(never from what the drafting found in it), with a seeded random choice so a run can be repeated:

- :func:`renumber`: every number printed at the start of a line (a heading's or paragraph's,
  ``3.1``) is shifted by the same amount at its first place (``3.1`` → ``10.1``);
- :func:`reorder_sections`: the document's sections (from one heading-like line — Markdown
  ``#``, a short numbered line, a line in capitals — to the next) are put in a random order,
  the text before the first left in place;
- :func:`move_line_breaks`: every long line (not a table row) is wrapped again at a random width
  between 60 and 90 characters, as a hard-wrapped text file is.
"""

from __future__ import annotations

import random
import re
import textwrap

_LEADING_NUMBER = re.compile(r"^(\s*(?:[-•>]\s*)?)(\d{1,2})((?:\.\d{1,3})*)(\.?\s)")
_SECTION_START = re.compile(r"^(?:#{1,3}\s+\S|\d{1,2}\.?\s+\S[^.]{0,80}$|[A-Z][A-Z ]{5,40}$)")


def _is_row(line: str) -> bool:
    return "\t" in line or line.count("|") >= 2


def renumber(text: str, seed: int = 1) -> str:
    """Leading numbers shifted by a seeded offset (1 to 9): the document renumbered."""
    offset = random.Random(seed).randint(1, 9)

    def shifted(match: re.Match[str]) -> str:
        return f"{match.group(1)}{int(match.group(2)) + offset}{match.group(3)}{match.group(4)}"

    return "\n".join(line if _is_row(line) else _LEADING_NUMBER.sub(shifted, line) for line in text.split("\n"))


def sections(text: str) -> list[list[str]]:
    """The text's lines cut where a heading-like line starts a section; the first part is the preface."""
    parts: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip() and not _is_row(line) and _SECTION_START.match(line.strip()) and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    return parts


def reorder_sections(text: str, seed: int = 1) -> str:
    """The sections in a seeded random order (the preface first, as before)."""
    parts = sections(text)
    preface, rest = parts[0], parts[1:]
    random.Random(seed).shuffle(rest)
    return "\n".join(line for part in [preface, *rest] for line in part)


def move_line_breaks(text: str, seed: int = 1) -> str:
    """Long lines (not table rows) wrapped again at seeded random widths from 60 to 90."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= 90 or _is_row(line):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(
            textwrap.wrap(
                line,
                width=rng.randint(60, 90),
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out)


PERTURBATIONS = {"renumbered": renumber, "reordered": reorder_sections, "rewrapped": move_line_breaks}
