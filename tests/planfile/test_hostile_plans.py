"""Bad and hostile plan files (issue 15): each refused with its file, line, column and field."""

from __future__ import annotations

import re

import pytest

from goldenthread.planfile import validate_file, validate_text
from tests.conftest import EXAMPLE

TEXT = EXAMPLE.read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    result = validate_text(text, "plan.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


def edited(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "amount: 8100000",
            "amount: 1e30",
            "plan.yaml:135:13: budget_lines[1].amount: this amount is too large to store: at most 15 digits before "
            "the decimal point; write it in pounds, e.g. 78700000 or '£78.7m'",
        ),
        ("amount: 8100000", "amount: '£1e300bn'", "plan.yaml:135:13: budget_lines[1].amount: this amount is too large"),
        ("amount: 8100000", "amount: 1e309", "plan.yaml:135:13: budget_lines[1].amount: this amount is too large"),
        ("amount: 8100000", "amount: " + "9" * 25, "plan.yaml:135:13: budget_lines[1].amount: this amount is too"),
        (
            "      value: 0.08",
            "      value: 1e400",
            "plan.yaml:103:14: metrics[1].target.value: this number is too large to store: at most 15 digits "
            "before the decimal point; correct it",
        ),
        ("        value: 0.1\n", "        value: -1e20\n", "plan.yaml:109:16: metrics[1].trajectory[0].value: this"),
        ("        value: 0.11", "        value: 1e16", "plan.yaml:123:16: metrics[1].stated_values[0].value: this"),
        ("    unit: rate", "    unit: rate\n    scale_max: 1e17", "plan.yaml:91:16: metrics[0].scale_max: this number"),
        ("value: 0.08", "value: NaN", "plan.yaml:103:14: metrics[1].target.value: Input should be a finite number"),
    ],
)
def test_numbers_too_large_to_store_are_refused_at_their_field(old, new, expected):
    """Issue 15 finding 2: budgets, targets, trajectories, stated values and scales too large for
    their column (1e30, '£1e300bn', 25 digits, 1e400) are refused, not stored to ruin the plan."""
    found = problems(edited(old, new))
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '    source: Appendix One\n  - code: "3"',
            "    source: " + "x" * 301 + '\n  - code: "3"',
            "plan.yaml:50:13: objectives[0].source: this text is 301 characters long; at most 300; shorten it",
        ),
        ("due: Annual survey", "due: " + "y" * 301, "plan.yaml:85:10: activities[1].due: this text is 301 characters"),
        (
            "text: 8% or lower by Q4",
            "text: " + "t" * 1001,
            "plan.yaml:106:13: metrics[1].target.text: this text is 1,001 characters long; at most 1,000; shorten it",
        ),
        ("date: 27 June 2019", "date: " + "2" * 101, "plan.yaml:14:9: source_document.date: this text is 101"),
        (
            "    org_unit: medical\n  - code: cno",
            "    name: " + "n" * 301 + "\n    org_unit: medical\n  - code: cno",
            "plan.yaml:34:11: owners[0].name: this text is 301 characters long",
        ),
        ("data_source: NHS Digital vacancy statistics", "data_source: " + "d" * 1001, "plan.yaml:120:18: metrics[1]"),
        ("    period: 2019/20\nstated", "    period: 2019/2020\nstated", "plan.yaml:136:13: budget_lines[1].period"),
    ],
)
def test_text_longer_than_its_column_is_refused_at_its_field(old, new, expected):
    """Issue 15 finding 3: every text of the plan file has its column's length (SQLite stored
    them, PostgreSQL refused them with no location)."""
    found = problems(edited(old, new))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_deep_nesting_is_refused_not_a_recursion_error():
    """Issue 15 finding 10: a description nested 600 lists deep raised RecursionError."""
    for depth in (40, 600, 5000):
        text = edited("description: A small plan", "description: " + "[" * depth + "]" * depth + " #")
        found = problems(text.replace(" # for tests and the quick start.", ""))
        assert any("nested more than 32 deep" in p or "nesting depth" in p for p in found), found
        assert all(p.startswith("plan.yaml:11:") for p in found), found


def test_deep_block_nesting_is_refused():
    """Issue 15 finding 10, in block style."""
    deep = "".join(" " * (2 * i) + "- \n" for i in range(200))
    found = problems(edited("description: A small plan for tests and the quick start.\n", "description:\n" + deep))
    assert any("nested more than 32 deep" in p for p in found), found


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            '"Work\\0force"',
            "plan.yaml:53:12: objectives[1].title: this text contains a NUL character (U+0000) at "
            "character 5; delete it",
        ),
        (
            '"Work\\x07force"',
            "plan.yaml:53:12: objectives[1].title: this text contains a control character (U+0007) "
            "at character 5; delete it",
        ),
        (
            '"Work\\eforce"',
            "plan.yaml:53:12: objectives[1].title: this text contains a control character (U+001B) "
            "at character 5; delete it",
        ),
        (
            '"Work\\Nforce"',
            "plan.yaml:53:12: objectives[1].title: this text contains a control character (U+0085) "
            "at character 5; delete it",
        ),
    ],
)
def test_nul_and_control_characters_written_as_escapes_are_refused(raw, expected):
    """Issue 15 finding 11: "\\0" in a quoted title validated, SQLite stored it, PostgreSQL refused
    it with a misleading database error."""
    assert problems(edited("title: Workforce", f"title: {raw}")) == [expected]


@pytest.mark.parametrize(
    ("char", "name"), [("\0", "a NUL character (U+0000)"), ("\x07", "a control character (U+0007)")]
)
def test_nul_and_control_characters_in_the_file_are_located(char, name):
    """Issue 15 finding 11: a raw control character was reported at 1:1 with a character offset."""
    assert problems(edited("title: Workforce", f"title: Work{char}force")) == [
        f"plan.yaml:53:16: the file contains {name} here; delete it"
    ]


def test_a_nul_in_a_file_on_disk_is_located(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(edited("title: Workforce", "title: Work\0force").encode())
    assert [str(p) for p in validate_file(path).problems] == [
        f"{path}:53:16: the file contains a NUL character (U+0000) here; delete it"
    ]


def test_scalar_anchors_and_aliases_are_refused_where_written():
    """Issue 15 finding 12: a scalar anchor and alias were accepted."""
    text = edited("title: Workforce", "title: &t Workforce").replace("title: Nursing workforce supply", "title: *t")
    assert problems(text) == [
        "plan.yaml:53:12: objectives[1].title: YAML anchor '&t' is not allowed in a plan file; remove '&t'",
        "plan.yaml:67:12: objectives[3].title: YAML alias '*t' is not allowed in a plan file; "
        "write the content out here in full",
    ]


def test_list_aliases_are_refused_at_the_alias():
    """Issue 15 finding 12: for list and mapping aliases the error pointed at the anchor."""
    text = TEXT.replace(
        "    framework_refs:\n      - framework: Accountability Framework\n        ref: paragraphs 12",
        "    framework_refs: &fr\n      - framework: Accountability Framework\n        ref: paragraphs 12",
    ).replace(
        "    framework_refs:\n      - framework: Accountability Framework\n        ref: paragraphs 32 to 38",
        "    framework_refs: *fr",
    )
    assert problems(text) == [
        "plan.yaml:47:21: objectives[0].framework_refs: YAML anchor '&fr' is not allowed in a plan file; remove '&fr'",
        "plan.yaml:54:21: objectives[1].framework_refs: YAML alias '*fr' is not allowed in a plan file; "
        "write the content out here in full",
    ]


def test_mapping_aliases_in_flow_style_are_refused_at_the_alias():
    text = edited(
        "organisation:\n  code: nhsei\n  name: NHS England and NHS Improvement",
        "organisation: &o {code: nhsei, name: NHS England and NHS Improvement}\nx: [*o, *o]",
    )
    found = problems(text)
    assert "plan.yaml:5:15: organisation: YAML anchor '&o' is not allowed in a plan file; remove '&o'" in found
    assert any(p.startswith("plan.yaml:6:5: x[0]: YAML alias '*o'") for p in found), found
    assert any(p.startswith("plan.yaml:6:9: x[1]: YAML alias '*o'") for p in found), found


def test_an_ampersand_or_asterisk_in_text_is_not_an_anchor():
    text = edited("title: Workforce", "title: R&D *and* Q & A, paragraphs 3 & 4")
    assert validate_text(text, "plan.yaml").ok


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            '"Work\\u202eforce"',
            "plan.yaml:53:12: objectives[1].title: this text contains an invisible right-to-left override (U+202E) "
            "at character 5, which makes text display reversed; delete it",
        ),
        ("Work\u202eforce", "plan.yaml:53:12: objectives[1].title: this text contains an invisible right-to-left"),
        ("Work\u2067force", "plan.yaml:53:12: objectives[1].title: this text contains an invisible right-to-left iso"),
    ],
)
def test_right_to_left_overrides_are_refused_with_their_place(title, expected):
    """Issue 15 finding 13: right-to-left overrides in titles displayed reversed on pages and exports."""
    found = problems(edited("title: Workforce", f"title: {title}"))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_right_to_left_text_itself_is_fine():
    assert validate_text(edited("title: Workforce", "title: القوى العاملة — כוח אדם"), "plan.yaml").ok


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ("", "plan.yaml:3:1: levels: 'levels' is required: a plan declares at least one level"),
        ("levels: []\n", "plan.yaml:16:9: levels: a plan declares at least one level"),
        ("levels: {}\n", "plan.yaml:16:9: levels: 'levels' must be a list of elements, each starting with '- code:'"),
        ("levels: ''\n", "plan.yaml:16:9: levels: 'levels' must be a list of elements, each starting with '- code:'"),
    ],
)
def test_a_plan_with_no_levels_gets_one_clear_message(levels, expected):
    """Issue 15 finding 14: `levels: {}` was also told a plan declares at least one level."""
    found = problems(re.sub(r"levels:\n(  .*\n)+", levels, TEXT))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_long_bad_value_is_quoted_short():
    found = problems(edited("status: in_progress", "status: " + "z" * 5000))
    assert len(found) == 1 and len(found[0]) < 300 and "(5,000 characters)" in found[0], found
