"""The form engine's conversions: an element's plan-file data ↔ the values a form shows and posts,
and validation problems ↔ the fields they are about. Pure: no Django.

Values are what a person sees and types, as text: a field's value is a string (a checkbox "yes"
or ""), a code list a list of strings, a repeating group a list of rows (``{column: text}``).
Turning them into data keeps every field of the element the form does not show, leaves a blank
field out (the plan file's default), drops blank rows and a sub-object left wholly blank (a
metric with no target), and converts a percentage typed as "95%" to the fraction the plan file
holds (0.95) — the only conversion; everything else goes to validation as typed, so the messages
are the plan file's own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, get_args

from pydantic import BaseModel

from goldenthread.planfile import schema
from goldenthread.planfile.workbook_layout import split_list
from goldenthread.presenters.plan_form_fields import (
    CHECKBOX,
    CODES,
    LIST,
    NUMBER,
    ROWS,
    SELECT,
    TEXTAREA,
    SectionForm,
    Spec,
)

Values = dict[str, Any]


class Posted(Protocol):
    """What a form posts (a Django ``QueryDict``): every value sent under a name."""

    def getlist(self, key: str) -> list[str]: ...

    def keys(self) -> Iterable[str]: ...


# --- data -> values ---------------------------------------------------------------------------


def values_from_data(form: SectionForm, data: dict[str, Any] | None) -> Values:
    """What the form shows for an element's data (None: a new element's blank form); a choice the
    data leaves out shows the plan file's default."""
    values: Values = {}
    data = data or {}
    for spec in form.fields:
        raw = (data.get(spec.group) or {}).get(spec.key) if spec.group else data.get(spec.name)
        if raw is None and spec.widget == SELECT:
            raw = default(form, spec)
        values[spec.name] = _shown(spec, raw, row_defaults(form, spec))
    return values


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds: ``list[Level]`` → Level, ``Target | None`` → Target."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, get_args(annotation)) if m is not None), None)


def _model(form: SectionForm, spec: Spec) -> type[BaseModel] | None:
    """The schema model a field belongs to: the section's element, or its sub-object."""
    model = schema.Plan if form.section == "plan" else _model_in(schema.Plan.model_fields[form.section].annotation)
    if model is None or not spec.group:
        return model
    found = model.model_fields.get(spec.group)
    return _model_in(found.annotation) if found is not None else None


def default(form: SectionForm, spec: Spec) -> Any:
    """The plan file's default for a field (None when it has none: the field is required)."""
    return _default(_model(form, spec), spec.key)


def _default(model: type[BaseModel] | None, key: str) -> Any:
    found = model.model_fields.get(key) if model is not None else None
    if found is None or found.is_required():
        return None
    return found.get_default(call_default_factory=True)


def row_defaults(form: SectionForm, spec: Spec) -> dict[str, Any]:
    """The plan file's defaults for a repeating group's choices, by column (a business row's
    ``every`` is "meeting" when left out); {} for any other field."""
    if spec.widget != ROWS:
        return {}
    model = _model(form, spec)
    found = model.model_fields.get(spec.key) if model is not None else None
    row = _model_in(found.annotation) if found is not None else None
    chosen = (column.key for column in spec.columns if column.widget == SELECT)
    return {key: value for key in chosen if (value := _default(row, key)) is not None}


def _shown(spec: Spec, raw: Any, defaults: dict[str, Any] | None = None) -> Any:
    if spec.widget == ROWS:
        return [_row_shown(spec, item, defaults or {}) for item in raw or []]
    if spec.widget == CODES:
        return [str(code) for code in raw or []]
    if spec.widget == LIST:
        return "; ".join(str(item) for item in raw or [])
    if spec.widget == CHECKBOX:
        return "yes" if raw is True else ""
    return "" if raw is None else str(raw)


def _row_shown(spec: Spec, item: Any, defaults: dict[str, Any]) -> dict[str, str]:
    if not isinstance(item, dict):  # an "assessed by" given as plain text
        item = {spec.columns[0].key: item}
    shown = {}
    for column in spec.columns:
        raw = item.get(column.key)
        shown[column.key] = _shown(column, defaults.get(column.key) if raw is None else raw)
    return shown


# --- posted -> values -------------------------------------------------------------------------


def values_from_post(form: SectionForm, post: Posted) -> Values:
    """The values a form sent, as typed; a repeating group's blank rows are dropped, so the rows
    are numbered as the data will number them (and its problems name them)."""
    keys = list(post.keys())
    values: Values = {}
    for spec in form.fields:
        if spec.widget == ROWS:
            values[spec.name] = _posted_rows(spec, post, keys, row_defaults(form, spec))
        else:
            values[spec.name] = _posted(spec, post, spec.name)
    return values


def _posted(spec: Spec, post: Posted, name: str) -> Any:
    sent = post.getlist(name)
    if spec.widget == CODES:
        return list(dict.fromkeys(code.strip() for code in sent if code.strip()))
    if spec.widget == CHECKBOX:
        return "yes" if "yes" in sent else ""
    return sent[-1] if sent else ""


def _posted_rows(spec: Spec, post: Posted, keys: list[str], defaults: dict[str, Any]) -> list[dict[str, str]]:
    """The rows sent; a row with every cell blank (or a choice left at its default) is dropped."""
    pattern = re.compile(re.escape(spec.name) + r"\[(\d+)\]\.")
    numbers = sorted({int(match.group(1)) for key in keys if (match := pattern.match(key))})
    rows = []
    for n in numbers:
        row = {column.key: _posted(column, post, row_name(spec, n, column)) for column in spec.columns}
        if any(value.strip() and value != defaults.get(key) for key, value in row.items()):
            rows.append(row)
    return rows


def row_name(spec: Spec, n: int, column: Spec) -> str:
    """A cell's name in the form, which is its path in the element: ``trajectory[2].value``."""
    return f"{spec.name}[{n}].{column.key}"


# --- values -> data ---------------------------------------------------------------------------


def data_from_values(form: SectionForm, values: Values, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The element's plan-file data from the form's values: ``base`` (the element as it was) with
    every field the form shows replaced by what was typed."""
    data = copy.deepcopy(base or {})
    groups: dict[str, dict[str, Any]] = {}
    for spec in form.fields:
        value = _data(spec, values.get(spec.name), row_defaults(form, spec))
        if spec.widget == SELECT and value is not None and value == default(form, spec):
            value = None  # the plan file leaves defaults out
        if spec.group:
            members = groups.setdefault(spec.group, dict(data.get(spec.group) or {}))
            _put(members, spec.key, value)
        else:
            _put(data, spec.name, value)
    for group, members in groups.items():
        content = [spec.key for spec in form.fields if spec.group == group and spec.widget != SELECT]
        _put(data, group, members if any(key in members for key in content) else None)
    _notes_follow_items(base or {}, data)
    return data


def _notes_follow_items(base: dict[str, Any], data: dict[str, Any]) -> None:
    """``added`` notes name an agenda item's fields by its row (``items.0.purpose``); when rows are
    added above it, moved or removed in the form, each note follows its item by number, and a note
    on an item taken off the agenda goes with it (the form cannot change notes, so a note left
    naming a row that is gone, or another item's, could never be put right in the browser)."""
    before = [str(item.get("number")) for item in base.get("items") or []]
    after = {str(item.get("number")): row for row, item in enumerate(data.get("items") or [])}
    if not data.get("added") or before == list(after):
        return
    notes = []
    for entry in data["added"]:
        fields = [moved for name in entry.get("fields") or [] if (moved := _item_field(str(name), before, after))]
        if fields:
            notes.append({**entry, "fields": fields})
    _put(data, "added", notes or None)


def _item_field(name: str, before: list[str], after: dict[str, int]) -> str | None:
    """``items.N.rest`` renumbered to the row where item ``before[N]`` now is (None: it is gone)."""
    parts = name.split(".")
    if parts[0] != "items" or len(parts) < 2 or not parts[1].isdigit():
        return name
    row = int(parts[1])
    number = before[row] if row < len(before) else None
    if number not in after:
        return None
    return ".".join(["items", str(after[number]), *parts[2:]])


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _data(spec: Spec, value: Any, defaults: dict[str, Any] | None = None) -> Any:
    if spec.widget == ROWS:
        rows = [_row_data(spec, row, defaults or {}) for row in value or []]
        rows = [row for row in rows if row]
        return rows or None
    if spec.widget == CODES:
        return list(value) if value else None
    if spec.widget == LIST:
        return split_list(str(value or "")) or None
    if spec.widget == CHECKBOX:
        return True if value == "yes" else None
    text = str(value or "")
    if spec.widget == TEXTAREA:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if spec.widget == NUMBER:
        text = number_text(text, percent=spec.percent)
    return text or None


def _row_data(spec: Spec, row: dict[str, str], defaults: dict[str, Any]) -> dict[str, Any]:
    """A row's data; a choice left at the plan file's default is left out, as the file leaves it."""
    out: dict[str, Any] = {}
    for column in spec.columns:
        value = _data(column, row.get(column.key, ""))
        _put(out, column.key, None if value is not None and value == defaults.get(column.key) else value)
    return out


def number_text(text: str, *, percent: bool = False) -> str:
    """A number as typed, for the plan file: thousands separators and spaces taken out, and — where
    the field takes percentages — "95%" as the fraction 0.95. Anything that is not a number is
    left as typed, for validation to say so."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    scale = Decimal(1)
    if percent and cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], Decimal(100)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return text.strip()
    if not number.is_finite():
        return text.strip()
    if scale == 1:
        return cleaned
    return format((number / scale).normalize(), "f")


# --- problems -> fields -----------------------------------------------------------------------

_INDEXED = re.compile(r"^(\w+)\[(\d+)\](?:\.(.*))?$")
_LAST_PART = re.compile(r"(\[\d+\]|\.[^.\[]*|^[^.\[]*)$")


@dataclass
class Placed:
    """Validation problems placed: the message at each field (by its name in the form), and every
    problem for the error summary, as (text, the field's name or "" for the form as a whole)."""

    at: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)


def place(form: SectionForm, problems: Iterable[Any], element: str, document: dict[str, Any]) -> Placed:
    """Each problem (``path``, ``message``) at its field when its path is inside this element
    (``element`` is its path: ``metrics[5]``; "" for the plan's own fields), or described by the
    element it is about otherwise (another element's reference to a renamed code)."""
    placed = Placed()
    for problem in problems:
        path, message = problem.path, problem.message
        relative = _inside(path, element)
        name = field_name(form, relative, message) if relative is not None else None
        if name is not None:
            placed.at.setdefault(name, message)
            placed.summary.append((f"{_label(form, name)}: {message}", name))
        elif relative is not None:
            placed.summary.append((f"{_what(form, relative)}{message}", ""))
        else:
            placed.summary.append((describe(path, message, document), ""))
    return placed


def _inside(path: str, element: str) -> str | None:
    """The path within the element, or None when the problem is about something else."""
    if path == "reason":
        return "reason"
    if not element:  # the plan's own fields: everything not in one of its lists
        match = _INDEXED.match(path)
        listed = match is not None or path.split(".")[0].split("[")[0] in ("levels", *schema.SECTIONS)
        return None if listed else path
    if path == element:
        return ""
    if path.startswith(element + "."):
        return path[len(element) + 1 :]
    return None


def field_name(form: SectionForm, path: str, message: str = "") -> str | None:
    """The field of the form a path within the element is about: the field itself, or the one
    holding it ("objectives[2]" → "objectives"; "target" → its first field, "target.value")."""
    if path == "reason":
        return "reason"
    names = {spec.name: spec for spec in form.fields}
    while path:
        if path in names:
            return path
        row = _row_cell(form, path, message)
        if row is not None:
            return row
        group = next((spec.name for spec in form.fields if spec.group == path), None)
        if group is not None:
            return group
        path = _LAST_PART.sub("", path)
    return None


def _row_cell(form: SectionForm, path: str, message: str) -> str | None:
    """``trajectory[1].value`` (a cell) or ``trajectory[1]`` (a whole row: shown at the cell its
    message names, "rule 'below_target_for' needs 'periods'", or else at its first)."""
    match = _INDEXED.match(path)
    if match is None:
        return None
    spec = next((s for s in form.fields if s.name == match.group(1) and s.widget == ROWS), None)
    if spec is None:
        return None
    n, rest = int(match.group(2)), match.group(3)
    column = next((c for c in spec.columns if c.key == rest), None) if rest else None
    if rest and column is None:
        return None
    named = next((c for c in spec.columns if f"'{c.key}'" in message), None)
    return row_name(spec, n, column or named or spec.columns[0])


def _label(form: SectionForm, name: str) -> str:
    if name == "reason":
        return "Why is this changing?"
    match = _INDEXED.match(name)
    if match is not None:
        spec = next(s for s in form.fields if s.name == match.group(1))
        column = next((c for c in spec.columns if c.key == match.group(3)), spec.columns[0])
        return f"{spec.label}, row {int(match.group(2)) + 1}, {column.label}"
    return next(spec.label for spec in form.fields if spec.name == name)


def _what(form: SectionForm, relative: str) -> str:
    return f"{relative}: " if relative else f"This {form.kind}: "


def describe(path: str, message: str, document: dict[str, Any]) -> str:
    """A problem elsewhere in the plan, by the element it is about: "activity MED-1-a, objective:
    …"; the plan's own fields by name."""
    match = _INDEXED.match(path)
    if match is None:
        return f"The plan, {path}: {message}" if path else f"The plan: {message}"
    section, n, rest = match.group(1), int(match.group(2)), match.group(3)
    items = document.get(section) or []
    code = items[n].get("code") if n < len(items) and isinstance(items[n], dict) else None
    kind = schema.SECTIONS.get(section, "level").replace("_", " ")
    what = f"{kind} {code}" if code else f"{kind} number {n + 1}"
    what = what[0].upper() + what[1:]
    return f"{what}, {rest}: {message}" if rest else f"{what}: {message}"
