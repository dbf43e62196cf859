"""Accountability reviews (QCARs) of a unit for a period — who attended, what was decided — and
the actions agreed at them, tracked to closure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction
from django.utils import timezone

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import AccountabilityReview, Action, ReportingPeriod, ReviewAttendee, ReviewDecision
from goldenthread.cycles.services.actions import account_named, add_note
from goldenthread.cycles.services.errors import CycleError
from goldenthread.cycles.services.people import display_name, plan_people
from goldenthread.cycles.services.versions import claim
from goldenthread.plans import models as pm

REMOVED = "This review has been removed since you opened it; save again to record it afresh."


@dataclass
class ReviewData:
    status: str
    held_on: date | None
    chair: str
    pack: str
    summary: str
    attendees: list[tuple[str, str]]  # (name, role)
    decisions: list[str]
    actions: dict[int, dict]  # existing open action pk -> {description, owner, owner_account, due_on}
    new_actions: list[dict]  # {description, owner, owner_account (an account or None), due_on}


def save_review(
    period: ReportingPeriod, unit: pm.OrgUnit, data: ReviewData, *, based_on: int, user
) -> AccountabilityReview:
    if unit.plan_id != period.plan_id:
        raise CycleError(f"{unit.name} is not part of the plan this period belongs to.")
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        review = claim(
            AccountabilityReview, period, unit, based_on=based_on, removed=REMOVED, conflict=_review_conflict
        )
        review.status, review.held_on, review.chair, review.pack, review.summary = (
            data.status,
            data.held_on,
            data.chair,
            data.pack,
            data.summary,
        )
        review.updated_at, review.updated_by = now, user
        review.save()
        people = plan_people(period.plan)
        _replace_rows(
            review.attendees.all(),
            [{"name": n, "role": r, "account": account_named(people, n)} for n, r in data.attendees],
            lambda i, v: ReviewAttendee(review=review, position=i, **v),
            ("name", "role", "account"),
        )
        _replace_rows(
            review.decisions.all(),
            [{"text": t} for t in data.decisions],
            lambda i, v: ReviewDecision(review=review, position=i, **v),
            ("text",),
        )
        _write_actions(review, data)
    return review


def _write_actions(review: AccountabilityReview, data: ReviewData) -> None:
    """Change the open actions that were edited, and add the new ones after the others."""
    existing = {a.pk: a for a in review.actions.filter(status__in=Action.OPEN_STATUSES)}
    for pk, values in data.actions.items():
        action = existing.get(pk)
        if action is None:
            continue
        if any(getattr(action, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(action, k, v)
            action.save()
    start = review.actions.count()
    for i, values in enumerate(data.new_actions):
        Action(review=review, position=start + i, **values).save()


def _replace_rows(
    queryset: models.QuerySet, wanted: list[dict], make: Callable[[int, dict], models.Model], names: tuple[str, ...]
) -> None:
    """Keep rows as they are when nothing changed; otherwise replace them (each change in the trail)."""
    rows = list(queryset)
    if [{n: getattr(r, n) for n in names} for r in rows] == wanted:
        return
    for row in rows:
        row.delete()
    for i, values in enumerate(wanted):
        make(i, values).save()


def _review_conflict(review: AccountabilityReview) -> str:
    return (
        f"{display_name(review.updated_by)} changed this review after you opened it, so your changes have not "
        "been saved. Your text is kept below; compare it with the latest version, then save again."
    )


def close_action(action: Action, note: str, *, user) -> Action:
    """Close the action with a note saying how it was completed (kept as its last progress note)."""
    add_note(action, note, Action.Status.CLOSED, user=user, field="closure_note")
    return action
