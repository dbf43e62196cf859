"""Codes in addresses (issue 15, finding 4): a plan code takes only what is safe in an address;
element codes with "/" keep working in every address that carries them."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth import get_user_model

from goldenthread.cycles import services
from goldenthread.planfile import validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

pytestmark = pytest.mark.django_db

SLASHED = """\
code: slashed
title: Codes with slashes
organisation: {code: o, name: Org}
start: 2016/17
end: 2016/17
levels: [{code: p, name: Priority}, {code: s, name: Sub-priority}]
org_units:
  - {code: england, name: England, type: organisation}
  - {code: north/east, name: North East, type: directorate, parent: england}
objectives:
  - {code: P/1, level: p, title: Urgent care}
  - {code: P/1.a, level: s, title: Recover the standard, parent: P/1, org_unit: north/east}
activities:
  - {code: A/1, objective: P/1.a, title: Publish the plan, due: 2016-09-30, org_unit: north/east}
metrics:
  - code: FOUR/HR
    title: Four-hour performance
    objectives: [P/1.a]
    unit: percentage
    aggregation: ratio
    frequency: monthly
    headline: true
    target: {value: 0.95, by: 2016/17 Q4}
"""

#: the pages of the plan that link to its elements
PAGES = [
    "/plans/slashed/",
    "/plans/slashed/by-priority/",
    "/plans/slashed/by-directorate/",
    "/plans/slashed/matrix/",
    "/plans/slashed/deliverables/",
    "/plans/slashed/scorecard/",
    "/plans/slashed/exceptions/",
    "/plans/slashed/edit/",
    "/search/?q=slash",
    "/plans/slashed/cycle/",
    "/plans/slashed/periods/2016-17-q1/",
]
CODES = ("P/1", "P/1.a", "A/1", "FOUR/HR", "north/east")


@pytest.fixture
def admin(client):
    result = validate_text(SLASHED, "slashed.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    services.generate_periods(m.Plan.objects.get(code="slashed"))
    client.force_login(get_user_model().objects.create_superuser("root", password="a-long-password"))
    return client


def links(html: str) -> set[str]:
    return {unescape(h) for h in re.findall(r'href="(/[^"#]*)', html)}


def test_element_codes_with_a_slash_work_in_every_address(admin):
    """Issue 15 finding 4: every page that links to an objective, metric, activity or org unit whose
    code holds "/" opens, and so does every link to one (the metric page's address refused a
    slash: NoReverseMatch, a 500 on the scorecard)."""
    followed: set[str] = set()
    for page in PAGES:
        response = admin.get(page)
        assert response.status_code == 200, (page, response.status_code)
        for href in links(response.content.decode()):
            path = unquote(urlsplit(href).path)
            if any(code in path for code in CODES) and href not in followed:
                followed.add(href)
                opened = admin.get(href)
                assert opened.status_code == 200, (page, href, opened.status_code)
    paths = {unquote(urlsplit(h).path) for h in followed}
    assert "/plans/slashed/metrics/FOUR/HR/" in paths
    assert {"/plans/slashed/edit/objectives/P/1.a/", "/plans/slashed/edit/activities/A/1/"} <= paths
    assert "/plans/slashed/edit/metrics/FOUR/HR/" in paths
    assert "/plans/slashed/periods/2016-17-q1/units/north/east/" in paths


def test_packs_of_a_unit_with_a_slash(admin):
    """Issue 15 finding 4: the directorate pack of a unit whose code holds "/"."""
    response = admin.get("/plans/slashed/reports/directorate/north/east.html?period=2016/17 Q4")
    assert response.status_code == 200 and b"North East" in response.content
    assert admin.get("/plans/slashed/metrics/FOUR/HR/?where=north/east").status_code == 200


@pytest.mark.parametrize("code", ["a/b", "a(1)", "../x", "a b", "a%2Fb", "a?b", "a#b"])
def test_a_plan_code_must_be_safe_in_an_address(code):
    """Issue 15 finding 4: a plan code with "/" validated (the documented pattern allowed it),
    then every user's home page answered 500 (NoReverseMatch) and ``report board`` crashed."""
    result = validate_text(SLASHED.replace("code: slashed", f"code: '{code}'"), "plan.yaml")
    assert not result.ok
    assert [p.path for p in result.problems] == ["code"], result.problems
    assert "letters, digits" in result.problems[0].message


def test_element_codes_keep_their_pattern():
    """Element codes still take "/" and "( )", as the seed plans and documents write them."""
    text = SLASHED.replace("code: A/1,", "code: 'A/1(b)',")
    assert validate_text(text, "plan.yaml").ok
    assert not m.Plan.objects.exists()
