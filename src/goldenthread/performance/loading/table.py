"""A data file as read: a header and each column's cells as text, each row with its line — the
shape both readers (CSV in :mod:`.csvfile`, Excel in :mod:`.reading`) hand to the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from goldenthread.performance.loading.problems import Problem

#: one column's cells, as text
Cells = np.ndarray | list[str]


@dataclass
class Table:
    """A data file as read: the header, each column's cells as text, and each row's line."""

    name: str
    columns: list[str]
    cells: list[Cells]  # column-major: cells[j][i] is row i's text in column j (object arrays)
    lines: list[int] | np.ndarray
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.lines)


def refused(name: str, message: str, line: int = 1) -> Table:
    """A table of no rows whose one problem is the file itself: ``FILE:LINE: file: message``."""
    return Table(name, [], [], [], problems=[Problem(name, line, "file", message)])


class Grid:
    """Rows of text cells under a header — the first row with any text — as a :class:`Table`.

    Blank rows are skipped; a row shorter than the header is filled with empty cells, and one
    longer is cut to the header's width when the cells beyond it are empty.
    """

    def __init__(self, name: str):
        self.table = Table(name, [], [], [])
        self.header: list[str] | None = None
        self.rows: list[list[str]] = []
        self.lines: list[int] = []

    def add(self, line: int, cells: list[str]) -> list[int]:
        """Take one row; returns the positions of values beyond the header, and leaves the row
        out, when it has any (the caller reports them)."""
        if not any(cells):
            return []
        if self.header is None:
            while cells and not cells[-1]:
                cells.pop()
            self.header = cells
            self.table.header_line = line
            return []
        width = len(self.header)
        if len(cells) > width:
            extra = [i for i in range(width, len(cells)) if cells[i]]
            if extra:
                return extra
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        self.rows.append(cells)
        self.lines.append(line)
        return []

    def problem(self, line: int, message: str) -> None:
        self.table.problems.append(Problem(self.table.name, line, "row", message))

    def finish(self, empty: str) -> Table:
        """The table; with no header, the problem ``empty`` says what the first row must be."""
        table = self.table
        if self.header is None:
            table.problems.append(Problem(table.name, 1, "file", empty))
            return table
        table.columns = self.header
        if self.rows:
            table.cells = [np.array(column, dtype=object) for column in zip(*self.rows, strict=True)]
        else:
            table.cells = [np.array([], dtype=object) for _ in self.header]
        table.lines = np.asarray(self.lines, dtype=np.int64)
        return table
