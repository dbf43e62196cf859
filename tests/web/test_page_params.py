"""Every page parameter checked in one place (issue 15): a bad one is the 400 page — the NHS.UK
layout, the message, a link to the page without it — never a 500, and nothing is written."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.performance.models import Observation
from goldenthread.plans import models as m

from ..factories import plan_with_data

pytestmark = pytest.mark.django_db

SRC = Path(__file__).parents[2] / "src" / "goldenthread"

#: every page that reads its address, and the parameters it reads
PAGES = {
    "/plans/t/": ("as_at", "page", "objective"),
    "/plans/t/scorecard/": ("as_at",),
    "/plans/t/exceptions/": ("as_at", "page"),
    "/plans/t/by-directorate/": ("page",),
    "/plans/t/deliverables/": ("as_at", "directorate", "owner", "level", "page"),
    "/plans/t/metrics/FOUR/": ("as_at", "where", "format"),
    "/plans/t/plan.yaml": ("version",),
    "/plans/t/versions/1/": ("format",),
    "/plans/t/versions/compare/": ("from", "to"),
    "/plans/t/edit/objectives/new/": ("parent", "objective"),
    "/plans/t/change/": ("show",),
    "/work/": ("format", "table"),
    "/updates/": ("format",),
    "/plans/new/": ("from",),
    "/data/upload/": ("plan",),
    "/plans/t/reports/board.html": ("period", "as_at"),
    "/plans/t/reports/summary.html": ("period", "as_at"),
    "/search/": ("q",),
}

HOSTILE = [
    "0000",
    "9999/00",
    "0000-01",
    "2016/17 Q5",
    "2019-02-30",
    "a\x00b",
    "\u202eevil",
    "<script>alert(1)</script>",
    "²",
    "9" * 30,
    "-1",
    "x" * 300,
    "%",
    "'; drop table plans_plan; --",
    "../../etc/passwd",
]


@pytest.fixture
def admin(client):
    plan_with_data()
    client.force_login(get_user_model().objects.create_superuser("root", password="a-long-password"))
    return client


def held() -> tuple[int, ...]:
    return (
        m.Plan.objects.count(),
        m.PlanVersion.objects.count(),
        m.Objective.objects.count(),
        Observation.objects.count(),
    )


def message_of(response) -> str:
    found = re.search(r'<div class="nhsuk-error-summary__body">\s*<p>(.*?)</p>', response.content.decode(), re.S)
    assert found, response.content.decode()
    return unescape(found.group(1))


@pytest.mark.parametrize(
    "url",
    [
        "/plans/t/?as_at=0000",
        "/plans/t/scorecard/?as_at=9999/00",
        "/plans/t/reports/board.html?period=0000",
        "/plans/t/reports/board.html?as_at=0000-01",
        "/plans/t/reports/summary.html?period=Q4 9999/00",
    ],
)
def test_years_out_of_range_in_the_address_are_a_400(admin, url):
    """Issue 15 finding 1: ``?as_at=0000`` and ``board.html?period=0000`` answered 500."""
    response = admin.get(url)
    assert response.status_code == 400
    assert "out of range; years from 1900 to 2199 are accepted" in message_of(response)


def test_the_400_page_says_what_and_links_to_the_page_without_it(admin):
    """Issue 15: the plan page showed the default period with an error beside the form; now the
    400 page: what is wrong, in the page's terms, and the same page without the bad parameter."""
    response = admin.get("/plans/t/deliverables/?owner=&directorate=north&as_at=2016/17 Q5")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem with the address" in page and "nhsuk-header" in page  # the NHS.UK layout
    assert message_of(response).startswith("The “As at” period in the address (as_at=2016/17 Q5) cannot be shown")
    assert 'href="/plans/t/deliverables/?owner=&amp;directorate=north"' in page


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/plans/t/metrics/FOUR/?where=nowhere", "has no org unit with code “nowhere”"),
        ("/plans/t/metrics/FOUR/?format=pdf", "download format in the address (format=pdf) is not one of: csv, xlsx"),
        ("/plans/t/plan.yaml?version=²", "is not a whole number"),
        ("/plans/t/plan.yaml?version=99999999999999999999", "is not a whole number from 1 to"),
        ("/plans/t/versions/1/?format=exe", "is not one of: yaml"),
        ("/plans/t/?as_at=a%00b", "“as_at” in the address contains a NUL character (U+0000) at character 2"),
        ("/plans/t/?as_at=%E2%80%AE2016/17", "right-to-left override (U+202E) at character 1"),
        ("/search/?q=a%07b", "contains a control character (U+0007)"),
        ("/plans/new/?from=" + "x" * 65, "is 65 characters long; at most 64"),
        ("/data/upload/?plan=%00", "NUL character"),
        ("/plans/t/edit/objectives/new/?parent=%00", "NUL character"),
        ("/plans/t/change/?show=all", "drafted elements in the address (show=all) is not one of: review"),
        (
            "/work/?format=csv&table=plans",
            "table in the address (table=plans) is not one of: actions, meetings, updates",
        ),
        ("/updates/?format=pdf", "download format in the address (format=pdf) is not one of: csv, xlsx"),
    ],
)
def test_every_parameter_is_checked(admin, url, words):
    """Issue 15: bad parameters of every kind are the 400 page with the message (``version=²``
    answered 500; a NUL reached the database, which PostgreSQL refuses with a 500)."""
    before = held()
    response = admin.get(url)
    assert response.status_code == 400, response.content.decode()[:500]
    assert words in message_of(response)
    assert held() == before


def test_no_view_reads_the_address_itself():
    """Issue 15: the check comes from one place — goldenthread.presenters.params. Only the
    single sign-on callback's test for its ``code`` (the OpenID Connect library's protocol) and
    the 400 page itself touch ``request.GET``."""
    readers = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if "request.GET" in path.read_text(encoding="utf-8")
    )
    assert readers == ["access/sso.py", "presenters/params.py", "web/views/errors.py"], (
        "read a page's parameters with goldenthread.presenters.params.of(request) (its .query for a presenter)"
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    page=st.sampled_from([(url, name) for url, names in PAGES.items() for name in names if "reports" not in url]),
    value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)),
)
def test_any_value_of_any_parameter_is_a_200_or_a_400(admin, page, value):
    """Issue 15: generated values of each parameter on each page: a page (or a download), a 400
    with its message, or a redirect — never a 500 — and nothing in the database changes."""
    url, name = page
    before = held()
    response = admin.get(url, {name: value})
    assert response.status_code in (200, 302, 400), (url, name, value, response.status_code)
    if response.status_code == 400 and "There is a problem with the address" in response.content.decode():
        assert message_of(response)
    assert held() == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    page=st.sampled_from(["/plans/t/reports/board.html", "/plans/t/reports/summary.html"]),
    name=st.sampled_from(["period", "as_at"]),
    value=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)),
)
def test_any_period_of_a_pack_is_a_200_or_a_400(admin, page, name, value):
    """Issue 15 finding 1: the packs' ``period`` and ``as_at``, any value: the pack or the 400 page."""
    response = admin.get(page, {name: value})
    assert response.status_code in (200, 400), (page, name, value, response.status_code)


def test_a_bad_period_sent_by_a_form_leads_back_to_its_page(admin):
    """Issue 15 finding 1: the scorecard's pack form with year 0: the 400 page in the form's terms,
    with a link back to the page the form was on."""
    response = admin.post(
        "/plans/t/reports/builds/", {"period": "0000"}, HTTP_REFERER="http://testserver/plans/t/scorecard/"
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem with what the form sent" in page
    assert "The pack&#39;s period sent by the form (period=0000) cannot be shown" in page
    assert 'href="http://testserver/plans/t/scorecard/"' in page


def test_a_bad_parameter_is_logged_as_a_line_not_a_traceback(admin, caplog):
    """The visitor's mistake is not the product's fault: Django logged every BadRequest with the
    exception's traceback; the log keeps the line (the message and the path) and drops the traceback."""
    with caplog.at_level("WARNING", logger="django.request"):
        assert admin.get("/plans/t/", {"as_at": "0000"}).status_code == 400
    bad = [r for r in caplog.records if r.name == "django.request"]
    assert bad and all(r.exc_info is None for r in bad), [r.getMessage() for r in bad]
    assert bad[0].getMessage().endswith(": /plans/t/")  # what was wrong, and where
