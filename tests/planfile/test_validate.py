"""Every kind of plan file error is reported with file, line, column, field and a message."""

from __future__ import annotations

import re

import pytest

from goldenthread.planfile import validate_text

HEAD = """\
code: t
title: Test plan
organisation: {code: o, name: Org}
start: 2016/17
end: 2016/17
levels:
  - code: p
    name: Priority
"""


def problems(text: str) -> list[str]:
    result = validate_text(text, "plan.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


def only(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_example_is_valid(example_text):
    result = validate_text(example_text, "example.yaml")
    assert result.ok, result.problems
    assert result.plan.code == "example-2019"


def test_format_is_file_line_column_field_message():
    text = HEAD + "objectives:\n  - code: a\n    level: p\n    title: A\n    colour: red\n"
    assert (
        only(text)
        == "plan.yaml:13:5: objectives[0].colour: unknown field 'colour'; check the spelling against docs/plan-file.md"
    )


def test_yaml_syntax_error_has_position():
    message = only(HEAD + "objectives:\n  - code: a\n   level: [p\n")
    assert re.match(r"plan\.yaml:1[01]:\d+: YAML syntax error: .*", message), message


def test_wrong_type():
    message = only(HEAD + "risks:\n  - code: r\n    title: R\n    likelihood: high\n")
    assert message.startswith("plan.yaml:12:17: risks[0].likelihood: Input should be a valid integer")
    assert "'high'" in message


def test_out_of_range_and_bad_choice():
    found = problems(
        HEAD + "risks:\n  - code: r\n    title: R\n    impact: 7\n"
        "metrics:\n  - code: m\n    title: M\n    polarity: up\n"
    )
    assert found[0].startswith("plan.yaml:12:13: risks[0].impact: Input should be less than or equal to 5")
    assert found[1].startswith("plan.yaml:16:15: metrics[0].polarity: Input should be 'higher_is_better'")


def test_missing_required_field():
    message = only(HEAD + "objectives:\n  - code: a\n    level: p\n")
    assert message == "plan.yaml:10:5: objectives[0].title: 'title' is required"


def test_duplicate_codes():
    message = only(HEAD + "objectives:\n  - {code: a, level: p, title: A}\n  - {code: a, level: p, title: B}\n")
    assert message.startswith(
        "plan.yaml:11:12: objectives[1].code: code 'a' is used twice in objectives (first on line 10)"
    )


def test_unknown_references():
    found = problems(
        HEAD + "objectives:\n  - {code: a, level: p, title: A, parent: zz, contributes_to: [yy]}\n"
        "activities:\n  - {code: x, objective: nope, title: X}\n"
    )
    assert any("objectives[0].parent: unknown parent objective 'zz'" in f for f in found)
    assert any("objectives[0].contributes_to[0]: unknown objective 'yy'" in f for f in found)
    assert any("activities[0].objective: unknown objective 'nope'" in f for f in found)


def test_cycle_in_parents():
    message = only(
        HEAD + "objectives:\n  - {code: a, level: p, title: A, parent: c}\n"
        "  - {code: b, level: p, title: B, parent: a}\n  - {code: c, level: p, title: C, parent: b}\n"
    )
    assert "parents form a cycle (a → c → b → a)" in message
    assert message.startswith("plan.yaml:10:43: objectives[0].parent:")


def test_dates_outside_plan_period():
    found = problems(
        HEAD + "objectives:\n  - {code: a, level: p, title: A}\n"
        "activities:\n  - {code: x, objective: a, title: X, due: 2019/20 Q1}\n"
        "metrics:\n  - {code: m, title: M, target: {value: 1, by: 2015-01}}\n"
    )
    assert found == [
        "plan.yaml:12:44: activities[0].due: '2019/20 Q1' is outside the plan period 2016/17; "
        "correct the date or the plan's start and end",
        "plan.yaml:14:48: metrics[0].target.by: '2015-01' is outside the plan period 2016/17; "
        "correct the date or the plan's start and end",
    ]


def test_free_text_due_dates_are_allowed():
    result = validate_text(
        HEAD + "objectives:\n  - {code: a, level: p, title: A}\n"
        "activities:\n  - {code: x, objective: a, title: X, due: Annual survey}\n"
    )
    assert result.ok, result.problems


def test_unknown_level():
    assert only(HEAD + "objectives:\n  - {code: a, level: theme, title: A}\n").endswith(
        "objectives[0].level: unknown level 'theme'; declare it under 'levels' or correct the code"
    )


def test_undeclared_owner_and_unit():
    found = problems(HEAD + "objectives:\n  - {code: a, level: p, title: A, owner: cno, org_unit: nursing}\n")
    assert any("objectives[0].owner: unknown owner 'cno'; declare it under 'owners'" in f for f in found)
    assert any("objectives[0].org_unit: unknown org unit 'nursing'; declare it under 'org_units'" in f for f in found)


def test_yaml_tags_are_refused_not_run():
    message = only(
        HEAD
        + "objectives:\n  - code: a\n    level: p\n    title: !!python/object/apply:os.system ['touch /tmp/pwned']\n"
    )
    assert "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in message
    assert message.startswith("plan.yaml:12:12: objectives[0].title:")


def test_aliases_are_refused():
    found = problems(HEAD + "objectives:\n  - &x {code: a, level: p, title: A}\n  - *x\n")
    assert (
        "plan.yaml:11:5: objectives[1]: YAML alias '*x' is not allowed in a plan file; "
        "write the content out here in full" in found
    )


def test_duplicate_keys():
    message = only(HEAD + "objectives:\n  - code: a\n    level: p\n    title: A\n    title: B\n")
    assert message == "plan.yaml:13:5: objectives[0].title: 'title' is given twice (first on line 12); keep one"


def test_every_error_is_reported_not_just_the_first():
    text = HEAD.replace("end: 2016/17", "end: 2016/18") + (
        "objectives:\n  - {code: a, level: p, title: A, owner: ghost}\n  - {code: b, level: p}\n"
        "metrics:\n  - {code: m, title: M, unit: furlongs}\n"
    )
    found = problems(text)
    assert len(found) == 4, found
    assert [f.split(":")[1] for f in found] == ["5", "10", "11", "13"]


def test_markup_is_held_as_text():
    result = validate_text(HEAD + "objectives:\n  - {code: a, level: p, title: '<script>alert(1)</script>'}\n")
    assert result.ok
    assert result.plan.objectives[0].title == "<script>alert(1)</script>"


def test_numbers_as_codes_stay_as_written():
    result = validate_text(HEAD + "objectives:\n  - {code: 3.10, level: p, title: A}\n")
    assert result.plan.objectives[0].code == "3.10"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a list\n"])
def test_not_a_plan(text):
    assert problems(text)


def test_not_utf8(tmp_path):
    from goldenthread.planfile import validate_file

    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    result = validate_file(path)
    assert [str(p) for p in result.problems] == [f"{path}:9:1: the file is not UTF-8 text; save it as UTF-8"]


def test_money():
    result = validate_text(
        HEAD + "budget_lines:\n  - {code: b, title: B, category: running, amount: '£78.7m', period: 2016/17}\n"
        "  - {code: c, title: C, category: programme, amount: '(0.5)', period: 2016/17}\n"
    )
    assert result.ok, result.problems
    assert [str(b.amount) for b in result.plan.budget_lines] == ["78700000.0", "-0.5"]
    bad = only(HEAD + "budget_lines:\n  - {code: b, title: B, category: running, amount: lots, period: 2016/17}\n")
    assert "'lots' is not an amount of money" in bad


def test_trigger_rules_are_checked():
    found = problems(
        HEAD + "metrics:\n  - code: m\n    title: M\n    trigger_rules:\n      - rule: below_target_for\n"
        "      - {rule: special_cause_concern, periods: 2}\n      - {rule: when_it_rains}\n"
    )
    assert any("metrics[0].trigger_rules[0]: rule 'below_target_for' needs 'periods'" in f for f in found), found
    assert any("metrics[0].trigger_rules[1]: rule 'special_cause_concern' takes no 'periods'" in f for f in found), (
        found
    )
    assert any("metrics[0].trigger_rules[2].rule: Input should be 'below_target_for'" in f for f in found), found


def test_a_problem_after_an_invalid_element_is_located_at_its_own_element():
    """The consistency checks see only the valid elements; their problems are still located at the
    element's own place in the file, not at the invalid element before it."""
    text = HEAD + (
        "objectives:\n  - {code: a, level: p, title: A, colour: red}\n  - {code: b, level: p, title: B, owner: ghost}\n"
    )
    found = problems(text)
    assert found[0].startswith("plan.yaml:10:35: objectives[0].colour: unknown field")
    assert found[1].startswith("plan.yaml:11:42: objectives[1].owner: unknown owner 'ghost'")


def test_a_plan_held_as_data_is_validated_with_the_same_messages():
    from goldenthread.planfile import plan_document, validate_data

    plan = validate_text(HEAD + "objectives:\n  - {code: a, level: p, title: A}\n").plan
    document = plan_document(plan)
    assert validate_data(document).plan == plan
    document["objectives"].append({"code": "a", "level": "q", "title": "Again"})
    found = [f"{p.path}: {p.message}" for p in validate_data(document, "draft").problems]
    assert any(f.startswith("objectives[1].code: code 'a' is used twice") for f in found), found
    assert any(f.startswith("objectives[1].level: unknown level 'q'") for f in found), found


@pytest.mark.parametrize("levels", ["levels: []\n", "levels:\n  - {code: p}\n", ""])
def test_a_plan_with_no_valid_level_is_refused_with_its_problem_not_a_crash(levels):
    text = "code: t\ntitle: T\norganisation: {code: o, name: O}\nstart: 2016/17\nend: 2016/17\n" + levels
    found = problems(text)
    assert any("levels" in p for p in found), found
