"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every page runs under the application's Content-Security-Policy; a test fails on any violation,
whether the page reports it (a ``securitypolicyviolation`` event) or only the console says so."""

from __future__ import annotations

import json

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


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    # evaluated by Playwright, outside the page's Content-Security-Policy (an inline <script> would break it)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=2)
