"""The pack's sections after the exceptions, as Word: the unit's latest update and review (in a
directorate pack), the objectives, the deliverables due or overdue, the budget and the metric
definitions. Each writes the body below the heading the pack gives it."""

from __future__ import annotations

from docx.document import Document
from docx.shared import Pt

from goldenthread.formatting import money
from goldenthread.presenters.cycle_notes import ReviewRecord
from goldenthread.presenters.deliverables import Deliverable
from goldenthread.presenters.plan import BudgetTable
from goldenthread.progress import Progress
from goldenthread.reports.pack import LeftOut, ObjectiveSection, Pack
from goldenthread.reports.word.document import (
    CellValue,
    add_row,
    facts,
    muted,
    plural,
    status_cell,
    status_run,
    table,
    text_cell,
)
from goldenthread.reports.word.tables import actions, metric_table, notes


def update_and_review(doc: Document, pack: Pack, progress: Progress) -> None:
    assert pack.unit is not None, "only a directorate pack has a unit's update and review"
    name, period = pack.unit.name, pack.period.label
    doc.add_heading("Update", level=2)
    notes(doc, pack.commentary, f"{name} has not submitted an update for {period} or earlier.")
    doc.add_heading("Accountability review", level=2)
    if pack.review:
        _review(doc, pack.review)
    else:
        muted(doc, f"No accountability review of {name} is recorded for {period} or earlier.", 9)
    doc.add_heading("Actions", level=2)
    actions(doc, pack.actions, "Actions agreed at accountability reviews", "No actions have been agreed.")


def unit_updates(doc: Document, pack: Pack, progress: Progress) -> None:
    """Each reporting unit's RAG rating and commentary from its latest approved update, and the open actions."""
    if pack.updates:
        doc.add_paragraph(
            f"Each reporting unit's RAG rating and commentary from its latest approved update to "
            f"{pack.period.label}, with the period and who reported it. Drafts, updates awaiting approval and "
            "returned updates are not shown."
        )
        widths = [3.6, 2.4, 3.8, 8.0]
        t = table(
            doc, ["Directorate", "RAG rating", "Update", "Summary of commentary"], widths, "Directorates' RAG ratings"
        )
        for u in pack.updates:
            rag = status_cell(u.rating, u.rag, "") if u.rag else status_cell(None, "", "none")
            add_row(t, [text_cell(u.unit, bold=True), rag, text_cell(u.source, u.missing), u.summary or "—"], widths)
    else:
        muted(doc, f"The plan runs no quarterly updates up to {pack.period.label}.", 9)
    doc.add_heading("Open actions", level=2)
    actions(
        doc,
        pack.open_actions,
        "Actions agreed at accountability reviews and not yet closed",
        "No action agreed at an accountability review is open.",
    )


def _review(doc: Document, r: ReviewRecord) -> None:
    pairs = [("Period", r.period), ("Status", r.status + (f", {r.held_on}" if r.held_on else ""))]
    if r.chair:
        pairs.append(("Chair", r.chair))
    if r.attendees:
        pairs.append(("Attendees", "; ".join(r.attendees)))
    facts(doc, pairs)
    if r.summary:
        doc.add_paragraph(r.summary)
    if r.decisions:
        doc.add_heading("Decisions", level=3)
        for d in r.decisions:
            doc.add_paragraph(d, style="List Bullet")


def objectives(doc: Document, pack: Pack, progress: Progress) -> None:
    progress.start("Objectives", total=len(pack.objectives))
    if not pack.objectives:
        doc.add_paragraph("No objectives.")
    for o in pack.objectives:
        _objective(doc, o)
        progress.advance()


def _objective(doc: Document, o: ObjectiveSection) -> None:
    doc.add_heading(f"{o.code} {o.title}", level=2)
    p = doc.add_paragraph()
    if o.status:
        status_run(p, o.status.rating, o.status.label, 9.5)
        p.add_run(f" — {o.status.reason}").font.size = Pt(9)
    r = o.reported
    if r and (r.rag or r.rolled):
        rag = (
            f"Reported {r.rag}" + (f": {r.rag_reason}" if r.rag_reason else "") + f" ({r.rag_source})" if r.rag else ""
        )
        rolled = f"Activities: {r.rolled} — {r.counts}" + (f"; {r.missing}" if r.missing else "") if r.rolled else ""
        doc.add_paragraph(". ".join(x for x in (rag, rolled) if x)).runs[0].font.size = Pt(9)
    activities = plural(o.activities, "activity", "activities")
    muted(doc, " · ".join(x for x in (o.level, o.directorate, o.owner, activities) if x))
    if o.children:
        widths = [11.0, 6.8]
        t = table(doc, ["Objective", "Status"], widths, f"Objectives within {o.code}")
        for c in o.children:
            name = text_cell(("   " * (c.depth - 1)) + f"{c.code} {c.title}", c.level)
            status = (
                status_cell(c.status.rating, c.status.label, c.status.reason) if c.status else status_cell(None, "", "")
            )
            add_row(t, [name, status], widths)
    if o.children_summary:
        doc.add_paragraph(o.children_summary)
    if o.metrics:
        metric_table(doc, o.metrics, f"Metrics of {o.code}", show_objectives=False)
    elif o.metrics_summary:
        muted(doc, o.metrics_summary)
    else:
        muted(doc, "No metric measures this objective.")


def deliverables(doc: Document, pack: Pack, progress: Progress) -> None:
    end = pack.period.end
    doc.add_paragraph(
        f"As at {end.day} {end:%B %Y}: deliverables past their due date and not "
        "reported complete, and those due in the following 30 days."
    )
    for _, heading, items in pack.deliverables:
        if items:
            _deliverable_table(doc, heading, items)
        else:
            p = doc.add_paragraph()
            p.add_run(f"{heading}: ").bold = True
            p.add_run("none.")


def _deliverable_table(doc: Document, heading: str, items: list[Deliverable]) -> None:
    widths = [8.2, 3.8, 3.6, 2.2]
    t = table(doc, ["Deliverable", "Directorate and owner", "Due", "Reported"], widths, f"{heading} ({len(items)})")
    for d in items:
        who = "\n".join(x for x in (d.unit, d.owner) if x)
        add_row(
            t,
            [
                text_cell(f"{d.code} {d.title}", d.objective),
                who,
                text_cell(d.due_text, d.when),
                text_cell(d.reported, "; ".join(x for x in (d.missing, d.reported_source) if x)),
            ],
            widths,
        )


def budget(doc: Document, pack: Pack, progress: Progress) -> None:
    p = doc.add_paragraph()
    p.add_run("No spend recorded. ").bold = True
    p.add_run(
        "goldenthread holds no actual spend yet, so the budget is shown as the plan sets it; totals are the sums "
        "of the lines"
        + (
            ""
            if pack.unit is not None
            else ", and any total the plan prints is shown beside that sum with the difference"
        )
        + "."
    )
    if not pack.budget.tables:
        doc.add_paragraph("No budget lines.")
    for b in pack.budget.tables:
        _budget_table(doc, b)
        if b.stated:
            _printed_totals(doc, b)
    if pack.budget.other_years:
        muted(
            doc, f"The plan also budgets for {', '.join(pack.budget.other_years)}; this pack shows {pack.budget.year}."
        )


def _budget_table(doc: Document, b: BudgetTable) -> None:
    """A year's lines by directorate and category, and the total of the lines."""
    header = ["Directorate or line"] + [label for _, label in b.categories] + ["Budget", "Spend"]
    t = table(doc, header, None, f"Budget {b.period}, £ million")
    for row in b.rows:
        amounts = [money(row["amounts"][c]) if c in row["amounts"] else "–" for c, _ in b.categories]
        add_row(t, [row["name"], *amounts, money(row["total"]), "not recorded"])
    totals: list[CellValue] = [text_cell(money(b.totals[c]), bold=True) for c, _ in b.categories]
    add_row(
        t,
        [
            text_cell("Total of the lines", bold=True),
            *totals,
            text_cell(money(b.grand_total), bold=True),
            "not recorded",
        ],
    )


def _printed_totals(doc: Document, b: BudgetTable) -> None:
    """Totals the plan prints beside the sum of the lines they cover, and the difference."""
    caption = f"Totals printed in the plan against the sum of the lines they cover, {b.period}"
    t = table(doc, ["Printed total", "As printed", "Sum of lines", "Difference"], None, caption)
    for s in b.stated:
        d = s["difference"]
        if d > 0:
            diff = f"lines exceed it by {money(d)}"
        else:
            diff = f"lines fall short by {money(-d)}" if d < 0 else "none"
        add_row(t, [text_cell(s["title"], s["source"]), money(s["stated"]), money(s["computed"]), diff])


def left_out(doc: Document, notes: list[LeftOut]) -> None:
    """What a large plan's pack leaves out here, and where to find all of it (:mod:`..summarised`)."""
    for x in notes:
        p = doc.add_paragraph()
        p.add_run("Summarised. ").bold = True
        p.add_run(f"{x.what} {x.where}: {x.href}.")


def definitions(doc: Document, pack: Pack) -> None:
    if not pack.definitions:
        doc.add_paragraph("No metrics.")
    for d in pack.definitions:
        doc.add_heading(f"{d.code} {d.title}", level=2)
        facts(doc, d.fields)
