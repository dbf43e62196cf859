"""The loader's messages name the person's choices through a wording per channel: command-line
flags for ``goldenthread data load``, the page's fields for the upload page. No message of the
loader writes a flag itself, so none can reach the page (issue 13)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import goldenthread.performance.loading as loading
from goldenthread.performance.loading import CLI, PAGE, MappingError, parse_mapping

FLAG = re.compile(r"--[a-z]")
LOADER = Path(loading.__file__).parent


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_loader_module_but_the_wording_writes_a_flag_into_a_message():
    flags = []
    for path in sorted(LOADER.glob("*.py")):
        if path.name == "wording.py":
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if FLAG.search(node.value):
                    flags.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert flags == [], "word these through goldenthread.performance.loading.wording:\n" + "\n".join(flags)


def test_the_guard_finds_a_flag_written_in_a_message(tmp_path):
    tree = ast.parse('def f(x):\n    """--map in a docstring is fine"""\n    return f"load with --add-units {x}"\n')
    docs = _docstrings(tree)
    found = [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]
    assert [n.value for n in found if FLAG.search(n.value)] == ["load with --add-units "]


def test_the_page_wording_has_no_flags_and_the_command_lines_has():
    page = [PAGE.metric("X"), PAGE.metric_for_every_row, PAGE.map_item("a=b"), PAGE.map_where, PAGE.map_example("a=b")]
    assert not any(FLAG.search(text) for text in [*page, PAGE.add_units])
    assert (
        CLI.metric("X") == "--metric X" and "--add-units KIND" in CLI.add_units and CLI.map_item("a=b") == "--map a=b"
    )


@pytest.mark.parametrize(
    ("items", "cli", "page"),
    [
        (
            ["x"],
            "--map x: write it as COLUMN=FIELD, e.g. --map org_code=org_unit",
            "x (in “Column names to read as fields”): write it as COLUMN=FIELD, e.g. org_code=org_unit",
        ),
        (
            ["a=value", "a=metric"],
            "--map a=metric: column 'a' is already mapped",
            "a=metric (in “Column names to read as fields”): column 'a' is already mapped",
        ),
    ],
)
def test_mapping_problems_are_worded_per_channel(items, cli, page):
    for wording, expected in ((CLI, cli), (PAGE, page)):
        with pytest.raises(MappingError) as raised:
            parse_mapping(items, wording)
        assert str(raised.value).startswith(expected)
