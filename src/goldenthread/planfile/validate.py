"""Validate a plan file and report every problem with its file, line, column and field.

Validation runs in three passes and reports everything it finds rather than stopping at the
first error: YAML syntax and tags (``source``), the shape of each element (pydantic), then the
plan's own consistency — unique codes, references that resolve, trees without cycles, dates
inside the plan period, declared levels, owners and units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from goldenthread.planfile import schema
from goldenthread.planfile.consistency import check_consistency
from goldenthread.planfile.source import Path, Problem, Source, dotted, read_yaml

__all__ = ["Result", "check_consistency", "validate_data", "validate_file", "validate_source", "validate_text"]


@dataclass
class Result:
    file: str
    plan: schema.Plan | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.problems


def validate_file(path: str | FsPath) -> Result:
    name = str(path)
    try:
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        return Result(name, problems=[Problem(name, 1, 1, "", f"cannot read the file: {exc.strerror}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Result(name, problems=[Problem(name, line, 1, "", "the file is not UTF-8 text; save it as UTF-8")])
    return validate_text(text, name)


def validate_text(text: str, file: str = "<plan>") -> Result:
    return validate_source(read_yaml(text, file))


def validate_data(data: object, file: str = "<plan>") -> Result:
    """Validate a plan held as plain data (a stored version, a draft change, a form's plan): the
    same checks and messages as a file, located by field path (there are no lines to point to)."""
    return validate_source(Source(file, data=data))


def validate_source(source: Source) -> Result:
    """Validate what a reader made of a plan: its data, and the marks that locate each value."""
    file = source.file
    result = Result(file, problems=list(source.problems))
    if source.data is None:
        if not result.problems:  # a document of nothing but null, e.g. '~'
            result.problems.append(
                source.problem((), "the file holds no plan; a plan file starts with 'code:' and 'title:'")
            )
        return result
    if not isinstance(source.data, dict):
        result.problems.append(source.problem((), "a plan file is a mapping that starts with 'code:' and 'title:'"))
        return result
    plan, invalid_codes, kept = _validate_shape(source, source.data, result.problems)
    if plan is not None:
        result.problems.extend(check_consistency(plan, _AtRawPositions(source, kept), invalid_codes))
    result.problems = _unique_sorted(result.problems)
    if not result.problems:
        result.plan = plan
    return result


class _AtRawPositions(Source):
    """The source as the consistency checks see it: they index the plan built from the valid
    elements, so a problem with the fourth valid metric is located at that metric's own position
    in the document, past any invalid metric before it."""

    def __init__(self, source: Source, kept: dict[str, list[int]]) -> None:
        super().__init__(source.file, source.data, source.value_marks, source.key_marks, locate=source.locate)
        self._kept = kept

    def _raw(self, path: Path) -> Path:
        if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int) and path[0] in self._kept:
            positions = self._kept[path[0]]
            if path[1] < len(positions):
                return (path[0], positions[path[1]], *path[2:])
        return path

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        return super().where(self._raw(path), key=key)

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        return super().problem(self._raw(path), message, key=key)


def _validate_shape(
    source: Source, data: dict[str, Any], problems: list[Problem]
) -> tuple[schema.Plan | None, dict[str, set[str]], dict[str, list[int]]]:
    """Validate the plan element by element, so one bad element does not hide the others.

    Returns a plan built from the valid elements (None when the plan's own fields are bad), the
    codes of invalid elements, which still count as declared for reference checks, and for each
    section the document positions of the valid elements.
    """
    tagged = {p.path for p in problems}
    sections: dict[str, type[BaseModel]] = {"levels": schema.Level, **{s: _MODELS[s] for s in schema.SECTIONS}}
    header = {k: v for k, v in data.items() if k not in sections}
    valid: dict[str, list[BaseModel]] = {}
    invalid_codes: dict[str, set[str]] = {}
    kept: dict[str, list[int]] = {}
    for section, model in sections.items():
        raw = data.get(section)
        valid[section], invalid_codes[section], kept[section] = [], set(), []
        if raw is None:
            continue
        if not isinstance(raw, list):
            problems.append(
                source.problem((section,), f"'{section}' must be a list of elements, each starting with '- code:'")
            )
            continue
        for i, item in enumerate(raw):
            try:
                valid[section].append(model.model_validate(item))
                kept[section].append(i)
            except ValidationError as exc:
                problems.extend(p for p in _shape_problems(exc, source, (section, i)) if p.path not in tagged)
                if isinstance(item, dict) and isinstance(item.get("code"), str):
                    invalid_codes[section].add(item["code"])
    header_ok = True
    try:
        schema.Plan.model_validate({**header, "levels": valid["levels"] or [{"code": "x", "name": "x"}]})
    except ValidationError as exc:
        header_ok = False
        problems.extend(p for p in _shape_problems(exc, source, ()) if p.path not in tagged)
    levels_problem = _levels_problem(data)
    if levels_problem:
        problems.append(source.problem(("levels",), levels_problem))
    if not header_ok or not valid["levels"]:  # no valid level: its problems are above; nothing to check across
        return None, invalid_codes, kept
    return schema.Plan.model_validate({**header, **valid}), invalid_codes, kept


def _levels_problem(data: dict[str, Any]) -> str | None:
    """The one message for a plan with no levels (a 'levels' that is not a list has its own)."""
    example = "e.g. '- {code: priority, name: Priority}'"
    if "levels" not in data:
        return f"'levels' is required: a plan declares at least one level, {example}"
    if data["levels"] is None or data["levels"] == []:
        return f"a plan declares at least one level, {example}"
    return None


_MODELS: dict[str, type[BaseModel]] = {
    "org_units": schema.OrgUnit,
    "owners": schema.Owner,
    "objectives": schema.Objective,
    "activities": schema.Activity,
    "metrics": schema.Metric,
    "budget_lines": schema.BudgetLine,
    "stated_totals": schema.StatedTotal,
    "risks": schema.Risk,
    "bodies": schema.Body,
    "meetings": schema.Meeting,
}


def _unique_sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(dict.fromkeys(problems), key=lambda p: (p.line, p.column, p.path))


def _shape_problems(exc: ValidationError, source: Source, prefix: Path) -> Iterable[Problem]:
    for error in exc.errors(include_url=False):
        path: Path = prefix + tuple(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            message = f"unknown field '{path[-1]}'; check the spelling against docs/plan-file.md"
            problem = source.problem(path, message, key=True)
        elif kind == "missing":
            problem = source.problem(path[:-1], f"'{path[-1]}' is required")
            problem = Problem(problem.file, problem.line, problem.column, dotted(path), problem.message)
        else:
            message = error["msg"]
            if kind == "value_error":
                message = message.removeprefix("Value error, ")
            elif isinstance(error.get("input"), (str, int, float, bool)):
                message = f"{message}, not {_shown(error['input'])}"
            problem = source.problem(path, message)
        yield problem


def _shown(value: object) -> str:
    """A value as a message quotes it: escaped, and cut short when long."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}… ({len(str(value)):,} characters)"
