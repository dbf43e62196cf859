"""Every text cell a load reads, checked by the plan file's text rules
(:func:`goldenthread.planfile.fields.character_problem`): no NUL or other control character, no
invisible character that reverses or reorders how text displays. A cell breaking them is reported
at its row and column — never dropped, cut or stored — and is the only problem reported for it.

Checked per distinct cell, and only the cells a fast whole-column search finds, so a million
clean rows cost one regular-expression pass per column.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np

from goldenthread.performance.loading.columns import NUMBER_FIELDS
from goldenthread.performance.loading.problems import Problems, cell_message, quoted
from goldenthread.performance.loading.table import Table
from goldenthread.planfile.fields import CODE_LENGTH, REFUSED_CHARACTERS, character_problem, text_problem

#: the characters an observation's source holds (Observation.source and LoadBatch.source)
SOURCE_LENGTH = 500

#: the characters :func:`~goldenthread.planfile.fields.character_problem` refuses, as one search
REFUSED = REFUSED_CHARACTERS


#: this thread's columns already reduced to their distinct cells (within :func:`distinct_once`)
_MEMO = threading.local()


@contextmanager
def distinct_once() -> Iterator[None]:
    """Within the block, on this thread, each column of cells is reduced to its distinct cells
    once however many checks ask (:func:`distinct`): a table's columns do not change while it
    is checked. Nothing is kept after the block."""
    if getattr(_MEMO, "seen", None) is not None:
        yield
        return
    _MEMO.seen = {}
    try:
        yield
    finally:
        _MEMO.seen = None


def distinct(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each cell's number into the distinct cells, the distinct cells in order of first
    appearance): ``pandas.factorize``, worked out once per column within :func:`distinct_once`
    (the numbers then read-only)."""
    import pandas as pd

    seen = getattr(_MEMO, "seen", None)
    if seen is None:
        return pd.factorize(cells)
    known = seen.get(id(cells))
    if known is not None and known[0] is cells:
        return known[1], known[2]
    codes, uniques = pd.factorize(cells)
    codes.flags.writeable = False
    seen[id(cells)] = (cells, codes, uniques)
    return codes, uniques


def known_distinct(cells: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> None:
    """Tell :func:`distinct` the answer for ``cells`` already worked out (within :func:`distinct_once`):
    ``codes`` and ``uniques`` exactly as ``pandas.factorize(cells)`` gives them."""
    seen = getattr(_MEMO, "seen", None)
    if seen is not None:
        codes.flags.writeable = False
        seen[id(cells)] = (cells, codes, uniques)


def refused_cells(cells: np.ndarray) -> np.ndarray:
    """Which cells hold a character the text rules refuse (a boolean mask)."""
    if not len(cells):
        return np.zeros(0, dtype=bool)
    codes, uniques = distinct(cells)
    if REFUSED.search("\n".join(uniques)) is None:  # the common case: one search of every distinct cell
        return np.zeros(len(cells), dtype=bool)
    bad = np.fromiter((REFUSED.search(u) is not None for u in uniques), dtype=bool, count=len(uniques))
    return bad[codes] if bad.any() else np.zeros(len(cells), dtype=bool)


def check_characters(columns: dict[str, np.ndarray], problems: Problems) -> None:
    """Every cell of the text fields (``columns``: field → cells) checked for refused characters;
    number fields are checked where they fail as numbers (:mod:`.number_text`)."""
    for name, cells in columns.items():
        if name in NUMBER_FIELDS:
            continue
        bad = refused_cells(cells)
        if bad.any():
            problems.claim(bad, name, cell_message(_refused_character, cells))


def _refused_character(text: str) -> str:
    return f"{quoted(text)} {character_problem(text)}"


def check_length(cells: np.ndarray, name: str, limit: int, problems: Problems, same: bool = False) -> None:
    """Cells of ``name`` longer than the column (``limit`` characters) holds (``same``: every cell
    is the first one, so only that one is measured)."""
    if not len(cells):
        return
    lengths = np.full(len(cells), len(cells[0])) if same else per_distinct(cells, len, np.int64)
    problems.claim(lengths > limit, name, lambda i: str(text_problem(cells[i], max_length=limit)))


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be the code of an org unit a load creates, or None: the plan file's own
    rule for codes (:data:`goldenthread.planfile.schema.Code`), so a unit a load adds could be
    written in the plan file as it is."""
    from pydantic import ValidationError

    if problem := text_problem(code, max_length=CODE_LENGTH):
        return problem
    try:
        _code_rule().validate_python(code)
    except ValidationError:
        return f"cannot be the code of an org unit: a code is {_code_rule_words()}, starting with a letter or digit"
    if {".", ".."} & set(code.split("/")):
        return "cannot be the code of an org unit: '.' or '..' between slashes reads as a folder in a web address"
    return None


@cache
def _code_rule():
    from pydantic import TypeAdapter

    from goldenthread.planfile.schema import Code

    return TypeAdapter(Code)


@cache
def _code_rule_words() -> str:
    """What the plan file's schema says codes are made of: "letters, digits and . _ / ( ) -"."""
    description = str(_code_rule().json_schema().get("description", ""))
    return description.split(": ", 1)[-1] or "letters and digits"


def header_ok(table: Table, problems: Problems) -> bool:
    """Whether every column name keeps the text rules; each that does not is a problem of the header."""
    ok = True
    for j, name in enumerate(table.columns):
        if problem := character_problem(name):
            problems.at_line(table.header_line, f"column {j + 1}", f"the column name {quoted(name)} {problem}")
            ok = False
    return ok


def same_text(n: int, text: str) -> np.ndarray:
    """``n`` cells, each the one string ``text`` (``np.full(n, text, dtype=object)`` would make a
    new string for every cell, a tenth of a second a million)."""
    out = np.empty(n, dtype=object)
    out[:] = text
    return out


def per_distinct(cells: np.ndarray, function: Callable[[str], Any], dtype: Any = object) -> np.ndarray:
    """``function`` of every cell, worked out once per distinct cell (a column of a million rows
    holds a few thousand distinct codes or periods)."""
    if not len(cells):
        return np.zeros(0, dtype=dtype)
    codes, uniques = distinct(cells)
    return np.array([function(u) for u in uniques], dtype=dtype)[codes]
