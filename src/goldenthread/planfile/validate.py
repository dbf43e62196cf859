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

from pydantic import ValidationError

from goldenthread.planfile import schema
from goldenthread.planfile.periods import PeriodError, financial_years, parse_financial_year, parse_period
from goldenthread.planfile.source import Path, Problem, Source, dotted, read_yaml


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
    source = read_yaml(text, file)
    result = Result(file, problems=list(source.problems))
    if source.data is None:
        return result
    if not isinstance(source.data, dict):
        result.problems.append(source.problem((), "a plan file is a mapping that starts with 'code:' and 'title:'"))
        return result
    plan, invalid_codes = _validate_shape(source, result.problems)
    if plan is not None:
        result.problems.extend(check_consistency(plan, source, invalid_codes))
    result.problems = _unique_sorted(result.problems)
    if not result.problems:
        result.plan = plan
    return result


def _validate_shape(source: Source, problems: list[Problem]) -> tuple[schema.Plan | None, dict[str, set[str]]]:
    """Validate the plan element by element, so one bad element does not hide the others.

    Returns a plan built from the valid elements (None when the plan's own fields are bad) and
    the codes of invalid elements, which still count as declared for reference checks.
    """
    data: dict = source.data  # type: ignore[assignment]
    tagged = {p.path for p in problems}
    sections = {"levels": schema.Level, **{s: _MODELS[s] for s in schema.SECTIONS}}
    header = {k: v for k, v in data.items() if k not in sections}
    valid: dict[str, list] = {}
    invalid_codes: dict[str, set[str]] = {}
    for section, model in sections.items():
        raw = data.get(section)
        valid[section], invalid_codes[section] = [], set()
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
            except ValidationError as exc:
                problems.extend(p for p in _shape_problems(exc, source, (section, i)) if p.path not in tagged)
                if isinstance(item, dict) and isinstance(item.get("code"), str):
                    invalid_codes[section].add(item["code"])
    header_ok = True
    try:
        schema.Plan.model_validate({**header, "levels": valid["levels"] or [{"code": "-", "name": "-"}]})
    except ValidationError as exc:
        header_ok = False
        problems.extend(p for p in _shape_problems(exc, source, ()) if p.path not in tagged)
    if not data.get("levels"):
        problems.append(
            source.problem(("levels",), "a plan declares at least one level, e.g. '- {code: priority, name: Priority}'")
        )
    if not header_ok:
        return None, invalid_codes
    return schema.Plan.model_validate({**header, **valid}), invalid_codes


_MODELS = {
    "org_units": schema.OrgUnit,
    "owners": schema.Owner,
    "objectives": schema.Objective,
    "activities": schema.Activity,
    "metrics": schema.Metric,
    "budget_lines": schema.BudgetLine,
    "stated_totals": schema.StatedTotal,
    "risks": schema.Risk,
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
                message = f"{message}, not {error['input']!r}"
            problem = source.problem(path, message)
        yield problem


def check_consistency(
    plan: schema.Plan, source: Source, invalid_codes: dict[str, set[str]] | None = None
) -> list[Problem]:
    """Checks across elements: codes, references, cycles, periods."""
    problems: list[Problem] = []

    def report(path: Path, message: str) -> None:
        problems.append(source.problem(path, message))

    codes: dict[str, set[str]] = {}
    for section in ("levels", *schema.SECTIONS):
        seen: dict[str, int] = {}
        for i, element in enumerate(getattr(plan, section)):
            if element.code in seen:
                first_line = source.where((section, seen[element.code]))[0]
                report(
                    (section, i, "code"),
                    f"code '{element.code}' is used twice in {section} (first on line {first_line}); codes must be unique",
                )
            else:
                seen[element.code] = i
        codes[section] = set(seen) | (invalid_codes or {}).get(section, set())

    def refer(path: Path, code: str | None, section: str, what: str) -> None:
        if code is not None and code not in codes[section]:
            report(path, f"unknown {what} '{code}'; declare it under '{section}' or correct the code")

    span = None
    try:
        span = financial_years(plan.start, plan.end)
    except PeriodError as exc:
        for key in ("start", "end"):
            try:
                parse_financial_year(getattr(plan, key))
            except PeriodError as inner:
                report((key,), str(inner))
                break
        else:
            report(("end",), str(exc))

    def within(path: Path, text: str | None, *, must_parse: bool) -> None:
        if text is None:
            return
        try:
            period = parse_period(text)
        except PeriodError as exc:
            if must_parse:
                report(path, str(exc))
            return
        if span is not None and not (span.start <= period.end and period.start <= span.end):
            report(
                path, f"'{text}' is outside the plan period {span.label}; correct the date or the plan's start and end"
            )

    for i, unit in enumerate(plan.org_units):
        refer(("org_units", i, "parent"), unit.parent, "org_units", "parent org unit")
    for i, owner in enumerate(plan.owners):
        refer(("owners", i, "org_unit"), owner.org_unit, "org_units", "org unit")
    for i, objective in enumerate(plan.objectives):
        base = ("objectives", i)
        refer(base + ("level",), objective.level, "levels", "level")
        refer(base + ("parent",), objective.parent, "objectives", "parent objective")
        refer(base + ("org_unit",), objective.org_unit, "org_units", "org unit")
        refer(base + ("owner",), objective.owner, "owners", "owner")
        for j, target in enumerate(objective.contributes_to):
            refer(base + ("contributes_to", j), target, "objectives", "objective")
            if target == objective.code:
                report(base + ("contributes_to", j), "an objective cannot contribute to itself")
    for i, activity in enumerate(plan.activities):
        base = ("activities", i)
        refer(base + ("objective",), activity.objective, "objectives", "objective")
        refer(base + ("owner",), activity.owner, "owners", "owner")
        refer(base + ("org_unit",), activity.org_unit, "org_units", "org unit")
        for j, code in enumerate(activity.partners):
            refer(base + ("partners", j), code, "org_units", "org unit")
        within(base + ("start",), activity.start, must_parse=True)
        within(base + ("due",), activity.due, must_parse=False)
    for i, metric in enumerate(plan.metrics):
        base = ("metrics", i)
        for j, code in enumerate(metric.objectives):
            refer(base + ("objectives", j), code, "objectives", "objective")
        refer(base + ("owner",), metric.owner, "owners", "owner")
        if metric.target is not None:
            within(base + ("target", "by"), metric.target.by, must_parse=True)
        periods_seen: set[str] = set()
        for j, point in enumerate(metric.trajectory):
            within(base + ("trajectory", j, "period"), point.period, must_parse=True)
            if point.period in periods_seen:
                report(base + ("trajectory", j, "period"), f"trajectory period '{point.period}' is given twice")
            periods_seen.add(point.period)
        for j, stated in enumerate(metric.stated_values):
            try:
                parse_period(stated.period)
            except PeriodError as exc:
                report(base + ("stated_values", j, "period"), str(exc))
    for section in ("budget_lines", "stated_totals"):
        for i, line in enumerate(getattr(plan, section)):
            base = (section, i)
            refer(base + ("org_unit",), getattr(line, "org_unit", None), "org_units", "org unit")
            for j, code in enumerate(getattr(line, "org_units", [])):
                refer(base + ("org_units", j), code, "org_units", "org unit")
            try:
                parse_financial_year(line.period)
            except PeriodError as exc:
                report(base + ("period",), str(exc))
            else:
                within(base + ("period",), line.period, must_parse=True)
    for i, risk in enumerate(plan.risks):
        refer(("risks", i, "objective"), risk.objective, "objectives", "objective")
        refer(("risks", i, "owner"), risk.owner, "owners", "owner")

    problems.extend(_cycles(plan.objectives, "objectives", source))
    problems.extend(_cycles(plan.org_units, "org_units", source))
    return problems


def _cycles(elements: list, section: str, source: Source) -> Iterable[Problem]:
    parent = {e.code: e.parent for e in elements}
    index = {e.code: i for i, e in enumerate(elements)}
    reported: set[str] = set()
    for start in parent:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in chain:
            chain.append(node)
            node = parent[node]
        if node is not None and node in chain:
            cycle = chain[chain.index(node) :]
            key = min(cycle)
            if key in reported:
                continue
            reported.add(key)
            loop = " → ".join(cycle + [node])
            yield source.problem(
                (section, index[node], "parent"),
                f"parents form a cycle ({loop}); an element cannot be its own ancestor",
            )
