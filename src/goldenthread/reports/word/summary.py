"""The plan on two pages as a Word document: the same sections and limits as the HTML summary."""

from __future__ import annotations

from docx.document import Document
from docx.shared import Cm, Pt

from goldenthread.formatting import money
from goldenthread.reports.summary import BudgetHeadline, PriorityGroup, Summary
from goldenthread.reports.word.document import (
    BLUE,
    CellValue,
    add_row,
    muted,
    new_document,
    paragraph_style,
    plural,
    save,
    status_cell,
    table,
    text_cell,
)


def summary_docx(s: Summary) -> bytes:
    doc = _document(s)
    doc.add_heading("Purpose", level=1)
    for text in s.purpose or ["The plan states no purpose."]:
        doc.add_paragraph(text)
    doc.add_heading("The scorecard" if s.scorecard_is_headline else "How progress is measured", level=1)
    _scorecard(doc, s)
    doc.add_heading("Priorities", level=1)
    for g in s.priorities:
        _priorities(doc, g)
    if s.units:
        p = doc.add_paragraph()
        p.add_run("Who delivers them: ").bold = True
        p.add_run("; ".join(f"{name} ({n})" for name, n in s.units) + ".")
    doc.add_heading("Key deliverables", level=1)
    _deliverables(doc, s)
    doc.add_heading("Budget", level=1)
    for b in s.budget:
        _budget_year(doc, b)
    if s.budget:
        muted(doc, "No spend recorded: goldenthread holds no actual spend yet. Totals are the sums of the lines.")
    else:
        muted(doc, "The plan sets out no budget.", 9)
    return save(doc)


def _document(s: Summary) -> Document:
    """Narrower margins and a smaller type than a pack, a footer on every page, and the title."""
    doc = new_document(
        f"{s.plan.title}: the plan on two pages", f"{s.plan.code} · the plan on two pages · produced {s.produced}"
    )
    section = doc.sections[0]
    section.different_first_page_header_footer = False
    section.top_margin, section.bottom_margin = Cm(1.2), Cm(1.4)
    section.left_margin = section.right_margin = Cm(1.3)
    paragraph_style(doc, "Normal").font.size = Pt(9)
    run = doc.add_paragraph().add_run(s.organisation)
    run.bold, run.font.color.rgb = True, BLUE
    doc.add_heading(s.plan.title, level=0)
    published = f" · published {s.plan.source_date}" if s.plan.source_date else ""
    doc.add_paragraph(f"The plan on two pages · {s.plan.period_label}{published}")
    if s.version_line:
        muted(doc, s.version_line, 9)
    return doc


def _scorecard(doc: Document, s: Summary) -> None:
    if not s.scorecard:
        muted(doc, "The plan defines no metrics.", 9)
        return
    header = ["Priority", "Measure", "Target"] + (["Latest", "Status"] if s.has_data else [])
    widths = [5.0, 6.4, 3.0, 2.0, 2.0] if s.has_data else [6.2, 8.0, 4.2]
    t = table(doc, header, widths)
    for m in s.scorecard:
        r = m.row
        measure = r.title + (" (to be confirmed)" if r.to_be_confirmed else "")
        values: list[CellValue] = [
            "; ".join(title for _, title in r.objectives) or "–",
            text_cell(measure, bold=True),
            r.target,
        ]
        if s.has_data:
            values += [text_cell(r.latest_value, r.latest_period), status_cell(r.status, r.status_label, "")]
        add_row(t, values, widths)
    if s.scorecard_more:
        muted(doc, f"And {s.scorecard_more} more metrics in the full plan.")


def _priorities(doc: Document, g: PriorityGroup) -> None:
    doc.add_heading(g.level, level=2)
    if g.on_scorecard:
        doc.add_paragraph(
            f"The {g.on_scorecard} {g.level.lower()} entries are listed in the scorecard above, beside their measures."
        )
    for code, title, unit in g.items:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{code} ").bold = True
        p.add_run(title + (f" ({unit})" if unit else ""))
    if g.more:
        muted(doc, f"And {g.more} more in the full plan." if g.items else f"{g.more} entries in the full plan.")


def _deliverables(doc: Document, s: Summary) -> None:
    if not s.deliverables:
        muted(doc, "The plan lists no deliverables.", 9)
        return
    widths = [9.0, 4.4, 3.0, 2.0]
    caption = f"The plan's {s.deliverables_kind}, soonest due first"
    t = table(doc, ["Deliverable", "Owner", "Due", "Reported"], widths, caption)
    for d in s.deliverables:
        add_row(t, [f"{d.code} {d.title}", d.owner, d.due, d.status], widths)
    if s.deliverables_more:
        muted(doc, f"And {s.deliverables_more} more in the full plan.")


def _budget_year(doc: Document, b: BudgetHeadline) -> None:
    """A year's budget in a sentence: the total, its categories, and whether printed totals agree."""
    p = doc.add_paragraph()
    p.add_run(f"{b.period}: {money(b.total)}").bold = True
    text = f" in {plural(b.lines, 'budget line')}"
    if b.categories:
        text += ": " + ", ".join(f"{label.lower()} {money(amount)}" for label, amount in b.categories)
    text += "."
    if b.differing:
        text += f" {b.differing} of the {b.printed} totals the plan prints differ from the sum of their lines."
    elif b.printed:
        agree = "agrees" if b.printed == 1 else "agree"
        text += f" The {plural(b.printed, 'total')} the plan prints {agree} with the lines."
    p.add_run(text)
