"""What the schedule does: reminders before and after each deadline, overdue actions, lost e-mails —
each once. (2019/20 Q1 ended on 30 June 2019 and updates were due by 21 July.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, Action, Reminder
from goldenthread.notices import reminders
from goldenthread.notices.mail import queue
from goldenthread.notices.models import Notification

from .test_events import to

pytestmark = pytest.mark.usefixtures("worker_in_this_process")

BEFORE, DUE, AFTER = date(2019, 7, 18), date(2019, 7, 21), date(2019, 7, 22)


def run(committing, today: date) -> reminders.Done:
    with committing():
        return reminders.run(today)


def test_a_reminder_goes_out_days_before_the_deadline_and_once_after_it(world, commit, mailoutbox):
    nursing = world.nursing  # nursing's update is with the planning team: nobody there is reminded
    services.save_update(
        world.period(1), nursing, world.complete(nursing), based_on=0, user=world.users["other_lead"], submit=True
    )
    mailoutbox.clear()
    assert run(commit, BEFORE - timedelta(days=1)).reminders == 0  # four days before: not yet
    assert run(commit, BEFORE).reminders == 2
    assert to(mailoutbox) == [
        ("contributor@example.org", "Due: Medical update for 2019/20 Q1"),
        ("lead@example.org", "Due: Medical update for 2019/20 Q1"),
    ]
    assert "it is due by 21 July 2019. Its status is: Not started." in mailoutbox[1].body
    assert "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/" in mailoutbox[1].body
    assert run(commit, BEFORE).reminders == 0 and run(commit, DUE).reminders == 0  # the schedule runs again
    assert len(mailoutbox) == 2
    assert run(commit, AFTER).reminders == 2
    assert to(mailoutbox)[2:] == [
        ("contributor@example.org", "Overdue: Medical update for 2019/20 Q1"),
        ("lead@example.org", "Overdue: Medical update for 2019/20 Q1"),
    ]
    assert run(commit, AFTER + timedelta(days=1)).reminders == 0
    assert len(mailoutbox) == 4
    # on record like the reminders a person sends (goldenthread remind), sent by nobody: the schedule
    records = Reminder.objects.order_by("overdue", "email")
    assert [(r.email, r.overdue, r.sent_by, r.org_unit.code) for r in records] == [
        ("contributor@example.org", False, None, "medical"),
        ("lead@example.org", False, None, "medical"),
        ("contributor@example.org", True, None, "medical"),
        ("lead@example.org", True, None, "medical"),
    ]


def test_the_days_before_come_from_the_environment(world, commit, mailoutbox, monkeypatch):
    monkeypatch.setenv("GOLDENTHREAD_REMIND_DAYS_BEFORE", "14")
    assert run(commit, DUE - timedelta(days=14)).reminders == 3
    monkeypatch.setenv("GOLDENTHREAD_REMIND_DAYS_BEFORE", "soon")
    with pytest.raises(ImproperlyConfigured, match="GOLDENTHREAD_REMIND_DAYS_BEFORE must be a whole number of days"):
        reminders.run(DUE)


def test_periods_long_closed_are_not_chased(world, commit, mailoutbox):
    run(commit, DUE + reminders.OVERDUE_WITHIN + timedelta(days=1))  # Q2 was due a day ago; Q1 a quarter ago
    assert mailoutbox and {m.subject.split(" for ")[1] for m in mailoutbox} == {"2019/20 Q2"}


def test_an_overdue_action_mails_its_owner_once(world, commit, mailoutbox):
    review = AccountabilityReview.objects.create(period=world.period(1), org_unit=world.medical)
    lead = world.users["lead"]
    due = date(2019, 8, 31)
    Action.objects.create(review=review, description="Open one", owner="Lead", owner_account=lead, due_on=due)
    Action.objects.create(
        review=review, description="Closed one", owner="Lead", owner_account=lead, due_on=due, status="closed"
    )
    Action.objects.create(
        review=review, description="Not yet due", owner="Lead", owner_account=lead, due_on=due + timedelta(days=30)
    )
    long_ago = due - reminders.OVERDUE_WITHIN - timedelta(days=2)  # e.g. old data loaded: not news
    Action.objects.create(review=review, description="Long overdue", owner="Lead", owner_account=lead, due_on=long_ago)
    mailoutbox.clear()  # (the actions were given to the lead: not sent in this test's transaction)
    Notification.objects.all().delete()
    assert run(commit, due).overdue_actions == 0
    assert run(commit, due + timedelta(days=1)).overdue_actions == 1
    assert run(commit, due + timedelta(days=2)).overdue_actions == 0
    assert [m for m in to(mailoutbox) if "action" in m[1]] == [("lead@example.org", "Overdue action: Open one")]
    assert "was due by 31 August 2019 and is still open" in mailoutbox[-1].body


def test_an_e_mail_whose_task_was_lost_is_sent_by_the_next_run(world, commit, mailoutbox):
    queue("lost:1", Notification.Kind.SUBMITTED, world.users["lead"], "Lost", "Body")  # its task never runs
    assert run(commit, date(2030, 1, 1)).requeued == 0  # too recent to be called lost
    Notification.objects.update(created_at=timezone.now() - reminders.STALE - timedelta(seconds=1))
    assert run(commit, date(2030, 1, 1)).requeued == 1
    assert to(mailoutbox) == [("lead@example.org", "Lost")]
    assert Notification.objects.get().state == "sent"
