"""A pack as a Word document: the cover with its contents, then one function per section, in the
order and with the numbers the HTML pack has."""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document
from docx.shared import Cm, Pt

from goldenthread.presenters import assurance as ap
from goldenthread.progress import Progress, quiet
from goldenthread.reports import charts
from goldenthread.reports.pack import ExceptionEntry, Pack
from goldenthread.reports.word import sections
from goldenthread.reports.word.document import (
    BLUE,
    add_row,
    facts,
    muted,
    new_document,
    page_break,
    picture,
    plural,
    save,
    status_run,
    table,
    text_cell,
)
from goldenthread.reports.word.funnel import funnel_section
from goldenthread.reports.word.tables import actions, icon_key_table, metric_table, notes

#: writes a section's body, below the heading the pack gives it
Section = Callable[[Document, Pack, Progress], None]
APPENDIX = "Appendix: metric definitions"


def pack_docx(pack: Pack, progress: Progress = quiet) -> bytes:
    doc = new_document(
        f"{pack.heading}, {pack.period.label}: {pack.subtitle}",
        f"{pack.plan.code} · {pack.heading} · {pack.period.label}",
    )
    parts = _numbered_sections(pack)
    progress.start("Writing the cover", total=1)
    _cover(doc, pack, [f"{n}. {name}" for n, (name, _) in enumerate(parts, 1)] + [APPENDIX])
    progress.advance()
    summarised: dict[Section, str] = {
        _exceptions: "exceptions",
        sections.objectives: "objectives",
        sections.deliverables: "deliverables",
    }
    for n, (name, write) in enumerate(parts, 1):
        page_break(doc)
        doc.add_heading(f"{n}. {name}", level=1)
        sections.left_out(doc, pack.left_out_of(summarised.get(write, "")))
        write(doc, pack, progress)
    page_break(doc)
    doc.add_heading(APPENDIX, level=1)
    sections.left_out(doc, pack.left_out_of("definitions"))
    sections.definitions(doc, pack)
    progress.start("Writing the Word file", total=1)
    data = save(doc)
    progress.advance()
    return data


def _numbered_sections(pack: Pack) -> list[tuple[str, Section]]:
    """The numbered sections: third, a directorate pack has the unit's latest update and review, the
    board pack every directorate's latest approved update and the open actions."""
    parts: list[tuple[str, Section]] = [("Summary and scorecard", _summary), ("Exceptions", _exceptions)]
    if pack.unit is not None:
        parts.append(("The latest update and review", sections.update_and_review))
    else:
        parts.append(("Directorates' updates and open actions", sections.unit_updates))
    return parts + [
        (f"Objectives of {pack.unit.name}" if pack.unit is not None else "Objectives", sections.objectives),
        ("Deliverables due or overdue", sections.deliverables),
        ("Budget against spend", sections.budget),
    ]


def _cover(doc: Document, pack: Pack, contents: list[str]) -> None:
    run = doc.add_paragraph().add_run(pack.organisation)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), BLUE
    doc.add_paragraph().add_run(pack.heading).font.size = Pt(13)
    kind = "accountability review" if pack.unit is not None else "performance"
    doc.add_heading(f"{pack.period.label} {kind}", level=0)
    doc.add_paragraph().add_run(pack.subtitle).font.size = Pt(14)
    end = pack.period.end
    cover = [
        ("Period", f"{pack.period.label}: {pack.period_text}"),
        ("Data", f"Judged with the data held up to {end.day} {end:%B %Y}; figures are for {pack.where}"),
    ]
    if pack.unit is not None:
        cover.append(("Unit", f"{pack.unit.name} ({pack.unit.get_kind_display().lower()})"))
    published = f", published {pack.plan.source_date}" if pack.plan.source_date else ""
    cover.append(("Plan", f"{pack.plan.code}, {pack.plan.period_label}{published}"))
    if pack.version_line:
        cover.append(("Plan version", pack.version_line))
    cover.append(("Produced", f"{pack.produced} by goldenthread, from the plan and its data"))
    facts(doc, cover)
    doc.add_heading("Contents", level=1)
    for line in contents:
        doc.add_paragraph(line)
    if pack.left_out:
        doc.add_heading("This pack is summarised", level=2)
        doc.add_paragraph("The plan is too large to show every element in a pack. What each section leaves out:")
        sections.left_out(doc, pack.left_out)


def _summary(doc: Document, pack: Pack, progress: Progress) -> None:
    glance = [plural(pack.exception_count, "exception"), plural(pack.overdue_count, "deliverable") + " overdue"]
    glance += [f"{plural(n, 'objective')}: {label.lower()}" for _, label, n in pack.counts]
    for line in glance:
        doc.add_paragraph(line, style="List Bullet")
    if not pack.scorecard:
        doc.add_paragraph("No metrics.")
        return
    if pack.unit is not None:
        caption = f"Metrics of {pack.unit.name}"
    else:
        caption = "The plan's scorecard measures" if pack.scorecard_is_headline else "All of the plan's metrics"
    metric_table(doc, pack.scorecard, caption)
    muted(
        doc,
        f"Latest value for {pack.where} in the data held to the end of {pack.period.label}. Variation and "
        "assurance follow NHS England's Making Data Count: statistical process control (XmR) limits, the four "
        "special-cause rules and the target.",
    )
    icon_key_table(doc)


def _exceptions(doc: Document, pack: Pack, progress: Progress) -> None:
    progress.start("Drawing charts", total=sum(1 for e in pack.exceptions if e.chart))
    if not pack.exceptions:
        doc.add_paragraph(
            "Nothing needs attention: no trigger for mitigating action has fired, no metric shows a special "
            "cause of concern and no target will consistently be missed."
        )
    for i, e in enumerate(pack.exceptions):
        if i:
            page_break(doc)
        _exception(doc, pack, e, progress)


def _exception(doc: Document, pack: Pack, e: ExceptionEntry, progress: Progress) -> None:
    status_run(doc.add_heading(f"{e.code} {e.title} ", level=2), e.status, e.status_label, 11)
    for w in e.what:
        doc.add_paragraph(w[:1].upper() + w[1:], style="List Bullet")
    facts(doc, _exception_facts(pack, e))
    if e.chart:
        p = doc.add_paragraph()
        picture(p, charts.to_png(e.chart.spec, width=640, scale=2), Cm(17.0), e.chart.description)
        muted(doc, e.chart.description, 8)
        progress.advance()
    _breakdowns(doc, e)
    if e.funnel:
        funnel_section(doc, e.title, e.funnel)
    doc.add_heading("Commentary", level=3)
    notes(doc, e.commentary, f"No update commenting on this has been submitted for {pack.period.label} or earlier.")
    doc.add_heading("Agreed actions", level=3)
    actions(
        doc,
        e.actions,
        "Actions agreed at accountability reviews",
        "No actions have been agreed at an accountability review.",
    )


def _exception_facts(pack: Pack, e: ExceptionEntry) -> list[tuple[str, str]]:
    pairs = []
    if e.objectives:
        pairs.append(("Objectives" if len(e.objectives) > 1 else "Objective", "; ".join(e.objectives)))
    if e.directorates:
        pairs.append(("Directorate", ", ".join(e.directorates)))
    pairs.append(("Owner", e.owner or "No owner is named in the plan"))
    if e.metric is None:
        return pairs + [("Due", e.due or "No date given")]
    r = e.metric.row
    return pairs + [
        ("Latest", f"{r.latest_value} ({r.latest_period})" if r.latest_period else r.latest_value),
        (f"Over {pack.period.label}", e.metric.period_value),
        ("Target", r.target),
        *[("Verdict", v.text) for v in r.verdicts],
        ("Variation", r.variation_text),
        ("Assurance", r.assurance_text),
    ]


def _breakdowns(doc: Document, e: ExceptionEntry) -> None:
    """The metric page's breakdowns (by dimension, by the units below), best first."""
    unit = e.metric.assessment.metric.unit if e.metric else ""
    widths = [12.0, 5.8]
    for b in e.breakdowns:
        caption = f"{e.title}: {b.title.lower()}, {b.period}" + (f" ({b.note})" if b.note else "")
        t = table(doc, [b.title[3:].capitalize(), "Value"], widths, caption)
        for label, v in b.rows:
            add_row(t, [label, ap.format_value(v, unit)], widths)
        gap = [text_cell("Gap between best and worst", bold=True), text_cell(ap.format_value(b.gap, unit), bold=True)]
        add_row(t, gap, widths)
