"""Search across the objectives, metrics and activities of every plan the user may read.

Every word of the query must appear in the code, title or description (a metric's definition) of
a result, in any case. Three queries whatever the number of plans — one per kind — each capped,
then grouped by plan and kind here. Matches are returned as text segments so the template marks
them without ever treating the query or the plan's text as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from goldenthread.formatting import anchor, item_anchor
from goldenthread.plans import models as m

MAX_QUERY = 200
MAX_TERMS = 8
#: the longest search the address can carry (the server's longest request line, in bytes)
LONGEST_ADDRESS = 4094
LIMIT = 200  # results of each kind
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Parts = list[tuple[str, bool]]  # (text, is a match)


@dataclass
class Hit:
    code: str
    title: Parts
    detail: str
    href: str
    snippet: Parts = field(default_factory=list)


@dataclass
class KindGroup:
    kind: str
    heading: str
    hits: list[Hit]


@dataclass
class PlanResults:
    code: str
    title: str
    href: str
    kinds: list[KindGroup]

    @property
    def count(self) -> int:
        return sum(len(k.hits) for k in self.kinds)


@dataclass
class SearchPage:
    query: str
    terms: list[str]
    plans: list[PlanResults]
    total: int
    capped: list[str]  # kinds with more results than shown
    note: str = ""


def clean(query: str) -> tuple[str, list[str], str]:
    """The query as searched, its words, and a note when something was left out."""
    note = ""
    text = _CONTROL.sub(" ", query or "").strip()
    if len(text) > MAX_QUERY:
        text, note = text[:MAX_QUERY], f"Only the first {MAX_QUERY} characters were searched for."
    terms = list(dict.fromkeys(text.split()))
    if len(terms) > MAX_TERMS:
        terms, note = terms[:MAX_TERMS], f"Only the first {MAX_TERMS} words were searched for."
    return text, terms, note


def marked(text: str, terms: list[str]) -> Parts:
    if not text:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    parts: Parts = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            parts.append((text[at : match.start()], False))
        parts.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def snippet(text: str, terms: list[str], width: int = 180) -> Parts:
    """Around the first match in ``text`` (a description matched where the title did not)."""
    lower = text.lower()
    first = min((i for i in (lower.find(t.lower()) for t in terms) if i >= 0), default=-1)
    if first < 0:
        return []
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    piece = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return marked(piece, terms)


def _matching(queryset: QuerySet, terms: list[str], fields: tuple[str, ...]) -> QuerySet:
    return queryset.filter(reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": t}) for f in fields)) for t in terms)))


def _found(plans: QuerySet[m.Plan], terms: list[str]) -> tuple[list, list, list]:
    """Objectives, metrics and activities matching every term, each list at most LIMIT + 1 long."""
    in_plans = {"plan__in": plans}
    objectives = list(
        _matching(m.Objective.objects.filter(**in_plans), terms, ("code", "title", "description"))
        .select_related("plan", "level", "org_unit")
        .order_by("plan__code", "position")[: LIMIT + 1]
    )
    metrics = list(
        _matching(m.Metric.objects.filter(**in_plans), terms, ("code", "title", "definition"))
        .annotate(on_plan_page=Exists(m.Metric.objectives.through.objects.filter(metric=OuterRef("pk"))))
        .select_related("plan")
        .order_by("plan__code", "position")[: LIMIT + 1]
    )
    activities = list(
        _matching(m.Activity.objects.filter(**in_plans), terms, ("code", "title", "description"))
        .select_related("plan", "objective")
        .order_by("plan__code", "position")[: LIMIT + 1]
    )
    return objectives, metrics, activities


class _Results:
    """Hits grouped by plan, and within a plan by kind (objectives, metrics, activities)."""

    ORDER = {"objective": 0, "metric": 1, "activity": 2}

    def __init__(self, terms: list[str]):
        self.terms = terms
        self.plans: dict[int, PlanResults] = {}
        self.groups: dict[tuple[int, str], KindGroup] = {}

    def add(self, plan: m.Plan, kind: str, heading: str, hit: Hit) -> None:
        if plan.pk not in self.plans:
            self.plans[plan.pk] = PlanResults(plan.code, plan.title, reverse("plan", args=[plan.code]), [])
        key = (plan.pk, kind)
        if key not in self.groups:
            self.groups[key] = KindGroup(kind, heading, [])
            self.plans[plan.pk].kinds.append(self.groups[key])
        self.groups[key].hits.append(hit)

    def parts(self, title: str, description: str) -> tuple[Parts, Parts]:
        """The title with the terms marked, and a snippet of the description for terms the title lacks."""
        title_parts = marked(title, self.terms)
        shown = {t.lower() for t, hit in title_parts if hit}
        missing = [t for t in self.terms if t.lower() not in shown]
        return title_parts, snippet(description, missing or self.terms) if description and missing else []

    def ordered(self) -> list[PlanResults]:
        ordered = sorted(self.plans.values(), key=lambda r: r.code)
        for r in ordered:
            r.kinds.sort(key=lambda k: self.ORDER[k.kind])
        return ordered


def search(query: str, plans: QuerySet[m.Plan]) -> SearchPage:
    text, terms, note = clean(query)
    if not terms:
        return SearchPage(text, [], [], 0, [], note)
    objectives, metrics, activities = _found(plans, terms)
    found = {"objectives": objectives, "metrics": metrics, "activities": activities}
    capped = [kind for kind, rows in found.items() if len(rows) > LIMIT]
    results = _Results(terms)
    for o in objectives[:LIMIT]:
        title, more = results.parts(o.title, o.description)
        detail = " · ".join(x for x in (o.level.name, o.org_unit.name if o.org_unit else "") if x)
        href = f"{reverse('plan', args=[o.plan.code])}#{anchor(o.code)}"
        results.add(o.plan, "objective", "Objectives", Hit(o.code, title, detail, href, more))
    for x in metrics[:LIMIT]:
        title, more = results.parts(x.title, x.definition)
        href = reverse("plan", args=[x.plan.code]) + (f"#{item_anchor('metric', x.code)}" if x.on_plan_page else "")
        target = f"Target: {x.target_text}" if x.target_text and x.target_text.strip() != x.title.strip() else ""
        results.add(x.plan, "metric", "Metrics", Hit(x.code, title, target, href, more))
    for a in activities[:LIMIT]:
        title, more = results.parts(a.title, a.description)
        detail = f"for {a.objective.code} {a.objective.title}" + (f" · due {a.due_text}" if a.due_text else "")
        href = f"{reverse('plan', args=[a.plan.code])}#{item_anchor('activity', a.code)}"
        results.add(a.plan, "activity", "Activities", Hit(a.code, title, detail, href, more))
    ordered = results.ordered()
    return SearchPage(text, terms, ordered, sum(r.count for r in ordered), capped, note)
