"""A large valid plan is read lean (issue 15 finding 15): a 20 MB plan took 17 s and 1 GB."""

from __future__ import annotations

import tracemalloc

from goldenthread.planfile import validate_text
from goldenthread.planfile.source import read_yaml
from goldenthread.planfile.validate import validate_source

from ..large_plans import large_plan_text


def test_a_large_plan_validates_in_a_few_times_its_own_size():
    """Issue 15 finding 15: validating a plan cost 22 times the size of its text at its peak (a tree
    of YAML nodes with the line and column of every value, held beside the data); now about 7."""
    text = large_plan_text(350)  # about 1 MB: 350 objectives, 1,050 activities, 175 metrics
    tracemalloc.start()
    try:
        result = validate_text(text, "large.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.ok, result.problems[:3]
    assert len(result.plan.activities) == 1050
    assert peak < 12 * len(text), f"peak {peak:,} bytes for {len(text):,} characters"


def test_a_valid_plan_never_works_out_where_its_values_are():
    """Issue 15 finding 15: the lines and columns of every value are found only when a problem
    needs one; a problem is still located exactly."""
    text = large_plan_text(40)
    source = read_yaml(text, "large.yaml")
    assert validate_source(source).ok
    assert source.value_marks == {} and source.key_marks == {}
    bad = text.replace("    status: in_progress\n", "    status: underway\n", 1)
    line = text[: text.index("    status: in_progress\n")].count("\n") + 1
    (problem,) = validate_text(bad, "large.yaml").problems
    assert (problem.line, problem.column) == (line, 13) and "status" in problem.path
