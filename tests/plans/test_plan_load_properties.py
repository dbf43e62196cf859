"""What validates also loads (issue 15): the example plan with arbitrary values in its fields is
either refused by validation or loaded, on SQLite and PostgreSQL alike, and exported back whole —
never a database error, never a value stored differently from the file."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.planfile import validate_text
from goldenthread.plans.store import export_plan, load_plan
from tests.planfile.plan_strategies import as_yaml, edited_leaves, edited_plans

pytestmark = pytest.mark.django_db


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(st.one_of(edited_leaves(), edited_plans()))
def test_a_plan_that_validates_loads_and_exports_as_it_was(data):
    result = validate_text(as_yaml(data), "plan.yaml")
    if not result.ok:
        assert result.problems
        return
    assert result.plan is not None
    load_plan(result.plan)
    assert export_plan(result.plan.code) == result.plan


def test_an_empty_review_loads_and_exports_as_none(example_text):
    """Found by the test above: ``review: {}`` (neither when nor by) validated as a review, was
    stored as no review, and came back without one — the plan as held differed from the file."""
    text = example_text.replace("    frequency: quarterly\n", "    frequency: quarterly\n    review: {}\n", 1)
    result = validate_text(text, "plan.yaml")
    assert result.ok, result.problems
    assert result.plan is not None and result.plan.metrics[0].review is None
    load_plan(result.plan)
    assert export_plan(result.plan.code) == result.plan
