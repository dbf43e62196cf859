"""The words plans are written in: what a heading or lead-in announces, targets, dates, bodies.

General rules of business plans, not phrases of any one document: a list is announced by the
noun it lists ("Our priorities are to:", "Actions for 2014 to 2015", "Key deliverables"); a
target is a number with a direction and often a date ("95% by Quarter 4 of 2016/17", "at least
20 providers by March 2015"); an organisation is a capitalised name ending in the word for a
body ("… Directorate", "… Commission", "Health Education England").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["objectives", "activities", "metrics", "assessment", "risks", "budget", "structure", "none"]

_ANNOUNCES: list[tuple[Kind, re.Pattern[str]]] = [
    ("assessment", re.compile(r"\b(how are we doing|assessed by|progress so far|assessment of progress)\b", re.I)),
    ("risks", re.compile(r"\brisks?\b(?! (?:management|assessment of))", re.I)),
    ("metrics", re.compile(r"\b(metrics?|measures?|indicators?|kpis?|scorecard|measured by|targets)\b", re.I)),
    (
        "activities",
        re.compile(
            r"\b(?:actions?|deliverables?|activities|milestones?|work programme|what we will do|timelines?)\b|"
            r"\bwe will\b.*:$|\bwill (?:include|be to|cover):?$",
            re.I,
        ),
    ),
    (
        "objectives",
        re.compile(
            r"\b(priorities|objectives|goals|aims|ambitions|themes|conditions|functions|commitments|"
            r"priorities are|objectives are|outcomes)\b",
            re.I,
        ),
    ),
    ("budget", re.compile(r"\b(budgets?|funding|allocations?|running costs|programme costs)\b", re.I)),
]
_STRUCTURE = re.compile(
    r"^(appendix|annex|contents|introduction|foreword|summary|context|background|executive summary|glossary|"
    r"recommendations?|next steps|purpose|conclusions?|references|about|overview|current position|"
    r"table of contents|footnotes?)\b",
    re.I,
)


_DATE_LINE = re.compile(
    r"^(?:\d{1,2} )?(?:January|February|March|April|May|June|July|August|September|October|November|December)?"
    r"\s*\d{4}$",
)


def announces(text: str) -> Kind:
    """What a heading or a lead-in (a line ending in ':') announces."""
    if _STRUCTURE.match(text.strip()) or _DATE_LINE.match(text.strip()):
        return "structure"
    for kind, pattern in _ANNOUNCES:
        if pattern.search(text):
            return kind
    return "none"


_WE_WILL = re.compile(
    r"\b(?:we|(?!(?:This|It|These|That|There|Which|They|He|She|Each|Every|Such)\b)[A-Z][\w&']*(?: [A-Z][\w&']*){0,5})"
    r" will (?!be\b|have\b|need\b|want\b|continue to be\b)(?:also |then |now |further )?(?P<action>[a-z].*)",
    re.S,
)
_CUT = re.compile(r",? (?:including|which|so that|in order to|as well as)\b|; | – | - ")
_IMPERATIVE = re.compile(
    r"^(?:to )?(develop|deliver|implement|publish|establish|complete|review|ensure|introduce|launch|create|"
    r"design|produce|agree|support|work|improve|increase|reduce|set|build|roll|put|provide|make|conduct|"
    r"commission|consult|refresh|respond|organise|schedule|take|lead|expand|embed|identify|align|negotiate|"
    r"continue|begin|start|undertake|run|hold|test|pilot|drive|strengthen|promote|achieve|maintain|explore)\b",
    re.I,
)


def is_commitment(text: str) -> bool:
    """A sentence that commits to doing something: 'we will publish…', 'NHS England will…'."""
    return bool(_WE_WILL.search(text))


def commitment_start(text: str) -> int | None:
    """Where a text's first commitment starts (its subject: 'we', 'NHS England'), or None."""
    match = _WE_WILL.search(text)
    return match.start() if match else None


#: verbs of vague intent: a commitment to these is how a plan explains itself, not a deliverable
_VAGUE = re.compile(
    r"^(?:support|work|continue|ensure|help|focus|consider|look|seek|use|make sure|aim|need|want|also|"
    r"remain|recognise|play|build on|take|have|be|give|do|seek)\b",
    re.I,
)


def is_deliverable(sentence: str) -> bool:
    """A commitment to a concrete action ('we will publish…', 'NHS England will establish…'), not
    to an intent ('we will support…', 'we will continue to work…')."""
    match = _WE_WILL.search(sentence)
    return match is not None and not _VAGUE.match(match.group("action"))


def action_of(sentence: str) -> str:
    """A commitment as an activity's title: the action after 'will', up to where its details
    start (', including', '; ', ' – '), as a plan's list of actions writes it."""
    match = _WE_WILL.search(sentence)
    if match is None:
        return sentence
    action = _CUT.split(match.group("action"), maxsplit=1)[0].strip().rstrip(".")
    return action[:1].upper() + action[1:] if len(action.split()) >= 3 else sentence


def is_imperative(text: str) -> bool:
    """An item that starts with a verb of doing: 'Publish the framework…', 'To develop…'."""
    return bool(_IMPERATIVE.match(text.strip()))


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a full stop followed by a capital starts a new one)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])", text.strip())
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class Target:
    value: Decimal
    comparison: str
    by: str | None
    text: str


_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b)")
_COUNT = re.compile(
    r"\b(?:at least|minimum(?: of)?|a minimum|more than|over|fewer than|less than|up to|all|reach(?:ing)?|"
    r"to|with|for|support|ensure|deliver|achieve|train|recruit|appoint|open)\s+"
    r"(\d{1,3}(?:,\d{3})+|\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|hundred)"
    r"\s+([a-z][a-z-]+)",
    re.I,
)
_WORD_FRACTIONS = {
    "half": "0.5",
    "a quarter": "0.25",
    "a third": "0.333",
    "two-thirds": "0.667",
    "three-quarters": "0.75",
}
_FRACTION = re.compile(r"\b(half|a quarter|a third|two-thirds|three-quarters) of\b", re.I)
_QUARTER = re.compile(r"\b(?:quarter|Q)\s?([1-4])\s+(?:of\s+)?(\d{4}/\d{2})\b", re.I)
_MONTH = re.compile(
    r"\bby (?:the end of )?(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{4})\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:by|in|during|for|end of) (\d{4}/\d{2})\b")
_BELOW = re.compile(r"\b(fewer than|less than|below|under|no more than|reduc\w+|lower)\b", re.I)
_ABOVE = re.compile(r"\b(more than|over|greater than|above|>)\b", re.I)
_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}
_MONTHS = "january february march april may june july august september october november december".split()


def target_in(text: str) -> Target | None:
    """The target a sentence sets, if it sets one: a percentage, a share or a number of things."""
    value = _value(text)
    if value is None:
        return None
    comparison = "<=" if _BELOW.search(text) else (">" if _ABOVE.search(text) and "%" in text else ">=")
    percent = _PERCENT.search(text)
    staged = _STAGED.search(text, percent.end()) if percent else None
    when = by_when(text[staged.start(1) :]) if staged else None  # the last stage's date
    return Target(value, comparison, when or by_when(text), text.strip()[:1000])


_CLAUSE = re.compile(r";\s+|,\s+(?:and\s+)?(?=[^,]*\d)|\s+and\s+(?=\d)")
#: a sentence of targets may open with its number ('… primary care. 50% of practices will …')
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"‘'(])")
#: marks of a list run into a paragraph or a cell: '…care data: – 95% of trusts … – 75% of …'
_RUN_IN = re.compile(r"(?:^|\s)[–•>]\s+")


def targets_in(text: str) -> list[Target]:
    """Every target a text sets: one a clause ('95% of trusts …, 75% of GP practices …'), sentence
    by sentence and item by item of a list run into it, each with its clause as its text and its
    clause's date, else its sentence's, else the text's. A figure reported as achieved is no
    target (:func:`reported_in`)."""
    found, reported = [], False
    for sentence in _SENTENCE.split(text.strip()):
        when = by_when(sentence) or by_when(text)
        for item in _RUN_IN.split(sentence):
            for clause in _CLAUSE.split(item):
                if _reports(sentence, clause):
                    reported = True
                    continue
                target = target_in(clause) if clause.strip() else None
                if target is not None:
                    found.append(Target(target.value, target.comparison, target.by or when, target.text))
    if not found and not reported:
        whole = target_in(text)
        return [whole] if whole is not None else []
    return found


#: what has been done: 'have attended', 'has been given', 'were appointed'
_DONE = re.compile(
    r"\b(?:have|has|had)\s+(?:already\s+|now\s+)?(?:been\s+)?[a-z]+(?:ed|en|t)\b|\b(?:were|was)\s+[a-z]+(?:ed|en)\b"
)
#: a clause that opens with its figure: '230 Grade 6s and Grade 7s have attended …'
_FIGURE_FIRST = re.compile(
    r"^\s*(?:and\s+|with\s+)?(\d{1,3}(?:,\d{3})+|\d+)\s+(?![%]|per ?cent\b)([A-Za-z].*?)[.;]?\s*$", re.S
)
_WITH_FIGURE = re.compile(r"\s+with\s+(?=\d)")


def _reports(sentence: str, clause: str) -> bool:
    """Whether a clause reports a figure achieved: it opens with the figure, and the figure counts
    the subject of the clause's own verb of what was done ('7 managers have gained places'), or
    of its participle in a sentence of what was done ('… with 671 attending workshops')."""
    figure = _FIGURE_FIRST.match(clause)
    if figure is None or not _DONE.search(sentence) or re.match(r"(19|20)\d\d$", figure.group(1)):
        return False
    words = figure.group(2).split()
    if words[0].lower() in _TIME_UNITS | set(_MONTHS):
        return False
    return bool(_DONE.search(figure.group(2))) or any(w.endswith("ing") for w in words[:3])


def reported_in(sentence: str) -> list[tuple[Decimal, str]]:
    """Figures a sentence reports as achieved ('230 Grade 6s have attended the workshops; 7
    managers have gained places …'): each the level so far of a measure — what its clause says of
    the things it counts — not a target. A clause reports one when it opens with its figure and
    the sentence says what has been done."""
    out = []
    for item in _RUN_IN.split(sentence):
        for clause in (c for part in _CLAUSE.split(item) for c in _WITH_FIGURE.split(part)):
            figure = _FIGURE_FIRST.match(clause)
            if figure is not None and _reports(sentence, clause):
                what = figure.group(2).strip()
                out.append((Decimal(figure.group(1).replace(",", "")), what[:1].upper() + what[1:]))
    return out


#: a target reached in stages: '50% … by April 2014 with 100% achieving this by March 2015'
_STAGED = re.compile(r"\bby\b[^%]*?\b(?:with|rising to|then)\b[^%]*?(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b)")


def _value(text: str) -> Decimal | None:
    """The number a text sets to reach; of a target reached in stages, the last stage's."""
    percent = _PERCENT.search(text)
    if percent:
        staged = _STAGED.search(text, percent.end())
        return Decimal((staged or percent).group(1)) / 100
    fraction = _FRACTION.search(text)
    if fraction:
        return Decimal(_WORD_FRACTIONS[fraction.group(1).lower()])
    for count in _COUNT.finditer(text):
        if _counts_things(count):
            number = count.group(1).lower()
            return Decimal(_WORD_NUMBERS[number]) if number in _WORD_NUMBERS else Decimal(number.replace(",", ""))
    return None


#: a number of these is a span of time (an age, a duration, a wait), not a number to reach
_TIME_UNITS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minutes"}


def _counts_things(count: re.Match[str]) -> bool:
    """Whether a number before a noun is a number of things to reach: not a year, a month's
    date, a span of time ('over 85 years', 'within 20 days'), nor the size of a set the plan
    names whole ('all five domains', 'all four services' — in words after 'all')."""
    number, noun = count.group(1).lower(), count.group(2).lower()
    if re.match(r"(19|20)\d\d$", number) or noun in _MONTHS or noun in _TIME_UNITS:
        return False
    return not (number in _WORD_NUMBERS and count.group(0).lower().startswith("all "))


def by_when(text: str) -> str | None:
    """The date or period a target or deliverable is due by, as the plan file writes it."""
    quarter = _QUARTER.search(text)
    if quarter:
        return f"{quarter.group(2)} Q{quarter.group(1)}"
    month = _MONTH.search(text)
    if month:
        return f"{month.group(2)}-{_MONTHS.index(month.group(1).lower()) + 1:02d}"
    year = _YEAR.search(text)
    return year.group(1) if year else None


_BODY_WORDS = (
    r"England|Improvement|Authority|Agency|Commission|Directorate|Team|Academy|Institute|Association|"
    r"Foundation|Council|Board|Fund|Trust|Group|Network|Office|Department|Centre|College|Confederation|"
    r"Providers|Care|Forum|Branch|Faculty|Executive|Unit|Division"
)
_BODY = re.compile(
    rf"\b((?:NHS |The )?(?:[A-Z][a-zA-Z&'’-]+ |of |and |for |& ){{0,6}}(?:{_BODY_WORDS}))\b"
    r"(?: \(([A-Z][A-Za-z]{1,7})\))?"
)
_NOT_A_BODY = re.compile(r"^(The|This|Our|Each|Every|All|In|For|And|Of|A|An|Annual|National)$")


def bodies_in(text: str) -> list[str]:
    """Names of organisations and organisational units a text mentions."""
    found = []
    for match in _BODY.finditer(text):
        name = re.sub(r"^(?:The|and|of|for|&) ", "", match.group(1)).strip()
        words = name.split()
        if len(words) < 2 or words[-2] in ("of", "and", "for", "&") or _NOT_A_BODY.match(words[0] + "x"[:0]):
            continue
        if all(w[0].isupper() or w in ("of", "and", "for", "&") for w in words):
            found.append(name)
    return found


_FY = re.compile(r"\b(20\d\d)\s?(?:/|-|–| to )\s?(20)?(\d\d)\b")


def financial_years(text: str) -> list[str]:
    """The financial years a text names, as '2016/17' ('2014 to 2015' and '2013-14' too)."""
    years = []
    for match in _FY.finditer(text):
        first, last = int(match.group(1)), int(match.group(3))
        if (first + 1) % 100 == last:
            years.append(f"{first}/{last:02d}")
    return years
