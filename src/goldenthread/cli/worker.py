"""``goldenthread worker``: the background task queue (django-q2's cluster on the application's own
database), and the worker ``goldenthread serve`` starts beside the web server.

Before the cluster starts, the product's schedules are made to exist (created or updated by name:
:func:`goldenthread.notices.schedules.ensure_schedules`) and any schedule already due is queued at
once, so a worker started after a quiet spell does not wait for the cluster's first scheduler pass.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from goldenthread.cli.setup import django_setup

NO_WORKER = "GOLDENTHREAD_NO_WORKER"
STOP_SECONDS = 30


def cmd_worker(args: argparse.Namespace) -> int:
    django_setup(args)
    from django.core.exceptions import ImproperlyConfigured

    from goldenthread.notices.reminders import days_before
    from goldenthread.notices.schedules import ensure_schedules, queue_due_schedules

    try:
        days_before()  # a setting the schedule needs is checked now, not at its first run
    except ImproperlyConfigured as exc:
        raise SystemExit(f"goldenthread worker: {exc}") from None
    names = ensure_schedules()
    queue_due_schedules()
    print(
        f"goldenthread worker: running the task queue with schedules {', '.join(names)} (Ctrl+C to stop)",
        flush=True,
    )
    return run_cluster()


def run_cluster() -> int:
    """django-q2's cluster, as its ``qcluster`` command runs it, but stopped from this loop rather
    than from inside a signal handler: django-q2's handler sets the sentinel's stop event there,
    which waits for ever when the sentinel is already dead — as it is when SIGTERM reaches every
    process of the worker at once (systemd, ``timeout``; django-q2 issue 346)."""
    from django_q.cluster import Cluster

    asked: list[int] = []
    cluster = Cluster()  # installs django-q2's handlers, replaced here by one that only takes note
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: asked.append(signum))
    try:
        cluster.start()
    except RuntimeError:  # the sentinel died while starting: stopped by a signal, or broken
        if asked:
            return 0
        raise
    while not asked and cluster.sentinel.is_alive():
        time.sleep(0.5)
    if not asked:
        print(
            f"goldenthread worker: the task queue stopped unexpectedly (exit {cluster.sentinel.exitcode})",
            file=sys.stderr,
        )
        return 1
    cluster.stop()  # finishes the tasks running; nothing to do if the sentinel has gone
    return 0


def add_worker_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``worker``."""
    p = commands.add_parser("worker", help="run the background task queue: e-mails, reminders on their schedule, packs")
    p.set_defaults(func=cmd_worker)


def add_no_worker_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-worker",
        action="store_true",
        default=os.environ.get(NO_WORKER, "").lower() in ("1", "true", "yes"),
        help=f"do not start the task worker beside the web server (${NO_WORKER}=1); run `goldenthread worker` "
        "elsewhere instead",
    )


@contextmanager
def worker_beside(args: argparse.Namespace) -> Iterator[subprocess.Popen | None]:
    """Run ``goldenthread worker`` as a child process while the block runs (unless ``--no-worker``),
    on the same database; stop it when the block ends, however it ends (Ctrl+C, SIGTERM, an error)."""
    if getattr(args, "no_worker", False):
        yield None
        return
    # django_setup() has put --database into DATABASE_URL, which the child inherits
    process = subprocess.Popen([sys.executable, "-m", "goldenthread.cli.main", "worker"], env=os.environ.copy())
    print(f"goldenthread: started the task worker (process {process.pid})", flush=True)
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_DFL:  # Django's server would die on SIGTERM without stopping the worker
        signal.signal(signal.SIGTERM, _exit)
    try:
        yield process
    finally:
        stop_worker(process)
        signal.signal(signal.SIGTERM, previous)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def stop_worker(process: subprocess.Popen) -> None:
    """Ask the worker to finish its tasks and stop; kill it if it has not after ``STOP_SECONDS``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
