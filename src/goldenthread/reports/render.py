"""Packs to HTML and PDF: one standalone Jinja2 environment (autoescaped), CSS and charts inlined so
the HTML file opens anywhere, and WeasyPrint to turn that same HTML into the PDF.

Charts are the Vega-Lite specifications the web pages draw, rendered to SVG on the server by
:func:`goldenthread.reports.charts.to_svg`; their own accessibility markup (a label per point) is
replaced by one text alternative for the whole chart, which reads better in a document.

The PDF is tagged PDF/UA-1 (:data:`PDF_OPTIONS`): a structure tree of the pack's headings, lists and
tables (header cells linked to their data cells), its title as the document's title, its language
(``en-GB``), and each chart a Figure whose alternative text is the chart's summary (the SVG's
``<title>``, which WeasyPrint takes as the Figure's ``/Alt``). Decoration is drawn as CSS
backgrounds and borders, which WeasyPrint marks as artefacts: the icon key's icons sit beside their
words, so they are backgrounds (:func:`key_icon_css`), not figures. WeasyPrint 70 marks the running
footer (page margin boxes) as content outside the structure tree rather than as artefacts; it
cannot yet do otherwise in PDF 1.7.

WeasyPrint fetches nothing a pack does not need: :class:`PackFetcher` allows ``data:`` URIs and the
application's own static files (``/static/…``, found by Django's static-file finders) and refuses
everything else — ``file:`` paths, ``http:``, ``https:`` — with a logged warning, so markup that
ever reached a pack could not read the server's disk or call another host.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from weasyprint.urls import URLFetcher, URLFetcherResponse

from goldenthread.formatting import money
from goldenthread.pagecache import drawings
from goldenthread.presenters import assurance as ap
from goldenthread.presenters import icons
from goldenthread.reports import charts

TEMPLATES = Path(__file__).parent / "templates"
logger = logging.getLogger(__name__)

#: NHS.UK tag colours for each rating (goldenthread.presenters.plan.STATUS_COLOURS names them)
STATUS_CLASSES = {
    "concern": "tag-red",
    "at_risk": "tag-orange",
    "no_data": "tag-grey",
    "on_track": "tag-green",
    "complete": "tag-blue",
}

CHART_WIDTH = 640

#: WeasyPrint's options for every pack: tagged PDF/UA-1 (a structure tree, MarkInfo, the document's
#: language and title, DisplayDocTitle, the PDF/UA identification in its XMP metadata)
PDF_OPTIONS: dict[str, object] = {"pdf_variant": "pdf/ua-1"}


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
        css=lambda: Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")) + key_icon_css(),
    )
    return env


_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)


@lru_cache(maxsize=1)
def key_icon_css() -> Markup:
    """CSS giving each entry of the icon key (``class="key-variation-common_cause"`` …) its icon as a
    background: the words beside it say what it means, so it is decoration — an artefact in the
    tagged PDF, no figure with the same words again — and the table cells' icons stay figures."""
    rules = []
    for kind, draw, keys in (
        ("variation", icons.variation_icon, icons.VARIATION),
        ("assurance", icons.assurance_icon, icons.ASSURANCE),
    ):
        for key in keys:
            svg = _TITLE.sub("", _ARIA.sub("", str(draw(key, 44))))
            data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            rules.append(f'.key-{kind}-{key} {{ background-image: url("data:image/svg+xml;base64,{data}"); }}')
    return Markup("\n" + "\n".join(rules) + "\n")


@lru_cache(maxsize=512)
def _svg(spec_text: str, width: int) -> str:
    """A chart drawn from its specification, drawn once for every process and server (kept in the
    database: :mod:`goldenthread.pagecache.drawings`) and held by each process once read: a function
    of the specification alone (a board pack at national scale draws tens of the charts the last
    pack drew)."""
    return drawings.drawn(spec_text, width, lambda: charts.to_svg(json.loads(spec_text), width=width))


def chart_svg(spec: dict, description: str, width: int = CHART_WIDTH) -> Markup:
    """The chart as inline SVG with one text alternative (``role="img"``, a title and a label)."""
    svg = _svg(json.dumps(spec, sort_keys=True), width)
    svg = svg[svg.index("<svg") :]
    svg = _ARIA.sub("", svg)
    label = escape(description)
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(
        r'\swidth="(\d+)" height="(\d+)"', r' width="\1" height="\2" preserveAspectRatio="xMinYMin meet"', head, count=1
    )
    head = re.sub(r'\sclass="[^"]*"', "", head, count=1)  # one class attribute: a second would be ignored
    return Markup(f'{head} role="img" aria-label="{label}" class="chart"><title>{label}</title>{svg[head_end + 1 :]}')


def render_html(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    return pdf_and_pages(html)[0]


def pdf_and_pages(html: str) -> tuple[bytes, int]:
    """The PDF, and how many pages it has."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=PackFetcher()).render()
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def static_file(url: str) -> Path | None:
    """The application's static file a pack's URL names, or None.

    Only ``/static/NAME`` (which WeasyPrint sees as ``file:///static/NAME``, relative to the pack),
    with NAME free of ``..`` and found by Django's static-file finders: never another path."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    if parts.scheme != "file" or parts.netloc or not parts.path.startswith(prefix):
        return None
    name = unquote(parts.path[len(prefix) :])
    if not name or "\\" in name or posixpath.normpath(name) != name or name.startswith(("/", "..")):
        return None
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


class PackFetcher(URLFetcher):
    """WeasyPrint's fetcher for packs: ``data:`` URIs and the application's static files, nothing else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = static_file(url)
        if path is None:
            logger.warning(
                "A pack asked for %s; refused: packs may use only data: URIs and the application's static files",
                url[:300],
            )
            raise ValueError(f"refused to fetch {url[:300]}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})
