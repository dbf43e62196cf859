"""An action's page: what is to be done, who owns it, by when, its status, the review that raised
it, the later reviews of its unit that carry it while it is open, and its progress notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from goldenthread.access import rules
from goldenthread.cycles.models import AccountabilityReview, Action
from goldenthread.formatting import date_time
from goldenthread.presenters.cycle.display import TAG_CLASSES, Tag, name_of, review_href
from goldenthread.presenters.cycle.reviews import ActionRow, action_row


@dataclass
class NoteRow:
    text: str
    by: str
    at: str
    status: Tag | None


@dataclass
class CarriedInto:
    label: str  # "Medical, 2019/20 Q2"
    href: str


@dataclass
class ActionPage:
    row: ActionRow
    owner_has_account: bool
    notes: list[NoteRow]
    carried_into: list[CarriedInto]
    can_update: bool


def action_page(action: Action, user, today: date) -> ActionPage:
    notes = [
        NoteRow(
            n.text,
            n.by_name or name_of(n.by),
            date_time(n.at),
            Tag(n.get_status_display(), TAG_CLASSES.get(n.status, "")) if n.status else None,
        )
        for n in action.notes.select_related("by")
    ]
    later = []
    if action.is_open and action.review is not None:  # a meeting's action is carried into no review
        reviews = AccountabilityReview.objects.filter(
            org_unit_id=action.review.org_unit_id, period__start__gt=action.review.period.start
        ).select_related("period__plan", "org_unit")
        later = [
            CarriedInto(f"{r.org_unit.name}, {r.period.label}", review_href(r.period, r.org_unit))
            for r in reviews.order_by("period__start")
        ]
    return ActionPage(
        action_row(action, user, today),
        action.owner_account_id is not None,
        notes,
        later,
        action.is_open and rules.may_update_action(user, action),
    )
