"""A plan change submitted mails the plan's owner; approved or rejected, it mails its editors —
each once, after the change commits (the worker's code run here, into the locmem outbox)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from .conftest import SITE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_in_this_process")]


def person(username: str, plan: m.Plan | None = None):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org", first_name=username.title())
    if plan is not None:
        roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    return user


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    plan = m.Plan.objects.get(code="example-2019")
    plan.owner_account = person("owner")
    plan.save(update_fields=["owner_account"])
    return plan


def submitted(plan: m.Plan, commit) -> m.PlanChange:
    planner, colleague = person("planner", plan), person("colleague", plan)
    with commit():
        change = changes.draft_change(plan, planner)
        data = dict(changes.element_data(change, "metrics", "AMR-PRESC") or {})
        changes.save_element(
            change,
            "metrics",
            "AMR-PRESC",
            {**data, "target": {"value": "0.9"}},
            reason="Agreed",
            user=colleague,
            seen=None,
        )
        changes.submit(change, planner, in_force_label="2019/20 Q3", summary="A target for AMR prescribing")
    return change


def to(outbox) -> list[tuple[str, str]]:
    return [(mail.to[0], mail.subject) for mail in outbox]


def test_a_submitted_change_mails_the_plans_owner_once(plan, commit, mailoutbox):
    change = submitted(plan, commit)
    assert to(mailoutbox) == [("owner@example.org", "To decide: change 1 to example-2019")]
    body = mailoutbox[0].body
    assert body.startswith("Dear Owner,\n\nPlanner submitted change 1 to Example joint business plan 2019/20")
    assert "in force from 2019/20 Q3:\n\nA target for AMR prescribing\n" in body
    assert f"Approve or reject it here: {SITE}/plans/example-2019/change/\n" in body
    with commit():
        change.save()  # saved again, still submitted: nobody is mailed twice
    assert len(mailoutbox) == 1


def test_an_approved_change_mails_whoever_opened_edited_or_submitted_it(plan, commit, mailoutbox):
    change = submitted(plan, commit)
    with commit():
        changes.approve(change, plan.owner_account, "Agreed at the board")
    assert sorted(to(mailoutbox)[1:]) == [
        ("colleague@example.org", "Approved: change 1 to example-2019"),
        ("planner@example.org", "Approved: change 1 to example-2019"),
    ]
    assert "Owner approved change 1 to Example joint business plan 2019/20.\n\nTheir comment:\nAgreed" in (
        mailoutbox[1].body
    )
    assert f"{SITE}/plans/example-2019/versions/" in mailoutbox[1].body


def test_a_rejected_change_mails_its_editors_with_the_reason(plan, commit, mailoutbox):
    change = submitted(plan, commit)
    with commit():
        changes.reject(change, plan.owner_account, "Target too low")
    assert {subject for _, subject in to(mailoutbox)[1:]} == {"Rejected: change 1 to example-2019"}
    assert "Target too low" in mailoutbox[1].body and f"{SITE}/plans/example-2019/change/" in mailoutbox[1].body


def test_with_no_owner_the_administrators_are_mailed(plan, commit, mailoutbox):
    plan.owner_account = None
    plan.save(update_fields=["owner_account"])
    admin = person("admin")
    admin.is_superuser = True
    admin.save()
    submitted(plan, commit)
    assert to(mailoutbox) == [("admin@example.org", "To decide: change 1 to example-2019")]
