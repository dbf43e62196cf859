"""Shared fixtures. The database is whatever DATABASE_URL names: SQLite or PostgreSQL."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
EXAMPLE = FIXTURES / "example.yaml"

# Generated-input tests try the same examples on every run ("suite"), so `make test` passes or fails
# for the code, not for the draw; HYPOTHESIS_PROFILE=explore draws new ones on every run (and
# keeps what fails in .hypothesis/ to try first next time).
hypothesis_settings.register_profile("suite", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def example_plan():
    from goldenthread.planfile import validate_file

    result = validate_file(EXAMPLE)
    assert result.ok, result.problems
    return result.plan


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


#: how often a signed-in session's and an API token's last use is recorded in tests (the product:
#: once a minute). A test that counts a page's queries twice (no N+1) could otherwise meet the
#: minute between the two and count the session's save (three queries) on a busy machine. Still
#: under the 29 minutes tests/security/test_signin.py moves a session's last use back by.
TOUCH_EVERY_IN_TESTS = 15 * 60


@pytest.fixture(autouse=True)
def _steady_touches(monkeypatch):
    """Sessions and API tokens record their last use at most every :data:`TOUCH_EVERY_IN_TESTS`."""
    from goldenthread.accounts import api_tokens, sessions

    monkeypatch.setattr(sessions, "TOUCH_EVERY", TOUCH_EVERY_IN_TESTS)
    monkeypatch.setattr(api_tokens, "TOUCH_EVERY", TOUCH_EVERY_IN_TESTS)


@pytest.fixture(autouse=True)
def _no_command_line_operator():
    """A command run in-process (``main([...])``) names its operating-system user as the audit
    trail's "who" for the rest of the process; each test starts and ends without one."""
    yield
    from goldenthread.audit import records

    records.set_operator("")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "one_database: checks what the pages show, not how the database holds it (the accessibility crawl and the "
        "reflow test over every page type): run on SQLite and left out of the PostgreSQL run, to keep the suite's time",
    )


#: how often a browser test that fails is run again before it counts as failed (pytest-rerunfailures;
#: the run's summary lists each rerun, so a test that needed one is seen and mended, not hidden)
BROWSER_RERUNS = 1


def pytest_collection_modifyitems(config, items):
    """A browser test (in tests/system, or marked ``system``) is run once more when it fails: a
    real Chromium on a shared two-core machine now and then misses a deadline its page would meet.
    On PostgreSQL, leave out the tests marked ``one_database`` (reported as deselected)."""
    for item in items:
        if (item.get_closest_marker("system") or "system" in item.path.parts) and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    left = [item for item in items if item.get_closest_marker("one_database")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("one_database")]
