"""What people record at a governance body's meeting: decisions and actions on its agenda items,
and its minutes — drafted, approved, and for a meeting held in public, published.

An action agreed on an item is the cycle's :class:`~goldenthread.cycles.models.Action` with
``agenda_item`` set: its owner is e-mailed and sees it on My work, and it is closed the same way
as an action from a review (:mod:`.actions`). Minutes are saved optimistically like an update:
the caller says which version the person started from, and a save from an older one is refused
with :class:`~.errors.Conflict`. Who may do each of these is for the caller to check
(:func:`goldenthread.access.rules.may_record_meeting`, :func:`~goldenthread.access.rules.may_approve_minutes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import Action, ItemDecision, Minutes
from goldenthread.cycles.services.errors import Conflict, CycleError, Incomplete
from goldenthread.cycles.services.people import display_name
from goldenthread.plans import models as pm

APPROVED_ALREADY = (
    "These minutes are approved, so they are not changed any more. If they are wrong, the body corrects "
    "them in the minutes of its next meeting."
)


@dataclass
class ActionData:
    description: str
    owner: str  # the name as shown
    owner_account: Any  # the owner's account, when they have one (else None)
    due_on: date | None


def record_decision(item: pm.AgendaItem, text: str, *, user) -> ItemDecision:
    """Add a decision taken on ``item``, after those already recorded."""
    text = text.strip()
    if not text:
        raise Incomplete([("decision", "Write the decision as the meeting took it")])
    with transaction.atomic(), acting_as(user):
        position = item.decisions.count()
        decision = ItemDecision(item=item, text=text, position=position, recorded_at=timezone.now(), recorded_by=user)
        decision.save()
    return decision


def take_back_decision(decision: ItemDecision, *, user) -> None:
    """Remove a decision recorded by mistake; the trail keeps it, and who took it back."""
    with transaction.atomic(), acting_as(user):
        decision.delete()


def record_action(item: pm.AgendaItem, data: ActionData, *, user) -> Action:
    """Add an action agreed on ``item``: its owner (an account is e-mailed and sees it on My work)
    and due date."""
    if not data.description.strip():
        raise Incomplete([("description", "Say what is to be done")])
    with transaction.atomic(), acting_as(user):
        action = Action(
            agenda_item=item,
            description=data.description.strip(),
            owner=data.owner,
            owner_account=data.owner_account,
            due_on=data.due_on,
            position=item.actions.count(),
        )
        action.save()
    return action


def _conflict(minutes: Minutes) -> str:
    return (
        f"{display_name(minutes.updated_by)} changed these minutes after you opened them, so your changes have "
        "not been saved. Your text is kept below; compare it with the latest version, then save again."
    )


def _claim(meeting: pm.Meeting, based_on: int) -> Minutes:
    """The meeting's minutes at the version after ``based_on`` (a new draft for 0); refused when
    someone saved since."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        if based_on != 0:
            raise Conflict(None, "These minutes have been removed since you opened them; save again to write them.")
        minutes = Minutes(meeting=meeting, version=1)
        try:
            with transaction.atomic():
                minutes.save()
        except IntegrityError:  # someone else started them first
            current = Minutes.objects.get(meeting=meeting)
            raise Conflict(current, _conflict(current)) from None
        return minutes
    if minutes.approved:
        raise CycleError(APPROVED_ALREADY)
    if Minutes.objects.filter(pk=minutes.pk, version=based_on).update(version=F("version") + 1) != 1:
        minutes.refresh_from_db()
        raise Conflict(minutes, _conflict(minutes))
    minutes.version = based_on + 1
    return minutes


def save_minutes(meeting: pm.Meeting, text: str, *, based_on: int, user, approve: bool = False) -> Minutes:
    """Write the meeting's draft minutes (and, with ``approve``, mark them approved — the caller
    checks that the person may approve them). Approved minutes are not changed."""
    text = text.strip()
    if approve and not text:
        raise Incomplete([("text", "Write the minutes before approving them")])
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        minutes = _claim(meeting, based_on)
        minutes.text, minutes.updated_at, minutes.updated_by = text, now, user
        if approve:
            minutes.status, minutes.approved_at, minutes.approved_by = Minutes.Status.APPROVED, now, user
        minutes.save()
    return minutes


def publish_minutes(meeting: pm.Meeting, *, user, publish: bool = True) -> Minutes:
    """Show the approved minutes of a meeting held in public on the plan's public page (or, with
    ``publish`` false, take them off it)."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if publish:
        if not meeting.is_public:
            raise CycleError(
                f"{meeting.body.name} does not meet in public, so its minutes are not published. "
                "The plan file says which bodies and meetings are public."
            )
        if minutes is None or not minutes.approved:
            raise CycleError("Only approved minutes are published: approve the minutes first.")
    if minutes is None:
        raise CycleError("This meeting has no minutes.")
    with transaction.atomic(), acting_as(user):
        if publish and minutes.published_at is None:
            minutes.published_at, minutes.published_by = timezone.now(), user
            minutes.save()
        elif not publish and minutes.published_at is not None:
            minutes.published_at, minutes.published_by = None, None
            minutes.save()
    return minutes
