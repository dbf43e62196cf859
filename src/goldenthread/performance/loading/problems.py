"""What is wrong with a data file, row by row: ``FILE:ROW: column: message``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: problems listed in full; beyond this only their number is given
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is and what to do: ``FILE:ROW: column: message``.

    ROW is the line of the file counting the header as line 1 (CSV), or the Excel row number.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


#: a problem's message, or how to build it for a row (by its position in the table)
Message = str | Callable[[int], str]


#: characters a message shows by their code, never as themselves: control characters (NUL, line
#: breaks, which would break a message's line), the invisible controls that reorder text
#: (a right-to-left override would display the rest of the message reversed) and lone surrogates
_SHOWN_AS_CODES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def quoted(text: str) -> str:
    """A cell as a message quotes it: 'text', cut to 60 characters, with control and invisible
    direction characters written as their codes (<U+0000>), so hostile text shows as text."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return "'" + _SHOWN_AS_CODES.sub(lambda m: f"<U+{ord(m.group()):04X}>", shown) + "'"


def cell_message(message: Callable[[str], str], cells: np.ndarray) -> Callable[[int], str]:
    """A row's message built from its cell in ``cells``."""
    return lambda i: message(cells[i])


class Problems:
    """Problems found column by column, listed row by row.

    Checks run over whole columns and record *which* rows fail with a message to build for each;
    only the first :data:`MAX_PROBLEMS` messages (in row order) are ever built, so a file with a
    million bad rows costs no more to report than one with a thousand.
    """

    def __init__(self, file: str, lines: np.ndarray):
        self.file = file
        self.lines = lines
        self.fixed: list[Problem] = []
        self.found: list[tuple[np.ndarray, str, Message]] = []
        self.claimed: dict[str, np.ndarray] = {}

    def at_line(self, line: int, column: str, message: str) -> None:
        self.fixed.append(Problem(self.file, line, column, message))

    def claim(self, where: np.ndarray, column: str, message: Message) -> None:
        """Record ``message`` for the rows where ``where`` is true, and no other problem of theirs
        in ``column``: the one thing to fix in that cell (a NUL, say) is the only one reported."""
        self.add(where, column, message)
        self.claimed[column] = self.claimed[column] | where if column in self.claimed else where

    def add(self, where: np.ndarray, column: str, message: Message) -> None:
        """Record ``message`` for the rows where the boolean mask ``where`` is true (but not for the
        cells of ``column`` already :meth:`claim`-ed)."""
        if column in self.claimed:
            where = where & ~self.claimed[column]
        positions = np.flatnonzero(where)
        if positions.size:
            self.found.append((positions, column, message))

    def __bool__(self) -> bool:
        return bool(self.fixed or self.found)

    @property
    def total(self) -> int:
        return len(self.fixed) + sum(p.size for p, _, _ in self.found)

    def bad_rows(self) -> int:
        rows = {p.row for p in self.fixed}
        if self.found:
            rows.update(self.lines[np.unique(np.concatenate([p for p, _, _ in self.found]))].tolist())
        return len(rows)

    def listing(self, limit: int = MAX_PROBLEMS) -> list[Problem]:
        lines = [np.array([p.row for p in self.fixed], dtype=np.int64)]
        order = [np.arange(len(self.fixed), dtype=np.int64)]
        which = [np.full(len(self.fixed), -1, dtype=np.int64)]
        where = [np.zeros(len(self.fixed), dtype=np.int64)]
        for k, (positions, _, _) in enumerate(self.found):
            lines.append(self.lines[positions])
            order.append(np.full(positions.size, len(self.fixed) + k, dtype=np.int64))
            which.append(np.full(positions.size, k, dtype=np.int64))
            where.append(positions)
        line, seq, check, pos = (np.concatenate(a) for a in (lines, order, which, where))
        first = np.lexsort((seq, line))[:limit]
        out = []
        for i in first:
            if check[i] < 0:
                out.append(self.fixed[int(seq[i])])
                continue
            _, column, message = self.found[int(check[i])]
            text = message(int(pos[i])) if callable(message) else message
            out.append(Problem(self.file, int(line[i]), column, text))
        return out
