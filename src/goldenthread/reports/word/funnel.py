"""A metric's funnel plot in the Word pack: the picture drawn from the metric page's specification,
what it means, and the units outside the limits (the 25 furthest out; the metric page lists all),
as the HTML pack has them (reports/templates/_funnel.html)."""

from __future__ import annotations

from docx.document import Document
from docx.shared import Cm

from goldenthread.presenters import assurance as ap
from goldenthread.presenters.funnel import FunnelView
from goldenthread.reports import charts
from goldenthread.reports.word.document import add_row, muted, picture, table

SHOWN = 25  # as the HTML pack


def funnel_section(doc: Document, title: str, f: FunnelView) -> None:
    p = doc.add_paragraph()
    picture(p, charts.to_png(f.spec, width=640, scale=2), Cm(17.0), f.description)
    muted(doc, f.description, 8)
    doc.add_paragraph(" ".join([f.dispersion_text, *f.notes]))
    if not f.outside:
        doc.add_paragraph("Every unit lies within the funnel plot's 95% limits.")
        return
    more = f" (the {SHOWN} furthest out of {len(f.outside)}; the metric page lists them all)"
    caption = f"{title}: units outside the funnel plot's limits, {f.period}" + (more if len(f.outside) > SHOWN else "")
    widths = [6.0, 2.6, 2.6, 2.6, 4.0]
    t = table(doc, ["Unit", "Value", "Count", "Size", "Outside"], widths, caption)
    for o in f.outside[:SHOWN]:
        cells = [o.name, ap.format_value(o.value, f.unit), f"{o.numerator:,.0f}", f"{o.denominator:,.0f}"]
        add_row(t, [*cells, f"{o.side.capitalize()} the {o.limit} limit"], widths)
