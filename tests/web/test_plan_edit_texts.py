"""Texts typed into the plan's edit pages (issue 15): the edit's reason is checked by the plan
file's text rules (planfile.fields) like every field of the element — a NUL, a control character
or a right-to-left override is refused at the field, never a database error, and nothing is saved."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from tests.web.test_plan_edit import _form

pytestmark = pytest.mark.django_db

URL = "/plans/example-2019/edit/objectives/MED-1/"


@pytest.fixture
def editing(client, example_plan):
    load_plan(example_plan)
    plan = m.Plan.objects.get(code="example-2019")
    user = get_user_model().objects.create_user("planner", password="a-long-password")
    roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    client.force_login(user)
    return client, plan


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "Tidy\0", "contains a NUL character (U+0000) at character 5; delete it"),
        ("reason", "Tidy \u202eevil", "contains an invisible right-to-left override (U+202E) at character 6"),
        ("reason", "r" * 20001, "is 20,001 characters long; at most 20,000"),
        ("title", "Prevention\0", "contains a NUL character (U+0000) at character 11; delete it"),
        ("title", "Prevention \u202eAMR", "contains an invisible right-to-left override (U+202E)"),
        ("title", "t" * 1001, "is 1,001 characters long; at most 1,000"),
        ("source", "s" * 301, "is 301 characters long; at most 300"),
    ],
)
def test_a_refused_text_is_shown_at_its_field_and_nothing_is_saved(editing, field, value, message):
    """Issue 15 findings 3, 11 and 13 on the edit page (PostgreSQL refused a NUL with a 500)."""
    client, plan = editing
    form = {**_form(client, URL), "reason": "Tidy", field: value}
    response = client.post(URL, form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert changes.open_change(plan) is None
