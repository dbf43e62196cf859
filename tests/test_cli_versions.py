"""``goldenthread plan versions``, ``plan compare`` and ``plan export --version``."""

from __future__ import annotations

import json

import pytest

from goldenthread.cli.main import main
from goldenthread.planfile import to_yaml, validate_file

from .conftest import EXAMPLE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_versions(tmp_path, capsys):
    edited = tmp_path / "edited.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("value: 0.08", "value: 0.07")
    # a control character (ESC) in a title is now refused by validation (issue 15 finding 11); the
    # comparison's own escaping of them is tested in tests/planfile/test_compare.py
    edited.write_text(text.replace("title: Workforce", 'title: "Workforce [31mred"'), encoding="utf-8")
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    assert main(["plan", "load", "--in-force-from", "2019/20 Q3", str(edited)]) == 0
    capsys.readouterr()
    return edited


def test_versions_lists_each_version(two_versions, capsys):
    assert main(["plan", "versions", "example-2019"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["version", "how", "in", "force", "from", "by", "when", "note"]
    assert lines[1].startswith("1 ") and "Loaded from a file  2019/20 " in lines[1]
    assert lines[1].endswith("Loaded from example.yaml")
    assert (
        lines[2].startswith("2 (latest)") and "2019/20 Q3" in lines[2] and lines[2].endswith("Loaded from edited.yaml")
    )


def test_compare_lists_the_changes_and_escapes_control_characters(two_versions, capsys):
    assert main(["plan", "compare", "example-2019", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "example-2019: version 1 → version 2",
        "Objectives: 1 changed",
        "  changed objective 3 “Workforce [31mred”",
        "      title: Workforce → Workforce [31mred",
        "Metrics: 1 changed",
        "  changed metric NUR-VAC “Nursing vacancy rate”",
        "      target.value: 0.08 (8%) → 0.07 (7%)",
    ]
    assert "\x1b" not in out
    assert main(["plan", "compare", "example-2019", "2", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No differences."


def test_export_writes_a_stored_version(two_versions, tmp_path, capsys):
    out = tmp_path / "v1.yaml"
    assert main(["plan", "export", "example-2019", "--version", "1", "-o", str(out)]) == 0
    first = validate_file(out)
    assert first.ok and first.plan is not None
    assert to_yaml(first.plan) == to_yaml(validate_file(EXAMPLE).plan)
    assert main(["plan", "export", "example-2019", "--version", "2", "--format", "json"]) == 0
    metric = json.loads(capsys.readouterr().out)["metrics"][1]
    assert metric["code"] == "NUR-VAC" and metric["target"]["value"] == 0.07


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["versions", "nope"], "There is no plan with code 'nope'"),
        (["compare", "nope", "1", "2"], "There is no plan with code 'nope'"),
        (["compare", "example-2019", "1", "3"], "There is no version 3 of plan example-2019: it has versions 1 to 2"),
        (["compare", "example-2019", "one", "2"], "The first version 'one' is not a version number"),
        (["export", "example-2019", "--version", "9"], "There is no version 9 of plan example-2019"),
        (["export", "example-2019", "--version", "x"], "The version 'x' is not a version number"),
        (["export", "nope", "--version", "1"], "There is no plan with code 'nope'"),
    ],
)
def test_an_unknown_plan_or_version_is_said_and_exits_1(two_versions, capsys, args, message):
    assert main(["plan", *args]) == 1
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_export_writes_a_stored_version_as_a_workbook(two_versions, tmp_path):
    from goldenthread.planfile.workbook_read import validate_plan_file

    out = tmp_path / "v1.xlsx"
    assert main(["plan", "export", "example-2019", "--version", "1", "--format", "xlsx", "-o", str(out)]) == 0
    first = validate_plan_file(out)
    assert first.ok and first.plan is not None
    assert to_yaml(first.plan) == to_yaml(validate_file(EXAMPLE).plan)
