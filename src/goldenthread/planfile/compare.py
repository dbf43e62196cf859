"""Two versions of a plan compared: elements added, removed, changed and moved, field by field.

``compare(old, new)`` walks the plan's own fields, then each element list in file order
(levels, org units, owners, objectives, activities, metrics, budget lines, stated totals,
risks, bodies, meetings), matching elements by code. For a changed element every field that differs is given as
its dotted path (``target.value``, as validation names fields) with the old and the new value
as text, the value as the plan holds it and a human form where one is easy ("0.95 (95%)");
lists (a trajectory, a metric's objectives) are compared whole and written readably. An
element whose only change is its place in its list is "moved": it is out of order against the
others (not in every longest run of elements that kept their order), so one element added at
the top moves nothing else. An element whose code changed is matched as a rename when exactly
one removed and one added element agree on everything else, or else on the title; otherwise
it shows as removed and added.

Pure: plain dataclasses of text, no Django. ``compare(b, a)`` is ``compare(a, b).mirrored()``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel

from goldenthread.planfile import compare_values as words
from goldenthread.planfile.schema import SECTIONS, Plan

Action = Literal["added", "removed", "changed", "moved"]
ACTIONS: tuple[Action, ...] = ("added", "changed", "moved", "removed")
_MIRROR: dict[Action, Action] = {"added": "removed", "removed": "added", "changed": "changed", "moved": "moved"}

#: the plan's element lists in file order, and the kind of element each holds
LISTS: dict[str, str] = {"levels": "level", **SECTIONS}
LABELS: dict[str, str] = {
    "levels": "Levels",
    "org_units": "Org units",
    "owners": "Owners",
    "objectives": "Objectives",
    "activities": "Activities",
    "metrics": "Metrics",
    "budget_lines": "Budget lines",
    "stated_totals": "Stated totals",
    "risks": "Risks",
    "bodies": "Bodies",
    "meetings": "Meetings",
}
#: the plan's own fields, in file order
PLAN_FIELDS: tuple[str, ...] = tuple(name for name in Plan.model_fields if name not in LISTS)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its dotted path and its old and new values as text."""

    path: str
    old: str
    new: str
    added_items: tuple[str, ...] = ()  # for a list: the items it gained, as text
    removed_items: tuple[str, ...] = ()  # … and those it lost

    @property
    def detail(self) -> str:
        """For a list: 'added MED-2, MED-3; removed MED-1'."""
        parts = [f"added {', '.join(self.added_items)}"] if self.added_items else []
        return "; ".join(parts + ([f"removed {', '.join(self.removed_items)}"] if self.removed_items else []))

    def mirrored(self) -> FieldChange:
        return FieldChange(self.path, self.new, self.old, self.removed_items, self.added_items)


@dataclass(frozen=True)
class ElementChange:
    """An element added, removed, changed or moved. Each side's code, title (an org unit's or a
    level's name) and 1-based place in its list is None where the element is not on that side."""

    section: str
    kind: str
    action: Action
    old_code: str | None
    new_code: str | None
    old_title: str | None
    new_title: str | None
    old_position: int | None
    new_position: int | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def code(self) -> str:
        return self.new_code if self.new_code is not None else self.old_code or ""

    @property
    def title(self) -> str:
        return self.new_title if self.new_title is not None else self.old_title or ""

    @property
    def renamed(self) -> bool:
        return self.old_code is not None and self.new_code is not None and self.old_code != self.new_code

    @property
    def moved(self) -> bool:
        return any(change.path == "position" for change in self.fields)

    def mirrored(self) -> ElementChange:
        return ElementChange(
            self.section,
            self.kind,
            _MIRROR[self.action],
            self.new_code,
            self.old_code,
            self.new_title,
            self.old_title,
            self.new_position,
            self.old_position,
            tuple(change.mirrored() for change in self.fields),
        )


@dataclass(frozen=True)
class SectionChanges:
    """The changes to one element list, added first, then changed, moved and removed."""

    section: str
    kind: str
    label: str
    elements: tuple[ElementChange, ...]

    def of(self, action: Action) -> tuple[ElementChange, ...]:
        return tuple(element for element in self.elements if element.action == action)

    @property
    def counts(self) -> dict[Action, int]:
        return {action: len(self.of(action)) for action in ACTIONS if self.of(action)}

    def mirrored(self) -> SectionChanges:
        return replace(self, elements=_ordered(element.mirrored() for element in self.elements))


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between two plans: the plan's own fields, then each element
    list that has changes, in file order."""

    plan: tuple[FieldChange, ...]
    sections: tuple[SectionChanges, ...]

    @property
    def empty(self) -> bool:
        return not self.plan and not self.sections

    @property
    def counts(self) -> dict[Action, int]:
        total: dict[Action, int] = {}
        for section in self.sections:
            for action, count in section.counts.items():
                total[action] = total.get(action, 0) + count
        return {action: total[action] for action in ACTIONS if action in total}

    def section(self, name: str) -> SectionChanges | None:
        return next((section for section in self.sections if section.section == name), None)

    def mirrored(self) -> Comparison:
        return Comparison(tuple(change.mirrored() for change in self.plan), tuple(s.mirrored() for s in self.sections))


def compare(old: Plan, new: Plan) -> Comparison:
    """What changed from ``old`` to ``new``."""
    old_data, new_data = old.model_dump(mode="python"), new.model_dump(mode="python")
    own_old = {name: old_data[name] for name in PLAN_FIELDS}
    own_new = {name: new_data[name] for name in PLAN_FIELDS}
    sections = [_section(name, getattr(old, name), getattr(new, name)) for name in LISTS]
    return Comparison(
        tuple(_field_changes(own_old, own_new, own_old, own_new)),
        tuple(section for section in sections if section is not None),
    )


@dataclass(frozen=True)
class _Item:
    position: int  # 1-based
    code: str
    title: str
    data: dict[str, Any]  # every field, defaults too
    given: dict[str, Any]  # the fields a file would hold (defaults left out)


def _items(elements: Sequence[BaseModel]) -> dict[str, _Item]:
    """Elements by code; a repeated code (only in a plan never validated) keyed by occurrence."""
    items: dict[str, _Item] = {}
    for position, element in enumerate(elements, start=1):
        data = element.model_dump(mode="python")
        code = key = str(data.get("code", ""))
        while key in items:
            key = f"{key}'"
        title = str(data.get("title", data.get("name", "")))
        items[key] = _Item(position, code, title, data, element.model_dump(mode="python", exclude_defaults=True))
    return items


def _section(
    section: str, old_elements: Sequence[BaseModel], new_elements: Sequence[BaseModel]
) -> SectionChanges | None:
    old, new = _items(old_elements), _items(new_elements)
    gone = [key for key in old if key not in new]
    came = [key for key in new if key not in old]
    pairs = [(key, key) for key in new if key in old] + _renames(gone, came, old, new)
    paired_old, paired_new = {a for a, _ in pairs}, {b for _, b in pairs}
    out_of_order = _out_of_order([(old[a].position, new[b].position) for a, b in pairs])
    kind = LISTS[section]
    changes = [_added(section, kind, new[key]) for key in came if key not in paired_new]
    changes += [_added(section, kind, old[key]).mirrored() for key in gone if key not in paired_old]
    for a, b in pairs:
        change = _changed(section, kind, old[a], new[b], moved=(old[a].position, new[b].position) in out_of_order)
        if change is not None:
            changes.append(change)
    if not changes:
        return None
    return SectionChanges(section, kind, LABELS[section], _ordered(changes))


def _ordered(changes: Any) -> tuple[ElementChange, ...]:
    def key(change: ElementChange) -> tuple[int, int]:
        position = change.old_position if change.action == "removed" else change.new_position
        return ACTIONS.index(change.action), position or 0

    return tuple(sorted(changes, key=key))


def _added(section: str, kind: str, item: _Item) -> ElementChange:
    shown = {name: value for name, value in item.given.items() if name not in ("code", "title", "name")}
    fields = tuple(
        FieldChange(name, words.NONE, words.value_text(name, value, words.unit_of(name, item.data)))
        for name, value in shown.items()
    )
    return ElementChange(section, kind, "added", None, item.code, None, item.title, None, item.position, fields)


def _changed(section: str, kind: str, old: _Item, new: _Item, *, moved: bool) -> ElementChange | None:
    fields = _field_changes(old.data, new.data, old.data, new.data)
    if moved:
        fields.append(FieldChange("position", words.ordinal(old.position), words.ordinal(new.position)))
    if not fields:
        return None
    action: Action = "moved" if moved and len(fields) == 1 else "changed"
    return ElementChange(
        section, kind, action, old.code, new.code, old.title, new.title, old.position, new.position, tuple(fields)
    )


def _field_changes(
    old: dict[str, Any], new: dict[str, Any], old_element: dict[str, Any], new_element: dict[str, Any], prefix: str = ""
) -> list[FieldChange]:
    """Every field that differs, nested records (a target) field by field."""
    changes: list[FieldChange] = []
    for name in dict.fromkeys([*old, *new]):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        path = prefix + name
        if isinstance(before, dict) and isinstance(after, dict):
            changes += _field_changes(before, after, old_element, new_element, path + ".")
            continue
        units = words.unit_of(path, old_element), words.unit_of(path, new_element)
        added, removed = words.list_detail(name, before, after, units)
        changes.append(
            FieldChange(
                path,
                words.value_text(name, before, units[0]),
                words.value_text(name, after, units[1]),
                added,
                removed,
            )
        )
    return changes


def _renames(gone: list[str], came: list[str], old: dict[str, _Item], new: dict[str, _Item]) -> list[tuple[str, str]]:
    """Removed and added elements that are one element with a new code: those that agree on
    everything but the code, then those that share a title, where exactly one of each does."""
    found: list[tuple[str, str]] = []
    ways: tuple[Callable[[_Item], str], ...] = (
        lambda item: repr({name: value for name, value in item.data.items() if name != "code"}),
        lambda item: item.title,
    )
    for way in ways:
        olds, news = _grouped(gone, old, way), _grouped(came, new, way)
        for key, keys in olds.items():
            if len(keys) == 1 and len(news.get(key, [])) == 1:
                found.append((keys[0], news[key][0]))
        gone = [key for key in gone if key not in {a for a, _ in found}]
        came = [key for key in came if key not in {b for _, b in found}]
    return found


def _grouped(keys: list[str], items: dict[str, _Item], way: Callable[[_Item], str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[way(items[key])].append(key)
    return groups


def _out_of_order(places: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (old, new) places of the elements that moved: those outside some longest run of
    elements in the same order on both sides. Defined by the pairs alone, so it is the same
    whichever side is called old."""
    ordered = sorted(places, key=lambda place: place[1])
    olds = [place[0] for place in ordered]
    count = len(olds)
    ending = [1] * count  # the longest increasing run ending at i
    starting = [1] * count  # … and starting at i
    for i in range(count):
        for j in range(i):
            if olds[j] < olds[i]:
                ending[i] = max(ending[i], ending[j] + 1)
    for i in reversed(range(count)):
        for j in range(i + 1, count):
            if olds[j] > olds[i]:
                starting[i] = max(starting[i], starting[j] + 1)
    longest = max(ending, default=0)
    on_some = [i for i in range(count) if ending[i] + starting[i] - 1 == longest]
    at_step: dict[int, int] = defaultdict(int)
    for i in on_some:
        at_step[ending[i]] += 1
    on_every = {i for i in on_some if at_step[ending[i]] == 1}
    return {ordered[i] for i in range(count) if i not in on_every}


def listing(comparison: Comparison) -> list[str]:
    """The comparison as lines of text, for the command line (control characters escaped)."""
    if comparison.empty:
        return ["No differences."]
    lines: list[str] = []
    if comparison.plan:
        lines.append("Plan")
        lines += _field_lines(comparison.plan)
    for section in comparison.sections:
        counts = ", ".join(f"{count} {action}" for action, count in section.counts.items())
        lines.append(f"{section.label}: {counts}")
        for element in section.elements:
            code = f"{element.code} (was {element.old_code})" if element.renamed else element.code
            lines.append(f"  {element.action} {section.kind.replace('_', ' ')} {code} “{element.title}”")
            lines += _field_lines(element.fields, indent="      ")
    return [words.printable(line) for line in lines]


def _field_lines(fields: Sequence[FieldChange], indent: str = "  ") -> list[str]:
    lines = []
    for change in fields:
        detail = f" ({change.detail})" if change.detail else ""
        line = f"{indent}{change.path}: {change.old} → {change.new}{detail}"
        lines.append(line.replace("\n", "\n" + indent + "  "))
    return lines
