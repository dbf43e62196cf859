"""A new plan in the browser, from scratch or from another plan as a template: checked as a plan
file is, with problems at their fields; the creator joins its planning team; version 1 is it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from goldenthread.access import roles, rules
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

pytestmark = pytest.mark.django_db

URL = "/plans/new/"
SCRATCH = {
    "template": "",
    "code": "nhsei-2020",
    "title": "Joint business plan 2020/21",
    "org_code": "nhsei-new",
    "org_name": "NHS England and NHS Improvement (new)",
    "start": "2020/21",
    "end": "2021/22",
    "levels": "Priority; Objective; objective",
}


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


def signed_in(username: str, role: str | None = None, **where) -> tuple[Client, object]:
    user = get_user_model().objects.create_user(username)
    if role:
        roles.grant(user, role, **where)
    client = Client()
    client.force_login(user)
    return client, user


def test_a_planner_creates_a_plan_from_scratch(plan):
    client, user = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert 'href="/plans/new/"' in client.get("/").content.decode()
    response = client.post(URL, SCRATCH)
    assert response.status_code == 302 and response["Location"] == "/plans/nhsei-2020/change/"
    created = m.Plan.objects.get(code="nhsei-2020")
    spec = export_plan("nhsei-2020")
    assert (spec.title, spec.start, spec.end, spec.status) == (SCRATCH["title"], "2020/21", "2021/22", "draft")
    assert spec.organisation.name == SCRATCH["org_name"]
    assert [(level.code, level.name) for level in spec.levels] == [
        ("priority", "Priority"),
        ("objective", "Objective"),
        ("objective-2", "objective"),
    ]
    assert not spec.org_units and not spec.objectives
    version = created.versions.get()
    assert (version.number, version.how, version.made_by_id) == (1, "created", user.pk)
    user = get_user_model().objects.get(pk=user.pk)
    assert rules.may_edit_plan(user, created)
    page = client.get("/plans/nhsei-2020/").content.decode()
    assert "Edit this plan" in page


def test_the_plan_page_offers_a_new_plan_from_it(plan):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert 'href="/plans/new/?from=example-2019"' in client.get("/plans/example-2019/").content.decode()
    page = client.get("/plans/new/?from=example-2019").content.decode()
    assert re.search(r'<option value="example-2019" selected\s*>', page)


def test_a_plan_from_a_template_copies_its_levels_units_and_owners(plan):
    client, _ = signed_in("admin")
    admin = get_user_model().objects.get(username="admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    response = client.post(URL, {**SCRATCH, "template": "example-2019", "levels": ""})
    assert response.status_code == 302
    spec, template = export_plan("nhsei-2020"), export_plan("example-2019")
    assert spec.levels == template.levels and spec.org_units == template.org_units and spec.owners == template.owners
    assert not spec.objectives and not spec.metrics and not spec.activities
    assert spec.title == SCRATCH["title"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "example-2019"}, "code", "already exists; choose another code"),
        ({"code": "bad code"}, "code", "is part of its web address: use letters, digits and . _ -"),
        ({"title": ""}, "title", "String should have at least 1 character"),
        ({"start": "2020/22"}, "start", "is not a financial year"),
        ({"levels": " ; "}, "levels", "Give the plan&#39;s levels of objectives"),
        ({"org_code": "nhsei"}, "org_name", "is already called"),
        ({"template": "nope"}, "template", "Choose a plan from the list"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_created(plan, changes, field, message):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    response = client.post(URL, {**SCRATCH, **changes})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page, page
    assert f'href="#f-{field}"' in page
    assert f'value="{SCRATCH["title"]}"' in page or "title" in changes  # what was typed is kept
    assert m.Plan.objects.count() == 1


def test_markup_in_a_title_is_held_as_text(plan):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert client.post(URL, {**SCRATCH, "title": "<script>alert(1)</script>"}).status_code == 302
    page = client.get("/plans/nhsei-2020/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize("role", [None, roles.LEAD, roles.BOARD])
def test_only_planning_teams_and_administrators_create_plans(plan, role):
    where = {"org_unit": plan.org_units.get(code="medical")} if role == roles.LEAD else {}
    client, _ = signed_in("someone", role, **where)
    assert client.get(URL).status_code == 403
    assert client.post(URL, SCRATCH).status_code == 403
    assert 'href="/plans/new/"' not in client.get("/").content.decode()
    assert not m.Plan.objects.filter(code="nhsei-2020").exists()
