"""Large valid plans for tests (issue 15 finding 15), from the generator of bench/large_plan.py."""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType

from .conftest import PROJECT


@cache
def bench() -> ModuleType:
    """bench/large_plan.py, whose ``generate(objectives)`` writes a valid plan of that size."""
    spec = importlib.util.spec_from_file_location("large_plan_bench", PROJECT / "bench" / "large_plan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def large_plan_text(objectives: int) -> str:
    """A valid plan of ``objectives`` objectives in three levels, three activities each and a metric
    for every other one (plan code ``large``, 2016/17 to 2018/19)."""
    return bench().generate(objectives)


def load_large_plan(objectives: int):
    """The generated plan loaded into the database."""
    from goldenthread.planfile import validate_text
    from goldenthread.plans import models as m
    from goldenthread.plans.store import load_plan

    result = validate_text(large_plan_text(objectives), "large.yaml")
    assert result.ok and result.plan is not None, result.problems[:3]
    load_plan(result.plan)
    return m.Plan.objects.get(code="large")
