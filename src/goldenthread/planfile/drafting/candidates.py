"""What the drafting finds: candidate plan elements, each with its place and its confidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from goldenthread.planfile.drafting.document import Place
from goldenthread.planfile.drafting.language import Target

ElementKind = Literal["objective", "activity", "metric", "org_unit", "owner", "budget_line", "stated_total", "risk"]

#: below this, an element is flagged for review in the draft
REVIEW_BELOW = 0.6


@dataclass(eq=False)
class Candidate:
    kind: ElementKind
    title: str
    place: Place
    confidence: float
    #: the rule that found it, said in the draft's note
    rule: str
    #: objectives: depth among the plan's objectives (1 is the top) and the name of that level
    depth: int = 1
    level_name: str = ""
    #: an objective's parent; an activity's, metric's or risk's objective
    parent: Candidate | None = None
    description: str = ""
    assessed_by: list[str] = field(default_factory=list)
    target: Target | None = None
    due: str | None = None
    owner: str | None = None
    activity_type: str = "action"
    amount: Decimal | None = None
    category: str = "other"
    period: str | None = None
    unit_type: str = "other"
    #: what the document states that the plan file cannot hold, said in the description
    notes: list[str] = field(default_factory=list)
