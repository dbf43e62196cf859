"""Draft a plan file from a business plan as it was written (.docx, .pdf or .txt).

Pure Python, like the rest of :mod:`goldenthread.planfile`: no Django, no network, no model.
:func:`draft` reads the document (:mod:`readers`), finds its structure (:mod:`layout`,
:mod:`outline`), proposes elements from structure and language (:mod:`extract`, :mod:`tables`,
:mod:`language`) and makes a plan that validates (:mod:`build`). ``docs/drafting.md`` describes
the method and its measured quality (``bench/draft.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goldenthread.planfile.drafting.build import plan_data, validated
from goldenthread.planfile.drafting.candidates import REVIEW_BELOW, Candidate
from goldenthread.planfile.drafting.document import Document
from goldenthread.planfile.drafting.extract import extract
from goldenthread.planfile.drafting.readers import SUFFIXES, UnreadableDocument, read_document, text_document
from goldenthread.planfile.schema import Plan

__all__ = ["REVIEW_BELOW", "SUFFIXES", "Draft", "UnreadableDocument", "draft", "draft_document", "read_document"]


@dataclass
class Draft:
    plan: Plan
    document: Document
    candidates: list[Candidate]

    @property
    def to_review(self) -> int:
        """How many drafted elements are flagged for review (confidence below REVIEW_BELOW)."""
        return sum(1 for c in self.candidates if c.confidence < REVIEW_BELOW)


def draft_document(document: Document, code: str | None = None) -> Draft:
    """The draft plan of a document already read."""
    candidates = extract(document)
    return Draft(validated(plan_data(document, candidates, code)), document, candidates)


def draft(path: str | Path, code: str | None = None, name: str | None = None) -> Draft:
    """The draft plan of the document at ``path`` (``name``: its name as shown, e.g. an upload's)."""
    return draft_document(read_document(path, name), code)


def draft_text(text: str, name: str = "document.txt", code: str | None = None) -> Draft:
    """The draft plan of a plain-text document given as text."""
    return draft_document(text_document(text, name), code)
