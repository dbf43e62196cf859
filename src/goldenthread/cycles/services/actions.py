"""Actions agreed at reviews, tracked to closure: who may own them, progress notes and status, and
which of them a review carries.

An action is never copied from review to review. It belongs to the review that raised it, and a
unit's later review *carries* it while it is open: :func:`carried_into` is the query "the open
actions of this unit raised at earlier reviews", which the review page and the directorate pack
both show. Closing the action takes it off every later review at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import Action, ActionNote, ReportingPeriod
from goldenthread.cycles.services.errors import CycleError, Incomplete
from goldenthread.cycles.services.people import display_name
from goldenthread.plans import models as pm

STATUS_LABELS = dict(Action.Status.choices)
#: what showing an action reads besides the action: where it was agreed (a review, or an item of a
#: meeting), its plan, its owner and who closed it — each in the one query
ACTION_RELATIONS = (
    "review__period__plan",
    "review__org_unit",
    "agenda_item__meeting__plan",
    "agenda_item__meeting__body",
    "owner_account",
    "closed_by",
)


def account_named(people: list, name: str):
    """The one person in ``people`` whose full name or user name is ``name`` (ignoring case and
    spaces), or None — how the attendees typed into a review are linked to their accounts."""
    wanted = " ".join(name.split()).lower()
    found = [p for p in people if wanted in {display_name(p).lower(), p.get_username().lower()}]
    return found[0] if len(found) == 1 else None


def carried_into(unit: pm.OrgUnit, period: ReportingPeriod) -> QuerySet[Action]:
    """The open actions of ``unit`` raised at its reviews of periods before ``period``, oldest
    first: what the unit's review of ``period`` carries forward (whether or not it has been
    recorded yet), without copying them."""
    return (
        Action.objects.filter(
            review__org_unit_id=unit.pk,
            review__period__start__lt=period.start,
            status__in=Action.OPEN_STATUSES,
        )
        .select_related(*ACTION_RELATIONS)
        .order_by("review__period__start", "due_on", "pk")
    )


def add_note(action: Action, text: str, status: str, *, user, field: str = "note") -> ActionNote:
    """Record progress on an action: a note, and the status it leaves the action in (``status``
    blank or unchanged keeps it). Closing needs a note, which becomes the closure note; a closed
    action takes no more notes. ``field`` names the form field problems are shown at."""
    text = text.strip()
    status = status or action.status
    if status not in STATUS_LABELS:
        raise Incomplete([("status", "Choose open, in progress or closed")])
    if not text:
        closing = status == Action.Status.CLOSED
        what = "Say how the action was completed (or why it is closed)" if closing else "Write the progress note"
        raise Incomplete([(field, what)])
    if action.status == Action.Status.CLOSED:
        raise CycleError("This action is already closed; it takes no more notes.")
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        changed = status != action.status
        if changed:
            action.status = status
            if status == Action.Status.CLOSED:
                action.closed_on, action.closed_by, action.closure_note = now, user, text
            action.save()
        return ActionNote.objects.create(
            action=action, text=text, status=status if changed else "", at=now, by=user, by_name=display_name(user)
        )
