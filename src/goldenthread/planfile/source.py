"""Read YAML into plain Python while remembering where every value came from.

PyYAML's composer gives us nodes with line and column marks; we build the data ourselves from
those nodes so that (a) every path in the document maps to a line and column for error
messages, (b) no tag is ever constructed into an object (a ``!!python/object`` tag is an error,
not code to run), and (c) duplicate keys are reported instead of silently overwritten.

Scalars other than booleans and nulls are kept as the text the author wrote, so that a code
written ``3.102`` stays "3.102" rather than becoming a float; pydantic converts numeric fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from goldenthread.planfile import fields

#: the C composer when PyYAML was built with libyaml: much faster on large files, and just as safe
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]

#: lists and mappings nested deeper than this are refused: a plan file needs five levels at most
#: (metrics → a metric → trajectory → a point → period), and deeper ones cost recursion
MAX_DEPTH = 32

#: where an anchor (&name) or alias (*name) could start; only a file that has one is read twice
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, located as precisely as we can."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


@dataclass
class Source:
    """A parsed document: its data and, for each path, the (line, column) of key and value."""

    file: str
    data: object = None
    value_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set, repr=False)
    _aliases_reported: bool = field(default=False, repr=False)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column for ``path``, falling back to the nearest enclosing element."""
        path = tuple(path)
        while True:
            if key and path in self.key_marks:
                return self.key_marks[path]
            if path in self.value_marks:
                return self.value_marks[path]
            if path in self.key_marks:
                return self.key_marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.file, line, column, dotted(path), message)


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_yaml(text: str, file: str) -> Source:
    source = Source(file)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        source.problems.append(
            Problem(file, line, column, "", f"YAML syntax error: {what}; fix the YAML at this position")
        )
        return source
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        source.problems.append(_refused_character(text, exc, file))
        return source
    except yaml.YAMLError as exc:
        source.problems.append(Problem(file, 1, 1, "", f"YAML error: {exc}"))
        return source
    except RecursionError:  # only without libyaml: its composer recurses in Python
        source.problems.append(Problem(file, 1, 1, "", _too_deep()))
        return source
    if root is None:
        source.problems.append(
            Problem(file, 1, 1, "", "the file is empty; a plan file starts with 'code:' and 'title:'")
        )
        return source
    if _MAYBE_ANCHOR.search(text):
        _refuse_anchors(text, source)
    source.data = _build(root, (), source)
    return source


def _refused_character(text: str, exc: yaml.reader.ReaderError, file: str) -> Problem:
    """The character the YAML reader stopped at, located by line and column."""
    position = min(max(exc.position, 0), len(text))
    breaks = list(_LINE_BREAK.finditer(text, 0, position))
    line = len(breaks) + 1
    column = position - (breaks[-1].end() if breaks else 0) + 1
    char = text[position] if position < len(text) else ""
    what = fields.refused_character(char) if char else None
    if what is None:
        code = f" (U+{ord(char):04X})" if char else ""
        what = f"the character{code}, which YAML does not allow"
    return Problem(file, line, column, "", f"the file contains {what} here; delete it")


def _too_deep() -> str:
    return (
        f"lists and mappings are nested more than {MAX_DEPTH} deep here; "
        "a plan file needs only a few levels: check the brackets and the indentation"
    )


def _refuse_anchors(text: str, source: Source) -> None:
    """Report every anchor (&name) and alias (*name) at its own position, with the field it is in.

    The composer has already made an alias the very node of its anchor, so only the events say
    where the alias was written."""
    stack: list[list[object]] = []  # per open collection: its path, then [expecting a key, key] or [index]
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            path = _event_path(stack, event)
            if event.anchor is not None:
                _refuse_anchor(source, event, path)
            if isinstance(event, yaml.SequenceStartEvent):
                stack.append([path, 0])
            elif isinstance(event, yaml.MappingStartEvent):
                stack.append([path, True, ""])
    except yaml.YAMLError:  # the composer has reported it
        return


def _event_path(stack: list[list[object]], event: yaml.NodeEvent) -> Path:
    """The path of the node ``event`` starts, advancing its parent past it."""
    if not stack:
        return ()
    frame = stack[-1]
    parent = frame[0]
    assert isinstance(parent, tuple)
    if len(frame) == 2:  # a sequence
        index = frame[1]
        assert isinstance(index, int)
        frame[1] = index + 1
        return (*parent, index)
    if frame[1]:  # a key: the node the mapping is at
        frame[1], frame[2] = False, event.value if isinstance(event, yaml.ScalarEvent) else "?"
        return parent
    frame[1] = True
    return (*parent, str(frame[2]))


def _refuse_anchor(source: Source, event: yaml.NodeEvent, path: Path) -> None:
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent):
        message = f"YAML alias '*{event.anchor}' is not allowed in a plan file; write the content out here in full"
    else:
        message = f"YAML anchor '&{event.anchor}' is not allowed in a plan file; remove '&{event.anchor}'"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    source.problems.append(Problem(source.file, line, column, dotted(path), message))
    source._aliases_reported = True


def _refuse(source: Source, node: yaml.Node, path: Path, message: str) -> None:
    """Record a problem at ``node``'s position in the document."""
    line, column = _mark(node)
    source.problems.append(Problem(source.file, line, column, dotted(path), message))


def _build(node: yaml.Node, path: Path, source: Source) -> object:
    source.value_marks[path] = _mark(node)
    if id(node) in source._seen:  # an alias: refuse rather than expand (no "billion laughs")
        if not source._aliases_reported:
            _refuse(
                source, node, path, "YAML anchors and aliases (&name, *name) are not allowed; write the content out"
            )
        return None
    source._seen.add(id(node))
    if len(path) > MAX_DEPTH:
        _refuse(source, node, path, _too_deep())
        return None
    if node.tag not in _PLAIN_TAGS:
        _refuse(
            source,
            node,
            path,
            f"YAML tag '{node.tag}' is not allowed in a plan file; "
            "remove the tag and write plain text, numbers, lists and mappings",
        )
        return None
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, source)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), source) for i, item in enumerate(node.value)]
    # scalar
    if node.tag == "tag:yaml.org,2002:null":
        return None
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    return node.value


def _build_mapping(node: yaml.MappingNode, path: Path, source: Source) -> dict[str, object]:
    out: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
            _refuse(source, key_node, path, "keys must be plain words, such as 'title'")
            continue
        key = str(key_node.value)
        child = path + (key,)
        if key in out:
            first = source.key_marks[child]
            _refuse(source, key_node, child, f"'{key}' is given twice (first on line {first[0]}); keep one")
            continue
        source.key_marks[child] = _mark(key_node)
        out[key] = _build(value_node, child, source)
    return out
