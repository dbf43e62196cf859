"""Every page type as each role that may see it (and anonymous for the public pages), and every form
in its error state, through axe-core's WCAG 2.2 AA rules in Chromium: no violation of any impact.

The demo content is loaded once for the module (:func:`pages_catalogue.demo_site`), one live
server and one browser serve every page, and each demo account signs in once; the pages of the
crawl are in tests/system/pages_catalogue.py. A page is checked after its charts are drawn; a page
that is the same for two roles (but for the name of the person signed in) is checked once."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import AXE, EVERY_IMPACT, WCAG22AA, axe_violations, signed_in_page, watched_page
from .pages_catalogue import (  # noqa: F401  (demo_site, module_live_server: the module's fixtures)
    ANONYMOUS,
    FORMS,
    PAGES,
    PASSWORD,
    ROLES,
    Form,
    Page,
    demo_site,
    module_live_server,
    show_papers_in_the_browser,
)

# django_db: the test database is set up for the module; each test's own writes (a refused form may
# still write a session) are rolled back on SQLite, and the database is flushed after the module
pytestmark = [pytest.mark.system, pytest.mark.django_db, pytest.mark.one_database]

#: every chart on the page drawn (or said it could not be): axe then sees the page as people do
_CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-chart]")].every(
  (e) => e.getAttribute("data-drawn") === "true" || e.textContent.startsWith("The chart could not"))"""


@pytest.fixture(scope="module")
def csp_found() -> list[str]:
    """The crawl's Content-Security-Policy violations, emptied by each test that reports them."""
    return []


@pytest.fixture(scope="module")
def people(browser, module_live_server, csp_found):  # noqa: F811  (the fixture imported above)
    """Role -> a page of that person: ``anonymous``, and each demo account signed in once."""
    pages = {ANONYMOUS: watched_page(browser, module_live_server, csp_found)}
    for role in ROLES:
        pages[role] = signed_in_page(browser, module_live_server, csp_found, role, PASSWORD)
    for page in pages.values():
        page.context.add_init_script(path=str(AXE))  # in every document, rather than sent to each page
        show_papers_in_the_browser(page.context)
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def checked() -> dict[str, str]:
    """The pages axe-core has checked, by what they are (:func:`signature`): what it found."""
    return {}


def signature(page, who: str) -> str:
    """What the page is, but for what changes on every request (the form's CSRF token) and the name
    of the person reading it: the same page for two roles is checked once."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content())
    if who != ANONYMOUS:
        user = get_user_model().objects.get(username=who)
        html = html.replace(user.get_full_name() or who, "(the person signed in)")
    return hashlib.sha256(f"{page.url}\n{html}".encode()).hexdigest()


def wcag_problems(page, who: str, checked: dict[str, str], csp_found: list[str]) -> str:
    """axe-core's WCAG 2.2 AA violations of any impact on ``page`` once its charts are drawn, and
    any Content-Security-Policy violation since the last check, as a message ("" when none)."""
    page.wait_for_function(_CHARTS_DRAWN)
    seen = signature(page, who)
    if seen not in checked:
        violations = axe_violations(page, impacts=EVERY_IMPACT, tags=WCAG22AA)
        checked[seen] = f"{page.url}:\n" + json.dumps(violations, indent=1) if violations else ""
    csp, csp_found[:] = list(csp_found), []
    return checked[seen] + "".join(f"\nCSP: {c}" for c in csp)


def _visits() -> list:
    return [pytest.param(page, role, id=f"{page.name}-as-{role}") for page in PAGES for role in page.roles]


@pytest.mark.parametrize(("page_type", "role"), _visits())
def test_page_meets_wcag_22_aa(people, checked, csp_found, page_type: Page, role: str):
    page = people[role]
    response = page.goto(page_type.url)
    assert response is not None and response.status == page_type.status, (page_type.url, role, page.url)
    problems = wcag_problems(page, role, checked, csp_found)
    assert not problems, problems


@pytest.mark.parametrize("form", [pytest.param(f, id=f.name) for f in FORMS])
def test_form_in_its_error_state_meets_wcag_22_aa(people, checked, csp_found, form: Form):
    page = people[form.role]
    form.refuse(page)
    problems = wcag_problems(page, form.role, checked, csp_found)
    assert not problems, problems


def test_the_catalogue_names_exactly_who_may_open_each_page(people):
    """The roles of each page in the catalogue are all those who may open it: anybody else is sent
    to sign in or refused (a page a role may open but the crawl never opens as it would go unchecked).
    That the roles listed may open it, the crawl itself shows."""
    clients = {ANONYMOUS: Client(SERVER_NAME="127.0.0.1")}
    for user in get_user_model().objects.filter(username__in=ROLES):
        clients[user.username] = Client(SERVER_NAME="127.0.0.1")
        clients[user.username].force_login(user)
    opened = [
        f"{page.name}: {role} may open {page.url}"
        for page in PAGES
        if page.status == 200 and page.name != "sign-in"  # the sign-in page is open to anybody
        for role, client in clients.items()
        if role not in page.roles and client.get(page.url).status_code == 200
    ]
    assert not opened, "\n".join(opened)
