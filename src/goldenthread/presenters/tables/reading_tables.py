"""The plan's readings as tables: the matrix of directorates and priorities, the plan by priority
and by directorate — each objective a row, with where the reading puts it, its owner, status,
metrics and activities as the page lists them (:mod:`goldenthread.presenters.readings`)."""

from __future__ import annotations

from goldenthread.plans import models as m
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.readings import ActivityLine, ByDirectorate, ByPriority, Entry, Matrix, MetricLine
from goldenthread.presenters.tables import Cell, Table

ENTRY = ["Level", "Code", "Objective", "Owner", "Status", "Reported RAG", "Metrics", "Activities"]


def _metric(x: MetricLine) -> str:
    confirmed = " (to be confirmed)" if x.to_be_confirmed else ""
    return f"{x.title}{confirmed}" + (f" — target: {x.target}" if x.target else "")


def _activity(a: ActivityLine) -> str:
    text = a.title + (f" (due {a.due})" if a.due else "")
    if a.reported:
        missing = f"{a.reported.missing}; " if a.reported.missing else ""
        text += f" — {missing}{a.reported.words} ({a.reported.source})"
    return text


def _entry(e: Entry) -> list[Cell]:
    reported = e.reported.rag if e.reported and e.reported.rag else ""
    return [
        e.level,
        e.code,
        e.title,
        e.owner,
        e.status.label if e.status else "",
        reported,
        "; ".join(_metric(x) for x in e.metrics) or "None set in the plan",
        "; ".join(_activity(a) for a in e.activities),
    ]


def _name(plan: m.Plan, what: str, as_at: AsAt) -> str:
    return f"{plan.code}-{what}-{as_at.period.label}"


def matrix(plan: m.Plan, as_at: AsAt, page: Matrix) -> Table:
    """The matrix: each objective in its cell, a row naming its directorate and the priority."""
    priority = page.names.get("priority_level", "Priority")
    table = Table(_name(plan, "matrix", as_at), "Matrix", ["Directorate", priority, *ENTRY])
    for row in page.rows:
        for cell in row.cells:
            for e in cell.entries:
                table.rows.append([row.name, cell.column, *_entry(e)])
    return table


def by_priority(plan: m.Plan, as_at: AsAt, page: ByPriority) -> Table:
    """Each priority's contributing objectives by directorate; a priority nothing contributes to
    yet as a row of its own."""
    priority = page.names.get("priority_level", "Priority")
    table = Table(_name(plan, "by-priority", as_at), "By priority", [priority, "Directorate", *ENTRY])
    for reading in page.priorities:
        named = f"{reading.priority.code} {reading.priority.title}"
        for group in reading.groups:
            for e in group.entries:
                table.rows.append([named, group.name, *_entry(e)])
    for e in page.uncovered:
        table.rows.append([f"{e.code} {e.title}", "", *([""] * (len(ENTRY) - 1)), "Nothing contributes to it yet"])
    return table


def by_directorate(plan: m.Plan, as_at: AsAt, page: ByDirectorate) -> Table:
    """Each directorate's objectives — every directorate, not one page of a long list — then the
    activities it leads and the metrics it owns for objectives held elsewhere."""
    header = ["Directorate", *ENTRY, "Contributes to"]
    table = Table(_name(plan, "by-directorate", as_at), "By directorate", header)
    for d in page.directorates:
        for e in d.entries:
            table.rows.append([d.name, *_entry(e), "; ".join(f"{r.code} {r.title}" for r in e.contributes_to)])
        for a in d.activities:
            held = [a.objective.code, a.objective.title] if a.objective else ["", ""]
            table.rows.append([d.name, "", *held, "", "", "", "", _activity(a), ""])
        for x in d.metrics:
            table.rows.append([d.name, "", "", "", "", "", "", _metric(x), "", ""])
    return table
