"""What validates also loads, governance included: a governed plan with generated values in its
bodies, meetings and added notes is either refused by validation or loaded — on SQLite and
PostgreSQL alike — and exported back whole, and loading its export changes nothing. Each example
loads over the one before (same plan code), so updates in place are tried as well as creation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from goldenthread.planfile import to_yaml, validate_text
from goldenthread.plans.store import export_plan, load_plan
from tests.planfile.plan_strategies import as_yaml
from tests.planfile.test_governance_generated import governed_plans

pytestmark = pytest.mark.django_db


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(governed_plans() | governed_plans(plausible=True))
def test_a_governed_plan_that_validates_loads_and_exports_as_it_was(data):
    result = validate_text(as_yaml(data), "plan.yaml")
    if not result.ok:
        assert result.problems
        return
    assert result.plan is not None
    load_plan(result.plan)
    exported = export_plan(result.plan.code)
    assert exported == result.plan
    again = validate_text(to_yaml(exported), "again.yaml")
    assert again.plan is not None, again.problems
    assert not load_plan(again.plan).changed
