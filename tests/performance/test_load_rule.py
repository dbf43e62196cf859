"""Who may load data into a plan: its planning team and administrators — a rule of the plan in the
access layer, never the account's staff flag (issue 13: the planning team loads its data)."""

from __future__ import annotations

import pytest

from goldenthread.access import roles, rules
from goldenthread.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans(plan):
    from goldenthread.planfile import validate_file
    from goldenthread.plans.store import load_plan

    from ..conftest import EXAMPLE

    load_plan(validate_file(EXAMPLE).plan)
    return plan, Plan.objects.get(code="example-2019")


def person(django_user_model, name: str, role: str | None = None, *, staff: bool = False, **scope):
    user = django_user_model.objects.create_user(name, password="x" * 12, is_staff=staff)
    if role is not None:
        roles.grant(user, role, **scope)
    return user


def test_a_planner_of_plan_a_may_load_into_a_and_not_into_b(two_plans, django_user_model):
    a, b = two_plans
    planner = person(django_user_model, "planner-a", roles.PLANNING_TEAM, plan=a)
    assert rules.may_load_data(planner, a)
    assert not rules.may_load_data(planner, b)
    assert list(rules.loadable_plans(planner)) == [a]
    assert rules.may_load_some_data(planner)


def test_a_lead_may_not_load_even_with_the_staff_flag(two_plans, django_user_model):
    a, b = two_plans
    lead = person(django_user_model, "lead", roles.LEAD, staff=True, org_unit=a.org_units.first())
    assert not rules.may_load_data(lead, a) and not rules.may_load_data(lead, b)
    assert not rules.loadable_plans(lead).exists()
    assert not rules.may_load_some_data(lead)


def test_the_staff_flag_alone_decides_nothing(two_plans, django_user_model):
    staff = person(django_user_model, "staff", staff=True)
    assert not any(rules.may_load_data(staff, p) for p in two_plans)
    assert not rules.may_load_some_data(staff)


def test_a_planning_team_member_of_no_plan_loads_nothing(two_plans, django_user_model):
    nobody = person(django_user_model, "planner-nowhere", roles.PLANNING_TEAM)
    assert not any(rules.may_load_data(nobody, p) for p in two_plans)
    assert not rules.may_load_some_data(nobody)


def test_administrators_may_load_into_every_plan(two_plans, django_user_model):
    admin = person(django_user_model, "admin", roles.ADMINISTRATOR)
    assert all(rules.may_load_data(admin, p) for p in two_plans)
    assert set(rules.loadable_plans(admin)) == set(two_plans)


def test_nobody_signed_out_may_load(two_plans):
    from django.contrib.auth.models import AnonymousUser

    assert not any(rules.may_load_data(AnonymousUser(), p) for p in two_plans)
    assert not rules.may_load_some_data(AnonymousUser())
