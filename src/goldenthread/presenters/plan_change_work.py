"""My work's plan changes: those awaiting the person's decision, and their rejected ones. Read in a
fixed number of queries, whatever the number of plans and changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q

from goldenthread.access import rules
from goldenthread.plans import models as m
from goldenthread.presenters.plan_change import ChangeSummary, change_summary, summarised


@dataclass(frozen=True)
class ChangeRow:
    plan: m.Plan
    change: ChangeSummary


@dataclass
class MyPlanChanges:
    awaiting_decision: list[ChangeRow] = field(default_factory=list)
    rejected: list[ChangeRow] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.awaiting_decision or self.rejected)


def my_plan_changes(user) -> MyPlanChanges:
    """For My work: the changes awaiting the person's decision (plans they own; every plan for
    administrators) — not those they edited themselves — and, for a planning team, the latest
    change of each of their plans when it was rejected (until they open the next)."""
    submitted = list(
        summarised(m.PlanChange.objects.filter(status=m.PlanChange.Status.SUBMITTED)).order_by("submitted_at", "pk")
    )
    editors: dict[int, set[int]] = defaultdict(set)
    for change_id, made_by in m.PlanEdit.objects.filter(change__in=submitted).values_list("change_id", "made_by_id"):
        editors[change_id].add(made_by)
    awaiting = [
        ChangeRow(c.plan, change_summary(c))
        for c in submitted
        if rules.may_approve_change(user, c.plan) and user.pk not in editors[c.pk] | {c.submitted_by_id}
    ]
    mine = m.PlanChange.objects.filter(
        Q(opened_by_id=user.pk) | Q(edits__made_by_id=user.pk) | Q(submitted_by_id=user.pk)
    ).values("pk")
    rejected = list(
        summarised(m.PlanChange.objects.filter(pk__in=mine, status=m.PlanChange.Status.REJECTED)).order_by(
            "-decided_at"
        )
    )
    latest = dict(
        m.PlanChange.objects.filter(plan__in={c.plan_id for c in rejected})
        .values("plan")
        .annotate(n=Max("number"))
        .values_list("plan", "n")
    )
    mine_rejected = [
        ChangeRow(c.plan, change_summary(c))
        for c in rejected
        if latest.get(c.plan_id) == c.number and rules.may_edit_plan(user, c.plan)
    ]
    return MyPlanChanges(awaiting, mine_rejected)
