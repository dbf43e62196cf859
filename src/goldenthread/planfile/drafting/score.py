"""Scoring a draft against a transcription of the same document, element kind by element kind.

Matching is by text, stated and simple: each title is reduced to its set of words (case folded,
punctuation, printed numbers and the commonest English function words removed); two titles match
when the words they share are at least :data:`THRESHOLD` of the longer one's. A metric is
compared by its title and by its target's printed text (whichever is closer), and counts only
when its target is right: the same value (to 0.05% of it), or no target on both. A budget line
counts only with the same amount. Each transcribed element is matched to at most one drafted
element, best matches first. Recall is the share of transcribed elements matched; precision the
share of drafted elements matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from goldenthread.planfile.schema import Plan

THRESHOLD = 0.6
_STOP = set(
    "a an the of and or to in on for by with at from as is are be we our will its it this that their all "
    "into per than which who".split()
)
_WORD = re.compile(r"[a-z0-9&]+")


def words(text: str) -> frozenset[str]:
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[a-z]|[ivx]+)[.):]\s+", "", text.casefold())
    return frozenset(w for w in _WORD.findall(text.replace("’", "'")) if w not in _STOP and not w.isdigit())


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


@dataclass
class Score:
    kind: str
    found: int
    transcribed: int
    correct: int
    drafted: int

    @property
    def recall(self) -> float:
        return self.found / self.transcribed if self.transcribed else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.drafted if self.drafted else (1.0 if not self.transcribed else 0.0)


def _match(
    drafts: list[Any], refs: list[Any], texts: Callable[[Any], Iterable[str]], agree: Callable[[Any, Any], bool]
) -> int:
    draft_words = [[words(t) for t in texts(d) if t] for d in drafts]
    ref_words = [[words(t) for t in texts(r) if t] for r in refs]
    pairs = []
    for i, dw in enumerate(draft_words):
        for j, rw in enumerate(ref_words):
            best = max((similarity(a, b) for a in dw for b in rw), default=0.0)
            if best >= THRESHOLD and agree(drafts[i], refs[j]):
                pairs.append((best, i, j))
    used_d: set[int] = set()
    used_r: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_d and j not in used_r:
            used_d.add(i)
            used_r.add(j)
    return len(used_r)


def _same_target(d: Any, r: Any) -> bool:
    if r.target is None or d.target is None:
        return r.target is None and d.target is None
    return _close(d.target.value, r.target.value)


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= Decimal("0.0005") * max(Decimal(1), abs(b))


def _titles(element: Any) -> list[str]:
    return [str(getattr(element, "title", None) or getattr(element, "name", ""))]


def _metric_texts(metric: Any) -> list[str]:
    return [metric.title, metric.target.text if metric.target is not None and metric.target.text else ""]


KINDS: dict[str, tuple[str, Callable[[Any], Iterable[str]], Callable[[Any, Any], bool]]] = {
    "objectives": ("objectives", _titles, lambda d, r: True),
    "activities": ("activities", _titles, lambda d, r: True),
    "metrics": ("metrics", _metric_texts, _same_target),
    "org units": ("org_units", _titles, lambda d, r: True),
    "budget lines": ("budget_lines", _titles, lambda d, r: _close(d.amount, r.amount)),
}


def score(draft: Plan, reference: Plan) -> list[Score]:
    """The draft's score against the reference, one row per element kind."""
    out = []
    for kind, (section, texts, agree) in KINDS.items():
        drafts, refs = getattr(draft, section), getattr(reference, section)
        found = _match(drafts, refs, texts, agree)
        out.append(Score(kind, found, len(refs), found, len(drafts)))
    return out
