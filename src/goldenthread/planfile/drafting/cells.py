"""Cells that hold labelled parts: a matrix of priorities by unit, each cell written as
"Directorate Priority: … Metric(s): … Key Activities (sample): …".

Each part is read by its label (a priority or objective, measures, activities); the part's items
are split at bullet marks. The cell's column header names the objective it serves when an
objective of that title is already drafted, and its row header the unit it is for (kept in the
description, as the plan file's objectives name a unit by code).
"""

from __future__ import annotations

import re

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.document import Block
from goldenthread.planfile.drafting.measures import measure_target, run_together
from goldenthread.planfile.drafting.walk import Walk

_KINDS = [
    ("objective", re.compile(r"priorit|objective|\baims?\b|goal", re.I)),
    ("metric", re.compile(r"metric|measure|indicator|kpi", re.I)),
    ("activity", re.compile(r"activit|action|deliverable|milestone", re.I)),
]
_ITEM = re.compile(r"\s*[•·▪]\s*")


def _label_at(cell: str, colon: int) -> tuple[int, str] | None:
    """The label ending at a colon: the fewest words before it that name a kind, with the
    capitalised word before those when that word starts the label ('Key Activities (sample)',
    'Directorate Priority'), not when it ends the text before it ('… Medical Examiners Metric(s)')."""
    words = list(re.finditer(r"\S+", cell[:colon]))
    for n in range(1, min(4, len(words)) + 1):
        label = cell[words[-n].start() : colon]
        if _kind(label) and words[-n].group()[:1].isupper():
            before = words[-n - 1] if len(words) > n else None
            start = words[-n].start()
            if before is not None and before.group()[:1].isupper():
                earlier = words[-n - 2] if len(words) > n + 1 else None
                if earlier is None or not earlier.group()[:1].isupper():
                    start = before.start()
            return start, _kind(label)
    return None


def parts(cell: str) -> list[tuple[str, str]]:
    """(kind, text) of each labelled part of a cell whose labels name kinds; [] for a plain cell."""
    found = []
    for colon in (m.start() for m in re.finditer(r":\s", cell)):
        label = _label_at(cell, colon)
        if label is not None:
            found.append((label[0], colon + 1, label[1]))
    if len(found) < 2:
        return []
    out = []
    for n, (_, end, kind) in enumerate(found):
        stop = found[n + 1][0] if n + 1 < len(found) else len(cell)
        out.append((kind, cell[end:stop].strip()))
    return out


def _kind(label: str) -> str:
    return next((kind for kind, pattern in _KINDS if pattern.search(label)), "")


def has_labelled_cells(rows: list[Block]) -> bool:
    return any(parts(cell) for row in rows for cell in row.cells)


def read_labelled_cells(walk: Walk, rows: list[Block]) -> None:
    """The elements of a matrix of labelled cells."""
    header: list[str] = []
    for row in rows:
        if not any(parts(cell) for cell in row.cells):
            header = row.cells
            continue
        unit = next((c for c in row.cells if c.strip() and not parts(c)), "")
        for column, cell in enumerate(row.cells):
            served = header[column] if column < len(header) else ""
            _cell(walk, row, parts(cell), served, unit)


def _cell(walk: Walk, row: Block, labelled: list[tuple[str, str]], served: str, unit: str) -> None:
    parent = next((c for c in walk.found if c.kind == "objective" and c.title.casefold() == served.casefold()), None)
    owner: Candidate | None = None
    for kind, text in labelled:
        for item in (i.strip() for i in _ITEM.split(text) if i.strip()):
            if kind == "objective":
                owner = walk.add(
                    Candidate(
                        "objective",
                        item,
                        walk.place(row),
                        0.6,
                        "labelled part of a matrix cell",
                        depth=(parent.depth + 1 if parent else 1),
                        level_name="Unit priority",
                        parent=parent,
                        description=f"For: {unit}" if unit else "",
                    )
                )
            elif kind == "metric":
                for measure in run_together(item):
                    walk.add(
                        Candidate(
                            "metric",
                            measure,
                            walk.place(row),
                            0.55,
                            "labelled part of a matrix cell",
                            parent=owner or parent,
                            target=measure_target(measure),
                        )
                    )
            else:
                walk.add(
                    Candidate(
                        "activity",
                        item,
                        walk.place(row),
                        0.55,
                        "labelled part of a matrix cell",
                        parent=owner or parent,
                        activity_type="key_activity",
                    )
                )
