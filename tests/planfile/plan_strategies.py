"""Hypothesis strategies for hostile plan files: YAML-ish text, and the example plan with
arbitrary values put into its fields (issue 15: the plan-file reader's generated-input tests)."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.conftest import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA: dict[str, Any] = yaml.safe_load(EXAMPLE_TEXT)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every path in the example's data, containers and leaves."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


PATHS = _paths(EXAMPLE_DATA)

#: characters that have broken readers: controls, NUL, direction controls, surrogates, YAML syntax
NASTY = "\0\x07\x1b\x7f\x85\t\r\n\u202e\u2066\u2069\ufeff\u2028&*!%@`|>'\"#:-[]{},?\\ £é€中ع"
nasty_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(NASTY), max_size=40)
long_text = st.sampled_from([299, 300, 301, 1000, 1001, 20001]).map(lambda n: "é" * n)
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e30", "1e309", "£1e300bn", "-inf", "NaN", "9" * 25, "999999999999999", "0.000000001"]),
    st.sampled_from(["(0.5)", "£78.7m", "1_000", "0x10", "1e-400", "12,5", "١٢", "１２"]),
)
periods = st.sampled_from(["2019/20", "2019/20 Q4", "2019-03", "0000", "9999/00", "2019-02-30", "Q5 2019/20", ""])
scalars = st.one_of(nasty_text, long_text, numbers, periods, st.booleans(), st.none())
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3), max_leaves=6
)


@st.composite
def edited_plans(draw: st.DrawFn) -> dict[str, Any]:
    """The example plan with one to three of its fields (or lists) replaced by arbitrary values."""
    data = copy.deepcopy(EXAMPLE_DATA)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        container: Any = data
        try:
            for part in path[:-1]:
                container = container[part]
            container[path[-1]] = draw(values)
        except (KeyError, IndexError, TypeError):  # an earlier edit replaced the way there
            continue
    return data


#: pieces of YAML to put together: keys, indentation, flow syntax, anchors, tags, escapes
_PIECES = [
    "code: x",
    "title: T",
    "levels:",
    "  - code: p",
    "    name: P",
    "objectives:",
    "- ",
    "  ",
    "\n",
    ": ",
    "&a ",
    "*a",
    "!!python/object:os.system",
    "!custom ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    '"\\0"',
    '"\\u202e"',
    "'",
    '"',
    "|",
    ">",
    "#",
    "---",
    "...",
    "? ",
    "%YAML 1.1",
    "\t",
    "\0",
    "\x85",
    "\ufeff",
    "9" * 30,
    "1e400",
    "start: 2016/17",
    "end: 0000/01",
    "amount: £1e300bn",
    "<<: *a",
    "~",
    "null",
    "yes",
]
yamlish_text = st.one_of(
    st.lists(st.sampled_from(_PIECES) | nasty_text, max_size=40).map("".join),
    st.text(max_size=200),
    st.builds(
        lambda cut, insert: EXAMPLE_TEXT[:cut] + insert + EXAMPLE_TEXT[cut:],
        st.integers(0, len(EXAMPLE_TEXT)),
        st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join),
    ),
)


def as_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


#: leaves of free text and numbers: put arbitrary values there and a plan often stays valid
_FREE_TEXT = {"title", "name", "description", "source", "text", "definition", "trigger", "data_source"}
_FREE_TEXT |= {"mitigation", "assessment", "ref", "framework", "file", "when", "due"}
_NUMBERS = {"value", "amount", "scale_min", "scale_max"}
LEAVES = [p for p in PATHS if isinstance(p[-1], str) and p[-1] in _FREE_TEXT | _NUMBERS]
_plain_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60)


@st.composite
def edited_leaves(draw: st.DrawFn) -> dict[str, Any]:
    """The example plan with some of its texts and numbers replaced: often still a valid plan."""
    data = copy.deepcopy(EXAMPLE_DATA)
    for path in draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=4)):
        container: Any = data
        for part in path[:-1]:
            container = container[part]
        if path[-1] in _NUMBERS:
            container[path[-1]] = draw(numbers | st.decimals(-(10**15), 10**15, places=10).map(str))
        else:
            container[path[-1]] = draw(_plain_text | nasty_text | long_text)
    return data
