"""Which passages are the plan's commitments: general rules of how plans list what they will do.

- a list's lead-in that is an action of its own ("Implement the digital strategy, specifically:",
  "DH will publish:", "Ensure providers have the right incentives by:") makes its items parts of
  that action: each item is an activity titled by the lead-in and the item, and the lead-in is
  not an activity besides them; a lead-in the items complete ("This year we will:") leaves each
  item its own title;
- a lead-in that looks back or illustrates ("Examples of recent action include:", "notable
  achievements include:", "The 2012 plan highlighted three areas:") announces what was done, not
  what the plan commits to; one that names the categories actions fall under ("… fall under the
  themes of …:") lists those categories, not actions;
- an item that stands alone is an action only when it has a verb: "Cancer", "options for
  organisational form" are topics; an empty item (a printed rule) is nothing;
- a sentence of prose that commits ("we will publish…") is an activity only where the document
  lists no actions for its objective (where it does, the prose explains them), and not when the
  same commitment is drafted already from a list or table.
"""

from __future__ import annotations

import re

from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.language import commitment_start, is_imperative, sentences

#: the rule of a commitment found in prose (extract._sentences)
PROSE_RULE = "sentence that commits ('we will…')"
#: a commitment counts as drafted already when a listed activity holds this share of its words
SAME_COMMITMENT = 0.8

#: a lead-in the items complete: it ends on the subject or the auxiliary ('we will:', '… to:')
_OPEN_END = re.compile(r"\b(?:will|shall|must|can|to|we|that|are|is|be|were|was|being)\s*:?\s*$", re.I)
_LOOKS_BACK = re.compile(
    r"\b(?:examples?|recent(?:ly)?|achievements?|achieved|so far|to date|last year|previous(?:ly)?|highlighted)\b",
    re.I,
)
_CATEGORIES = re.compile(r"\b(?:fall|falls|fell|sit|sits|are categori[sz]ed|grouped|organised) (?:under|into)\b", re.I)
#: a lead-in whose items are the state an action is to reach: '… such that:', '… so that:',
#: 'We will ensure that we:'
_OUTCOMES = re.compile(r"\b(?:(?:such|so) that|ensure that(?: we| our [\w-]+)?)\s*:?\s*$", re.I)
#: a clause that names what the sentence spoke of: '…, these are as follows:'
_NAMING = re.compile(r"^(?:these|they|this|which|it|those)\b", re.I)
#: what before a commitment's subject makes it a clause describing, not committing: a word
#: opening a clause ('It describes how we will …', '… the work that we will deliver') or a noun
#: phrase it qualifies ('The actions we will take …')
_EMBEDDED = re.compile(
    r"\b(?:how|what|which|that|where|when|why|whether)\s+$|^(?:the|our|a|an|any|each|every)(?:\s+[\w-]+){1,3}\s+$",
    re.I,
)
_REQUEST = re.compile(r"\b(?:is|are) (?:asked|invited|requested) to\b", re.I)
_FINITE = re.compile(r"\b(?:will|shall|is|are|was|were|has|have|had|must|should|can)\b", re.I)
_WORD = re.compile(r"[a-z][a-z0-9&'’-]*")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z0-9“\"‘'(])")
#: a topic is named in a few words; an item longer than this is read as a statement
TOPIC_WORDS = 8
_DONE = re.compile(r"\b[a-z]{3,}ed\b")
#: a word and then the thing it acts on, as an order is written: 'Train every ward manager',
#: 'Balance the books', 'Open two hubs'
_VERB_OBJECT = re.compile(
    r"^[A-Za-z][a-z-]+ (?:the|a|an|every|each|all|our|its|their|this|these|those|any|\d[\d,]*|two|three|four|five|"
    r"six|seven|eight|nine|ten)\b"
)


def action_lead(lead: str) -> str:
    """The action a list's lead-in states of its own, which its items are parts of; '' when the
    items complete it or it states no action."""
    last = (sentences(lead) or [lead])[-1].rstrip(":").strip()
    if not last or _OPEN_END.search(last) or _NAMING.match(last.rsplit(", ", 1)[-1]):
        return ""
    return last if is_imperative(last) or commits(last) else ""


def commits(sentence: str) -> bool:
    """A sentence that commits the plan ('We will publish …'), not one that describes what will
    be done in a clause of its own ('It describes how we will …')."""
    start = commitment_start(sentence)
    return start is not None and not _EMBEDDED.search(sentence[:start])


def is_request(item: str) -> bool:
    """An item that asks the paper's reader to act ('The board is asked to agree …'): the
    paper's business, not the plan's commitment."""
    return bool(_REQUEST.search(item))


def looks_back(lead: str) -> bool:
    """A lead-in whose list is what was done, or examples: not the plan's to do."""
    return bool(_LOOKS_BACK.search((sentences(lead) or [lead])[-1]))


def lists_no_actions(lead: str) -> bool:
    """A lead-in whose list names the categories the actions fall under ('The actions we will
    take fall under the themes of …:') or the state an action is to reach ('… such that:'): its
    section holds actions, its items are not actions."""
    last = (sentences(lead) or [lead])[-1]
    return bool(_CATEGORIES.search(last) or _OUTCOMES.search(last))


def has_verb(item: str) -> bool:
    """Whether an item says what is done: it opens with a verb of doing ('publish', 'reviewing',
    'to develop'), commits ('NHS England will …', not 'How we will …'), or states something
    ('The framework is in place', 'Improvement Faculty established'); a few words naming a thing
    ('Cancer', 'options for organisational form') are a topic."""
    text = item.strip()
    first = (_WORD.findall(text.casefold()) or [""])[0]
    if is_imperative(text) or (first.endswith("ing") and len(first) > 5) or _VERB_OBJECT.match(text):
        return True
    if commitment_start(text) is not None:
        return commits(text)
    return len(text.split()) > TOPIC_WORDS or bool(_FINITE.search(text) or _DONE.search(text))


def first_sentence(text: str) -> tuple[str, str]:
    """An item's title and the rest: its first sentence says the action, the sentences after it
    explain it ('… will be published by July 2013. This will set out …'); a sentence may open
    with a figure ('… primary care. 50% of practices …')."""
    parts = _SENTENCE_BREAK.split(text.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def part_title(lead: str, item: str) -> str:
    """An item's title as a part of its lead-in's action: 'Implement the strategy, specifically:
    deliver the plan'."""
    return f"{lead}: {item}"


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def settled(found: list[Candidate]) -> list[Candidate]:
    """The candidates without prose commitments that the document's lists state or explain: a
    prose commitment is left out where its objective has actions listed (in a list or a table),
    or where an activity from a list or table holds the same commitment."""
    listed = [c for c in found if c.kind == "activity" and c.rule != PROSE_RULE]
    with_lists = {id(c.parent) for c in listed if c.parent is not None}
    listed_words = [_words(c.title) for c in listed]

    def repeated(candidate: Candidate) -> bool:
        own = _words(candidate.title)
        return bool(own) and any(len(own & other) >= SAME_COMMITMENT * len(own) for other in listed_words)

    return [
        c
        for c in found
        if not (c.kind == "activity" and c.rule == PROSE_RULE and (id(c.parent) in with_lists or repeated(c)))
    ]
