"""Queueing an e-mail for an event, once, and sending it from the worker, once.

:func:`queue` inserts the :class:`~goldenthread.notices.models.Notification` row in the caller's
transaction — its unique ``key`` refuses a second row for the same event and person, however many
processes try — and asks the worker to send it only after that transaction commits
(``transaction.on_commit``), so a rolled-back change mails nobody. :func:`send` (the worker's task)
claims the row by moving it from queued to sending in one UPDATE; only the task that made that
change sends, so a retried or duplicated task sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from goldenthread.cycles.services.reminders import record_reminder
from goldenthread.notices.models import Notification

log = logging.getLogger(__name__)

SEND_TASK = "goldenthread.notices.tasks.send_notification"
REMINDER_KINDS = (Notification.Kind.REMINDER_DUE, Notification.Kind.REMINDER_OVERDUE)


_muted: ContextVar[bool] = ContextVar("goldenthread_notices_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Queue no e-mails while the block runs (loading the demo's made-up past mails nobody)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def queue(key: str, kind: str, person, subject: str, body: str, **about) -> Notification | None:
    """Queue the e-mail for this event and person unless it has been queued before (then None);
    nothing is queued for a person without an address, or while :func:`muted`. ``about``:
    ``period`` and ``org_unit`` of a reminder."""
    if _muted.get() or person is None or not person.email or Notification.objects.filter(key=key[:200]).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's transaction usable
            notification = Notification.objects.create(
                key=key[:200], kind=kind, recipient=person, email=person.email, subject=subject, body=body, **about
            )
    except IntegrityError:
        return None
    enqueue_after_commit([notification.pk])
    return notification


def enqueue_after_commit(pks: Iterable[int]) -> None:
    """Ask the worker to send these notifications once the current transaction commits."""
    for pk in pks:
        transaction.on_commit(partial(_enqueue, pk))


def _enqueue(pk: int) -> None:
    from django_q.tasks import async_task

    async_task(SEND_TASK, pk, task_name=f"notification {pk}")


def send(pk: int) -> str:
    """Send notification ``pk`` if it is still queued; say what happened."""
    claimed = Notification.objects.filter(pk=pk, state=Notification.State.QUEUED).update(
        state=Notification.State.SENDING
    )
    if not claimed:
        return f"notification {pk}: already sent, being sent or gone; nothing to do"
    notification = Notification.objects.select_related("period", "org_unit", "recipient").get(pk=pk)
    message = EmailMessage(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.email])
    try:
        message.send()
    except Exception as exc:  # SMTP refusals and network errors alike: kept on the row to read
        Notification.objects.filter(pk=pk).update(state=Notification.State.FAILED, error=f"{type(exc).__name__}: {exc}")
        log.warning("notification %s to %s failed: %s", pk, notification.email, exc)
        raise
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=pk).update(state=Notification.State.SENT, sent_at=now, error="")
        if notification.kind in REMINDER_KINDS and notification.period and notification.org_unit:
            record_reminder(
                notification.period,
                notification.org_unit,
                notification.recipient,
                notification.email,
                notification.subject,
                overdue=notification.kind == Notification.Kind.REMINDER_OVERDUE,
                at=now,
            )
    return f"notification {pk}: sent to {notification.email}"
