"""Where the walk through a document is: the objective it is in, and what was last announced."""

from __future__ import annotations

from dataclasses import dataclass, field

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.document import Block, Document, Place
from goldenthread.planfile.drafting.language import Kind, targets_in
from goldenthread.planfile.drafting.outline import Heading


@dataclass
class Walk:
    document: Document
    headings: dict[int, Heading]
    found: list[Candidate] = field(default_factory=list)
    #: (heading level, objective) from the outermost in
    objectives: list[tuple[int, Candidate]] = field(default_factory=list)
    section: str = ""
    mode: Kind = "none"
    mode_name: str = ""
    #: the outline level of the label that set the mode: it announces headings below it only
    mode_level: int = 0
    lead: Kind | None = None
    lead_name: str = ""
    last_activity: Candidate | None = None
    #: the action a lead-in states of its own, which the items after it are parts of; and what
    #: was drafted from the lead-in itself, replaced by those parts when they follow
    lead_action: str = ""
    lead_block: Block | None = None
    lead_drafted: list[Candidate] = field(default_factory=list)

    @property
    def objective(self) -> Candidate | None:
        return self.objectives[-1][1] if self.objectives else None

    def place(self, block: Block) -> Place:
        return Place(block, self.section)

    def add(self, candidate: Candidate, printed: str = "") -> Candidate:
        """Keep a candidate; an activity that sets a number to reach is measured by it too (a
        metric with that target, beside the activity). ``printed``: the activity as printed
        when its title is a part of it (the first sentence), which the metric is read from."""
        self.found.append(candidate)
        measured = printed or candidate.title
        targets = targets_in(measured) if candidate.kind == "activity" else []
        for target in targets:
            unit = "percentage" if "%" in target.text or "per cent" in target.text else "count"
            self.found.append(
                Candidate(
                    "metric",
                    measured if len(targets) == 1 else target.text,
                    candidate.place,
                    min(candidate.confidence, 0.5),
                    "deliverable with a number to reach",
                    parent=candidate.parent,
                    target=target,
                    unit_type=unit,
                )
            )
        return candidate
