"""A real worker (``goldenthread worker`` in a subprocess) and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Success
from django_q.scheduler import scheduler
from django_q.tasks import async_task

from goldenthread.cycles.models import Reminder
from goldenthread.notices.mail import queue
from goldenthread.notices.models import Notification
from goldenthread.notices.schedules import REMINDERS
from tests.notices.smtp import smtp_server
from tests.workers import running_worker, shared_database, wait_until


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_queued_e_mail_through_smtp(tmp_path):
    with shared_database(tmp_path) as url, smtp_server() as inbox:
        with running_worker(url, tmp_path, EMAIL_HOST=inbox.host, EMAIL_PORT=str(inbox.port)) as worker:
            person = get_user_model().objects.create_user("someone", email="someone@example.org")
            queue("test:1", Notification.Kind.SUBMITTED, person, "Hello", "Dear someone,\n\nHello.\n")
            wait_until(lambda: inbox.to("someone@example.org"), 60, "the e-mail arrived", worker)
            wait_until(lambda: Notification.objects.get(key="test:1").state == "sent", 30, "the row says sent", worker)
        assert [m["Subject"] for m in inbox.messages] == ["Hello"]


REMIND_TASK = "goldenthread.notices.tasks.remind"
PEOPLE_BEHIND = ["contributor@example.org", "lead@example.org", "other_lead@example.org"]


@pytest.mark.django_db(transaction=True)
def test_past_a_deadline_each_reminder_is_sent_once_however_often_the_schedule_runs(world, tmp_path):
    today = timezone.localdate()
    world.period(1).__class__.objects.filter(pk=world.period(1).pk).update(
        start=today - timedelta(days=100),
        end=today - timedelta(days=10),
        opens_on=today - timedelta(days=9),
        closes_on=today - timedelta(days=2),  # overdue: nobody has sent their update
    )
    smtp = smtp_server()
    with shared_database(tmp_path) as url, smtp as inbox:
        env = {"EMAIL_HOST": inbox.host, "EMAIL_PORT": str(inbox.port), "GOLDENTHREAD_TASK_WORKERS": "2"}
        env["GOLDENTHREAD_EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        with running_worker(url, tmp_path, **env) as worker:
            # the worker made its schedule, due at once, and queued it when it started
            assert Schedule.objects.filter(name=REMINDERS, func=REMIND_TASK).count() == 1
            wait_until(lambda: len(inbox.messages) >= 3, 60, "the three reminders arrived", worker)
            # the schedule runs again (django-q2's scheduler pass), and twice more at once on two workers
            Schedule.objects.filter(name=REMINDERS).update(next_run=timezone.now() - timedelta(minutes=1))
            scheduler()
            async_task(REMIND_TASK)
            async_task(REMIND_TASK)
            wait_until(lambda: Success.objects.filter(func=REMIND_TASK).count() >= 4, 60, "four runs done", worker)
            wait_until(lambda: not OrmQ.objects.exists(), 30, "nothing left in the queue", worker)
        assert sorted(Reminder.objects.values_list("email", flat=True)) == PEOPLE_BEHIND  # on record, once each
        assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert sorted(m["To"] for m in inbox.messages) == PEOPLE_BEHIND
    assert {m["Subject"] for m in inbox.messages} == {
        "Overdue: Medical update for 2019/20 Q1",
        "Overdue: Nursing update for 2019/20 Q1",
    }
    assert "Its status is: Not started." in inbox.messages[0].get_payload()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("to", ["the worker", "its process group"])
def test_the_worker_stops_when_told_to(tmp_path, to):
    """SIGTERM to the worker (as serve stops it), or to all its processes at once (as systemd and
    `timeout` do; django-q2's own signal handler then waits for ever on its dead sentinel)."""
    with shared_database(tmp_path) as url, running_worker(url, tmp_path) as worker:
        wait_until(lambda: Success.objects.filter(func=REMIND_TASK).exists(), 60, "the cluster ran a task", worker)
        if to == "the worker":
            worker.process.terminate()
        else:
            os.killpg(worker.process.pid, signal.SIGTERM)
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not stop within 30 s of SIGTERM to {to}:\n{worker.output()}")
    assert worker.process.returncode == 0, worker.output()
