"""A pack in the format asked for: HTML (self-contained), PDF (WeasyPrint from that HTML) or Word."""

from __future__ import annotations

from goldenthread.progress import Progress, quiet
from goldenthread.reports.pack import Pack, icon_key
from goldenthread.reports.render import chart_svg, html_to_pdf, pdf_and_pages, render_html
from goldenthread.reports.summary import Summary, plan_summary

FORMATS = ("pdf", "docx", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def pack_html(pack: Pack, progress: Progress = quiet) -> str:
    charted = [(e.code, e.chart) for e in pack.exceptions if e.chart]
    progress.start("Drawing charts", total=len(charted))
    charts = {}
    for code, chart in charted:
        charts[code] = chart_svg(chart.spec, chart.description)
        progress.advance()
    funnels = {e.code: chart_svg(e.funnel.spec, e.funnel.description) for e in pack.exceptions if e.funnel}
    progress.start("Laying out", total=1)
    html = render_html("board.html", pack=pack, charts=charts, funnels=funnels, key=icon_key())
    progress.advance()
    return html


def render_pack(pack: Pack, fmt: str, progress: Progress = quiet) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"'{fmt}' is not a pack format; choose one of {', '.join(FORMATS)}")
    if fmt == "docx":
        from goldenthread.reports.word.pack import pack_docx

        return pack_docx(pack, progress)
    html = pack_html(pack, progress)
    if fmt == "html":
        return html.encode("utf-8")
    progress.start("Writing the PDF", total=1)
    pdf = html_to_pdf(html)
    progress.advance()
    return pdf


def render_summary(summary: Summary, fmt: str, progress: Progress = quiet) -> bytes:
    """The summary in ``fmt``. A PDF that runs past two pages is laid out again with tighter
    limits on its lists (each list says how many more the full plan holds)."""
    if fmt not in FORMATS:
        raise ValueError(f"'{fmt}' is not a summary format; choose one of {', '.join(FORMATS)}")
    progress.start("Laying out", total=1)
    if fmt == "docx":
        from goldenthread.reports.word.summary import summary_docx

        data = summary_docx(summary)
        progress.advance()
        return data
    html = render_html("summary.html", s=summary)
    progress.advance()
    if fmt == "html":
        return html.encode("utf-8")
    progress.start("Writing the PDF", total=1)
    for _ in range(4):
        pdf, pages = pdf_and_pages(html)
        if pages <= 2:
            break
        summary = plan_summary(summary.plan, summary.as_at, today=summary.today, limits=summary.limits.tighter())
        html = render_html("summary.html", s=summary)
    progress.advance()
    return pdf
