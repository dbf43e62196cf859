"""Elements from structure and language: a walk through the document's blocks.

The walk keeps the objective it is in (the nearest heading that is one) and what the last label
or lead-in announced, and reads each block by them:

- a structural heading is an objective when a label announced it ("Organisational Priorities"
  then "1. Care Quality"), or when its section holds what objectives hold (actions, deliverables,
  measures, priorities, an assessment); document furniture (contents, introduction, appendix)
  and the document's title are not;
- items after a lead-in or label announcing priorities or objectives are objectives one level
  down; announcing actions or deliverables, activities; measures, metrics; risks, risks; an
  assessment ("Assessed by:"), the objective's ``assessed_by``;
- elsewhere inside an objective, a sentence that commits ("we will publish…") is an activity and
  one that sets a number to reach ("95% by Quarter 4 of 2016/17") a metric with its target, both
  at lower confidence;
- tables are read by their header rows (:mod:`tables`).
"""

from __future__ import annotations

import re

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.commitments import (
    action_lead,
    commits,
    first_sentence,
    has_verb,
    is_request,
    lists_no_actions,
    looks_back,
    part_title,
    settled,
)
from goldenthread.planfile.drafting.document import Block, Document
from goldenthread.planfile.drafting.language import (
    Kind,
    action_of,
    announces,
    is_commitment,
    is_deliverable,
    is_imperative,
    reported_in,
    sentences,
    target_in,
    targets_in,
)
from goldenthread.planfile.drafting.measures import without_repeated_tables, without_repeated_targets
from goldenthread.planfile.drafting.outline import LABEL_WORDS, Heading, outline, section_end
from goldenthread.planfile.drafting.tables import read_table
from goldenthread.planfile.drafting.walk import Walk

_HOLDS = ("activities", "metrics", "assessment", "objectives", "risks")


def extract(document: Document) -> list[Candidate]:
    """The candidate elements of a document, in document order."""
    blocks = document.blocks
    headings = outline(blocks)
    qualifying = _qualifying(blocks, headings)
    walk = Walk(document, headings)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind == "heading":
            _heading(walk, index, qualifying.get(index, 0))
        elif block.kind == "row":
            rows = [block]
            while index + 1 < len(blocks) and blocks[index + 1].table == block.table:
                index += 1
                rows.append(blocks[index])
            read_table(walk, rows)
        elif block.kind == "bullet":
            _bullet(walk, block)
        else:
            _paragraph(walk, block)
        index += 1
    return settled(without_repeated_targets(without_repeated_tables(walk.found)))


def _lead_kind(text: str) -> Kind | None:
    """What a lead-in (a paragraph ending in ':') announces, read from its last sentence, the one
    that introduces the list; a commitment or the means to an end ('… by:') announces actions."""
    lead = (sentences(text) or [text])[-1]
    if looks_back(lead):
        return None  # what was done, or examples
    kind = announces(lead)
    if kind == "objectives" and not _OWN.search(lead):
        return None  # another body's aims, or aims spoken of: not the plan's own list
    if kind not in ("none", "structure"):
        return kind
    return "activities" if is_commitment(lead) or _MEANS.search(lead) else None


def _qualifying(blocks: list[Block], headings: dict[int, Heading]) -> dict[int, int]:
    """Structural headings whose sections hold what objectives hold: 2 when a label heading of
    actions, measures or an assessment opens inside the heading's own text (before any
    subsection), 1 when such content is further in or only announced by a lead-in."""
    tops = [i for i, h in headings.items() if h.label is None and h.level == 1]
    out: dict[int, int] = {}
    for index, heading in headings.items():
        if heading.label is not None or announces(heading.block.text) == "structure":
            continue
        if heading.level == 1 and len(tops) == 1:
            continue  # the document's title
        end = section_end(blocks, headings, index)
        inside = [headings[i].label for i in range(index + 1, end) if i in headings]
        leads = [_lead_kind(b.text) for b in blocks[index + 1 : end] if b.kind == "paragraph" and b.text.endswith(":")]
        if any(kind in _HOLDS for kind in [*inside, *leads]):
            own = next((i for i in range(index + 1, end) if i in headings and headings[i].label is None), end)
            direct = [headings[i].label for i in range(index + 1, own) if i in headings] + [
                _lead_kind(b.text) for b in blocks[index + 1 : own] if b.kind == "paragraph" and b.text.endswith(":")
            ]
            out[index] = 2 if any(kind in ("activities", "metrics", "assessment") for kind in direct) else 1
    return out


def _heading(walk: Walk, index: int, qualifies: int) -> None:
    heading = walk.headings[index]
    block = heading.block
    walk.lead, walk.lead_action = None, ""
    if heading.label is not None:
        walk.mode, walk.mode_name, walk.mode_level = heading.label, block.text, heading.level
        return
    if block.evidence == "layout" and _inside_series(walk, index):
        return  # a stray line inside a numbered series of objectives (a wrapped reference, a cell)
    announced = walk.mode == "objectives" and heading.level > walk.mode_level
    walk.objectives = [(lvl, o) for lvl, o in walk.objectives if lvl < heading.level]
    if walk.mode_level >= heading.level:
        walk.mode_level = 0
    walk.section = f"{block.number} {block.text}" if block.number else block.text
    walk.mode, walk.last_activity = "none", None
    labelled = bool(block.label) and announces(block.label) not in ("structure", "budget")
    outlined = block.evidence != "layout"  # an explicit level (markup, a printed number)
    if not (announced or labelled or qualifies == 2 or (qualifies and outlined and not _listed(walk))):
        return
    parent = walk.objective
    name = block.label if labelled else _level_name(walk.mode_name if announced else "", block)
    confidence = 0.8 if announced and qualifies else (0.7 if announced or labelled else 0.6)
    objective = walk.add(
        Candidate(
            "objective",
            block.text,
            walk.place(block),
            confidence,
            "heading " + _why(announced, labelled, block),
            depth=(parent.depth + 1 if parent else 1),
            level_name=name,
            parent=parent,
        )
    )
    walk.objectives.append((heading.level, objective))
    walk.mode = "objectives" if announced else "none"
    if not announced:
        walk.mode_level = 0


def _announced_item(objective: Candidate | None) -> bool:
    """Whether an objective is an item of what a label announced (its own contents follow it)."""
    return objective is not None and (
        objective.rule == _NUMBERED_ITEM or objective.rule.startswith("heading announced")
    )


def _inside_series(walk: Walk, index: int) -> bool:
    """Whether a numbered series of objectives runs on past this heading: the next numbered item
    after it is the last one's number again or the next."""
    last = next((o for o in reversed(walk.found) if o.rule == _NUMBERED_ITEM), None)
    if walk.mode != "objectives" or last is None or not (last.place.block.number or "").isdigit():
        return False
    number = int(last.place.block.number or 0)
    following = (b for b in walk.document.blocks[index + 1 :] if b.kind in ("paragraph", "heading") and b.number)
    upcoming = next(following, None)
    return upcoming is not None and upcoming.number in (str(number), str(number + 1))


def _why(announced: bool, labelled: bool, block: Block) -> str:
    if announced:
        return "announced by a label of priorities or objectives"
    return f"numbered as '{block.label} {block.number}'" if labelled else "of a section with actions or measures"


def _listed(walk: Walk) -> bool:
    """Whether the objective the walk is in has its parts as a list of priorities: its sections
    below then explain those, and are not objectives of their own."""
    inside = walk.objective
    return inside is not None and any(c.parent is inside and c.rule.startswith("item of a list") for c in walk.found)


def _level_name(announcing: str, block: Block) -> str:
    if announcing:
        words = [w.strip(":") for w in announcing.split() if w[:1].isalpha()]
        name = " ".join(words) if 0 < len(words) <= LABEL_WORDS + 1 else "Objective"
        return name[:-3] + "y" if name.endswith("ies") else name.rstrip("s")
    return "Section" if block.number is None else f"Section {block.number.count('.') + 1}"


def _paragraph(walk: Walk, block: Block) -> None:
    if block.text.endswith(":"):
        walk.lead = "structure" if lists_no_actions(block.text) or looks_back(block.text) else _lead_kind(block.text)
        walk.lead_name = block.text
        listing = (walk.lead or walk.mode) == "activities"
        walk.lead_action = action_lead(block.text) if listing else ""
        walk.lead_block = block
        walk.lead_drafted = []
        if walk.mode == "activities" and walk.objective is not None and walk.lead_action:
            before = len(walk.found)  # an action of its own: replaced by its parts when they follow
            walk.last_activity = _activity(walk, block, block.text.rstrip(":"), 0.7, "item under an actions label")
            walk.lead_drafted = walk.found[before:]
        return
    if walk.lead == "objectives" and _item_paragraph(block):
        _paragraph_item(walk, block)  # the list runs on: the lead-in stays in force
        return
    walk.lead, walk.lead_action = None, ""
    if walk.mode == "objectives" and block.number is not None:
        _numbered_objective(walk, block)
        return
    objective = walk.objective
    if walk.mode == "activities" and objective is not None:
        walk.last_activity = _activity(walk, block, block.text, 0.75, "paragraph under an actions label")
        return
    if objective is not None and not objective.description and walk.mode in ("none", "objectives"):
        objective.description = block.text
    _sentences(walk, block)


def _numbered_objective(walk: Walk, block: Block) -> None:
    """A numbered item after a label announcing objectives: an objective, which what follows
    (its table of deliverables, its list) belongs to; printed again (across a page break), the
    same objective."""
    first, *rest = sentences(block.text) or [block.text]
    title = first.rstrip(".") if rest else block.text
    same = [c for c in walk.found if c.kind == "objective" and c.title.casefold() == title.casefold()]
    if same:
        objective = same[-1]
    else:
        parent = next((o for _, o in reversed(walk.objectives) if o.rule != _NUMBERED_ITEM), None)
        name = _level_name(walk.mode_name, block)
        objective = walk.add(
            Candidate(
                "objective",
                title,
                walk.place(block),
                0.7,
                _NUMBERED_ITEM,
                depth=(parent.depth + 1 if parent else 1),
                level_name=name,
                parent=parent,
                description=" ".join(rest),
            )
        )
    walk.objectives = [(lvl, o) for lvl, o in walk.objectives if o.rule != _NUMBERED_ITEM]
    walk.objectives.append((walk.mode_level + 1, objective))


#: a lead-in that lists the plan's own objectives speaks for it ('Our priorities are to:') or
#: presents them ('the following objectives:')
_OWN = re.compile(r"\b(?:our|we|us|the following)\b", re.I)
#: a lead-in that introduces the means to an end: 'We aim to do this by:', 'through:'
_MEANS = re.compile(r"\b(?:by|through|via):$")
_NUMBERED_ITEM = "numbered item after a label announcing objectives"


def _item_paragraph(block: Block) -> bool:
    """A paragraph that is an item of a list: it opens with a short sentence of its own
    ('We put people first. Everything we do …')."""
    first = (sentences(block.text) or [""])[0]
    return len(sentences(block.text)) > 1 and len(first.split()) <= ITEM_WORDS


def _paragraph_item(walk: Walk, block: Block) -> None:
    first, *rest = sentences(block.text)
    parent = walk.objective
    walk.add(
        Candidate(
            "objective",
            first.rstrip("."),
            walk.place(block),
            0.6,
            "paragraph item of a list of objectives",
            depth=(parent.depth + 1 if parent else 1),
            level_name=_level_name(walk.lead_name, block),
            parent=parent,
            description=" ".join(rest),
        )
    )


#: the opening sentence of a paragraph that is a list's item is a title: a few words
ITEM_WORDS = 8


def _sentences(walk: Walk, block: Block) -> None:
    """Commitments and targets in the prose of an objective's section."""
    if walk.objective is None:
        return
    for sentence in sentences(block.text):
        if is_deliverable(sentence) and commits(sentence):
            activity = _activity(walk, block, action_of(sentence), 0.45, "sentence that commits ('we will…')")
            activity.description = sentence if activity.title != sentence else ""
        targets = [] if is_commitment(sentence) else targets_in(sentence)  # a commitment's: beside its activity
        for target in targets:
            title = sentence if len(targets) == 1 else target.text
            _metric(walk, block, title, 0.45, "sentence with a number to reach", target)
        for figure, what in reported_in(sentence):
            metric = _metric(walk, block, what, 0.45, "figure reported as achieved", None)
            metric.notes.append(f"Reported as achieved: {figure} (printed: {sentence})")


def _bullet(walk: Walk, block: Block) -> None:
    if not any(ch.isalnum() for ch in block.text) or walk.lead == "structure":
        return  # a printed rule ('---'); an item of what was done, categories or a state to reach
    kind = walk.lead if walk.lead is not None else walk.mode
    objective = walk.objective
    if kind == "objectives" and _announced_item(objective) and walk.lead is None:
        kind = "activities"  # what an item of a list of objectives goes on to list: its actions
    if kind == "objectives":
        name = _level_name(walk.lead_name if walk.lead else walk.mode_name, block)
        child = walk.add(
            Candidate(
                "objective",
                block.text,
                walk.place(block),
                0.75,
                "item of a list of priorities",
                depth=(objective.depth + 1 if objective else 1),
                level_name=name,
                parent=objective,
            )
        )
        _targets(walk, block, 0.6, "priority with a number to reach", child)
    elif kind == "assessment" and objective is not None:
        objective.assessed_by.append(block.text)
    elif kind == "activities":
        _listed_activity(walk, block)
    elif kind == "metrics" and objective is not None:
        _metric(walk, block, block.text, 0.6, "item of a list of measures", target_in(block.text))
    elif kind == "risks":
        walk.add(Candidate("risk", block.text, walk.place(block), 0.6, "item of a list of risks", parent=objective))
    elif objective is not None and (is_commitment(block.text) or is_imperative(block.text)):
        _activity(walk, block, block.text, 0.45, "item that commits to doing something")
    elif objective is not None:
        _targets(walk, block, 0.45, "item with a number to reach")


def _targets(walk: Walk, block: Block, confidence: float, rule: str, objective: Candidate | None = None) -> None:
    """An item's targets: a metric each, titled by the item, or by its clause when it sets several."""
    targets = targets_in(block.text)
    for target in targets:
        _metric(walk, block, block.text if len(targets) == 1 else target.text, confidence, rule, target, objective)


def _listed_activity(walk: Walk, block: Block) -> None:
    """An item of a list of actions: a part of its lead-in's action (titled by both, the lead-in
    itself then no activity besides its parts), or an action of its own when it has a verb."""
    confidence = 0.7 if walk.objective else 0.5
    title, rest = first_sentence(block.text)
    if walk.lead_action:
        walk.found = [c for c in walk.found if all(c is not d for d in walk.lead_drafted)]
        walk.lead_drafted = []
        part = part_title(walk.lead_action, title)
        rule = "item of a list of actions, a part of its lead-in's"
        _activity(walk, _from_lead(walk, block, part), part, confidence, rule, block.text).description = rest
    elif has_verb(block.text) and not is_request(block.text):
        _activity(walk, block, title, confidence, "item of a list of actions", block.text).description = rest


def _from_lead(walk: Walk, item: Block, title: str) -> Block:
    """Where an item titled by its lead-in and itself is printed: the lines from the lead-in's
    first to the item's last."""
    lead = walk.lead_block or item
    span = item.line + item.span - lead.line
    return Block("bullet", title, lead.line, span, lead.page, level=item.level, number=item.number)


def _activity(walk: Walk, block: Block, text: str, confidence: float, rule: str, printed: str = "") -> Candidate:
    from goldenthread.planfile.drafting.language import by_when

    return walk.add(
        Candidate(
            "activity", text, walk.place(block), confidence, rule, parent=walk.objective, due=by_when(printed or text)
        ),
        printed,
    )


def _metric(
    walk: Walk,
    block: Block,
    text: str,
    confidence: float,
    rule: str,
    target: object,
    objective: Candidate | None = None,
) -> Candidate:
    from goldenthread.planfile.drafting.language import Target

    held = target if isinstance(target, Target) else None
    return walk.add(
        Candidate(
            "metric",
            text,
            walk.place(block),
            confidence,
            rule,
            parent=objective or walk.objective,
            target=held,
            unit_type="percentage" if held and "%" in text else "count",
        )
    )
