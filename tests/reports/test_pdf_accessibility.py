"""Issue 19: the PDF packs are tagged PDF/UA-1 and every chart in them has its summary as alternative
text; packs fetch nothing from another host.

The packs of real seed plans — nhsi-2016's board pack on the real A&E data (a chart and a funnel plot),
nhsei-2019's Medical directorate pack with the demo cycle's update, review and actions, the plan on
two pages — and the factory plan's North directorate pack (a chart), each read back with pikepdf
(:mod:`.pdf_structure`) and checked again by the ``pdfua`` checker from PyPI.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pdfua
import pytest
from django.contrib.auth import get_user_model
from weasyprint import HTML

from goldenthread.cycles.demo import load_cycle_demo
from goldenthread.demo import DEMO_ACCOUNTS
from goldenthread.planfile import validate_file
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters import icons
from goldenthread.reports import render
from goldenthread.reports.board import board_pack
from goldenthread.reports.directorate import directorate_pack, find_unit
from goldenthread.reports.documents import pack_html, render_pack, render_summary
from goldenthread.reports.pack import Pack
from goldenthread.reports.summary import plan_summary

from ..conftest import PROJECT
from . import pdf_structure
from .conftest import AE_PERIOD, PERIOD

pytestmark = pytest.mark.django_db

ICON_LABELS = {label for label, _, _ in [*icons.VARIATION.values(), *icons.ASSURANCE.values()]}

#: pdfua 0.1.3's empty-heading rule stops on pikepdf 10's arrays; pdf_structure checks the headings
PDFUA_RULES_THAT_CANNOT_RUN = {"UA-14-001"}


def pack_title(pack: Pack) -> str:
    return f"{pack.title}: {pack.subtitle}, {pack.period.label}"


def chart_summaries(pack: Pack) -> list[str]:
    """The summary the HTML pack writes under each chart, in the pack's order."""
    found = []
    for e in pack.exceptions:
        found += [e.chart.description] if e.chart else []
        found += [e.funnel.description] if e.funnel else []
    return found


def checked(data: bytes, title: str, tmp_path) -> pdf_structure.Tagged:
    """The PDF read back, after asserting it is tagged PDF/UA-1 by both checkers."""
    tagged = pdf_structure.read(data)
    assert pdf_structure.problems(tagged, title) == []
    # WeasyPrint 70 tags the running footer (the page's margin boxes: the running title and "Page N of M")
    # outside the structure tree instead of as artefacts; nothing else is left out of the tree
    per_page: dict[int, int] = {}
    for page, _ in tagged.outside_tree:
        per_page[page] = per_page.get(page, 0) + 1
    assert all(n <= 2 for n in per_page.values()), per_page
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    report = pdfua.validate(str(path))
    certain = [
        (f.rule_id, f.message, f.location.describe())
        for f in report.findings
        if f.confidence is pdfua.Confidence.CERTAIN or f.severity is pdfua.Severity.ERROR
    ]
    assert certain == []
    assert {o.rule_id for o in report.outcomes if o.skipped_reason} <= PDFUA_RULES_THAT_CANNOT_RUN
    return tagged


def figure_alts(tagged: pdf_structure.Tagged) -> tuple[list[str], list[str]]:
    """(charts' alternative texts, icons' alternative texts) of the document's figures, in order."""
    alts = [f.alt or "" for f in tagged.elements("/Figure")]
    return [a for a in alts if a not in ICON_LABELS], [a for a in alts if a in ICON_LABELS]


def test_board_pack_on_the_ae_data_is_tagged_with_each_charts_summary(ae_plan, tmp_path):
    pack = board_pack(ae_plan, AE_PERIOD)
    summaries = chart_summaries(pack)
    assert len(summaries) >= 2 and any("Funnel plot" in s for s in summaries)  # the chart and the funnel plot
    html = pack_html(pack)  # what render_pack(pack, "pdf") writes with html_to_pdf
    tagged = checked(render.html_to_pdf(html), pack_title(pack), tmp_path)
    charts, icon_alts = figure_alts(tagged)
    assert charts == summaries
    # the icons alone in the metric tables' cells are figures named by their meaning; the icon key's
    # stand beside their words and are decoration, drawn as backgrounds: no figure
    assert len(icon_alts) == html.count('class="gt-icon"') > 0
    roles = {e.role for e in tagged.root.walk()}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI", "/Caption", "/Link"} <= roles


def test_directorate_packs_are_tagged(plan, tmp_path):
    """The factory plan's North (an exception with its chart) and seed nhsei-2019's Medical with the demo
    cycle's update, review and actions."""
    north = directorate_pack(plan, find_unit(plan, "north"), PERIOD)
    assert chart_summaries(north)
    tagged = checked(render_pack(north, "pdf"), pack_title(north), tmp_path)
    assert figure_alts(tagged)[0] == chart_summaries(north)

    result = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    load_plan(result.plan)
    for username in DEMO_ACCOUNTS:
        get_user_model().objects.get_or_create(username=username)
    load_cycle_demo(io.StringIO())
    seed = m.Plan.objects.get(code="nhsei-2019")
    medical = directorate_pack(seed, find_unit(seed, "medical"), parse_period("2019/20 Q1"))
    assert medical.review is not None and medical.actions
    tagged = checked(render_pack(medical, "pdf"), pack_title(medical), tmp_path)
    assert figure_alts(tagged)[0] == chart_summaries(medical)


@pytest.mark.parametrize("code, period", [("nhsi-2016", "2016/17 Q4"), ("dh-2014", "2014/15 Q4")])
def test_the_plan_on_two_pages_is_tagged(code, period, tmp_path):
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    summary = plan_summary(m.Plan.objects.get(code=code), parse_period(period))
    tagged = checked(render_summary(summary, "pdf"), f"{summary.plan.title}: the plan on two pages", tmp_path)
    assert {"/H1", "/H2", "/Table", "/TH"} <= {e.role for e in tagged.root.walk()}


def test_the_checker_finds_an_untagged_pdf_and_a_chart_without_alternative_text(plan):
    """The checks can fail: WeasyPrint's PDF without the options, and a tagged one whose chart lost its title."""
    pack = board_pack(plan, PERIOD)
    html = pack_html(pack)
    untagged = HTML(string=html, base_url=str(render.TEMPLATES), url_fetcher=render.PackFetcher()).write_pdf()
    assert pdf_structure.problems(pdf_structure.read(untagged), pack_title(pack)) == [
        "no structure tree (/StructTreeRoot)"
    ]
    untitled = re.sub(r'(class="chart">)<title>.*?</title>', r"\1", html, count=1, flags=re.S)
    found = pdf_structure.problems(pdf_structure.read(render.html_to_pdf(untitled)), "Another title")
    assert found[0] == f"the title is {pack_title(pack)!r}, not 'Another title'"
    assert len(found) == 2 and re.fullmatch(r"a Figure on page \d+ has no alternative text", found[1]), found


class Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


@pytest.fixture
def other_host():
    """A web server on loopback standing for any other host: the address, and the paths asked of it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def test_a_pack_fetches_nothing_from_another_host(plan, other_host, caplog):
    """Markup naming http(s) and file URLs in a real pack's HTML: the PDF is still made, and nothing is
    fetched (WeasyPrint's own fetcher, given the same markup, does fetch it: the server sees requests)."""
    address, requests = other_host
    hostile = (
        f'<link rel="stylesheet" href="{address}/linked.css">'
        f"<style>@import url('{address}/imported.css'); "
        f"@font-face {{ font-family: Remote; src: url('{address}/font.woff2'); }} "
        f"h1 {{ font-family: Remote; background: url('{address}/background.png'); }}</style>"
    )
    body = f'<img src="{address}/picture.png" alt="A picture"><img src="file:///etc/hostname" alt="A file">'
    html = pack_html(board_pack(plan, PERIOD)).replace("</head>", hostile + "</head>", 1)
    html = html.replace("<main>", "<main>" + body, 1)
    with caplog.at_level(logging.WARNING, logger="goldenthread.reports.render"):
        data = render.html_to_pdf(html)
    assert data.startswith(b"%PDF") and requests == []
    refused = " ".join(r.getMessage() for r in caplog.records if r.name == "goldenthread.reports.render")
    for url in (f"{address}/linked.css", f"{address}/picture.png", "file:///etc/hostname"):
        assert f"A pack asked for {url}; refused" in refused
    HTML(string=f"<html><head>{hostile}</head><body><h1>x</h1>{body}</body></html>").write_pdf()
    assert "/picture.png" in requests and "/linked.css" in requests
