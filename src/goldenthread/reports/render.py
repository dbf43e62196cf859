"""Packs to HTML and PDF: one standalone Jinja2 environment (autoescaped), CSS and charts inlined so
the HTML file opens anywhere, and WeasyPrint to turn that same HTML into the PDF.

Charts are the Vega-Lite specifications the web pages draw, rendered to SVG on the server by
:func:`goldenthread.reports.charts.to_svg`; their own accessibility markup (a label per point) is
replaced by one text alternative for the whole chart, which reads better in a document.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from goldenthread.formatting import money
from goldenthread.presenters import assurance as ap
from goldenthread.presenters import icons
from goldenthread.reports import charts

TEMPLATES = Path(__file__).parent / "templates"

#: NHS.UK tag colours for each rating (goldenthread.presenters.plan.STATUS_COLOURS names them)
STATUS_CLASSES = {
    "concern": "tag-red",
    "at_risk": "tag-orange",
    "no_data": "tag-grey",
    "on_track": "tag-green",
    "complete": "tag-blue",
}

CHART_WIDTH = 640


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    env.filters["value"] = ap.format_value
    env.globals.update(
        status_class=lambda rating: STATUS_CLASSES.get(rating or "", "tag-grey"),
        variation_icon=icons.variation_icon,
        assurance_icon=icons.assurance_icon,
        variation_text=icons.variation_text,
        assurance_text=icons.assurance_text,
        css=lambda: Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
    )
    return env


_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def chart_svg(spec: dict, description: str, width: int = CHART_WIDTH) -> Markup:
    """The chart as inline SVG with one text alternative (``role="img"``, a title and a label)."""
    svg = charts.to_svg(spec, width=width)
    svg = svg[svg.index("<svg") :]
    svg = _ARIA.sub("", svg)
    label = escape(description)
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(
        r'\swidth="(\d+)" height="(\d+)"', r' width="\1" height="\2" preserveAspectRatio="xMinYMin meet"', head, count=1
    )
    return Markup(f'{head} role="img" aria-label="{label}" class="chart"><title>{label}</title>{svg[head_end + 1 :]}')


def render_html(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    return pdf_and_pages(html)[0]


def pdf_and_pages(html: str) -> tuple[bytes, int]:
    """The PDF, and how many pages it has."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    return document.write_pdf(), len(document.pages)
