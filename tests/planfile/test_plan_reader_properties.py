"""Generated hostile plan files (issue 15): any text, any value in any field — a valid plan or
problems with a line and column, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from goldenthread.planfile import validate_data, validate_text
from goldenthread.planfile.source import Problem
from tests.planfile.plan_strategies import as_yaml, edited_plans, yamlish_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _located(problems: list[Problem], text: str) -> None:
    lines = sum(text.count(c) for c in "\n\r\x85\u2028\u2029") + 2
    for problem in problems:
        assert 1 <= problem.line <= lines and problem.column >= 1, problem
        assert problem.message and "Traceback" not in problem.message, problem
        assert len(str(problem)) < 1000, problem


@SETTINGS
@given(yamlish_text)
def test_any_yaml_ish_text_is_a_plan_or_located_problems(text):
    result = validate_text(text, "plan.yaml")
    assert result.ok or result.problems
    _located(result.problems, text)


@SETTINGS
@given(edited_plans())
def test_any_value_in_any_field_is_a_plan_or_located_problems(data):
    text = as_yaml(data)
    result = validate_text(text, "plan.yaml")
    assert result.ok or result.problems
    _located(result.problems, text)
    as_data = validate_data(data, "plan.yaml")  # the forms' way in: never an exception either
    assert as_data.ok or as_data.problems
