"""A real task worker (``goldenthread worker``) for a test, in a subprocess, on the test's database.

The test database must be one another process can open, and what the test writes must be
committed, so a test using a worker is a transactional one (``@pytest.mark.django_db(transaction=True)``)
and asks for its database through :func:`shared_database`:

- on PostgreSQL the test database is a real database on the server: the worker is given its name;
- on SQLite pytest-django keeps the test database in memory, which no other process can open, so
  it is copied (schema and rows, with SQLite's backup) into a file in ``folder``, and the test's own
  connection is pointed at that file until the block ends; then it goes back to the memory one.

Use::

    @pytest.mark.django_db(transaction=True)
    def test_something(tmp_path):
        with shared_database(tmp_path) as url, running_worker(url, tmp_path) as worker:
            ...  # write rows, enqueue tasks; wait_until(lambda: ..., 60, "the pack is built", worker)
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.conftest import PROJECT
from tests.servers import stop


@contextmanager
def shared_database(folder: Path) -> Iterator[str]:
    """The URL of the test database, as a subprocess can open it (see the module's notes)."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor != "sqlite":
        yield _postgres_url(connection.settings_dict)
        return
    if not connection.is_in_memory_db():
        yield f"sqlite:///{connection.settings_dict['NAME']}"
        return
    path = folder / "shared.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None  # Django never closes an in-memory test database; keep it aside
    connection.settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def _postgres_url(settings: dict) -> str:
    user = quote(settings.get("USER") or "", safe="")
    password = quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgresql://{credentials}{settings.get('HOST') or '127.0.0.1'}{port}/{settings['NAME']}"


def tasks_in_this_process(monkeypatch) -> None:
    """From now until the test ends, run every task at once when it is queued, in this process,
    through django-q2's own worker code (its ``sync`` setting) — e.g. so the e-mails of a page's
    POST are in Django's locmem outbox when the response comes back. Tasks are still queued only
    when the transaction commits. For a real worker, use :func:`running_worker`."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def worker_environment(database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment (the same GOLDENTHREAD_VAR, so the same secret key signs and
    checks the queued tasks) with the database and ``extra`` settings."""
    env = dict(os.environ, DATABASE_URL=database_url, **extra)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextmanager
def running_worker(database_url: str, folder: Path, **extra_env: str) -> Iterator[Worker]:
    """``goldenthread worker`` on ``database_url`` until the block ends; its output in
    ``folder/worker.log``. ``extra_env``: e.g. EMAIL_HOST and EMAIL_PORT for a test SMTP server."""
    log = folder / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "goldenthread.cli.main", "worker"],
            cwd=PROJECT,
            env=worker_environment(database_url, **extra_env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = Worker(process, log)
        try:
            wait_until(lambda: "goldenthread worker: running" in worker.output(), 60, "the worker started", worker)
            yield worker
        finally:
            stop(process, 30, group=True)


def wait_until(condition: Callable[[], object], timeout: float, what: str, worker: Worker | None = None) -> None:
    """Wait until ``condition()`` is true, at most ``timeout`` seconds; fail saying ``what`` was
    awaited (with the worker's output, and if it stopped, that it did)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(
                f"the worker stopped (exit {worker.process.returncode}) before {what}:\n{worker.output()}"
            )
        if time.monotonic() > deadline:
            log = f"\nworker output:\n{worker.output()}" if worker is not None else ""
            raise AssertionError(f"not within {timeout:.0f} s: {what}{log}")
        time.sleep(0.25)
