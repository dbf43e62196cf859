"""What the worker does on its schedule: reminders before and after each deadline, overdue
actions, and another try at e-mails whose sending was never started.

For every open reporting period, the leads and contributors of each unit whose update is not yet
with the planning team are reminded once in the ``GOLDENTHREAD_REMIND_DAYS_BEFORE`` days before it
closes and once after it is overdue — the same reminder (text and record) as
``goldenthread remind`` sends (:func:`goldenthread.cycles.services.reminders.reminder_messages`).
Each (period, unit, person, kind) has one key, so running the schedule twice, or two workers at
once, reminds nobody twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from goldenthread.cycles.models import Action, ReportingPeriod
from goldenthread.cycles.services.actions import ACTION_RELATIONS
from goldenthread.cycles.services.reminders import reminder_messages
from goldenthread.notices.events import action_overdue
from goldenthread.notices.mail import enqueue_after_commit, queue
from goldenthread.notices.models import Notification

DAYS_BEFORE = "GOLDENTHREAD_REMIND_DAYS_BEFORE"
#: overdue reminders are sent for periods that closed, and actions that fell due, at most this long
#: ago (not for years past, e.g. on the first run after loading old data)
OVERDUE_WITHIN = timedelta(days=92)
#: a queued e-mail not sent after this long is queued again (its first task was lost)
STALE = timedelta(minutes=10)


def days_before() -> int:
    """How many days before a period closes its reminder goes out (``GOLDENTHREAD_REMIND_DAYS_BEFORE``)."""
    text = os.environ.get(DAYS_BEFORE, "").strip() or "3"
    if not text.isdigit():
        raise ImproperlyConfigured(f"{DAYS_BEFORE} must be a whole number of days (0 or more), not '{text}'")
    return int(text)


@dataclass
class Done:
    reminders: int = 0
    overdue_actions: int = 0
    requeued: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reminders} reminder(s) and {self.overdue_actions} overdue action(s) queued; "
            f"{self.requeued} e-mail(s) queued again"
        )


def run(today: date) -> Done:
    done = Done()
    for period in periods_to_remind(today):
        done.reminders += remind(period, today)
    done.overdue_actions = overdue_actions(today)
    done.requeued = requeue_stale()
    return done


def periods_to_remind(today: date) -> list[ReportingPeriod]:
    """Open periods that close within the next days, or closed not long ago."""
    return list(
        ReportingPeriod.objects.filter(
            opens_on__lte=today,
            closes_on__lte=today + timedelta(days=days_before()),
            closes_on__gte=today - OVERDUE_WITHIN,
        ).select_related("plan")
    )


def remind(period: ReportingPeriod, today: date) -> int:
    """Queue the period's reminders not sent before; how many were queued."""
    overdue = period.is_overdue(today)
    kind = Notification.Kind.REMINDER_OVERDUE if overdue else Notification.Kind.REMINDER_DUE
    queued = 0
    with transaction.atomic():
        _, messages = reminder_messages(period, today=today)
        for m in messages:
            key = f"reminder:{'overdue' if overdue else 'due'}:{period.pk}:{m.row.unit.pk}:{m.person.pk}"
            if queue(key, kind, m.person, m.subject, m.body, period=period, org_unit=m.row.unit):
                queued += 1
    return queued


def overdue_actions(today: date) -> int:
    """Tell the owner of each open action past its due date (not long past), once per action."""
    queued = 0
    actions = Action.objects.filter(
        status__in=Action.OPEN_STATUSES,
        owner_account__isnull=False,
        due_on__lt=today,
        due_on__gte=today - OVERDUE_WITHIN,
    ).select_related(*ACTION_RELATIONS)
    with transaction.atomic():
        for action in actions:
            queued += action_overdue(action) is not None
    return queued


def requeue_stale() -> int:
    """Queue again the e-mails still waiting long after they were queued (their task was lost, e.g.
    the process stopped between the commit and the queueing). Sending claims the row, so an
    e-mail whose first task turns up after all is still sent once."""
    stale = list(
        Notification.objects.filter(state=Notification.State.QUEUED, created_at__lt=timezone.now() - STALE).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        enqueue_after_commit(stale)
    return len(stale)
