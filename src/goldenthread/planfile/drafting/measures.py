"""Measures a plan prints more than once: a scorecard set out in the summary and again in full.

A plan often prints its table of measures twice — once in its summary, once in the section that
explains it, sometimes with a column more. The measures are the same, so the draft holds them
once: a table whose measures cells repeat an earlier table's, row for row, is a second printing
of it, and the printing with more columns (the fuller one; the first when they have as many) is
kept.
"""

from __future__ import annotations

import re
from collections import defaultdict

from goldenthread.planfile.drafting.candidates import Candidate

#: two cells are the same measure when they share this much of the longer one's words
SAME_WORDS = 0.6
#: and two tables the same printing when this share of the shorter one's rows are the same
SAME_ROWS = 0.8
_WORD = re.compile(r"[a-z][a-z0-9&'-]*")
_CELL_RULE = "cell of a measures column"


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def _same(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / max(len(wa), len(wb)) >= SAME_WORDS


def _repeats(first: list[Candidate], second: list[Candidate]) -> bool:
    """Whether two tables' measures cells are the same measures, row for row."""
    shorter = min(len(first), len(second))
    if shorter < 2:
        return False
    alike = sum(1 for a, b in zip(first, second, strict=False) if _same(a.title, b.title))
    return alike >= SAME_ROWS * shorter


def _columns(cells: list[Candidate]) -> int:
    return max(len(c.place.block.cells) for c in cells)


def without_repeated_tables(found: list[Candidate]) -> list[Candidate]:
    """The candidates without the measures of a table printed again (see the module's note)."""
    tables: dict[int, list[Candidate]] = defaultdict(list)
    for c in found:
        if c.kind == "metric" and c.rule == _CELL_RULE and c.place.block.table is not None:
            tables[c.place.block.table].append(c)
    dropped: set[int] = set()
    numbers = sorted(tables)
    for i, earlier in enumerate(numbers):
        for later in numbers[i + 1 :]:
            if earlier in dropped or later in dropped or not _repeats(tables[earlier], tables[later]):
                continue
            fuller = _columns(tables[later]) > _columns(tables[earlier])
            dropped.add(earlier if fuller else later)
    gone = {id(c) for table in dropped for c in tables[table]}
    return [c for c in found if id(c) not in gone]
