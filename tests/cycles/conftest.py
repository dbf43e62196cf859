"""A small world for the cycle's tests: seed 001 (with one risk added), its four quarters, and one
person in every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.cycles import services
from goldenthread.cycles.models import ReportingPeriod
from goldenthread.planfile import validate_file, validate_text
from goldenthread.plans import models as pm
from goldenthread.plans.store import load_plan

from ..conftest import EXAMPLE, PROJECT

SEED_001 = PROJECT / "plans" / "nhsei-2019.yaml"
RISK = """
risks:
  - code: R-ME
    title: Medical Examiner recruitment slips in the regions
    objective: MED-2
    likelihood: 3
    impact: 4
    mitigation: Regional recruitment campaign
"""
PASSWORD = "a-long-password"

#: role name in these tests -> (role, membership)
ROLES = {
    "norole": (None, None),
    "contributor": (roles.CONTRIBUTOR, "medical"),
    "lead": (roles.LEAD, "medical"),
    "other_lead": (roles.LEAD, "nursing"),
    "planner": (roles.PLANNING_TEAM, "plan"),
    "other_planner": (roles.PLANNING_TEAM, "other plan"),
    "board": (roles.BOARD, None),
    "admin": (roles.ADMINISTRATOR, None),
}


@dataclass
class World:
    plan: pm.Plan
    other_plan: pm.Plan
    medical: pm.OrgUnit
    nursing: pm.OrgUnit
    periods: dict[str, ReportingPeriod]
    users: dict = field(default_factory=dict)

    def period(self, q: int) -> ReportingPeriod:
        return self.periods[f"2019/20 Q{q}"]

    def scope(self, unit=None) -> services.Scope:
        return services.unit_scope(self.plan, unit or self.medical)

    def complete(self, unit=None, **overrides) -> services.UpdateData:
        """A medical (or nursing) update with everything filled in."""
        scope = self.scope(unit)
        data = services.UpdateData(rag="green", rag_reason="On track", commentary="Good quarter")
        for o in scope.objectives:
            data.objectives[o.pk] = {"rag": "green", "rag_reason": f"{o.code} on track"}
        for a in scope.activities:
            data.activities[a.pk] = {"status": "in_progress", "commentary": ""}
        for x in scope.metrics:
            data.metrics[x.pk] = {
                "numerator": Decimal(30),
                "denominator": Decimal(40),
                "value": Decimal("0.75"),
                "note": "",
            }
        for r in scope.risks:
            data.risks[r.pk] = {"likelihood": 3, "impact": 4, "commentary": "No change", "reviewed": True}
        for name, value in overrides.items():
            setattr(data, name, value)
        return data


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str | None, *, plan=None, unit=None, email: str | None = None):
    user = get_user_model().objects.create_user(
        username,
        email=email if email is not None else f"{username}@example.org",
        password=PASSWORD,
        first_name=username.replace("_", " ").title(),
    )
    if role == roles.ADMINISTRATOR:
        user.is_superuser = user.is_staff = True
        user.save()
    if role:
        roles.grant(user, role, plan=plan, org_unit=unit)
    return user


@pytest.fixture
def world(db) -> World:
    seed = validate_text(SEED_001.read_text(encoding="utf-8") + RISK, "nhsei-2019.yaml")
    assert seed.ok, seed.problems
    load_plan(seed.plan)
    example = validate_file(EXAMPLE)
    load_plan(example.plan)
    plan = pm.Plan.objects.get(code="nhsei-2019")
    other = pm.Plan.objects.get(code="example-2019")
    services.generate_periods(plan)
    services.set_return_metrics(plan, {plan.metrics.get(code="MED-2-M1").pk})
    w = World(
        plan,
        other,
        plan.org_units.get(code="medical"),
        plan.org_units.get(code="nursing"),
        {p.label: p for p in ReportingPeriod.objects.filter(plan=plan)},
    )
    for name, (role, where) in ROLES.items():
        unit = {"medical": w.medical, "nursing": w.nursing}.get(where)
        member_of = {"plan": plan, "other plan": other}.get(where)
        w.users[name] = make_user(name, role, plan=member_of, unit=unit)
    return w


@pytest.fixture
def login():
    """A test client signed in as a user."""
    from django.test import Client

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in
