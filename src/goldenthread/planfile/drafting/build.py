"""From candidates to a plan file that validates.

Every element carries its provenance in ``source`` (line or page and line, table and row,
section, printed paragraph number) and, in one ``added`` note, that it was drafted, by which
rule, with what confidence, and — below :data:`REVIEW_BELOW` — that it needs review; so
``goldenthread plan check`` lists every drafted element for the reviewer, and nothing found is
dropped. What the document states that the format cannot hold (a due date outside the plan's
years, a timeline in words, a review or trigger column) is said in the element's description.
The draft is validated before it is returned; a field validation refuses is moved into the
description with a note, so the draft always validates.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

from goldenthread.planfile.drafting.candidates import REVIEW_BELOW, Candidate
from goldenthread.planfile.drafting.document import Document, Place
from goldenthread.planfile.drafting.language import bodies_in, financial_years
from goldenthread.planfile.fields import CODE_LENGTH, TITLE_LENGTH
from goldenthread.planfile.schema import Plan
from goldenthread.planfile.validate import validate_data

_PREFIX = {"objective": "O", "activity": "A", "metric": "M", "budget_line": "B", "stated_total": "T", "risk": "R"}
_SECTION = {
    "objective": "objectives",
    "activity": "activities",
    "metric": "metrics",
    "budget_line": "budget_lines",
    "stated_total": "stated_totals",
    "risk": "risks",
}
_PROBLEM = re.compile(r"^(\w+)\[(\d+)\]\.([a-z_]+)")
_MOVABLE = ("due", "start", "target", "parent", "objective", "objectives", "org_unit", "owner")


def slug(text: str, fallback: str = "draft") -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return (words or fallback)[:CODE_LENGTH].strip("-") or fallback


def _clip(text: str, length: int = TITLE_LENGTH) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]", "", text).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def _note(candidate: Candidate, kind: str) -> dict[str, Any]:
    flag = "; REVIEW: low confidence" if candidate.confidence < REVIEW_BELOW else ""
    quote = candidate.place.block.text[:300]
    return {
        "fields": ["name" if kind == "org_unit" else "title"],
        "note": _clip(
            f"Drafted from the document by rule: {candidate.rule}; confidence {candidate.confidence:.2f}"
            f"{flag}. Printed: “{quote}”"
        ),
    }


def plan_data(document: Document, candidates: list[Candidate], code: str | None = None) -> dict[str, Any]:
    """The plan file's data for a document's candidates."""
    text = "\n".join(line.text for line in document.lines)
    years = financial_years(text)
    start = Counter(years).most_common(1)[0][0] if years else "2000/01"
    later = [y for y in years if start < y <= _plus(start, 4)]
    end = max(later, key=lambda y: (Counter(years)[y] >= 2, y), default=start) if later else start
    title = next((b.text for b in document.blocks if b.kind == "heading"), document.name)
    units, organisation = _org_units(document)
    data: dict[str, Any] = {
        "code": slug(code or document.name.rsplit(".", 1)[0]),
        "title": _clip(title),
        "organisation": organisation,
        "start": start,
        "end": end,
        "status": "draft",
        "description": _clip(
            f"Drafted by goldenthread plan draft from {document.name}: every element says where it comes from "
            "(source) and how sure the drafting is (its added note); review those marked REVIEW.",
            20_000,
        ),
        "source_document": {"title": _clip(title), "file": _clip(document.name, 300)},
        "levels": [],
        "org_units": units,
    }
    _elements(data, document, candidates)
    return data


def _plus(year: str, n: int) -> str:
    first = int(year[:4]) + n
    return f"{first}/{(first + 1) % 100:02d}"


def _org_units(document: Document) -> tuple[list[dict[str, Any]], dict[str, str]]:
    counts: Counter[str] = Counter()
    first: dict[str, Place] = {}
    for block in document.blocks:
        for name in bodies_in(block.text):
            counts[name] += 1
            first.setdefault(name, Place(block))
    units: list[dict[str, Any]] = []
    for name, count in counts.most_common():
        if count < 2 or len(units) >= 60:
            continue
        candidate = Candidate("org_unit", name, first[name], min(0.9, 0.4 + 0.1 * count), f"body named {count} times")
        units.append(
            {
                "code": slug(name, "unit"),
                "name": _clip(name),
                "type": _unit_type(name),
                "source": first[name].label(document.kind),
                "added": [_note(candidate, "org_unit")],
            }
        )
    own = str(units[0]["name"]) if units else "Organisation (not found: review)"
    return _unique(units), {"code": slug(own, "org"), "name": own}


def _unit_type(name: str) -> str:
    for word, kind in (("directorate", "directorate"), ("region", "region"), ("team", "team")):
        if word in name.lower():
            return kind
    return "other"


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["code"] not in seen:
            seen.add(item["code"])
            out.append(item)
    return out


def _elements(data: dict[str, Any], document: Document, candidates: list[Candidate]) -> None:
    codes: dict[int, str] = {}
    counters: Counter[str] = Counter()
    for candidate in candidates:
        if candidate.kind in _PREFIX:
            counters[candidate.kind] += 1
            codes[id(candidate)] = f"{_PREFIX[candidate.kind]}{counters[candidate.kind]}"
    objectives = [c for c in candidates if c.kind == "objective"]
    depth_names: dict[int, Counter[str]] = {}
    for o in objectives:
        depth_names.setdefault(o.depth, Counter())[o.level_name or "Objective"] += 1
    depths = sorted(depth_names) or [1]
    data["levels"] = [
        {"code": f"level-{d}", "name": (depth_names.get(d) or Counter({"Objective": 1})).most_common(1)[0][0]}
        for d in depths
    ]
    fallback = _fallback(data, candidates, objectives)
    for section in _SECTION.values():
        data.setdefault(section, [])
    for candidate in candidates:
        if candidate.kind in _SECTION:
            element = _element(candidate, codes, document.kind, fallback)
            data[_SECTION[candidate.kind]].append(element)


def _fallback(data: dict[str, Any], candidates: list[Candidate], objectives: list[Candidate]) -> str | None:
    """The objective of activities and metrics found before any objective: one, flagged."""
    orphans = any(c.kind == "activity" and c.parent is None for c in candidates)
    if not orphans:
        return None
    data.setdefault("objectives", []).append(
        {
            "code": "UNPLACED",
            "level": data["levels"][0]["code"],
            "title": "Activities found outside any objective (review: move each under its objective)",
            "added": [
                {
                    "fields": ["title"],
                    "note": "Made by goldenthread plan draft to hold activities it found before "
                    "any objective; not printed in the document. REVIEW.",
                }
            ],
        }
    )
    return "UNPLACED"


def _element(c: Candidate, codes: dict[int, str], kind: str, fallback: str | None) -> dict[str, Any]:
    title = _clip(c.title)
    element: dict[str, Any] = {"code": codes[id(c)], "title": title or "(untitled)"}
    notes = list(c.notes)
    if len(c.title) > TITLE_LENGTH:
        notes.append(f"title as printed: {c.title}")
    parent = codes.get(id(c.parent)) if c.parent is not None else None
    builder = _BUILDERS[c.kind]
    builder(element, c, parent, fallback)
    if notes:
        key = "mitigation" if c.kind == "risk" else ("definition" if c.kind == "metric" else "description")
        if key in ("description", "definition", "mitigation") and c.kind in ("objective", "activity", "metric", "risk"):
            element[key] = _clip("\n".join([element.get(key, ""), *notes]).strip(), 20_000)
    element["source"] = c.place.label(kind)
    element["added"] = [_note(c, c.kind)]
    return element


def _objective(element: dict[str, Any], c: Candidate, parent: str | None, fallback: str | None) -> None:
    element["level"] = f"level-{c.depth}"
    if parent:
        element["parent"] = parent
    if c.description:
        element["description"] = _clip(c.description, 20_000)
    if c.assessed_by:
        element["assessed_by"] = [_clip(t) for t in c.assessed_by]


def _activity(element: dict[str, Any], c: Candidate, parent: str | None, fallback: str | None) -> None:
    element["objective"] = parent or fallback
    element["type"] = c.activity_type
    if c.due:
        element["due"] = c.due
    if c.description:
        element["description"] = _clip(c.description, 20_000)
    if c.owner:
        element["description"] = _clip(f"{element.get('description', '')}\nOwner as printed: {c.owner}".strip(), 20_000)


def _metric(element: dict[str, Any], c: Candidate, parent: str | None, fallback: str | None) -> None:
    if parent:
        element["objectives"] = [parent]
    element["unit"] = c.unit_type if c.unit_type in ("percentage", "count") else "other"
    if c.target is not None:
        target: dict[str, Any] = {
            "value": c.target.value,
            "comparison": c.target.comparison,
            "text": _clip(c.target.text),
        }
        if c.target.by:
            target["by"] = c.target.by
        element["target"] = target
        if c.target.value <= 1 and element["unit"] == "percentage":
            element["polarity"] = "lower_is_better" if c.target.comparison.startswith("<") else "higher_is_better"


def _money(element: dict[str, Any], c: Candidate, parent: str | None, fallback: str | None) -> None:
    element["amount"] = c.amount if c.amount is not None else Decimal(0)
    element["category"] = c.category
    element["period"] = c.period or "PERIOD"


def _risk(element: dict[str, Any], c: Candidate, parent: str | None, fallback: str | None) -> None:
    if parent:
        element["objective"] = parent


_BUILDERS = {
    "objective": _objective,
    "activity": _activity,
    "metric": _metric,
    "budget_line": _money,
    "stated_total": _money,
    "risk": _risk,
}


def validated(data: dict[str, Any]) -> Plan:
    """The plan the data makes; each field validation refuses is moved into a note and tried again."""
    for _ in range(6):
        for section in ("budget_lines", "stated_totals"):
            for element in data.get(section, []):
                if element["period"] == "PERIOD":
                    element["period"] = data["start"]
        result = validate_data(data, "draft")
        if result.ok and result.plan is not None:
            return result.plan
        if not _move_refused(data, result.problems):
            break
    shown = "; ".join(str(p) for p in result.problems[:5])
    raise ValueError(f"the draft does not validate: {shown}")


def _move_refused(data: dict[str, Any], problems: list[Any]) -> bool:
    moved = False
    for problem in problems:
        match = _PROBLEM.match(problem.path)
        if match is None or match.group(3) not in _MOVABLE:
            continue
        section, index, field = match.group(1), int(match.group(2)), match.group(3)
        element = data[section][index]
        if field not in element:
            continue
        value = element.pop(field)
        key = "definition" if section == "metrics" else "description"
        if section in ("objectives", "activities", "metrics"):
            element[key] = _clip(
                f"{element.get(key, '')}\n{field} as drafted: {value} ({problem.message})".strip(), 20_000
            )
        moved = True
    return moved
