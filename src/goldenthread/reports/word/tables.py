"""The tables and notes a pack prints in several sections: metrics with their icons and status, the
icon key, the cycle's commentary and the actions agreed at reviews."""

from __future__ import annotations

from docx.document import Document

from goldenthread.presenters.cycle_notes import AgreedAction, Commentary
from goldenthread.reports.pack import MetricRow, icon_key
from goldenthread.reports.word.document import CellValue, add_row, icon_cell, muted, status_cell, table, text_cell

METRIC_WIDTHS = [6.2, 1.9, 2.6, 1.6, 1.6, 4.1]
METRIC_HEADER = ["Metric", "Latest", "Target", "Variation", "Assurance", "Status"]


def metric_table(doc: Document, rows: list[MetricRow], caption: str, show_objectives: bool = True) -> None:
    t = table(doc, METRIC_HEADER, METRIC_WIDTHS, caption)
    for m in rows:
        r = m.row
        objectives = ""
        if show_objectives and r.objectives:
            objectives = ("Objectives " if len(r.objectives) > 1 else "Objective ") + ", ".join(
                c for c, _ in r.objectives
            )
        title = f"{r.code} {r.title}" + (" (to be confirmed)" if r.to_be_confirmed else "")
        cells: list[CellValue] = [
            text_cell(title, objectives, bold=True),
            text_cell(r.latest_value, r.latest_period),
            r.target,
            icon_cell("variation", m.variation, r.variation_text),
            icon_cell("assurance", m.assurance, r.assurance_text),
            status_cell(r.status, r.status_label, r.reason),
        ]
        add_row(t, cells, METRIC_WIDTHS)


def notes(doc: Document, items: list[Commentary], empty: str) -> None:
    """What each unit's latest update says, or ``empty``."""
    if not items:
        muted(doc, empty, 9)
        return
    for c in items:
        p = doc.add_paragraph()
        p.add_run(f"{c.unit}, update for {c.period}").bold = True
        p.add_run(f" ({c.status.lower()})")
        for n in c.notes:
            q = doc.add_paragraph(style="List Bullet")
            q.add_run(f"{n.label}: ").bold = True
            q.add_run(n.text)
        if not c.notes:
            muted(doc, "The update says nothing about this.", 9)


def actions(doc: Document, items: list[AgreedAction], caption: str, empty: str) -> None:
    """The actions agreed at reviews, or ``empty``."""
    if not items:
        muted(doc, empty, 9)
        return
    widths = [8.0, 3.6, 2.6, 3.6]
    t = table(doc, ["Action", "Owner", "Due", "Status"], widths, caption)
    for a in items:
        add_row(t, [text_cell(a.description, a.agreed_at), a.owner, a.due, text_cell(a.status, a.closure_note)], widths)


def icon_key_table(doc: Document) -> None:
    widths = [1.2, 16.6]
    t = table(doc, ["Icon", "Meaning"], widths, "Reading the icons")
    for kind, key, text in icon_key():
        add_row(t, [icon_cell(kind, key, text), text], widths)
