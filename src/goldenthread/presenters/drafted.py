"""A plan drafted from its document, as the workbench shows it for review (issue 21).

The drafting (:mod:`goldenthread.planfile.drafting`) gives every element it proposes a ``source``
(where in the document it is printed) and one ``added`` note: the rule that found it, its
confidence and the passage as printed, with "REVIEW: low confidence" below the review threshold.
Here those notes are read back from a change's working plan (:func:`goldenthread.planfile.provenance.added_notes`,
the list ``goldenthread plan check`` gives), so the list follows the draft as the planner corrects
it: a corrected element says so, a retired one is gone from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from goldenthread.planfile import schema
from goldenthread.planfile.provenance import added_notes
from goldenthread.plans import changes
from goldenthread.plans import models as m

#: how the drafting's note begins (``planfile.drafting.build``), and the flag it adds below the
#: review threshold
DRAFTED = "Drafted from the document"
REVIEW = "REVIEW"
_CONFIDENCE = re.compile(r"confidence (\d(?:\.\d+)?)")
#: an element kind (``schema.SECTIONS``' values) -> its plan-file list
SECTION_OF = {kind: section for section, kind in schema.SECTIONS.items()}


@dataclass(frozen=True)
class DraftedElement:
    kind: str  # "objective", "metric" …
    code: str
    title: str
    source: str  # where in the document
    note: str  # the drafting's note: rule, confidence, the passage as printed
    confidence: str  # "0.55", or "" when the note gives none
    review: bool  # flagged REVIEW by the drafting
    corrected: bool  # edited in the change since it was drafted
    href: str | None  # its form, while the change is a draft


#: the page's filter (``show=review`` in its address): only the elements still to review
TO_REVIEW = "review"


@dataclass(frozen=True)
class DraftReview:
    document: str  # the file it was drafted from, as uploaded
    elements: list[DraftedElement]  # every drafted element, in plan order
    only_to_review: bool = False  # the table shows only those still to review

    @property
    def flagged(self) -> int:
        return sum(1 for e in self.elements if e.review)

    @property
    def left_to_review(self) -> int:
        return sum(1 for e in self.elements if e.review and not e.corrected)

    @property
    def shown(self) -> list[DraftedElement]:
        """The table's rows: every element, or only those marked REVIEW and not yet corrected."""
        if not self.only_to_review:
            return self.elements
        return [e for e in self.elements if e.review and not e.corrected]


def drafted_note(element: dict | None) -> str:
    """The drafting's note on an element (plan-file data), or ""."""
    for entry in (element or {}).get("added") or []:
        note = str(entry.get("note") or "") if isinstance(entry, dict) else ""
        if note.startswith(DRAFTED):
            return note
    return ""


def review(
    change: m.PlanChange | None, working: schema.Plan | None = None, *, only_to_review: bool = False
) -> DraftReview | None:
    """The drafted elements of the change's working plan (``working``, when the caller has it) in
    plan order, or None when it has none; ``only_to_review``: the table shows only those marked
    REVIEW and not yet corrected (the counts are still of every element)."""
    if change is None:
        return None
    plan = working if working is not None else changes.working_plan(change)
    corrected = {
        (edit.section, edit.code)
        for edit in change.edits.exclude(action=m.PlanEdit.Action.ADDED).only("section", "code")
    }
    draft = change.status == m.PlanChange.Status.DRAFT
    rows = []
    for kind, element, entry in added_notes(plan):
        if not entry.note.startswith(DRAFTED):
            continue
        code = str(getattr(element, "code", ""))
        section = SECTION_OF[kind]
        found = _CONFIDENCE.search(entry.note)
        rows.append(
            DraftedElement(
                kind=kind.replace("_", " "),
                code=code,
                title=str(getattr(element, "title", None) or getattr(element, "name", None) or ""),
                source=str(getattr(element, "source", None) or ""),
                note=entry.note,
                confidence=found.group(1) if found else "",
                review=REVIEW in entry.note,
                corrected=(section, code) in corrected,
                href=reverse("plan-element-edit", args=[change.plan.code, section, code]) if draft else None,
            )
        )
    if not rows:
        return None
    source = plan.source_document.file if plan.source_document is not None else None
    return DraftReview(document=source or "", elements=rows, only_to_review=only_to_review)
