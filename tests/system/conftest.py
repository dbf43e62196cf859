"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every page runs under the application's Content-Security-Policy; a test fails on any violation,
whether the page reports it (a ``securitypolicyviolation`` event) or only the console says so.
Every browser context is watched for requests to a host other than its live server: a test fails
on any (:func:`outside_requests`)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from ..conftest import PROJECT

SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots"
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


# Runs in every document before the page's own scripts (Playwright adds it outside the page's CSP).
_WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (e) => window.__gtCspViolation({
  page: document.location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
  source: e.sourceFile + ":" + e.lineNumber, sample: e.sample,
}));
"""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class OutsideRequests:
    """The requests a test's pages made to a host other than their live server (the origin their
    browser context was opened on, its ``base_url``); ``about:``, ``data:`` and ``blob:`` are fine."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: set[str] = set()

    def allow(self, url: str) -> None:
        """Let this test's pages also reach ``url``'s origin (a stand-in for an outside service)."""
        self.allowed.add(_origin(url))

    def record(self, url: str, home: str) -> None:
        if url.split(":", 1)[0].lower() not in ("about", "data", "blob") and _origin(url) not in {home, *self.allowed}:
            self.seen.append(url)

    def check(self) -> None:
        assert not self.seen, "Requests to a host other than the live server:\n" + "\n".join(self.seen)


_RECORDERS: list[OutsideRequests] = []  # the running test's (:func:`outside_requests`)


def _watch_requests(context, base_url: str | None) -> None:
    home = _origin(base_url or "")
    context.on("request", lambda request: _RECORDERS[-1].record(request.url, home) if _RECORDERS else None)


@pytest.fixture(scope="session")
def browser(browser):
    """The session's Chromium (tests/conftest.py), every context it opens watched for requests to
    another host (:func:`outside_requests`)."""
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(**options):
        context = new_context(**options)
        _watch_requests(context, options.get("base_url"))
        return context

    def watched_new_page(**options):
        page = new_page(**options)
        _watch_requests(page.context, options.get("base_url"))
        return page

    browser.new_context, browser.new_page = watched_context, watched_new_page
    yield browser
    browser.new_context, browser.new_page = new_context, new_page


@pytest.fixture(autouse=True)
def outside_requests():
    """What this test's pages asked of a host other than the live server; the test fails on any."""
    recorder = OutsideRequests()
    _RECORDERS.append(recorder)
    yield recorder
    _RECORDERS.remove(recorder)
    recorder.check()


@pytest.fixture
def csp_violations():
    """What the pages of a test did against the Content-Security-Policy; the test fails on any."""
    found: list[str] = []
    yield found
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


def watched_page(browser, live_server, csp_violations):
    """A page in a browser context of its own (a person of its own), every document in it watched
    for Content-Security-Policy violations; close it with ``page.context.close()``."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.expose_binding("__gtCspViolation", lambda source, v: csp_violations.append(json.dumps(v)))
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    page.on(
        "console",
        lambda m: csp_violations.append(f"console: {m.text}") if "Content Security Policy" in m.text else None,
    )
    page.set_default_timeout(15000)
    return page


def signed_in_page(browser, live_server, csp_violations, username: str, password: str):
    """A watched page (:func:`watched_page`) of ``username``, signed in and on My work."""
    from playwright.sync_api import expect

    page = watched_page(browser, live_server, csp_violations)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    return page


@pytest.fixture
def sign_in(browser, live_server, csp_violations):
    """``sign_in(username, password)``: a person signed in (:func:`signed_in_page`), each in a browser
    context of their own, closed at the end of the test."""
    pages = []

    def open_as(username: str, password: str):
        pages.append(signed_in_page(browser, live_server, csp_violations, username, password))
        return pages[-1]

    yield open_as
    for page in pages:
        page.context.close()


@pytest.fixture
def page(browser, live_server, csp_violations):
    page = watched_page(browser, live_server, csp_violations)
    yield page
    page.context.close()


def started(component):
    """``component`` (a locator of an element with ``data-module``) once the NHS.UK script has started
    it (nhsuk-frontend marks each it starts ``data-<module>-init``). The page is visible before its
    module script has run, most of all on a busy machine: act on a component before, and the click
    meets the browser's default (an error summary's link only scrolls to the field, focusing nothing)."""
    from playwright.sync_api import expect

    module = component.get_attribute("data-module")
    assert module, "not an NHS.UK component (no data-module)"
    expect(component).to_have_attribute(f"data-{module}-init", "")
    return component


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


#: axe-core's rules of WCAG 2.2 AA (with those of 2.0 and 2.1 it builds on), and every impact
WCAG22AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def axe_violations(page, *, impacts=("serious", "critical"), tags: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the page: of the rules with ``tags`` (every rule when none), each with
    its first five nodes (selector and markup)."""
    # evaluated by Playwright, outside the page's Content-Security-Policy (an inline <script> would break it);
    # already there when the context adds it to every document (``context.add_init_script(path=AXE)``)
    if not page.evaluate("() => typeof axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options: dict = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": list(tags)}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [[*n["target"], n["html"][:200]] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    """No violation of axe-core's WCAG 2.2 AA rules, of any impact (as the crawl checks every page type)."""
    violations = axe_violations(page, impacts=EVERY_IMPACT, tags=WCAG22AA)
    assert not violations, json.dumps(violations, indent=2)
