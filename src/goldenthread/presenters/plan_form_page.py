"""What an edit form page shows: each field with its value as typed, its choices, its problem and —
after someone else saved the element meanwhile — their value beside it. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from goldenthread.planfile.charts import CHART_NAMES, default_chart
from goldenthread.presenters.plan_form_fields import CHECKBOX, CODE, CODES, ROWS, SELECT, SectionForm, Spec
from goldenthread.presenters.plan_form_values import Placed, Values, row_name
from goldenthread.presenters.plan_forms import CHART_DEFAULT, FORMS, Choices

#: blank rows offered below a repeating group's rows, and more when the person asks for them
BLANK_ROWS = 2
MORE_ROWS = 3


def field_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


@dataclass
class Shown:
    """A field as the page shows it."""

    spec: Spec
    name: str
    value: Any
    error: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)  # select options or checkboxes
    rows: list[ShownRow] = field(default_factory=list)
    theirs: str | None = None  # what someone else saved meanwhile, when it differs

    @property
    def id(self) -> str:
        return field_id(self.name)

    @property
    def widget(self) -> str:
        return self.spec.widget

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def hint(self) -> str:
        return self.spec.hint

    @property
    def row_errors(self) -> bool:
        return any(cell.error for row in self.rows for cell in row.cells)


@dataclass
class ShownRow:
    number: int  # from 1
    cells: list[Shown]


@dataclass
class Part:
    heading: str
    fields: list[Shown]


@dataclass
class Context:
    """What the fields are drawn from besides the values: the plan's codes, the element's own
    code (not offered as its own parent), the problems placed, their version after a conflict,
    and which repeating group asked for more rows."""

    choices: Choices
    own_code: str = ""
    placed: Placed = field(default_factory=Placed)
    theirs: Values | None = None
    more: str = ""


def parts(form: SectionForm, values: Values, context: Context) -> list[Part]:
    """The form's parts with every field ready to draw."""
    return [Part(heading, [_field(form, spec, values, context) for spec in specs]) for heading, specs in form.parts]


def _field(form: SectionForm, spec: Spec, values: Values, context: Context) -> Shown:
    value = values.get(spec.name, [] if spec.widget in (CODES, ROWS) else "")
    shown = Shown(spec, spec.name, value, error=context.placed.at.get(spec.name, ""))
    if spec.widget == ROWS:
        shown.rows = _rows(spec, value, context)
    else:
        shown.items = _items(form, spec, value, context)
    if form.section == "metrics" and spec.name == "chart":
        _name_the_default(shown, values)
    if context.theirs is not None:
        mine, theirs = _text(shown, value), _text(shown, context.theirs.get(spec.name))
        shown.theirs = theirs if theirs != mine else None
    return shown


def _name_the_default(shown: Shown, values: Values) -> None:
    """The chart's blank choice says which chart the metric's unit and aggregation (as shown in
    the form) give it: "Chosen from the unit and aggregation: p′ chart (Laney's proportions)"."""
    chosen = default_chart(str(values.get("unit") or "count"), str(values.get("aggregation") or "sum"))
    for item in shown.items:
        if item["value"] == "":
            item["text"] = f"{CHART_DEFAULT}: {CHART_NAMES[chosen]}"


def _rows(spec: Spec, rows: list[dict[str, str]], context: Context) -> list[ShownRow]:
    blank = BLANK_ROWS + (MORE_ROWS if context.more == spec.name else 0)
    out = []
    for n, row in enumerate([*rows, *([{}] * blank)]):
        cells = []
        for column in spec.columns:
            name = row_name(spec, n, column)
            cell = Shown(column, name, row.get(column.key, ""), error=context.placed.at.get(name, ""))
            if column.widget == SELECT:
                cell.items = _select(column, cell.value, list(column.choices))
            elif column.widget == CODE:
                cell.items = _select(column, cell.value, context.choices.get(column.codes))
            cells.append(cell)
        out.append(ShownRow(n + 1, cells))
    return out


def _items(form: SectionForm, spec: Spec, value: Any, context: Context) -> list[dict[str, Any]]:
    if spec.widget == SELECT:
        return _select(spec, value, list(spec.choices))
    if spec.widget not in (CODE, CODES):
        return []
    codes = [(c, label) for c, label in context.choices.get(spec.codes) if not _is_self(form, spec, c, context)]
    if spec.widget == CODE:
        return _select(spec, value, codes)
    known = {c for c, _ in codes}
    codes += [(c, c) for c in value if c not in known]  # a code the plan no longer has: kept, for validation
    return [{"value": c, "text": label, "checked": c in value} for c, label in codes]


def _is_self(form: SectionForm, spec: Spec, code: str, context: Context) -> bool:
    return spec.codes == form.section and bool(context.own_code) and code == context.own_code


def _select(spec: Spec, value: str, choices: list[tuple[str, str]]) -> list[dict[str, Any]]:
    if value and value not in {c for c, _ in choices}:
        choices = [*choices, (value, value)]  # kept as it is, for validation to name
    if spec.blank or not value:
        choices = [("", spec.blank or "Choose one"), *choices]
    return [{"value": c, "text": label, "selected": c == value} for c, label in choices]


def _text(shown: Shown, value: Any) -> str:
    """A value in words, to compare ours with theirs and to show theirs."""
    spec = shown.spec
    if spec.widget == ROWS:
        rows = value or []
        return "\n".join("; ".join(f"{c.label}: {row.get(c.key, '')}" for c in spec.columns) for row in rows)
    if spec.widget == CODES:
        return ", ".join(value or [])
    if spec.widget == CHECKBOX:
        return "Yes" if value == "yes" else "No"
    labels = {item["value"]: item["text"] for item in shown.items}
    return labels.get(value or "", value or "")


def error_list(placed: Placed, form_id: str = "edit-form") -> list[dict[str, str]]:
    """The NHS.UK error summary's list: every problem, linked to its field or to the form."""
    return [{"text": text, "href": "#" + (field_id(name) if name else form_id)} for text, name in placed.summary]


# --- the list of what can be edited ---------------------------------------------------------------


@dataclass
class Entry:
    code: str
    title: str
    depth: int = 0  # an objective's depth under its parents, for indenting
    detail: str = ""


@dataclass
class Listing:
    form: SectionForm
    entries: list[Entry]


def listing(document: dict[str, Any]) -> list[Listing]:
    """Every element of the plan, by kind in the plan file's order, to choose one to edit."""
    levels = {level.get("code"): level.get("name", "") for level in document.get("levels") or []}
    parents = {o.get("code"): o.get("parent") for o in document.get("objectives") or []}
    out = []
    for section, form in FORMS.items():
        entries = []
        for item in document.get(section) or []:
            code = str(item.get("code", ""))
            title = str(item.get("title") or item.get("name") or "")
            if section == "objectives":
                entries.append(Entry(code, title, _depth(code, parents), levels.get(item.get("level"), "")))
            else:
                entries.append(Entry(code, title, detail=_detail(section, item)))
        out.append(Listing(form, entries))
    return out


def _depth(code: str, parents: dict[Any, Any]) -> int:
    depth, seen, above = 0, {code}, parents.get(code)
    while above and above not in seen and depth < 10:
        seen.add(above)
        depth, above = depth + 1, parents.get(above)
    return depth


def _detail(section: str, item: dict[str, Any]) -> str:
    if section == "activities":
        return " · ".join(str(x) for x in (item.get("objective"), item.get("due")) if x)
    if section == "metrics":
        return ", ".join(item.get("objectives") or [])
    if section == "meetings":
        return " · ".join(str(x) for x in (item.get("body"), item.get("date")) if x)
    return ""
