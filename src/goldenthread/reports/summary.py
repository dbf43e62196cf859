"""A plan on two pages, after the summary NHS England published beside its 2013/14 business plan
(seed 004): the purpose, the priorities, the scorecard and how it is measured, the key
deliverables and the budget in headline.

Two pages is a promise, so every list has a limit and says how many more the plan holds rather
than spilling onto a third page. Scorecard values come from the same assessment as the
scorecard page (as at the period asked for, by default the plan's current quarter).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from goldenthread.formatting import long_date
from goldenthread.performance.assessment import default_as_at
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import default_where
from goldenthread.presenters.plan import BudgetTable, budget_tables
from goldenthread.progress import Progress, quiet
from goldenthread.reports.board import assess_for_pack
from goldenthread.reports.pack import MetricRow

KEY_KINDS = ("key_activity", "deliverable", "milestone")


@dataclass(frozen=True)
class Limits:
    """How much of each list the summary prints; :func:`tighter` when two pages are not enough."""

    purpose_characters: int = 900
    priorities_per_level: int = 8
    priorities_in_all: int = 28
    scorecard_rows: int = 12
    key_deliverables: int = 8

    def tighter(self) -> Limits:
        return Limits(
            max(300, self.purpose_characters * 3 // 4),
            max(3, self.priorities_per_level - 2),
            max(8, self.priorities_in_all * 3 // 4),
            max(6, self.scorecard_rows - 2),
            max(3, self.key_deliverables - 2),
        )


@dataclass
class PriorityGroup:
    level: str
    items: list[tuple[str, str, str]]  # (code, title, directorate)
    more: int
    on_scorecard: int = 0  # the whole level is the scorecard's priority column


@dataclass
class KeyDeliverable:
    code: str
    title: str
    objective: str
    owner: str
    due: str
    status: str


@dataclass
class BudgetHeadline:
    period: str
    categories: list[tuple[str, Decimal]]
    total: Decimal
    lines: int
    printed: int  # totals the plan prints for the year
    differing: int  # of which the lines do not add up to


@dataclass
class Summary:
    plan: m.Plan
    organisation: str
    as_at: Period
    where: str
    produced: str
    purpose: list[str]
    priorities: list[PriorityGroup]
    scorecard: list[MetricRow]
    scorecard_is_headline: bool
    scorecard_more: int
    has_data: bool
    deliverables: list[KeyDeliverable]
    deliverables_more: int
    deliverables_kind: str
    budget: list[BudgetHeadline]
    units: list[tuple[str, int]] = field(default_factory=list)  # (directorate, objectives it holds)
    today: date | None = None
    limits: Limits = Limits()
    version_line: str = ""  # which version of the plan the scorecard is judged against, when not the latest

    @property
    def file_stem(self) -> str:
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{self.plan.code}-summary").strip("-")


def _purpose(text: str, limit: int) -> list[str]:
    """The plan's description up to about ``limit`` characters, cut at a sentence."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    out, used = [], 0
    for p in paragraphs:
        if used + len(p) <= limit:
            out.append(p)
            used += len(p)
            continue
        sentences = re.split(r"(?<=[.!?])\s+", p)
        kept = []
        for s in sentences:
            if used + len(s) > limit:
                break
            kept.append(s)
            used += len(s) + 1
        if kept:
            out.append(" ".join(kept))
        break
    return out


def plan_summary(
    plan: m.Plan,
    as_at: Period | None = None,
    *,
    progress: Progress = quiet,
    today: date | None = None,
    limits: Limits = Limits(),
) -> Summary:
    today = today or date.today()
    as_at = as_at or default_as_at(plan, today)
    progress.start("Assessing the plan", total=1)
    assessment = assess_for_pack(plan, as_at)
    progress.advance()
    progress.start("Summarising", total=1)

    card = ap.scorecard(plan, as_at, assessment=assessment)
    by_code = {a.metric.code: a for a in assessment.metrics}
    rows = [MetricRow(r, by_code[r.code]) for r in card.rows]
    on_scorecard = {code for r in rows[: limits.scorecard_rows] for code, _ in r.row.objectives}
    objectives = list(plan.objectives.select_related("org_unit").order_by("position"))
    key, kind = _key_activities(plan)
    where = default_where(plan)
    progress.advance()
    return Summary(
        plan=plan,
        organisation=plan.organisation.name,
        as_at=as_at,
        where=where.name if where else "all data held",
        produced=long_date(today),
        purpose=_purpose(plan.description, limits.purpose_characters),
        priorities=_priorities(plan, objectives, on_scorecard, limits),
        scorecard=rows[: limits.scorecard_rows],
        scorecard_is_headline=card.headline_only,
        scorecard_more=max(0, len(rows) - limits.scorecard_rows),
        has_data=any(r.assessment.latest for r in rows),
        deliverables=[_key_deliverable(a) for a in key[: limits.key_deliverables]],
        deliverables_more=max(0, len(key) - limits.key_deliverables),
        deliverables_kind=kind,
        budget=[_budget_headline(t) for t in budget_tables(plan)],
        units=_units(objectives),
        today=today,
        limits=limits,
        version_line=card.version_line,
    )


def _priorities(
    plan: m.Plan, objectives: list[m.Objective], on_scorecard: set[str], limits: Limits
) -> list[PriorityGroup]:
    """The top-level objectives by level, within the limits; a level whose every objective is on
    the scorecard is only counted (the scorecard lists them beside their measures)."""
    tops = [o for o in objectives if o.parent_id is None]
    groups, shown = [], 0
    for level in plan.levels.order_by("position"):
        mine = [o for o in tops if o.level_id == level.pk]
        if not mine:
            continue
        if all(o.code in on_scorecard for o in mine):
            groups.append(PriorityGroup(level.name, [], 0, on_scorecard=len(mine)))
            continue
        room = max(0, min(limits.priorities_per_level, limits.priorities_in_all - shown))
        items = [(o.code, o.title, o.org_unit.name if o.org_unit else "") for o in mine[:room]]
        groups.append(PriorityGroup(level.name, items, max(0, len(mine) - room)))
        shown += min(room, len(mine))
    return groups


def _key_activities(plan: m.Plan) -> tuple[list[m.Activity], str]:
    """The plan's key activities, deliverables and milestones (or, when it marks none, all its
    activities), open ones first and soonest due first; and what to call them."""
    activities = list(plan.activities.select_related("objective", "owner").order_by("position"))
    key = [a for a in activities if a.kind in KEY_KINDS]
    kind = "key activities and deliverables" if key else "activities"
    open_first = sorted(
        key or activities, key=lambda a: (a.status in ("complete", "cancelled"), a.due_date or date.max, a.position)
    )
    return open_first, kind


def _key_deliverable(a: m.Activity) -> KeyDeliverable:
    return KeyDeliverable(
        a.code,
        a.title,
        f"{a.objective.code} {a.objective.title}",
        str(a.owner or a.objective.owner or ""),
        a.due_text or (long_date(a.due_date) if a.due_date else "No date given"),
        a.get_status_display(),
    )


def _budget_headline(t: BudgetTable) -> BudgetHeadline:
    categories = [(label, t.totals[c]) for c, label in t.categories]
    return BudgetHeadline(t.period, categories, t.grand_total, t.line_count, len(t.stated), len(t.differing))


def _units(objectives: list[m.Objective]) -> list[tuple[str, int]]:
    """The directorates, regions and teams that hold the most objectives, with how many."""
    held: dict[str, int] = defaultdict(int)
    for o in objectives:
        if o.org_unit and o.org_unit.kind in ("directorate", "region", "team"):
            held[o.org_unit.name] += 1
    return sorted(held.items(), key=lambda kv: -kv[1])[:10]
