"""Property tests of the plan comparison, on plans made by random edits of the example plan.

1. A plan compared with itself has no differences.
2. compare(b, a) is compare(a, b) mirrored: added ↔ removed, old ↔ new.
3. Every code only in the old plan is removed or renamed away, every code only in the new plan
   added or renamed to; an element untouched keeps out of the comparison unless it moved.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.planfile import validate_file
from goldenthread.planfile.compare import compare
from goldenthread.planfile.schema import Plan
from tests.conftest import EXAMPLE

BASE = validate_file(EXAMPLE).plan
assert BASE is not None
LISTS = ["levels", "org_units", "owners", "objectives", "activities", "metrics", "budget_lines", "risks"]

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
edit = st.one_of(
    st.tuples(st.just("title"), st.sampled_from(LISTS), st.integers(0, 9), text),
    st.tuples(st.just("drop"), st.sampled_from(LISTS), st.integers(0, 9)),
    st.tuples(st.just("move"), st.sampled_from(LISTS), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("code"), st.sampled_from(LISTS), st.integers(0, 9)),
    st.tuples(st.just("target"), st.decimals(-10, 10, places=3)),
    st.tuples(st.just("plan"), text),
)


def apply(edits: list[tuple]) -> Plan:
    plan = BASE.model_copy(deep=True)
    for number, (what, *args) in enumerate(edits):
        if what == "plan":
            plan.title = args[0]
            continue
        if what == "target":
            if plan.metrics and plan.metrics[-1].target is not None:
                plan.metrics[-1].target.value = Decimal(args[0])
            continue
        elements = getattr(plan, args[0])
        if not elements:
            continue
        index = args[1] % len(elements)
        if what == "title":
            setattr(elements[index], "name" if args[0] in ("levels", "org_units") else "title", args[2])
        elif what == "drop":
            elements.pop(index)
        elif what == "move":
            elements.insert(args[2] % len(elements), elements.pop(index))
        else:
            elements[index].code = f"new-{number}"
    return plan


plans = st.lists(edit, max_size=8).map(apply)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_a_plan_compared_with_itself_is_empty(plan):
    assert compare(plan, plan).empty


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans, plans)
def test_comparisons_mirror(a, b):
    forward, backward = compare(a, b), compare(b, a)
    assert backward == forward.mirrored()
    assert forward.mirrored().mirrored() == forward
    assert forward.empty == (a == b)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans)
def test_codes_gone_and_new_are_removed_and_added(plan):
    comparison = compare(BASE, plan)
    for name in LISTS:
        old = {element.code for element in getattr(BASE, name)}
        new = {element.code for element in getattr(plan, name)}
        section = comparison.section(name)
        elements = section.elements if section else ()
        gone = {e.old_code for e in elements if e.action == "removed" or e.renamed}
        came = {e.new_code for e in elements if e.action == "added" or e.renamed}
        assert gone == old - new
        assert came == new - old
        for element in elements:
            if element.action in ("changed", "moved"):
                assert element.fields
            if element.action == "moved":
                assert [f.path for f in element.fields] == ["position"]
