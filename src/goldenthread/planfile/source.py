"""Read YAML into plain Python while remembering where every value came from.

PyYAML's composer gives us nodes with line and column marks; we build the data ourselves from
those nodes so that (a) every path in the document maps to a line and column for error
messages, (b) no tag is ever constructed into an object (a ``!!python/object`` tag is an error,
not code to run), and (c) duplicate keys are reported instead of silently overwritten.

Scalars other than booleans and nulls are kept as the text the author wrote, so that a code
written ``3.102`` stays "3.102" rather than becoming a float; pydantic converts numeric fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

#: the C composer when PyYAML was built with libyaml: much faster on large files, and just as safe
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]

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
    except yaml.YAMLError as exc:
        source.problems.append(Problem(file, 1, 1, "", f"YAML error: {exc}"))
        return source
    if root is None:
        source.problems.append(
            Problem(file, 1, 1, "", "the file is empty; a plan file starts with 'code:' and 'title:'")
        )
        return source
    source.data = _build(root, (), source)
    return source


def _refuse(source: Source, node: yaml.Node, path: Path, message: str) -> None:
    """Record a problem at ``node``'s position in the document."""
    line, column = _mark(node)
    source.problems.append(Problem(source.file, line, column, dotted(path), message))


def _build(node: yaml.Node, path: Path, source: Source) -> object:
    source.value_marks[path] = _mark(node)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in source._seen:  # an alias: refuse rather than expand (no "billion laughs")
            _refuse(
                source, node, path, "YAML anchors and aliases (&name, *name) are not allowed; write the content out"
            )
            return None
        source._seen.add(id(node))
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
