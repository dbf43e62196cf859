"""``goldenthread serve`` starts the task worker beside gunicorn and stops it when it stops; the
worker's schedules are made once, however often it starts."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from goldenthread.cli.main import build_parser, main
from goldenthread.cli.worker import worker_beside
from goldenthread.notices.schedules import REMINDERS, SCHEDULES, ensure_schedules
from tests.security.gunicorn_server import log_of, serving
from tests.workers import wait_until


def processes_of(folder: Path) -> list[int]:
    """Live processes (not this one) whose environment names ``folder`` — the server's database."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder).encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def worker_pid(folder: Path) -> int:
    wait_until(lambda: "goldenthread worker: running the task queue" in log_of(folder), 60, "the worker started")
    match = re.search(r"started the task worker \(process (\d+)\)", log_of(folder))
    assert match, log_of(folder)
    return int(match.group(1))


@pytest.mark.parametrize("how", ["SIGTERM to serve", "Ctrl+C", "SIGTERM to serve --dev"])
def test_serve_starts_the_worker_and_stops_it_when_it_stops(tmp_path, how):
    dev = ["--dev"] if how.endswith("--dev") else []
    with serving(tmp_path, "--workers", "1", "--threads", "1", *dev) as server:
        pid = worker_pid(tmp_path)
        assert pid in processes_of(tmp_path)
        if how == "Ctrl+C":  # the terminal sends SIGINT to every process of the foreground group
            os.killpg(server.process.pid, signal.SIGINT)
        else:
            server.process.terminate()
        server.process.wait(timeout=45)
    left = processes_of(tmp_path)
    for pid in left:  # not to leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == [], log_of(tmp_path)
    assert server.process.returncode == 0, log_of(tmp_path)


def test_the_worker_will_not_start_with_a_bad_number_of_days(monkeypatch):
    monkeypatch.setenv("GOLDENTHREAD_REMIND_DAYS_BEFORE", "-2")
    with pytest.raises(SystemExit) as stopped:
        main(["worker"])
    assert str(stopped.value) == (
        "goldenthread worker: GOLDENTHREAD_REMIND_DAYS_BEFORE must be a whole number of days (0 or more), not '-2'"
    )


def test_no_worker_from_the_option_or_the_environment(monkeypatch):
    assert build_parser().parse_args(["serve"]).no_worker is False
    args = build_parser().parse_args(["serve", "--no-worker"])
    with worker_beside(args) as process:
        assert process is None  # nothing started
    monkeypatch.setenv("GOLDENTHREAD_NO_WORKER", "1")
    assert build_parser().parse_args(["serve"]).no_worker is True


@pytest.mark.django_db
def test_the_schedules_are_made_once_and_kept_up_to_date():
    from django_q.models import Schedule

    assert ensure_schedules() == [REMINDERS]
    ensure_schedules()
    schedule = Schedule.objects.get(name=REMINDERS)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("goldenthread.notices.tasks.remind", "I", 15)
    next_run = schedule.next_run
    Schedule.objects.filter(pk=schedule.pk).update(minutes=60, func="old.name")
    Schedule.objects.create(name=REMINDERS, func="old.name")  # two workers that started at once
    ensure_schedules()
    schedule = Schedule.objects.get(name=REMINDERS)
    assert (schedule.func, schedule.minutes, schedule.next_run) == (SCHEDULES[REMINDERS]["func"], 15, next_run)
