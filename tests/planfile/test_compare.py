"""Comparing two versions of a plan: elements added, removed, changed and moved, field by field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.planfile import plan_document, validate_text
from goldenthread.planfile.compare import Comparison, ElementChange, FieldChange, compare, listing
from goldenthread.planfile.compare_values import pounds
from goldenthread.planfile.schema import Metric, Objective, Plan, Target, TrajectoryPoint


def edited(plan: Plan) -> Plan:
    return plan.model_copy(deep=True)


def only(comparison: Comparison, section: str) -> ElementChange:
    found = comparison.section(section)
    assert found is not None, comparison
    assert len(found.elements) == 1, found.elements
    return found.elements[0]


def fields(change: ElementChange) -> dict[str, tuple[str, str]]:
    return {field.path: (field.old, field.new) for field in change.fields}


def test_a_plan_compared_with_itself_or_its_stored_copy_has_no_differences(example_plan):
    assert compare(example_plan, example_plan).empty
    assert compare(example_plan, Plan.model_validate(plan_document(example_plan))).empty
    assert listing(compare(example_plan, example_plan)) == ["No differences."]


def test_a_changed_target_and_trajectory_read_old_to_new_with_percentages(example_plan):
    new = edited(example_plan)
    metric = new.metrics[1]
    assert metric.target is not None
    metric.target.value = Decimal("0.07")
    metric.target.comparison = "<"
    metric.trajectory.append(TrajectoryPoint(period="2019/20 Q3", value=Decimal("0.09")))
    change = only(compare(example_plan, new), "metrics")
    assert (change.action, change.kind, change.code, change.title) == (
        "changed",
        "metric",
        "NUR-VAC",
        "Nursing vacancy rate",
    )
    assert fields(change) == {
        "target.value": ("0.08 (8%)", "0.07 (7%)"),
        "target.comparison": ("<=", "<"),
        "trajectory": (
            "2019/20 Q1: 0.1 (10%); 2019/20 Q2: 0.095 (9.5%)",
            "2019/20 Q1: 0.1 (10%); 2019/20 Q2: 0.095 (9.5%); 2019/20 Q3: 0.09 (9%)",
        ),
    }


def test_a_changed_list_says_which_items_came_and_went(example_plan):
    new = edited(example_plan)
    new.metrics[1].trajectory[1].value = Decimal("0.09")
    new.activity_rules[0].grace_days = 7
    comparison = compare(example_plan, new)
    (trajectory,) = only(comparison, "metrics").fields
    assert trajectory.detail == "added 2019/20 Q2: 0.09 (9%); removed 2019/20 Q2: 0.095 (9.5%)"
    (rules,) = comparison.plan
    assert (rules.path, rules.detail) == (
        "activity_rules",
        "added activity_overdue grace_days 7; removed activity_overdue grace_days 14",
    )
    assert (
        "      trajectory: 2019/20 Q1: 0.1 (10%); 2019/20 Q2: 0.095 (9.5%) → 2019/20 Q1: 0.1 (10%); "
        "2019/20 Q2: 0.09 (9%) (added 2019/20 Q2: 0.09 (9%); removed 2019/20 Q2: 0.095 (9.5%))" in listing(comparison)
    )


def test_a_target_set_where_there_was_none_reads_as_a_whole(example_plan):
    new = edited(example_plan)
    new.metrics[0].target = Target(value=Decimal("12.5"), comparison="<=", by="2019/20 Q4", text="12.5 or fewer")
    change = only(compare(example_plan, new), "metrics")
    assert fields(change) == {"target": ("(none)", "≤ 12.5 by 2019/20 Q4 — “12.5 or fewer”")}


def test_a_list_of_codes_says_which_were_added_and_removed(example_plan):
    new = edited(example_plan)
    new.metrics[1].objectives = ["MED-1", "1"]
    change = only(compare(example_plan, new), "metrics")
    (field,) = change.fields
    assert (field.path, field.old, field.new, field.detail) == (
        "objectives",
        "NUR-1",
        "MED-1, 1",
        "added MED-1, 1; removed NUR-1",
    )


def test_money_shows_pounds_as_plans_print_them(example_plan):
    new = edited(example_plan)
    new.budget_lines[0].amount = Decimal("-500000")
    change = only(compare(example_plan, new), "budget_lines")
    assert fields(change) == {"amount": ("12500000 (£12.5m)", "-500000 (-£500k)")}
    assert [pounds(Decimal(v)) for v in ("1200000000", "350000", "499.5")] == ["£1.2bn", "£350k", "£499.5"]


def test_added_and_removed_elements_carry_their_fields(example_plan):
    new = edited(example_plan)
    removed = new.activities.pop(0)
    new.objectives.append(
        Objective(code="MED-2", level="dir-priority", title="Antibiotic stewardship", parent="1", owner="nmd")
    )
    comparison = compare(example_plan, new)
    added = only(comparison, "objectives")
    assert (added.action, added.old_code, added.new_code, added.new_position) == ("added", None, "MED-2", 5)
    assert fields(added) == {
        "level": ("(none)", "dir-priority"),
        "parent": ("(none)", "1"),
        "owner": ("(none)", "nmd"),
    }
    gone = only(comparison, "activities")
    assert (gone.action, gone.code, gone.title, gone.old_position) == ("removed", "MED-1-a", removed.title, 1)
    assert fields(gone)["due"] == ("2019/20 Q2", "(none)")
    assert comparison.counts == {"added": 1, "removed": 1}


def test_the_plans_own_fields_nested_ones_by_path(example_plan):
    new = edited(example_plan)
    new.organisation.name = "NHS England"
    new.status = "agreed"
    new.activity_rules = []
    comparison = compare(example_plan, new)
    assert comparison.sections == ()
    assert {(f.path, f.old, f.new) for f in comparison.plan} == {
        ("organisation.name", "NHS England and NHS Improvement", "NHS England"),
        ("status", "draft", "agreed"),
        ("activity_rules", "activity_overdue grace_days 14", "(none)"),
    }


def test_an_element_added_at_the_top_moves_nothing_else(example_plan):
    new = edited(example_plan)
    new.objectives.insert(0, Objective(code="0", level="org-priority", title="First"))
    section = compare(example_plan, new).section("objectives")
    assert section is not None
    assert [(e.action, e.code) for e in section.elements] == [("added", "0")]


def test_an_element_moved_to_the_top_is_the_only_one_moved(example_plan):
    new = edited(example_plan)
    new.objectives.insert(0, new.objectives.pop())
    change = only(compare(example_plan, new), "objectives")
    assert (change.action, change.code, change.old_position, change.new_position) == ("moved", "NUR-1", 4, 1)
    assert fields(change) == {"position": ("4th", "1st")}


def test_an_element_changed_and_moved_is_changed_with_its_position(example_plan):
    new = edited(example_plan)
    new.objectives.insert(0, new.objectives.pop())
    new.objectives[0].title = "Nursing supply"
    change = only(compare(example_plan, new), "objectives")
    assert change.action == "changed" and change.moved
    assert fields(change) == {
        "title": ("Nursing workforce supply", "Nursing supply"),
        "position": ("4th", "1st"),
    }
    assert (change.old_title, change.new_title) == ("Nursing workforce supply", "Nursing supply")


def test_two_elements_swapped_are_both_moved(example_plan):
    new = edited(example_plan)
    new.owners.reverse()
    section = compare(example_plan, new).section("owners")
    assert section is not None
    assert [(e.action, e.code) for e in section.elements] == [("moved", "cno"), ("moved", "nmd")]


def test_a_new_code_is_a_rename_when_nothing_else_or_only_the_title_tells_them_apart(example_plan):
    new = edited(example_plan)
    new.risks[0].code = "R9"
    new.owners[0].code = "md"
    new.owners[0].name = "Stephen Powis"
    change = only(compare(example_plan, new), "risks")
    assert (change.action, change.old_code, change.new_code, change.renamed) == ("changed", "R1", "R9", True)
    assert fields(change) == {"code": ("R1", "R9")}
    owner = only(compare(example_plan, new), "owners")
    assert fields(owner) == {"code": ("nmd", "md"), "name": ("(none)", "Stephen Powis")}
    assert "  changed risk R9 (was R1) “Insufficient international recruitment to close the nursing gap”" in (
        listing(compare(example_plan, new))
    )


def test_a_new_code_and_title_and_more_is_removed_and_added(example_plan):
    new = edited(example_plan)
    new.risks[0].code = "R9"
    new.risks[0].title = "Another risk"
    new.risks[0].impact = 2
    section = compare(example_plan, new).section("risks")
    assert section is not None
    assert [(e.action, e.code) for e in section.elements] == [("added", "R9"), ("removed", "R1")]


HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "!!python/object/apply:os.system ['rm -rf /']",
    "{{ 7*7 }} {% raw %}",
    "line one\nline two",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_text_is_held_as_text(example_plan, title):
    new = edited(example_plan)
    new.metrics[0].title = title
    new.metrics[0].definition = title
    change = only(compare(example_plan, new), "metrics")
    assert change.title == title
    assert fields(change)["definition"] == ("(none)", title)


def test_hostile_text_read_from_a_file_is_compared_as_written(example_text):
    old = validate_text(example_text, "a.yaml").plan
    text = example_text.replace(
        "title: Nursing vacancy rate", 'title: "<img src=x onerror=alert(1)> !!python/name:os.system"'
    )
    new = validate_text(text, "b.yaml").plan
    assert old is not None and new is not None
    change = only(compare(old, new), "metrics")
    assert fields(change)["title"] == ("Nursing vacancy rate", "<img src=x onerror=alert(1)> !!python/name:os.system")


def test_the_listing_escapes_control_characters_and_indents_lines(example_plan):
    new = edited(example_plan)
    new.title = "Plan\x1b[2J\x07"
    new.description = "one\ntwo"
    lines = listing(compare(example_plan, new))
    assert lines[0] == "Plan"
    assert "  title: Example joint business plan 2019/20 → Plan\\x1b[2J\\x07" in lines
    assert "  description: A small plan for tests and the quick start. → one\n    two" in lines
    assert not any("\x1b" in line for line in lines)


def test_a_plan_with_repeated_codes_is_still_compared(example_plan):
    new = edited(example_plan)
    new.metrics.append(Metric(code="NUR-VAC", title="Twin"))
    change = only(compare(example_plan, new), "metrics")
    assert (change.action, change.code, change.title) == ("added", "NUR-VAC", "Twin")


def test_field_change_mirrors():
    change = FieldChange("objectives", "A", "B", ("B",), ("A",))
    assert change.mirrored() == FieldChange("objectives", "B", "A", ("A",), ("B",))
    assert change.mirrored().mirrored() == change
