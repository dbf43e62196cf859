"""Tables read by their header rows: each column's role from the words of its header.

A column headed priority/objective/improvement holds objectives (a cell left empty below one
continues it: the printed cell spans those rows); metric/measure/indicator, metrics;
deliverable/action/activity, activities; timeline/date/due, their dates; owner/lead/director,
who is accountable; target, the target; review and trigger, details kept in the description.
A table of money (a header or figures in £, or announced as a budget) gives budget lines, one
per figure under a column that names a category (running, programme…), and its total rows
("Total …") give the printed totals. A table whose first row names no role is read as if its
first column were the items of what the label before it announced.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.cells import has_labelled_cells, read_labelled_cells
from goldenthread.planfile.drafting.commitments import first_sentence
from goldenthread.planfile.drafting.document import Block
from goldenthread.planfile.drafting.language import by_when, is_commitment, is_imperative, target_in
from goldenthread.planfile.drafting.walk import Walk

#: a header cell names its column in a few words
HEADER_WORDS = 12
_ROLES = [
    ("risk", re.compile(r"\brisks?\b", re.I)),
    ("due", re.compile(r"\b(timelines?|dates?|by when|due|deadline|timescales?|when)\b", re.I)),
    ("owner", re.compile(r"\b(owners?|lead|director|responsible|accountable|reviewer|by whom|who)\b", re.I)),
    ("target", re.compile(r"\b(targets?|trajectory|ambition)\b", re.I)),
    ("trigger", re.compile(r"\btrigger", re.I)),
    ("review", re.compile(r"\breview", re.I)),
    ("metric", re.compile(r"\b(metrics?|measures?|measurement|indicators?|kpis?)\b", re.I)),
    ("activity", re.compile(r"\b(deliverables?|actions?|activit\w+|milestones?)\b", re.I)),
    (
        "objective",
        re.compile(r"\b(priority|priorities|objectives?|improvements?|aims?|outcomes?|themes?|goals?)\b", re.I),
    ),
    ("money", re.compile(r"£|\b(costs?|budgets?|funding|allocations?|spend)\b", re.I)),
]
_CATEGORY = [
    ("discretionary_running", re.compile(r"discretionary", re.I)),
    ("running", re.compile(r"\brunning|\bpay\b|admin", re.I)),
    ("programme", re.compile(r"programme", re.I)),
]
_ROLE_TITLE = re.compile(r"\b(Director|Officer|Chief|Lead|Head|Manager|Secretary|Chair)\b")
_TOTAL = re.compile(r"\b(total|sub-?total)\b", re.I)
_NUMBER = re.compile(r"^\(?-?£?\s?\d[\d,]*(?:\.\d+)?\)?\s?(?:m|bn|k)?$")


def roles(header: list[str]) -> dict[int, str]:
    """Each header cell's role, where it names one (the first role that matches)."""
    out: dict[int, str] = {}
    if any(len(text.split()) > HEADER_WORDS for text in header):
        return out  # a row of sentences is a table's first row of content, not its header
    for column, text in enumerate(header):
        for role, pattern in _ROLES:
            if pattern.search(text) and role not in out.values():
                out[column] = role
                break
    return out


def amount(cell: str) -> Decimal | None:
    text = cell.strip().replace("£", "").replace(" ", "")
    if not text or not _NUMBER.match(text) or text.strip("()-") in ("", "0.0)"):
        return None
    negative = text.startswith("(") and text.endswith(")")
    try:
        value = Decimal(text.strip("()").replace(",", "").rstrip("mbnk"))
    except InvalidOperation:
        return None
    return -value if negative else value


def read_table(walk: Walk, rows: list[Block]) -> None:
    """The elements of one table."""
    if has_labelled_cells(rows):
        read_labelled_cells(walk, rows)
        return
    header = rows[0].cells
    found = roles(header)
    if _is_money(walk, rows, found):
        _budget(walk, rows)
        return
    if not set(found.values()) & {"objective", "metric", "activity", "risk"}:
        found = _announced(walk, header)
        if not found:
            return
        rows = [
            Block(
                "row",
                rows[0].text,
                rows[0].line,
                rows[0].span,
                rows[0].page,
                cells=header,
                table=rows[0].table,
                row=rows[0].row,
            ),
            *rows,
        ]
    current = walk.objective
    for row in rows[1:]:
        current = _row(walk, _aligned(row, len(header)), found, current)


def _aligned(row: Block, width: int) -> Block:
    """A row printed with fewer cells than its header sits under cells spanning it from the
    left: its cells are the rightmost columns."""
    cells = list(row.cells)
    while cells and not cells[-1]:
        cells.pop()
    if 2 <= len(cells) < width:
        row.cells = [""] * (width - len(cells)) + cells
    return row


def _announced(walk: Walk, header: list[str]) -> dict[int, str]:
    """A table without a header naming roles: its first column is what the label announced."""
    announced = {"activities": "activity", "metrics": "metric", "objectives": "objective", "risks": "risk"}
    first = header[0] if header else ""
    doing = is_commitment(first) or is_imperative(first)
    within = walk.objective is not None and walk.objective.rule.startswith("numbered item")
    role = "activity" if doing or within else announced.get(walk.lead or walk.mode)
    if role is None:
        return {}
    dates = {i: "due" for i, cell in enumerate(header) if i and by_when(cell)}
    owners = {i: "owner" for i, cell in enumerate(header) if i and i not in dates and _ROLE_TITLE.search(cell)}
    return {0: role, **dates, **owners}


def _cell(row: Block, column: int | None) -> str:
    if column is None or column >= len(row.cells):
        return ""
    return row.cells[column].strip()


def _row(walk: Walk, row: Block, found: dict[int, str], current: Candidate | None) -> Candidate | None:
    column = {role: c for c, role in found.items()}
    objective_text = _cell(row, column.get("objective"))
    same = [c for c in walk.found if c.kind == "objective" and c.title.casefold() == objective_text.casefold()]
    if objective_text and same:
        current = same[-1]  # the table refers to an objective found before it
    elif objective_text and not _TOTAL.match(objective_text):
        parent = walk.objective
        current = walk.add(
            Candidate(
                "objective",
                objective_text,
                walk.place(row),
                0.6,
                "cell of a priorities column",
                depth=(parent.depth + 1 if parent else 1),
                level_name="Table item",
                parent=parent,
            )
        )
    details = [
        f"{_header(walk, row, found, c)}: {_cell(row, c)}"
        for c, r in found.items()
        if r in ("review", "trigger") and _cell(row, c)
    ]
    _measures_and_deliverables(walk, row, found, current, details)
    risk_text = _cell(row, column.get("risk"))
    if risk_text:
        walk.add(Candidate("risk", risk_text, walk.place(row), 0.6, "cell of a risks column", parent=current))
    return current


def _measures_and_deliverables(
    walk: Walk, row: Block, found: dict[int, str], current: Candidate | None, details: list[str]
) -> None:
    column = {role: c for c, role in found.items()}
    metric_text = _cell(row, column.get("metric"))
    if metric_text:
        target = target_in(_cell(row, column.get("target")) or metric_text)
        walk.add(
            Candidate(
                "metric",
                metric_text,
                walk.place(row),
                0.65,
                "cell of a measures column",
                parent=current or walk.objective,
                target=target,
                notes=details,
                owner=_cell(row, column.get("owner")) or None,
            )
        )
    activity_text = _cell(row, column.get("activity"))
    due = _cell(row, column.get("due"))
    owner = _cell(row, column.get("owner")) or None
    if not activity_text:
        return
    first, rest = first_sentence(activity_text)
    walk.add(
        Candidate(
            "activity",
            first,
            walk.place(row),
            0.7,
            "cell of a deliverables column",
            parent=current or walk.objective,
            description=rest,  # a row is one deliverable: the cell's further sentences say what it means
            due=by_when(due) or by_when(first),
            owner=owner,
            activity_type="deliverable",
            notes=[f"due: {due}"] if due else [],
        ),
        activity_text,
    )


def _header(walk: Walk, row: Block, found: dict[int, str], column: int) -> str:
    return found[column]


def _is_money(walk: Walk, rows: list[Block], found: dict[int, str]) -> bool:
    figures = sum(1 for row in rows if sum(amount(c) is not None for c in row.cells[1:]) >= 1)
    if figures < max(2, len(rows) // 2):
        return False
    said = " ".join([walk.section, walk.mode_name, walk.lead_name, *rows[0].cells])
    return "money" in found.values() or bool(re.search(r"£|budget|cost|funding|allocation", said, re.I))


def _budget(walk: Walk, rows: list[Block]) -> None:
    headers = _column_headers(rows)
    for row in rows:
        label = next((c for c in row.cells if c.strip() and amount(c) is None), "")
        if not label or label.strip() == "£m":
            continue
        figures = [(i, amount(c)) for i, c in enumerate(row.cells) if amount(c) is not None]
        if _TOTAL.search(label):
            if figures:
                i, value = figures[-1]
                walk.add(
                    Candidate(
                        "stated_total",
                        label,
                        walk.place(row),
                        0.6,
                        "total row of a money table",
                        amount=_scaled(value, rows),
                        category=_category(headers.get(i, "")),
                    )
                )
            continue
        for i, value in figures:
            category = _category(headers.get(i, ""))
            if _TOTAL.search(headers.get(i, "")) and len(figures) > 1:
                continue
            walk.add(
                Candidate(
                    "budget_line",
                    label,
                    walk.place(row),
                    0.55,
                    "figure of a money table",
                    amount=_scaled(value, rows),
                    category=category,
                    notes=[f"column: {headers[i]}"] if headers.get(i) else [],
                )
            )


def _column_headers(rows: list[Block]) -> dict[int, str]:
    """The words above each column: the header rows before the first row of figures."""
    out: dict[int, str] = {}
    for row in rows:
        if sum(amount(c) is not None for c in row.cells) and any(amount(c) is None and c for c in row.cells):
            break
        for i, cell in enumerate(row.cells):
            if cell.strip():
                out[i] = f"{out.get(i, '')} {cell}".strip()
    return out


def _category(header: str) -> str:
    return next((name for name, pattern in _CATEGORY if pattern.search(header)), "other")


def _scaled(value: Decimal | None, rows: list[Block]) -> Decimal | None:
    if value is None:
        return None
    said = " ".join(c for row in rows[:3] for c in row.cells)
    if re.search(r"£\s?m\b|£\s?million", said, re.I):
        return value * 1_000_000
    if re.search(r"£\s?000|£\s?k\b", said, re.I):
        return value * 1_000
    return value
