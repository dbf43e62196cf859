"""Measures and targets a plan prints more than once, held once in the draft.

A plan often prints its table of measures twice — once in its summary, once in the section that
explains it, sometimes with a column more. The measures are the same, so the draft holds them
once: a table whose measures cells repeat an earlier table's, row for row, is a second printing
of it, and the printing with more columns (the fuller one; the first when they have as many) is
kept. Likewise a target stated in a table of deliverables and again in the narrative or an annex
(the same number, the words of the shorter statement in the longer one) is one metric.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.language import Target, by_when, target_in

#: two cells are the same measure when they share this much of the longer one's words
SAME_WORDS = 0.6
#: and two tables the same printing when this share of the shorter one's rows are the same
SAME_ROWS = 0.8
_WORD = re.compile(r"[a-z][a-z0-9&'-]*")
_CELL_RULE = "cell of a measures column"


#: words of every sentence, which say nothing of what is measured
_FUNCTION_WORDS = frozenset(
    "a an the of and or to in on for by with at from as is are be we our will its it this that their all "
    "into per than which who".split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.casefold()) if w not in _FUNCTION_WORDS)


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


#: two targets are the same when they set the same number and the shorter text's words are this
#: much in the longer's ('Delivery of core programmes to 2,000 staff' in a table of deliverables,
#: 'We will deliver core programmes to 2,000 staff by March 2014' in the list of actions)
SAME_TARGET_WORDS = 0.6


def _target_words(c: Candidate) -> frozenset[str]:
    return _words(c.target.text if c.target is not None else c.title)


def without_repeated_targets(found: list[Candidate]) -> list[Candidate]:
    """The candidates without a target set again: a plan states a target where it lists its
    deliverables and again in its narrative or annex; the first statement is kept."""
    kept: list[Candidate] = []
    gone: set[int] = set()
    for c in found:
        if c.kind != "metric" or c.target is None:
            continue
        own = _target_words(c)
        for other in kept:
            theirs = _target_words(other)
            if (
                other.target is not None
                and other.target.value == c.target.value
                and own
                and theirs
                and len(own & theirs) >= SAME_TARGET_WORDS * min(len(own), len(theirs))
            ):
                gone.add(id(c))
                break
        else:
            kept.append(c)
    return [c for c in found if id(c) not in gone]


#: a measure stated of every one of its things by a date: 'All hospital deaths subject to scrutiny by March 2020'
_ALL = re.compile(r"^\s*All\s+[a-z]", re.I)


def measure_target(text: str) -> Target | None:
    """The target a measure's own statement sets (a cell or item already known to be a measure):
    its number, or — for one stated of all its things by a date — all of them, 100%."""
    found = target_in(text)
    when = by_when(text)
    if found is None and when is not None and _ALL.match(text):
        return Target(Decimal(1), "=", when, text.strip()[:1000])
    return found


def run_together(text: str) -> list[str]:
    """The items of a list whose breaks were lost ('Reduction in inappropriate prescribing
    Reduction in infections'): a new item starts where the first item's capitalised opening word
    is printed again."""
    words = text.split()
    if not words or not words[0][:1].isupper() or len(words[0]) < 4 or not words[0].isalpha():
        return [text]
    items: list[list[str]] = [[]]
    for word in words:
        if word == words[0] and items[-1]:
            items.append([])
        items[-1].append(word)
    return [" ".join(item) for item in items]
