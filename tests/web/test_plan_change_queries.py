"""My work's plan changes and the change page's earlier changes are read in a fixed number of
queries, whatever the number of changes (no query per change)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters.plan_change import change_page
from goldenthread.presenters.plan_change_work import my_plan_changes

pytestmark = pytest.mark.django_db


def submitted_change(example_plan, code: str, editor) -> m.PlanChange:
    load_plan(example_plan.model_copy(update={"code": code}))
    plan = m.Plan.objects.get(code=code)
    change = changes.draft_change(plan, editor)
    fields = {**changes.element_data(change, "plan", code), "title": f"Retitled {code}"}
    changes.save_plan_fields(change, fields, reason="Board", user=editor, seen=None)
    return changes.submit(change, editor, in_force_label="2019/20 Q2", summary="")


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_my_work_reads_the_plan_changes_in_a_fixed_number_of_queries(example_plan):
    users = get_user_model().objects
    editor, admin = users.create_user("editor"), users.create_superuser("root")
    submitted_change(example_plan, "one", editor)
    one = queries(lambda: my_plan_changes(admin))
    for code in ("two", "three", "four"):
        submitted_change(example_plan, code, editor)
    admin = users.get(pk=admin.pk)  # a fresh user: roles worked out again, as on a new request
    assert len(my_plan_changes(admin).awaiting_decision) == 4
    admin = users.get(pk=admin.pk)
    assert queries(lambda: my_plan_changes(admin)) == one


def test_the_change_page_reads_earlier_changes_in_a_fixed_number_of_queries(example_plan):
    users = get_user_model().objects
    editor, admin = users.create_user("editor"), users.create_superuser("root")
    change = submitted_change(example_plan, "one", editor)
    changes.reject(change, admin, "No")
    plan = m.Plan.objects.get(code="one")
    change_page(plan, admin)  # the person's roles, worked out once per user object
    one = queries(lambda: change_page(plan, admin))
    for _ in range(3):
        again = changes.draft_change(plan, editor)
        changes.withdraw(again, editor)
    assert len(change_page(plan, admin).earlier) == 4
    assert queries(lambda: change_page(plan, admin)) == one
