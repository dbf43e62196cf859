"""Finding 8 of issue 12: Content-Security-Policy, no caching of signed-in pages and downloads, chart
data embedded safely, and a PDF renderer that fetches nothing but data: URIs and its own static files."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import logging
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from ..factories import PLAN_WITH_DATA, plan_with_data

pytestmark = pytest.mark.django_db

HOSTILE_UNIT = "<!--<script>"
HOSTILE_TITLE = "Four-hour </script><script>window.pwned = 1</script> <!--<script>"


def hostile_plan():
    """The test plan with a unit and a metric whose names would break out of a script element."""
    text = PLAN_WITH_DATA.replace("name: England", f"name: {json.dumps(HOSTILE_UNIT)}").replace(
        "title: Four-hour performance", f"title: {json.dumps(HOSTILE_TITLE)}"
    )
    return plan_with_data(text)


@pytest.fixture
def reader(client):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_every_page_has_a_strict_content_security_policy(client):
    policy = directives(client.get("/accounts/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["style-src"] == ["'self'"]
    scripts = policy["script-src"]
    assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:])
    assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & {s for v in policy.values() for s in v}


def test_every_inline_script_on_a_page_is_allowed_by_a_hash(reader):
    """The NHS.UK template's one-line script and the chart page's import map, and nothing else inline."""
    plan_with_data()
    response = reader.get("/plans/t/metrics/FOUR/?as_at=2017/18 Q4")
    allowed = set(directives(response)["script-src"])
    inline = [
        m.group(2)
        for m in re.finditer(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S)
        if "src=" not in m.group(1) and 'type="application/json"' not in m.group(1)
    ]
    assert len(inline) == 2
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, text


def test_signed_in_pages_and_downloads_are_not_cached(reader):
    plan_with_data()
    for url in ("/", "/plans/t/", "/plans/t/metrics/FOUR/?as_at=2017/18 Q4"):
        assert reader.get(url)["Cache-Control"] == "private, no-store", url
    for fmt in ("csv", "xlsx"):
        response = reader.get(f"/plans/t/metrics/FOUR/?as_at=2017/18 Q4&format={fmt}")
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private, no-store"


def test_public_pages_and_static_files_keep_normal_caching(client):
    response = client.get("/public/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
    response = client.get("/static/goldenthread/goldenthread.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_a_download_is_never_cached_even_for_an_anonymous_visitor(rf):
    from goldenthread.web.headers import NoStoreMiddleware

    def download(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    request = rf.get("/x")
    request.user = AnonymousUser()
    assert NoStoreMiddleware(download)(request)["Cache-Control"] == "private, no-store"


def embedded_chart(page: str) -> str:
    match = re.search(r'<script[^>]*\sid="spc-spec"[^>]*>(.*?)</script>', page, re.S)
    assert match, "the chart data is not in its own script element"
    return match.group(1)


def test_chart_data_survives_hostile_names(reader):
    """A unit named <!--<script> would put the HTML parser in its escaped state and swallow the page."""
    hostile_plan()
    page = reader.get("/plans/t/metrics/FOUR/?as_at=2017/18 Q4").content.decode()
    data = embedded_chart(page)
    assert not set("<>&") & set(data), "markup characters must be escaped inside the script element"
    spec = json.loads(data)
    title = spec["title"]["text"]  # in lines that fit a narrow screen, broken between words
    assert " ".join(title) == f"{HOSTILE_TITLE} — {HOSTILE_UNIT}"


# --- the PDF renderer's URL fetcher ---------------------------------------------------------------

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's spelling)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_server():
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Counting.hits
    server.shutdown()
    server.server_close()


def images_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype\s*/Image", pdf))


def test_pack_renderer_fetches_only_data_uris_and_its_own_static_files(tmp_path, image_server, caplog):
    from goldenthread.planfile.periods import parse_period
    from goldenthread.reports.board import board_pack
    from goldenthread.reports.documents import pack_html
    from goldenthread.reports.render import html_to_pdf

    base, hits = image_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    hostile = (
        f'<img src="file://{secret}" alt="a"><img src="file:///etc/passwd" alt="b">'
        f'<img src="{base}/tracker.png" alt="c"><img src="http://example.invalid/x.png" alt="d">'
        '<img src="/static/../../../../etc/passwd" alt="e">'
        f'<div style="background: url({base}/background.png)">x</div>'
    )
    html = pack_html(board_pack(plan_with_data(), parse_period("2017/18 Q4")))
    baseline = images_in(html_to_pdf(html))
    with caplog.at_level(logging.WARNING):
        pdf = html_to_pdf(html.replace("</body>", hostile + "</body>"))
    assert hits == [], "the renderer fetched over HTTP"
    assert images_in(pdf) == baseline, "the renderer embedded a file from the disk"
    refused = [r.getMessage() for r in caplog.records if r.name == "goldenthread.reports.render"]
    for url in (str(secret), "/etc/passwd", f"{base}/tracker.png", "http://example.invalid/x.png", "background"):
        assert any(url in message for message in refused), (url, refused)

    caplog.clear()
    for allowed in (
        f"data:image/png;base64,{base64.b64encode(PNG).decode()}",
        "/static/nhsuk/assets/images/nhsuk-icon-180.png",
    ):
        pdf = html_to_pdf(html.replace("</body>", f'<img src="{allowed}" alt="allowed"></body>'))
        assert images_in(pdf) > baseline, allowed
    assert not [r for r in caplog.records if r.name == "goldenthread.reports.render"]
