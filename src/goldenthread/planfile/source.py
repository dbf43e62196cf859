"""Read YAML into plain Python while remembering where every value came from.

We build the data ourselves from the YAML parser's events, one at a time (no tree of nodes, no
recursion), so that (a) every path in the document maps to a line and column for error messages,
(b) no tag is ever constructed into an object (a ``!!python/object`` tag is an error, not code to
run), (c) duplicate keys are reported instead of silently overwritten, and (d) anchors and
aliases are refused where written. A valid file never needs its lines and columns, and for a
large one they cost more than the data itself, so they are found only when a problem asks for
one, by reading the text again (:attr:`Source.locate`).

Scalars other than booleans and nulls are kept as the text the author wrote, so that a code
written ``3.102`` stays "3.102" rather than becoming a float; pydantic converts numeric fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from goldenthread.planfile import fields

#: the C parser when PyYAML was built with libyaml: much faster on large files, and just as safe
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple[str | int, ...]

#: lists and mappings nested deeper than this are refused: a plan file needs five levels at most
#: (metrics → a metric → trajectory → a point → period), and deeper ones cost recursion
MAX_DEPTH = 32

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
    #: fills the marks when first asked for (the reader reads the text again), or None
    locate: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column for ``path``, falling back to the nearest enclosing element."""
        if self.locate is not None:
            locate, self.locate = self.locate, None
            locate()
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


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def read_yaml(text: str, file: str) -> Source:
    """The document's data and its problems; the marks are found again from ``text`` only when a
    problem needs one (:attr:`Source.locate`)."""
    source = Source(file)
    try:
        data = _Builder(text, source).run()
    except yaml.YAMLError as exc:
        source.problems = [_unreadable(text, exc, file)]  # the problems met before it are left out, as ever
        return source
    if data is _NO_DOCUMENT:
        source.problems.append(
            Problem(file, 1, 1, "", "the file is empty; a plan file starts with 'code:' and 'title:'")
        )
        return source
    source.data = data
    source.locate = _locator(text, source)
    return source


def _unreadable(text: str, exc: yaml.YAMLError, file: str) -> Problem:
    """The problem that stopped the YAML parser: its syntax, or a character it does not allow."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        return Problem(file, line, column, "", f"YAML syntax error: {what}; fix the YAML at this position")
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, e.g. NUL
        return _refused_character(text, exc, file)
    return Problem(file, 1, 1, "", f"YAML error: {exc}")


def _locator(text: str, source: Source) -> Callable[[], None]:
    """Fill ``source``'s marks by reading ``text`` again, once however often it is called."""
    marks = Source(source.file, value_marks=source.value_marks, key_marks=source.key_marks)

    def locate() -> None:
        if not marks.value_marks:
            _Builder(text, marks, with_marks=True).run()

    return locate


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


def _at(event: yaml.Event) -> yaml.error.Mark:
    """The event's position as a mark for an error of the composer's."""
    line, column = _mark(event)
    return yaml.error.Mark("", 0, line - 1, column - 1, None, 0)


_NO_DOCUMENT = object()
_DEFAULT_TAGS: dict[type, str] = {
    yaml.ScalarEvent: "tag:yaml.org,2002:str",
    yaml.MappingStartEvent: "tag:yaml.org,2002:map",
    yaml.SequenceStartEvent: "tag:yaml.org,2002:seq",
}
_DEPTH: dict[type, int] = {
    yaml.MappingStartEvent: 1,
    yaml.SequenceStartEvent: 1,
    yaml.MappingEndEvent: -1,
    yaml.SequenceEndEvent: -1,
}
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_TRUE = ("true", "yes", "on", "y")


@dataclass
class _Open:
    """A mapping or list being read; in a mapping, the key whose value comes next."""

    value: dict[str, object] | list[object]
    path: Path
    key: str | None = None
    skip_value: bool = False  # the key was refused, so its value is not read either
    key_lines: dict[str, int] = field(default_factory=dict)


class _Builder:
    """Plain data from the parser's events, one event at a time: no tree of nodes is held and
    nothing recurses, so a document costs its data (and, ``with_marks``, the line and column of
    every value and key) and no more."""

    def __init__(self, text: str, source: Source, *, with_marks: bool = False) -> None:
        self.parser = _Loader(text)
        self.source = source
        self.with_marks = with_marks
        self.stack: list[_Open] = []
        self.root: object = _NO_DOCUMENT
        self.documents = 0
        self.anchor_names: dict[str, yaml.Event] = {}  # anchors so far: an alias to another is a syntax error
        self.skipping = 0  # depth inside a refused mapping or list, whose content is not read
        resolvers = self.parser.yaml_implicit_resolvers
        self.first_characters = None if None in resolvers else set(resolvers)

    def run(self) -> object:
        try:
            while (event := self.parser.get_event()) is not None:
                self.take(event)
        finally:
            self.parser.dispose()
        return self.root

    def take(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", None, "but found another document", _at(event)
                )
            return
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            self.note_anchor(event)
        if self.skipping:
            self.skipping += _DEPTH.get(kind, 0)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
        elif isinstance(event, yaml.NodeEvent):
            top = self.stack[-1] if self.stack else None
            if top is not None and top.key is None and not top.skip_value and isinstance(top.value, dict):
                self.take_key(top, event)
            else:
                self.take_value(top, event)

    def note_anchor(self, event: yaml.NodeEvent) -> None:
        """Note an anchor; refuse, as the composer does, an alias to no anchor before it and an
        anchor given twice (as syntax: the plan's own problems with them are :meth:`anchors`')."""
        name = str(event.anchor)
        if isinstance(event, yaml.AliasEvent):
            if name not in self.anchor_names:
                raise yaml.composer.ComposerError(None, None, "found undefined alias", _at(event))
        elif name in self.anchor_names:
            raise yaml.composer.ComposerError(
                "found duplicate anchor; first occurrence",
                _at(self.anchor_names[name]),
                "second occurrence",
                _at(event),
            )
        else:
            self.anchor_names[name] = event

    def take_key(self, top: _Open, event: yaml.NodeEvent) -> None:
        self.anchors(event, top.path)
        if (
            isinstance(event, yaml.AliasEvent)
            or not isinstance(event, yaml.ScalarEvent)
            or self.tag(event) not in _PLAIN_TAGS
        ):
            if not isinstance(event, yaml.AliasEvent):
                self.refuse(event, top.path, "keys must be plain words, such as 'title'")
            top.skip_value = True
            self.skipping = _DEPTH.get(type(event), 0)
            return
        key = str(event.value)
        child = (*top.path, key)
        if key in top.key_lines:
            self.refuse(event, child, f"'{key}' is given twice (first on line {top.key_lines[key]}); keep one")
            top.skip_value = True
            return
        top.key_lines[key] = _mark(event)[0]
        if self.with_marks:
            self.source.key_marks[child] = _mark(event)
        top.key = key

    def take_value(self, top: _Open | None, event: yaml.NodeEvent) -> None:
        if top is not None and top.skip_value:  # the value of a refused key is not read
            top.skip_value = False
            self.skipping = _DEPTH.get(type(event), 0)
            return
        path = self.path(top)
        if self.with_marks:
            self.source.value_marks[path] = _mark(event)
        self.anchors(event, path)
        value = self.value(event, path)
        self.place(top, value)
        if isinstance(value, (dict, list)):
            self.stack.append(_Open(value, path))
        else:
            self.skipping = _DEPTH.get(type(event), 0)  # a refused mapping or list: its content is not read

    def value(self, event: yaml.NodeEvent, path: Path) -> object:
        """What a node holds: text, None, True or False, or a new mapping or list to fill; None
        for a node that is refused (an alias, a tag, too deep), with the problem reported."""
        if isinstance(event, yaml.AliasEvent):  # refused, never expanded (no "billion laughs")
            return None
        if len(path) > MAX_DEPTH:
            self.refuse(event, path, _too_deep())
            return None
        tag = self.tag(event)
        if tag not in _PLAIN_TAGS:
            message = f"YAML tag '{tag}' is not allowed in a plan file; "
            self.refuse(event, path, message + "remove the tag and write plain text, numbers, lists and mappings")
            return None
        if isinstance(event, yaml.ScalarEvent):
            return None if tag == _NULL else event.value.lower() in _TRUE if tag == _BOOL else event.value
        return {} if isinstance(event, yaml.MappingStartEvent) else []

    def path(self, top: _Open | None) -> Path:
        if top is None:
            return ()
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        assert top.key is not None
        return (*top.path, top.key)

    def place(self, top: _Open | None, value: object) -> None:
        if top is None:
            self.root = value
        elif isinstance(top.value, list):
            top.value.append(value)
        else:
            assert top.key is not None
            top.value[top.key] = value
            top.key = None

    def tag(self, event: yaml.NodeEvent) -> str:
        """The node's tag, resolved as PyYAML's composer resolves it (an untagged plain scalar by
        its text: ``null``, ``true``, ``12``, ...)."""
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            return str(tag)
        if not isinstance(event, yaml.ScalarEvent):
            return _DEFAULT_TAGS[type(event)]
        text, first = event.value, self.first_characters
        if not event.implicit[0] or (first is not None and text and text[0] not in first):
            return _DEFAULT_TAGS[yaml.ScalarEvent]  # no implicit resolver could match: spare the call
        return str(self.parser.resolve(yaml.ScalarNode, text, event.implicit))

    def anchors(self, event: yaml.NodeEvent, path: Path) -> None:
        """Refuse an anchor (&name) or alias (*name) where it is written, with the field it is in."""
        if event.anchor is None:
            return
        if isinstance(event, yaml.AliasEvent):
            message = f"YAML alias '*{event.anchor}' is not allowed in a plan file; write the content out here in full"
        else:
            message = f"YAML anchor '&{event.anchor}' is not allowed in a plan file; remove '&{event.anchor}'"
        self.refuse(event, path, message)

    def refuse(self, event: yaml.Event, path: Path, message: str) -> None:
        """Record a problem at ``event``'s position in the document."""
        line, column = _mark(event)
        self.source.problems.append(Problem(self.source.file, line, column, dotted(path), message))
