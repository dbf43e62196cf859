"""Every page type of the product, with one real address each from the demo content (``goldenthread
demo``: the five seed plans, the A&E data of nhsi-2016, seed 001's quarterly cycle), the demo roles
that may see it, and every form with how to put it into its error state.

Browser crawls import it (the accessibility crawl, the 320 px / 200% zoom layout test): open
:data:`PAGES` as each of a page's :attr:`Page.roles`, and :data:`FORMS` as :attr:`Form.role`, after
:func:`demo_site` has loaded the demo once for the module. ``ANONYMOUS`` is a person not signed in.
The HTML papers are downloads: :func:`show_papers_in_the_browser` lets a browser context open them.

The roles are checked against the page policy (``goldenthread.access.policy.allowed``) by
tests/system/test_accessibility_crawl.py, so a page listed for a role is one the role may open and
a role left out is one that may not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO

import pytest

ANONYMOUS = "anonymous"
ADMIN, PLANNER, DIRECTOR, MEDICAL, NURSING, BOARD = (
    "admin",
    "planner",
    "director",
    "medical-lead",
    "nursing-lead",
    "board",
)
#: the demo's accounts (goldenthread.demo.DEMO_ACCOUNTS, roles in goldenthread.cycles.demo.DEMO_ROLES)
ROLES = (ADMIN, PLANNER, DIRECTOR, MEDICAL, NURSING, BOARD)
SIGNED_IN = ROLES
EVERYBODY = (ANONYMOUS, *ROLES)
#: the planning team of every plan (planner, director) and the administrator
PLANNING = (ADMIN, PLANNER, DIRECTOR)
#: who reads every unit's updates: the planning team, the administrator and the board
READS_EVERYTHING = (ADMIN, PLANNER, DIRECTOR, BOARD)
#: who reads seed 001's Medical directorate's updates: those who read everything and its lead
MEDICAL_READERS = (*READS_EVERYTHING, MEDICAL)
#: the password of every demo account in the crawls
PASSWORD = "demo-password-for-the-crawl"

CYCLE = "/plans/nhsei-2019"  # seed 001: the plan with the quarterly cycle and governance meetings
Q1_MEDICAL = f"{CYCLE}/periods/2019-20-q1/units/medical"  # approved, reviewed, with actions
Q3_MEDICAL = f"{CYCLE}/periods/2019-20-q3/units/medical"  # the medical lead's draft update
MEETING = f"{CYCLE}/governance/meetings/BIC-2019-06-27"  # the Joint Boards in Common, item 5


@dataclass(frozen=True)
class Page:
    """A page type: its name, one real address, and who may open it."""

    name: str
    url: str
    roles: tuple[str, ...]
    #: the status the page answers with (an error page is a page type too)
    status: int = 200


#: the page types, by the order of the product's addresses (web/urls*.py, reports/urls.py)
PAGES: tuple[Page, ...] = (
    # signing in and out, one's account
    Page("sign-in", "/accounts/login/", (ANONYMOUS,)),
    Page("sign-out", "/accounts/logout/", EVERYBODY),
    Page("password-change", "/accounts/password/", SIGNED_IN),
    Page("password-change-done", "/accounts/password/done/", SIGNED_IN),
    # the plans and their dashboards
    Page("plans", "/", SIGNED_IN),
    Page("search", "/search/?q=medical", SIGNED_IN),
    Page("plan-overview", f"{CYCLE}/", SIGNED_IN),
    Page("plan-overview-large", "/plans/nhse-2013/", SIGNED_IN),
    Page("by-priority", f"{CYCLE}/by-priority/", SIGNED_IN),
    Page("by-directorate", f"{CYCLE}/by-directorate/", SIGNED_IN),
    Page("matrix", f"{CYCLE}/matrix/", SIGNED_IN),
    Page("deliverables", f"{CYCLE}/deliverables/", SIGNED_IN),
    Page("budgets", "/plans/nhse-2013/budgets/", SIGNED_IN),
    Page("scorecard", "/plans/dh-2014/scorecard/", SIGNED_IN),
    Page("scorecard-with-data", "/plans/nhsi-2016/scorecard/", SIGNED_IN),
    Page("exceptions", "/plans/nhsi-2016/exceptions/", SIGNED_IN),
    Page("metric", "/plans/nhsi-2016/metrics/AE4HR/", SIGNED_IN),
    Page("metric-by-unit", "/plans/nhsi-2016/metrics/AE4HR/?where=north", SIGNED_IN),
    Page("metric-run-chart", f"{CYCLE}/metrics/MED-2-M1/", SIGNED_IN),
    Page("metric-no-data", "/plans/dh-2014/metrics/S1-M1/", SIGNED_IN),
    Page("versions", f"{CYCLE}/versions/", SIGNED_IN),
    Page("version", f"{CYCLE}/versions/1/", SIGNED_IN),
    Page("versions-compare", f"{CYCLE}/versions/compare/?from=1&to=1", SIGNED_IN),
    # governance
    Page("governance", f"{CYCLE}/governance/", SIGNED_IN),
    Page("governance-body", f"{CYCLE}/governance/bodies/BOARDS/", SIGNED_IN),
    Page("governance-meeting", f"{MEETING}/", SIGNED_IN),
    Page("meeting-decision-form", f"{MEETING}/items/5/decision/", PLANNING),
    Page("meeting-action-form", f"{MEETING}/items/5/action/", PLANNING),
    Page("meeting-minutes-form", f"{MEETING}/minutes/", PLANNING),
    # changing the plan
    Page("plan-new", "/plans/new/", PLANNING),
    Page("plan-from-document", "/plans/new/from-document/", PLANNING),
    Page("plan-upload", f"{CYCLE}/upload-plan/", PLANNING),
    Page("plan-change", f"{CYCLE}/change/", PLANNING),
    Page("plan-edit", f"{CYCLE}/edit/", PLANNING),
    Page("plan-edit-details", f"{CYCLE}/edit/plan/", PLANNING),
    Page("edit-level", f"{CYCLE}/edit/levels/org-priority/", PLANNING),
    Page("edit-org-unit", f"{CYCLE}/edit/org_units/medical/", PLANNING),
    Page("edit-owner", f"{CYCLE}/edit/owners/NDTCD/", PLANNING),
    Page("edit-objective", f"{CYCLE}/edit/objectives/MED-2/", PLANNING),
    Page("edit-activity", f"{CYCLE}/edit/activities/MED-2-a/", PLANNING),
    Page("edit-metric", f"{CYCLE}/edit/metrics/MED-2-M1/", PLANNING),
    Page("edit-budget-line", "/plans/nhse-2013/edit/budget_lines/new/", PLANNING),
    Page("edit-stated-total", f"{CYCLE}/edit/stated_totals/new/", PLANNING),
    Page("edit-risk", f"{CYCLE}/edit/risks/new/", PLANNING),
    Page("edit-body", f"{CYCLE}/edit/bodies/BOARDS/", PLANNING),
    Page("edit-meeting", f"{CYCLE}/edit/meetings/BIC-2019-06-27/", PLANNING),
    Page("new-objective", f"{CYCLE}/edit/objectives/new/?parent=MED", PLANNING),
    Page("move-objective", f"{CYCLE}/edit/objectives/MED-2/move/", PLANNING),
    Page("retire-activity", f"{CYCLE}/edit/activities/MED-2-a/retire/", PLANNING),
    # papers: the HTML packs (downloads: open them with :func:`show_papers_in_the_browser`), and the
    # page that offers the board pack PDF
    Page("board-pack", "/plans/nhsi-2016/reports/board.html", READS_EVERYTHING),
    Page("board-pack-pdf-ask", "/plans/nhsi-2016/reports/board.pdf", READS_EVERYTHING),
    Page("directorate-pack", f"{CYCLE}/reports/directorate/medical.html?period=2019/20 Q1", MEDICAL_READERS),
    Page("summary-pack", "/plans/nhse-2013/reports/summary.html", SIGNED_IN),
    # the quarterly cycle
    Page("my-work", "/work/", SIGNED_IN),
    Page("cycles", "/cycle/", SIGNED_IN),
    Page("my-updates", "/updates/", SIGNED_IN),
    Page("actions", "/actions/", SIGNED_IN),
    Page("action", "/actions/1/", (*READS_EVERYTHING, MEDICAL)),
    Page("action-close", "/actions/1/close/", (ADMIN, PLANNER, DIRECTOR, MEDICAL)),
    Page("overdue", "/overdue/", PLANNING),
    Page("plan-cycle", f"{CYCLE}/cycle/", SIGNED_IN),
    Page("period", f"{CYCLE}/periods/2019-20-q1/", READS_EVERYTHING),
    Page("period-dates", f"{CYCLE}/periods/2019-20-q4/dates/", PLANNING),
    Page("update", f"{Q1_MEDICAL}/", MEDICAL_READERS),
    Page("update-form", f"{Q3_MEDICAL}/update/", (ADMIN, MEDICAL)),
    Page("review", f"{Q1_MEDICAL}/review/", MEDICAL_READERS),
    Page("review-form", f"{Q1_MEDICAL}/review/edit/", PLANNING),
    Page("history", "/history/submission/1/", MEDICAL_READERS),
    Page("upload-data", "/data/upload/", PLANNING),
    # public pages
    Page("public-plans", "/public/", EVERYBODY),
    Page("public-plan", "/public/plans/nhsei-2019/", EVERYBODY),
    Page("public-period", "/public/plans/nhsei-2019/2019-20-q1/", EVERYBODY),
    Page("public-scorecard", "/public/plans/nhsei-2019/2019-20-q1/scorecard/", EVERYBODY),
    # error pages: refused, not found, a bad parameter of the address
    Page("refused", f"{CYCLE}/edit/", (MEDICAL, NURSING, BOARD), status=403),
    Page("not-found", "/plans/no-such-plan/", SIGNED_IN, status=404),
    Page("bad-parameter", f"{CYCLE}/scorecard/?as_at=not-a-period", SIGNED_IN, status=400),
    # the administration site (Django's own)
    Page("admin-site", "/admin/", (ADMIN,)),
)


@dataclass(frozen=True)
class Form:
    """A form and how to put it into its error state: open ``url`` as ``role``, fill ``fill``
    (label -> value; "" empties the field, "check" checks a radio or checkbox), press the (first)
    button named ``submit``; the answer shows ``error`` (the error summary)."""

    name: str
    url: str
    role: str
    submit: str
    fill: dict[str, str] = field(default_factory=dict)
    error: str = ".nhsuk-error-summary"

    def refuse(self, page) -> None:
        """Open the form in ``page`` (signed in as :attr:`role`), send it so that it is refused,
        and wait for the error summary."""
        from playwright.sync_api import expect

        assert page.goto(self.url).status == 200, self.url
        for label, value in self.fill.items():
            found = page.locator("main").get_by_label(label, exact=True).first
            found.check() if value == "check" else found.fill(value)
        page.locator("main").get_by_role("button", name=self.submit, exact=True).first.click()
        expect(page.locator(self.error)).to_be_visible()


#: the element sections of a plan, each with a form for a new element (web/views/plan_edit.py)
SECTIONS = (
    "levels",
    "org_units",
    "owners",
    "objectives",
    "activities",
    "metrics",
    "budget_lines",
    "stated_totals",
    "risks",
    "bodies",
    "meetings",
)

#: every form of the product, each sent so that it is refused with its messages
FORMS: tuple[Form, ...] = (
    Form("sign-in", "/accounts/login/", ANONYMOUS, "Sign in", {"Username": "nobody", "Password": "not-the-password"}),
    Form("password-change", "/accounts/password/", PLANNER, "Change password"),
    Form("plan-new", "/plans/new/", PLANNER, "Create the plan"),
    Form("plan-from-document", "/plans/new/from-document/", PLANNER, "Draft the plan"),
    Form("plan-upload", f"{CYCLE}/upload-plan/", PLANNER, "Check and put into the draft change"),
    Form("plan-edit-details", f"{CYCLE}/edit/plan/", PLANNER, "Save", {"Title": ""}),
    Form("edit-objective", f"{CYCLE}/edit/objectives/MED-2/", PLANNER, "Save", {"Title": ""}),
    *(Form(f"new-{section}", f"{CYCLE}/edit/{section}/new/", PLANNER, "Save") for section in SECTIONS),
    Form("move-objective", f"{CYCLE}/edit/objectives/MED-2/move/", PLANNER, "Move MED-2", {"New position": "x"}),
    Form("retire-activity", f"{CYCLE}/edit/activities/MED-2-a/retire/", PLANNER, "Retire MED-2-a"),
    Form("meeting-decision", f"{MEETING}/items/5/decision/", PLANNER, "Record the decision"),
    Form("meeting-action", f"{MEETING}/items/5/action/", PLANNER, "Record the action", {"Due by": "soon"}),
    Form("meeting-minutes", f"{MEETING}/minutes/", PLANNER, "Save and approve the minutes"),
    Form("period-dates", f"{CYCLE}/periods/2019-20-q4/dates/", PLANNER, "Save the dates", {"Updates open on": "x"}),
    Form("update", f"{Q3_MEDICAL}/update/", MEDICAL, "Save and submit", {"Reason for the rating": ""}),
    Form(
        "update-decision",
        f"{CYCLE}/periods/2019-20-q2/units/nursing/",
        PLANNER,
        "Record the decision",
        {"Return with comments": "check", "Comments": ""},
    ),
    Form("review", f"{Q1_MEDICAL}/review/edit/", PLANNER, "Save the review", {"Date held": "not a date"}),
    Form("action-note", "/actions/1/", MEDICAL, "Save the note"),
    Form("action-close", "/actions/1/close/", MEDICAL, "Close the action"),
    Form("upload-data", "/data/upload/", PLANNER, "Check the file"),
)


#: the HTML papers' addresses (each a download, Content-Disposition: attachment)
PAPERS = re.compile(r"/reports/.+\.html(\?.*)?$")


def show_papers_in_the_browser(context) -> None:
    """Let the browser ``context`` show the HTML papers as pages, as a person sees the downloaded
    file they open, rather than download them: their answer without its Content-Disposition, and
    without the site's Content-Security-Policy (a file opened from disk has none; a paper carries its
    own styles)."""

    def inline(route) -> None:
        response = route.fetch()
        dropped = ("content-disposition", "content-security-policy")
        headers = {k: v for k, v in response.headers.items() if k.lower() not in dropped}
        route.fulfill(response=response, headers=headers)

    context.route(PAPERS, inline)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo content (``goldenthread demo``) loaded once for the module, committed so a live
    server of the module (:func:`module_live_server`) sees it, and removed after it (the database
    flushed, as transactional tests leave it)."""
    from django.core.management import call_command

    from goldenthread.demo import load_demo

    before = os.environ.get("GOLDENTHREAD_DEMO_PASSWORD")
    os.environ["GOLDENTHREAD_DEMO_PASSWORD"] = PASSWORD
    with django_db_blocker.unblock():
        try:
            out = StringIO()
            assert load_demo(out) == 0, out.getvalue()
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            if before is None:
                del os.environ["GOLDENTHREAD_DEMO_PASSWORD"]
            else:
                os.environ["GOLDENTHREAD_DEMO_PASSWORD"] = before


@pytest.fixture(scope="module")
def module_live_server(demo_site) -> Iterator[object]:
    """A live server for the module alone (pytest-django's ``live_server`` would flush the
    database after every test)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1")
    yield server
    server.stop()
