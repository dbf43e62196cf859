"""Who is behind with their update, and reminding them by e-mail (each reminder on record)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import Reminder, ReportingPeriod, Submission
from goldenthread.cycles.services.journey import NOT_STARTED, STATUS_LABELS, S
from goldenthread.cycles.services.people import display_name, unit_people
from goldenthread.cycles.services.scope import reporting_units
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Outstanding:
    period: ReportingPeriod
    unit: pm.OrgUnit
    submission: Submission | None
    overdue: bool

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def outstanding(periods: list[ReportingPeriod], today: date, *, overdue_only: bool = False) -> list[Outstanding]:
    """Updates not yet with the planning team (not started, draft or returned), per period and unit."""
    if not periods:
        return []
    plans = {p.plan_id: p.plan for p in periods}
    units = {plan_id: reporting_units(plan) for plan_id, plan in plans.items()}
    submissions = {
        (s.period_id, s.org_unit_id): s
        for s in Submission.objects.filter(period__in=periods).select_related("updated_by")
    }
    out = []
    for period in periods:
        if not period.is_open(today):
            continue
        overdue = period.is_overdue(today)
        if overdue_only and not overdue:
            continue
        for unit in units[period.plan_id]:
            sub = submissions.get((period.pk, unit.pk))
            if sub is None or sub.status in Submission.EDITABLE:
                out.append(Outstanding(period, unit, sub, overdue))
    return out


@dataclass
class ReminderResult:
    period: ReportingPeriod
    unit: pm.OrgUnit
    status_label: str
    overdue: bool
    recipient: str
    email: str
    sent: bool
    note: str = ""


@dataclass
class ReminderMessage:
    """One reminder e-mail to write: to ``person``, about ``row``'s update."""

    row: Outstanding
    person: User
    subject: str
    body: str


def base_url() -> str:
    return (
        getattr(settings, "GOLDENTHREAD_BASE_URL", "")
        or os.environ.get("GOLDENTHREAD_BASE_URL")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def send_reminders(
    period: ReportingPeriod, *, today: date, dry_run: bool = False, user=None, site: str | None = None
) -> list[ReminderResult]:
    """E-mail the leads and contributors of every unit whose update for ``period`` is not yet
    with the planning team. With ``dry_run`` nothing is sent or recorded."""
    results, messages = reminder_messages(period, today=today, site=site, dry_run=dry_run)
    if not dry_run and messages:
        _send(period, messages, user)
    return results


def reminder_messages(
    period: ReportingPeriod, *, today: date, site: str | None = None, dry_run: bool = False
) -> tuple[list[ReminderResult], list[ReminderMessage]]:
    """Who is to be reminded about ``period`` (each person of each unit behind, or why they cannot
    be), and the e-mails to write to them — written by :func:`send_reminders` and, on their
    schedule, by the worker (:mod:`goldenthread.notices`)."""
    rows = outstanding([period], today)
    people = unit_people({r.unit.pk for r in rows})
    site = (site or base_url()).rstrip("/")
    results: list[ReminderResult] = []
    messages: list[ReminderMessage] = []
    for row in rows:
        link = site + reverse("cycles:submission_edit", args=[period.plan.code, period.slug, row.unit.code])
        results += _reminders_for(row, people[row.unit.pk], link, messages, dry_run=dry_run)
    return results, messages


def _reminders_for(
    row: Outstanding, people: list, link: str, messages: list[ReminderMessage], *, dry_run: bool
) -> list[ReminderResult]:
    """What happens for each person of the row's unit; the e-mails to send are added to ``messages``."""

    def result(recipient: str = "", email: str = "", sent: bool = False, note: str = "") -> ReminderResult:
        return ReminderResult(row.period, row.unit, row.status_label, row.overdue, recipient, email, sent, note)

    if not people:
        return [result(note=f"nobody is a lead or contributor for {row.unit.name}; add a membership in the admin site")]
    results = []
    for person in people:
        if not person.email:
            results.append(result(display_name(person), note="no e-mail address; add one in the admin site"))
            continue
        messages.append(ReminderMessage(row, person, *_reminder_text(row.period, row, person, link)))
        results.append(result(display_name(person), person.email, not dry_run))
    return results


def _send(period: ReportingPeriod, messages: list[ReminderMessage], user) -> None:
    """Send the e-mails in one connection and record each reminder, in one transaction."""
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        connection = get_connection()
        connection.send_messages(
            [
                EmailMessage(m.subject, m.body, settings.DEFAULT_FROM_EMAIL, [m.person.email], connection=connection)
                for m in messages
            ]
        )
        for m in messages:
            record_reminder(
                period, m.row.unit, m.person, m.person.email, m.subject, overdue=m.row.overdue, at=now, by=user
            )


def record_reminder(
    period: ReportingPeriod, unit: pm.OrgUnit, person, email: str, subject: str, *, overdue: bool, at, by=None
) -> Reminder:
    """Put a reminder that was sent on record (``by`` nobody: the worker sent it on its schedule)."""
    fields = {"period": period, "org_unit": unit, "recipient": person, "email": email, "subject": subject}
    return Reminder.objects.create(**fields, overdue=overdue, sent_at=at, sent_by=by)


def _reminder_text(period: ReportingPeriod, row: Outstanding, person, link: str) -> tuple[str, str]:
    due = long_date(period.closes_on)
    state = "is overdue" if row.overdue else "is due"
    subject = f"{'Overdue' if row.overdue else 'Due'}: {row.unit.name} update for {period.label}"
    body = (
        f"Dear {display_name(person)},\n\n"
        f"The {row.unit.name} update for {period.label} of {period.plan.title} {state}: "
        f"it {'was' if row.overdue else 'is'} due by {due}. Its status is: {row.status_label}.\n"
        + (
            f"The planning team returned it with these comments:\n{row.submission.decision_comments}\n"
            if row.submission and row.submission.status == S.RETURNED and row.submission.decision_comments
            else ""
        )
        + f"\nOpen it here: {link}\n\n"
        "If you have already sent it, thank you — this reminder crossed with it.\n"
        "goldenthread, for the planning team\n"
    )
    return subject, body
