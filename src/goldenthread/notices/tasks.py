"""The worker's tasks (django-q2 calls them by these dotted names)."""

from __future__ import annotations

from django.utils import timezone

from goldenthread.notices import mail, reminders


def send_notification(pk: int) -> str:
    """Send one queued e-mail (at most once)."""
    return mail.send(pk)


def remind() -> str:
    """The schedule's task: reminders, overdue actions, lost e-mails (see :mod:`.reminders`)."""
    return str(reminders.run(timezone.localdate()))
