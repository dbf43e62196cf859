"""A plan as a document (``planfile.plan_document``): where an element is, what names it, what
differs between two documents, and a digest that tells whether an element changed. Used by change
control (:mod:`.changes`); no state of its own."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from goldenthread.planfile import schema
from goldenthread.planfile.consistency import ITEM_REFERENCES, OVERSEES_REFERENCES, REFERENCES
from goldenthread.plans import models as m

PLAN = "plan"  # the section of an edit to the plan's own fields
LISTS = ("levels", *schema.SECTIONS)
Document = dict[str, Any]


def fingerprint(data: dict | None) -> str:
    """A short digest of an element's data, to tell whether it changed since a form showed it."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_fields(document: Document) -> dict:
    return {k: v for k, v in document.items() if k not in LISTS}


def index_of(items: list[dict], code: str) -> int | None:
    return next((i for i, item in enumerate(items) if item.get("code") == code), None)


def _names(data: dict, fields: tuple[tuple[str, str, str], ...], section: str, code: str) -> bool:
    """Whether one of ``fields`` of ``data`` names ``code`` of ``section``."""
    for name, target, _ in fields:
        value = data.get(name)
        if target == section and code in (value if isinstance(value, list) else [value]):
            return True
    return False


def _names_inside(other: str, item: dict, section: str, code: str) -> bool:
    """Whether what a body oversees, or one of a meeting's agenda items, names ``code`` of ``section``."""
    if other == "bodies":
        return _names(item.get("oversees") or {}, OVERSEES_REFERENCES, section, code)
    if other == "meetings":
        return any(_names(i, ITEM_REFERENCES, section, code) for i in item.get("items", []))
    return False


def referring(document: Document, section: str, code: str) -> list[str]:
    """The elements of the document that name ``code`` of ``section``, e.g. "activity MED-1-a"."""
    out = []
    for other, fields in REFERENCES.items():
        for item in document.get(other, []):
            if other == section and item.get("code") == code:
                continue
            if _names(item, fields, section, code) or _names_inside(other, item, section, code):
                out.append(f"{schema.SECTIONS.get(other, other).replace('_', ' ')} {item.get('code')}")
    return sorted(set(out))


def differences(old: Document, new: Document, code: str, reason: str) -> list[m.PlanEdit]:
    """One edit for each element that differs between two documents, in file order."""
    edits = []
    before, after = plan_fields(old), plan_fields(new)
    if before != after:
        edits.append(m.PlanEdit(section=PLAN, code=code, action="changed", before=before, after=after))
    for section in LISTS:
        edits += _section_differences(section, old.get(section, []), new.get(section, []))
    for edit in edits:
        edit.reason = reason
    return edits


def _section_differences(section: str, old: list[dict], new: list[dict]) -> list[m.PlanEdit]:
    was = {x["code"]: x for x in old}
    now = {x["code"]: x for x in new}
    edits = []
    for key, item in now.items():
        if key not in was:
            edits.append(m.PlanEdit(section=section, code=key, action="added", after=item))
        elif was[key] != item:
            edits.append(m.PlanEdit(section=section, code=key, action="changed", before=was[key], after=item))
    edits += [m.PlanEdit(section=section, code=k, action="removed", before=x) for k, x in was.items() if k not in now]
    kept_was, kept_now = [k for k in was if k in now], [k for k in now if k in was]
    for key in kept_now:
        if kept_was.index(key) != kept_now.index(key) and was[key] == now[key]:
            positions = [list(was).index(key) + 1, list(now).index(key) + 1]
            edits.append(
                m.PlanEdit(
                    section=section,
                    code=key,
                    action="moved",
                    before={"position": positions[0]},
                    after={"position": positions[1]},
                )
            )
    return edits
