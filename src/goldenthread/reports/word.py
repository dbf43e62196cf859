"""Packs as Word documents (python-docx), with the same sections and figures as the HTML and PDF.

Charts are the same Vega-Lite specifications rendered to PNG (:func:`charts.to_png`); the
variation and assurance icons are the web's SVG icons rendered to PNG. Every picture carries a
text alternative, headings use Word's heading styles (so the navigation pane and a table of
contents work) and table header rows repeat on each page.
"""

from __future__ import annotations

import io
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from goldenthread.formatting import money
from goldenthread.presenters import assurance as ap
from goldenthread.presenters import icons
from goldenthread.progress import Progress, quiet
from goldenthread.reports import charts
from goldenthread.reports.board import MetricRow, Pack, icon_key

BLUE = RGBColor(0x00, 0x5E, 0xB8)
GREY = RGBColor(0x4C, 0x62, 0x72)
#: text colours of the NHS.UK tags, for status words
STATUS_COLOURS = {
    "concern": RGBColor(0xB1, 0x0E, 0x1E),
    "at_risk": RGBColor(0x8A, 0x52, 0x00),
    "no_data": RGBColor(0x4C, 0x62, 0x72),
    "on_track": RGBColor(0x00, 0x70, 0x3C),
    "complete": RGBColor(0x00, 0x30, 0x87),
}
STATUS_SYMBOLS = {"concern": "●", "at_risk": "▲", "no_data": "○", "on_track": "✔", "complete": "■"}


# --- building blocks -------------------------------------------------------------------------


def new_document(title: str, running: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(2.0)
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        styles[name].font.name = "Arial"
        styles[name].font.color.rgb = RGBColor(0x21, 0x2B, 0x32)
    doc.core_properties.title = title
    doc.core_properties.author = "goldenthread"
    footer = section.footer.paragraphs[0]
    footer.text = f"{running}    Page "
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    section.different_first_page_header_footer = True
    return doc


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = code
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, text, end])


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def muted(doc_or_cell, text: str, size: float = 8.5):
    p = doc_or_cell.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.color.rgb = GREY
    return p


def _alt_text(run, text: str) -> None:
    for pr in run._r.iter(qn("wp:docPr")):
        pr.set("descr", text)
        pr.set("title", text[:250])


def picture(paragraph, png: bytes, width, alt: str) -> None:
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=width)
    _alt_text(run, alt)


@lru_cache(maxsize=32)
def icon_png(kind: str, key: str) -> bytes:
    import vl_convert

    svg = icons.variation_icon(key, 44) if kind == "variation" else icons.assurance_icon(key, 44)
    return vl_convert.svg_to_png(str(svg), 2.0)


def table(doc: Document, header: list[str], widths: list[float] | None = None, caption: str = ""):
    if caption:
        p = doc.add_paragraph()
        run = p.add_run(caption)
        run.bold = True
        run.font.size = Pt(9)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(2)
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    row = t.rows[0]
    tr_pr = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(row.cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(8.5)
        _shade(cell, "F0F4F5")
    if widths:
        for i, w in enumerate(widths):
            for cell in t.columns[i].cells:
                cell.width = Cm(w)
    return t


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def add_row(t, values: list, widths: list[float] | None = None):
    cells = t.add_row().cells
    for i, (cell, value) in enumerate(zip(cells, values)):
        if widths:
            cell.width = Cm(widths[i])
        if callable(value):
            value(cell)
        else:
            cell.text = ""
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = Pt(8.5)
    return cells


def text_cell(main: str, note: str = "", bold: bool = False):
    def fill(cell) -> None:
        cell.text = ""
        run = cell.paragraphs[0].add_run(main)
        run.font.size = Pt(8.5)
        run.bold = bold
        if note:
            small = cell.add_paragraph().add_run(note)
            small.font.size = Pt(7.5)
            small.font.color.rgb = GREY

    return fill


def status_run(paragraph, rating: str, label: str, size: float = 8.5) -> None:
    run = paragraph.add_run(f"{STATUS_SYMBOLS.get(rating, '○')} {label}")
    run.bold = True
    run.font.size = Pt(size)
    run.font.color.rgb = STATUS_COLOURS.get(rating, GREY)


def status_cell(rating: str | None, label: str, reason: str):
    def fill(cell) -> None:
        cell.text = ""
        if rating:
            status_run(cell.paragraphs[0], rating, label)
        else:
            cell.paragraphs[0].add_run("Not assessed").font.size = Pt(8.5)
        if reason:
            small = cell.add_paragraph().add_run(reason)
            small.font.size = Pt(7.5)
            small.font.color.rgb = GREY

    return fill


def icon_cell(kind: str, key: str | None, text: str):
    def fill(cell) -> None:
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if key:
            picture(p, icon_png(kind, key), Cm(0.7), text)
        else:
            p.add_run("–").font.size = Pt(8.5)

    return fill


METRIC_WIDTHS = [6.2, 1.9, 2.6, 1.6, 1.6, 4.1]


def metric_table(doc: Document, rows: list[MetricRow], caption: str, show_objectives: bool = True) -> None:
    t = table(doc, ["Metric", "Latest", "Target", "Variation", "Assurance", "Status"], METRIC_WIDTHS, caption)
    for m in rows:
        r = m.row
        objectives = ""
        if show_objectives and r.objectives:
            objectives = ("Objectives " if len(r.objectives) > 1 else "Objective ") + ", ".join(
                c for c, _ in r.objectives
            )
        add_row(
            t,
            [
                text_cell(
                    f"{r.code} {r.title}" + (" (to be confirmed)" if r.to_be_confirmed else ""), objectives, bold=True
                ),
                text_cell(r.latest_value, r.latest_period),
                r.target,
                icon_cell("variation", m.variation, r.variation_text),
                icon_cell("assurance", m.assurance, r.assurance_text),
                status_cell(r.status, r.status_label, r.reason),
            ],
            METRIC_WIDTHS,
        )


def facts(doc: Document, pairs: list[tuple[str, str]]) -> None:
    t = doc.add_table(rows=0, cols=2)
    for label, value in pairs:
        cells = t.add_row().cells
        cells[0].width, cells[1].width = Cm(3.6), Cm(14.2)
        run = cells[0].paragraphs[0].add_run(label)
        run.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = GREY
        cells[1].paragraphs[0].add_run(value).font.size = Pt(9)


def notes(doc: Document, items, empty: str) -> None:
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


def actions(doc: Document, items, caption: str, empty: str) -> None:
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


# --- the pack --------------------------------------------------------------------------------


def pack_docx(pack: Pack, progress: Progress = quiet) -> bytes:
    directorate = pack.unit is not None
    title = f"{pack.title}{': ' + pack.unit.name if directorate else ''}"
    doc = new_document(
        f"{title}, {pack.period.label}: {pack.subtitle}", f"{pack.plan.code} · {title} · {pack.period.label}"
    )

    progress.start("Writing the cover", total=1)
    org = doc.add_paragraph()
    run = org.add_run(pack.organisation)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), BLUE
    kind = doc.add_paragraph()
    kind.add_run(title).font.size = Pt(13)
    doc.add_heading(f"{pack.period.label} {'accountability review' if directorate else 'performance'}", level=0)
    doc.add_paragraph().add_run(pack.subtitle).font.size = Pt(14)
    cover = [
        ("Period", f"{pack.period.label}: {pack.period_text}"),
        (
            "Data",
            f"Judged with the data held up to {pack.period.end.day} {pack.period.end:%B %Y}; figures are for {pack.where}",
        ),
    ]
    if directorate:
        cover.append(("Unit", f"{pack.unit.name} ({pack.unit.get_kind_display().lower()})"))
    cover += [
        (
            "Plan",
            f"{pack.plan.code}, {pack.plan.period_label}"
            + (f", published {pack.plan.source_date}" if pack.plan.source_date else ""),
        ),
        ("Produced", f"{pack.produced} by goldenthread, from the plan and its data"),
    ]
    facts(doc, cover)
    doc.add_heading("Contents", level=1)
    contents = (
        ["Summary and scorecard", "Exceptions"]
        + (["The latest update and review"] if directorate else [])
        + [
            f"Objectives of {pack.unit.name}" if directorate else "Objectives",
            "Deliverables due or overdue",
            "Budget against spend",
            "Appendix: metric definitions",
        ]
    )
    for i, name in enumerate(contents, 1):
        doc.add_paragraph(f"{i}. {name}" if not name.startswith("Appendix") else name)
    progress.advance()

    # 1. summary
    page_break(doc)
    doc.add_heading("1. Summary and scorecard", level=1)
    glance = [
        f"{pack.exception_count} exception{'' if pack.exception_count == 1 else 's'}",
        f"{pack.overdue_count} deliverable{'' if pack.overdue_count == 1 else 's'} overdue",
    ]
    glance += [f"{n} objective{'' if n == 1 else 's'}: {label.lower()}" for _, label, n in pack.counts]
    for line in glance:
        doc.add_paragraph(line, style="List Bullet")
    if pack.scorecard:
        caption = (
            f"Metrics of {pack.unit.name}"
            if directorate
            else "The plan's scorecard measures"
            if pack.scorecard_is_headline
            else "All of the plan's metrics"
        )
        metric_table(doc, pack.scorecard, caption)
        muted(
            doc,
            f"Latest value for {pack.where} in the data held to the end of {pack.period.label}. Variation and "
            "assurance follow NHS England's Making Data Count: statistical process control (XmR) limits, the four "
            "special-cause rules and the target.",
        )
        icon_key_table(doc)
    else:
        doc.add_paragraph("No metrics.")

    # 2. exceptions
    page_break(doc)
    doc.add_heading("2. Exceptions", level=1)
    charted = [e for e in pack.exceptions if e.chart]
    progress.start("Drawing charts", total=len(charted))
    if not pack.exceptions:
        doc.add_paragraph(
            "Nothing needs attention: no trigger for mitigating action has fired, no metric shows a special "
            "cause of concern and no target will consistently be missed."
        )
    for i, e in enumerate(pack.exceptions):
        if i:
            page_break(doc)
        h = doc.add_heading(f"{e.code} {e.title} ", level=2)
        status_run(h, e.status, e.status_label, 11)
        for w in e.what:
            doc.add_paragraph(w[:1].upper() + w[1:], style="List Bullet")
        pairs = []
        if e.objectives:
            pairs.append(("Objectives" if len(e.objectives) > 1 else "Objective", "; ".join(e.objectives)))
        if e.directorates:
            pairs.append(("Directorate", ", ".join(e.directorates)))
        pairs.append(("Owner", e.owner or "No owner is named in the plan"))
        if e.metric:
            r = e.metric.row
            pairs += [
                ("Latest", f"{r.latest_value} ({r.latest_period})" if r.latest_period else r.latest_value),
                (f"Over {pack.period.label}", e.metric.period_value),
                ("Target", r.target),
                ("Variation", r.variation_text),
                ("Assurance", r.assurance_text),
            ]
        else:
            pairs.append(("Due", e.due or "No date given"))
        facts(doc, pairs)
        if e.chart:
            p = doc.add_paragraph()
            picture(p, charts.to_png(e.chart.spec, width=640, scale=2), Cm(17.0), e.chart.description)
            muted(doc, e.chart.description, 8)
            progress.advance()
        unit = e.metric.assessment.metric.unit if e.metric else ""
        for b in e.breakdowns:
            widths = [12.0, 5.8]
            t = table(
                doc,
                [b.title[3:].capitalize(), "Value"],
                widths,
                f"{e.title}: {b.title.lower()}, {b.period}" + (f" ({b.note})" if b.note else ""),
            )
            for label, v in b.rows:
                add_row(t, [label, ap.format_value(v, unit)], widths)
            add_row(
                t,
                [
                    text_cell("Gap between best and worst", bold=True),
                    text_cell(ap.format_value(b.gap, unit), bold=True),
                ],
                widths,
            )
        doc.add_heading("Commentary", level=3)
        notes(doc, e.commentary, f"No update commenting on this has been submitted for {pack.period.label} or earlier.")
        doc.add_heading("Agreed actions", level=3)
        actions(
            doc,
            e.actions,
            "Actions agreed at accountability reviews",
            "No actions have been agreed at an accountability review.",
        )

    n = 3
    if directorate:
        page_break(doc)
        doc.add_heading("3. The latest update and review", level=1)
        doc.add_heading("Update", level=2)
        notes(doc, pack.commentary, f"{pack.unit.name} has not submitted an update for {pack.period.label} or earlier.")
        doc.add_heading("Accountability review", level=2)
        if pack.review:
            r = pack.review
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
        else:
            muted(
                doc, f"No accountability review of {pack.unit.name} is recorded for {pack.period.label} or earlier.", 9
            )
        doc.add_heading("Actions", level=2)
        actions(doc, pack.actions, "Actions agreed at accountability reviews", "No actions have been agreed.")
        n = 4

    # objectives
    progress.start("Objectives", total=len(pack.objectives))
    page_break(doc)
    doc.add_heading(f"{n}. Objectives of {pack.unit.name}" if directorate else f"{n}. Objectives", level=1)
    if not pack.objectives:
        doc.add_paragraph("No objectives.")
    for o in pack.objectives:
        doc.add_heading(f"{o.code} {o.title}", level=2)
        p = doc.add_paragraph()
        if o.status:
            status_run(p, o.status.rating, o.status.label, 9.5)
            p.add_run(f" — {o.status.reason}").font.size = Pt(9)
        muted(
            doc,
            " · ".join(
                x
                for x in (
                    o.level,
                    o.directorate,
                    o.owner,
                    f"{o.activities} activit{'y' if o.activities == 1 else 'ies'}",
                )
                if x
            ),
        )
        if o.children:
            widths = [11.0, 6.8]
            t = table(doc, ["Objective", "Status"], widths, f"Objectives within {o.code}")
            for c in o.children:
                add_row(
                    t,
                    [
                        text_cell(("   " * (c.depth - 1)) + f"{c.code} {c.title}", c.level),
                        status_cell(
                            c.status.rating if c.status else None,
                            c.status.label if c.status else "",
                            c.status.reason if c.status else "",
                        ),
                    ],
                    widths,
                )
        if o.metrics:
            metric_table(doc, o.metrics, f"Metrics of {o.code}", show_objectives=False)
        else:
            muted(doc, "No metric measures this objective.")
        progress.advance()

    # deliverables
    page_break(doc)
    doc.add_heading(f"{n + 1}. Deliverables due or overdue", level=1)
    doc.add_paragraph(
        f"As at {pack.period.end.day} {pack.period.end:%B %Y}: deliverables past their due date and not "
        "reported complete, and those due in the following 30 days."
    )
    for state, heading, items in pack.deliverables:
        if not items:
            p = doc.add_paragraph()
            p.add_run(f"{heading}: ").bold = True
            p.add_run("none.")
            continue
        widths = [8.2, 3.8, 3.6, 2.2]
        t = table(doc, ["Deliverable", "Directorate and owner", "Due", "Reported"], widths, f"{heading} ({len(items)})")
        for d in items:
            add_row(
                t,
                [
                    text_cell(f"{d.code} {d.title}", d.objective),
                    "\n".join(x for x in (d.unit, d.owner) if x),
                    text_cell(d.due_text, d.when),
                    d.reported,
                ],
                widths,
            )

    # budget
    page_break(doc)
    doc.add_heading(f"{n + 2}. Budget against spend", level=1)
    p = doc.add_paragraph()
    p.add_run("No spend recorded. ").bold = True
    p.add_run(
        "goldenthread holds no actual spend yet, so the budget is shown as the plan sets it; totals are the sums "
        "of the lines"
        + ("" if directorate else ", and any total the plan prints is shown beside that sum with the difference")
        + "."
    )
    if not pack.budget.tables:
        doc.add_paragraph("No budget lines.")
    for b in pack.budget.tables:
        header = ["Directorate or line"] + [label for _, label in b.categories] + ["Budget", "Spend"]
        t = table(doc, header, None, f"Budget {b.period}, £ million")
        for row in b.rows:
            add_row(
                t,
                [row["name"]]
                + [money(row["amounts"][c]) if c in row["amounts"] else "–" for c, _ in b.categories]
                + [money(row["total"]), "not recorded"],
            )
        add_row(
            t,
            [text_cell("Total of the lines", bold=True)]
            + [text_cell(money(b.totals[c]), bold=True) for c, _ in b.categories]
            + [text_cell(money(b.grand_total), bold=True), "not recorded"],
        )
        if b.stated:
            t = table(
                doc,
                ["Printed total", "As printed", "Sum of lines", "Difference"],
                None,
                f"Totals printed in the plan against the sum of the lines they cover, {b.period}",
            )
            for s in b.stated:
                d = s["difference"]
                diff = (
                    f"lines exceed it by {money(d)}"
                    if d > 0
                    else f"lines fall short by {money(-d)}"
                    if d < 0
                    else "none"
                )
                add_row(t, [text_cell(s["title"], s["source"]), money(s["stated"]), money(s["computed"]), diff])
    if pack.budget.other_years:
        muted(
            doc, f"The plan also budgets for {', '.join(pack.budget.other_years)}; this pack shows {pack.budget.year}."
        )

    # appendix
    page_break(doc)
    doc.add_heading("Appendix: metric definitions", level=1)
    if not pack.definitions:
        doc.add_paragraph("No metrics.")
    for d in pack.definitions:
        doc.add_heading(f"{d.code} {d.title}", level=2)
        facts(doc, d.fields)

    progress.start("Writing the Word file", total=1)
    out = io.BytesIO()
    doc.save(out)
    progress.advance()
    return out.getvalue()


def summary_docx(s) -> bytes:
    doc = new_document(
        f"{s.plan.title}: the plan on two pages", f"{s.plan.code} · the plan on two pages · produced {s.produced}"
    )
    section = doc.sections[0]
    section.different_first_page_header_footer = False
    section.top_margin, section.bottom_margin = Cm(1.2), Cm(1.4)
    section.left_margin = section.right_margin = Cm(1.3)
    doc.styles["Normal"].font.size = Pt(9)
    org = doc.add_paragraph()
    run = org.add_run(s.organisation)
    run.bold, run.font.color.rgb = True, BLUE
    doc.add_heading(s.plan.title, level=0)
    doc.add_paragraph(
        f"The plan on two pages · {s.plan.period_label}"
        + (f" · published {s.plan.source_date}" if s.plan.source_date else "")
    )

    doc.add_heading("Purpose", level=1)
    for p in s.purpose or ["The plan states no purpose."]:
        doc.add_paragraph(p)

    doc.add_heading("The scorecard" if s.scorecard_is_headline else "How progress is measured", level=1)
    if s.scorecard:
        header = ["Priority", "Measure", "Target"] + (["Latest", "Status"] if s.has_data else [])
        widths = [5.0, 6.4, 3.0, 2.0, 2.0] if s.has_data else [6.2, 8.0, 4.2]
        t = table(doc, header, widths)
        for m in s.scorecard:
            r = m.row
            values = [
                "; ".join(title for _, title in r.objectives) or "–",
                text_cell(r.title + (" (to be confirmed)" if r.to_be_confirmed else ""), bold=True),
                r.target,
            ]
            if s.has_data:
                values += [text_cell(r.latest_value, r.latest_period), status_cell(r.status, r.status_label, "")]
            add_row(t, values, widths)
        if s.scorecard_more:
            muted(doc, f"And {s.scorecard_more} more metrics in the full plan.")
    else:
        muted(doc, "The plan defines no metrics.", 9)

    doc.add_heading("Priorities", level=1)
    for g in s.priorities:
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
    if s.units:
        p = doc.add_paragraph()
        p.add_run("Who delivers them: ").bold = True
        p.add_run("; ".join(f"{name} ({n})" for name, n in s.units) + ".")

    doc.add_heading("Key deliverables", level=1)
    if s.deliverables:
        widths = [9.0, 4.4, 3.0, 2.0]
        t = table(
            doc,
            ["Deliverable", "Owner", "Due", "Reported"],
            widths,
            f"The plan's {s.deliverables_kind}, soonest due first",
        )
        for d in s.deliverables:
            add_row(t, [f"{d.code} {d.title}", d.owner, d.due, d.status], widths)
        if s.deliverables_more:
            muted(doc, f"And {s.deliverables_more} more in the full plan.")
    else:
        muted(doc, "The plan lists no deliverables.", 9)

    doc.add_heading("Budget", level=1)
    for b in s.budget:
        p = doc.add_paragraph()
        p.add_run(f"{b.period}: {money(b.total)}").bold = True
        text = f" in {b.lines} budget line{'' if b.lines == 1 else 's'}"
        if b.categories:
            text += ": " + ", ".join(f"{label.lower()} {money(amount)}" for label, amount in b.categories)
        text += "."
        if b.differing:
            text += f" {b.differing} of the {b.printed} totals the plan prints differ from the sum of their lines."
        elif b.printed:
            text += f" The {b.printed} total{'' if b.printed == 1 else 's'} the plan prints agree{'s' if b.printed == 1 else ''} with the lines."
        p.add_run(text)
    if s.budget:
        muted(doc, "No spend recorded: goldenthread holds no actual spend yet. Totals are the sums of the lines.")
    else:
        muted(doc, "The plan sets out no budget.", 9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
