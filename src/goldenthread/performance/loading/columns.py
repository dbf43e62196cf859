"""Which column of a data file gives which field: names matched loosely, ``--map COLUMN=FIELD``,
and header problems (row 1) when the columns cannot make observations."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from goldenthread.performance.loading.problems import Problems
from goldenthread.performance.loading.reading import Table
from goldenthread.performance.loading.wording import CLI, Wording

#: the fields a data file's columns can give, besides ``breakdown.<dimension>``
FIELDS = ("metric", "org_unit", "period", "value", "numerator", "denominator", "status", "source")
NUMBER_FIELDS = ("value", "numerator", "denominator")
BREAKDOWN = "breakdown."
STATUSES = ("provisional", "final")


class MappingError(ValueError):
    """A ``--map COLUMN=FIELD`` that names no field; the message says which fields there are."""


def field_name(text: str) -> str | None:
    """The field a column name or --map target means: ``Org unit`` → org_unit, or None."""
    raw = text.strip()
    low = re.sub(r"[\s-]+", "_", raw.lower())
    if low in FIELDS:
        return low
    if raw.lower().startswith(BREAKDOWN):
        return BREAKDOWN + raw[len(BREAKDOWN) :].strip()
    return None


def parse_mapping(items: Iterable[str], wording: Wording = CLI) -> dict[str, str]:
    """``["org_code=org_unit", "type=breakdown.department_type"]`` → {file column: field}; problems
    raise :class:`MappingError` worded for the channel (``wording``)."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise MappingError(
                f"{wording.map_item(item)}: write it as COLUMN=FIELD, e.g. {wording.map_example('org_code=org_unit')}"
            )
        name = field_name(target)
        if name is None or name == BREAKDOWN:
            raise MappingError(
                f"{wording.map_item(item)}: '{target}' is not a field; use one of {', '.join(FIELDS)}, or "
                "breakdown.<dimension> (e.g. breakdown.department_type)"
            )
        if column in mapping:
            raise MappingError(f"{wording.map_item(item)}: column '{column}' is already mapped to {mapping[column]}")
        mapping[column] = name
    return mapping


def map_columns(
    table: Table,
    metric: str | None,
    mapping: dict[str, str],
    problems: Problems,
    notes: list[str],
    wording: Wording = CLI,
) -> dict[str, int] | None:
    """field → column index; header problems (row 1) when the columns cannot make observations.
    Columns naming no field are left out, with a note."""
    line = table.header_line
    mapping = _mapping_to_columns(table, mapping, problems, wording)
    fields, ignored = _fields(table, mapping, problems, wording)
    if metric and "metric" in fields:
        problems.at_line(
            line,
            "metric",
            f"the file has a metric column and {wording.metric(metric)} was given; use one or the other",
        )
    _require(table, fields, metric, ignored, problems, wording)
    if ignored:
        notes.append(f"column(s) not loaded, as they name no field: {', '.join(ignored)}")
    return None if any(p.row == line for p in problems.fixed) else fields


def _mapping_to_columns(table: Table, mapping: dict[str, str], problems: Problems, wording: Wording) -> dict[str, str]:
    """The mapping given, by the file's own spelling of each column (matched ignoring case)."""
    columns = table.columns
    folded = {c.lower(): c for c in columns}
    mapping = {c if c in columns else folded.get(c.lower(), c): f for c, f in mapping.items()}
    for column, target in mapping.items():
        if column not in columns:
            problems.at_line(
                table.header_line,
                column,
                f"{wording.map_item(f'{column}={target}')} names a column the file does not have; its columns are "
                f"{', '.join(columns)}",
            )
    return mapping


def _fields(
    table: Table, mapping: dict[str, str], problems: Problems, wording: Wording
) -> tuple[dict[str, int], list[str]]:
    """field → column index, and the columns naming no field."""
    line = table.header_line
    fields: dict[str, int] = {}
    ignored: list[str] = []
    seen: dict[str, int] = {}
    for j, column in enumerate(table.columns):
        if column in seen:
            problems.at_line(
                line,
                column or f"column {j + 1}",
                f"appears twice in the header (columns {seen[column] + 1} and {j + 1}); name each column once",
            )
            continue
        seen[column] = j
        target = mapping.get(column) or field_name(column)
        if target is None:
            ignored.append(column or f"(unnamed column {j + 1})")
        elif target.startswith(BREAKDOWN) and not _dimension_ok(target[len(BREAKDOWN) :]):
            problems.at_line(
                line,
                column,
                "a breakdown column is named breakdown.<dimension>, where the dimension "
                "is a name without '=' or ';', e.g. breakdown.department_type",
            )
        elif target in fields:
            problems.at_line(
                line,
                target,
                f"two columns give {target}: '{table.columns[fields[target]]}' and '{column}'; "
                f"keep one, or map the other elsewhere {wording.map_where}",
            )
        else:
            fields[target] = j
    return fields, ignored


def _dimension_ok(dimension: str) -> bool:
    return bool(dimension) and "=" not in dimension and ";" not in dimension


def _require(
    table: Table, fields: dict[str, int], metric: str | None, ignored: list[str], problems: Problems, wording: Wording
) -> None:
    """A header problem naming the required columns the file lacks, with the mapping it probably needs."""
    missing = [f for f in ("metric", "org_unit", "period") if f not in fields and not (f == "metric" and metric)]
    if "value" not in fields and not ("numerator" in fields and "denominator" in fields):
        missing.append("value (or numerator and denominator)")
    if not missing:
        return
    names = [m.split(" ")[0] for m in missing]
    metric_hint = f" (or {wording.metric_for_every_row})" if "metric" in names else ""
    problems.at_line(
        table.header_line,
        ", ".join(names),
        f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the file's columns are "
        f"{', '.join(table.columns) or '(none)'}. Name the columns so in the header, or map the file's own names to "
        f"fields {wording.map_where}, e.g. {wording.map_example(_map_example(ignored, names))}{metric_hint}",
    )


def _map_example(columns: list[str], fields: list[str]) -> str:
    """A mapping the file probably needs (org_code=org_unit), else the general form."""
    for target in fields:
        stem = target.split("_")[0]
        for column in columns:
            low = column.lower()
            if stem in low or difflib.SequenceMatcher(None, low, target).ratio() >= 0.6:
                return f"{column}={target}"
    return "COLUMN=FIELD"
