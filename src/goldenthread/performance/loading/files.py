"""Loading several files in turn, each its own load (all or nothing), the next one read and checked
while the one before is written — and, on PostgreSQL, two files written at once.

A national return comes as many files (the loader takes at most 10 million values a file). Each
file is loaded exactly as ``data load FILE`` loads it alone: checked, then written in one
transaction, or reported with its problems and nothing written. What this module adds is the
overlap: reading and checking a file is the loader's own work (the CSV parser, NumPy and pandas,
which ask nothing of the database: :class:`~.checking.PlanCodes`), and writing is mostly the
database server's (the COPY, its indexes), so while file *k* is written the next file is read and
checked in a thread of its own (the second file's checking starts beside the first's), and the
processes keep both cores busy instead of taking turns.

A PostgreSQL backend is one process: one file's COPY keeps one core busy at most. So on
PostgreSQL, outside a transaction of the caller's, up to :data:`WRITERS` files are written at
once, each by a thread of its own on a connection of its own in a transaction of its own (still
all or nothing, file by file). A file is compared with the data held when its writing starts, so
it sees every file before it that has been written; a file is written beside another only when
the two share no metric and period (so neither could revise, or collide with, the other's rows),
else it waits for the ones before it. Outcomes are given in file order. With ``add_units`` the
files are checked and written in turn (a file may name units that the one before it adds).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from goldenthread.performance.loading.checking import PlanCodes, plan_codes
from goldenthread.performance.loading.load import Checked, check_table, options_for, write_checked
from goldenthread.performance.loading.options import LoadOptions
from goldenthread.performance.loading.reading import read_table
from goldenthread.performance.loading.report import LoadReport, Progress, no_progress
from goldenthread.performance.loading.saving import column_of, metric_table

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan

#: the observations' columns the figures' and loads' queries select by (their statistics refreshed
#: after a large load: :func:`refresh_statistics`)
_SELECTED_BY = ("metric", "org_unit", "period_start", "breakdown", "superseded_at")
#: the statistics target of the quick statistics after a first load (:func:`refresh_statistics`)
QUICK_SAMPLE = 10
#: files written at once on PostgreSQL (a backend each: the machine's cores, within reason)
WRITERS = 2


@dataclass
class FileLoad:
    """One file's outcome: its report, or the error that kept it from being read."""

    path: str
    report: LoadReport | None = None
    error: OSError | None = None
    #: the metrics of the file's rows (their ids), once it is checked
    metrics: np.ndarray | None = None


def load_files(
    paths: Sequence[str | Path], plan: Plan, *, progress: Progress | None = None, **options: Any
) -> Iterator[FileLoad]:
    """Load each of ``paths`` into ``plan``, yielding each file's outcome in file order as it is
    written (``options``: :class:`~.load.LoadOptions`). A file with problems, or one that cannot
    be read, leaves the others to load. ``progress`` hears of the files being written (and of the
    first file's checking); the next file's checking runs beside them unannounced."""
    how = options_for(options)
    progress = _one_at_a_time(progress or no_progress)
    names = [str(p) for p in paths]
    written: list[np.ndarray] = []
    loads = _in_turn if how.add_units is not None else _overlapped
    for outcome in loads(names, plan, how, progress):
        if _written(outcome) and outcome.metrics is not None:
            written.append(outcome.metrics)
        yield outcome
    if written:
        refresh_statistics(np.unique(np.concatenate(written)).tolist())


def _overlapped(names: list[str], plan: Plan, how: LoadOptions, progress: Progress) -> Iterator[FileLoad]:
    """The files read and checked a file ahead of their writing, and on PostgreSQL written up to
    :data:`WRITERS` at once (see the module)."""
    codes = plan_codes(plan)
    writers = _writers()
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="goldenthread-check") as checks,
        ThreadPoolExecutor(max_workers=writers, thread_name_prefix="goldenthread-write") as writes,
    ):
        queue = _Writing(writers, writes if writers > 1 else None)
        ahead: list[Future[Checked | OSError]] = []
        for k, name in enumerate(names):
            told = _telling(progress, name, len(names))
            if k + 1 < len(names):  # (the second file's checking starts beside the first's)
                ahead.append(checks.submit(_read_and_check, names[k + 1], codes, how, no_progress))
            checked = ahead.pop(0).result() if k else _read_and_check(name, codes, how, told)
            if isinstance(checked, OSError):
                yield from queue.add(FileLoad(name, error=checked), None, _nothing)
                continue
            footprint = _footprint(checked)
            outcome = FileLoad(name, metrics=np.unique(footprint >> 32))
            yield from queue.add(outcome, footprint, partial(write_checked, checked, plan, how, told))
        yield from queue.finish()


def _in_turn(names: list[str], plan: Plan, how: LoadOptions, progress: Progress) -> Iterator[FileLoad]:
    """Each file read, checked and written before the next is read (the units one adds are known
    to the next)."""
    for name in names:
        told = _telling(progress, name, len(names))
        checked = _read_and_check(name, plan_codes(plan), how, told)
        if isinstance(checked, OSError):
            yield FileLoad(name, error=checked)
        else:
            metrics = np.unique(checked.rows.metric_id) if checked.rows is not None else None
            yield FileLoad(name, write_checked(checked, plan, how, told), metrics=metrics)


def _writers() -> int:
    """How many files may be written at once: :data:`WRITERS` on PostgreSQL, outside a
    transaction of the caller's (whose writes a connection of another thread would not see);
    otherwise one, on the caller's own connection (SQLite has one writer at a time anyway)."""
    from django.db import connection

    return WRITERS if connection.vendor == "postgresql" and not connection.in_atomic_block else 1


def _written(outcome: FileLoad) -> int:
    report = outcome.report
    return report.created + report.revised if report is not None and report.batch is not None else 0


def refresh_statistics(metrics: list[int]) -> None:
    """PostgreSQL: the planner's statistics gathered (``ANALYZE`` of the columns queries select
    by) for the tables of ``metrics`` (each metric's observations are a table of their own:
    migration performance 0008) that have none yet — the tables a first load filled. Autovacuum
    would, but up to a minute later: until then the figures of a first load's data were planned
    as for an empty table (index scans fetching every row from the table: an assessment of 2.4
    million rows 4.9 s straight after the load, 2.9 s after ``ANALYZE``). At the statistics
    target :data:`QUICK_SAMPLE` (a sample of 3,000 rows a table) this takes under half a second
    for 40 tables of 60,000 rows; autovacuum gathers the full statistics later, as the rows
    written count towards its threshold. Outside any transaction of the caller's."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    if not metrics or connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    parts = [metric_table(m) for m in metrics]
    q = connection.ops.quote_name
    columns = ", ".join(q(column_of(Observation, name)) for name in _SELECTED_BY)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r' "
            "AND c.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_stats s "
            "WHERE s.schemaname = current_schema() AND s.tablename = c.relname)",
            [parts],
        )
        bare = [name for (name,) in cursor.fetchall()]
        if bare:
            cursor.execute(f"SET default_statistics_target = {QUICK_SAMPLE}")
            try:
                for name in bare:
                    cursor.execute(f"ANALYZE {q(name)} ({columns})")
            finally:
                cursor.execute("RESET default_statistics_target")


def _footprint(checked: Checked) -> np.ndarray:
    """The distinct (metric, period) pairs of a file's rows, as numbers: two files whose
    footprints are apart share no key."""
    rows = checked.rows
    if rows is None or checked.problems:
        return np.zeros(0, dtype=np.int64)
    return np.unique((rows.metric_id.astype(np.int64) << 32) + (rows.period.astype(np.int64) + 2**31))


class _Writing:
    """Files being written, in file order: each written on the caller's thread (one writer), or
    handed to a pool of writers, each started once it shares no key with the files being written
    and a writer is free. Outcomes come out in file order."""

    def __init__(self, writers: int, pool: ThreadPoolExecutor | None) -> None:
        self.writers, self.pool = writers, pool
        self.running: deque[tuple[FileLoad, Future[LoadReport | None], np.ndarray]] = deque()

    def add(
        self, outcome: FileLoad, footprint: np.ndarray | None, work: Callable[[], LoadReport | None]
    ) -> Iterator[FileLoad]:
        """Write a file (``work`` gives its report), yielding the outcomes of the files before it
        as they finish."""
        if self.pool is None:
            outcome.report = work()
            yield outcome
            return
        while self.running and (len(self.running) >= self.writers or self._meets(footprint)):
            yield self._done()
        self.running.append(
            (
                outcome,
                self.pool.submit(_apart, work),
                footprint if footprint is not None else np.zeros(0, dtype=np.int64),
            )
        )
        while self.running and self.running[0][1].done():
            yield self._done()

    def finish(self) -> Iterator[FileLoad]:
        while self.running:
            yield self._done()

    def _meets(self, footprint: np.ndarray | None) -> bool:
        return footprint is not None and any(
            np.intersect1d(footprint, f, assume_unique=True).size for _, _, f in self.running
        )

    def _done(self) -> FileLoad:
        outcome, future, _ = self.running.popleft()
        outcome.report = future.result()
        return outcome


def _nothing() -> None:
    """No writing (a file that could not be read)."""


def _apart(work: Callable[[], LoadReport | None]) -> LoadReport | None:
    """``work`` on a writer's thread, whose database connection is closed when it is done."""
    from django.db import connection

    try:
        return work()
    finally:
        connection.close()


def _one_at_a_time(progress: Progress) -> Progress:
    """``progress``, told by one thread at a time (files written at once each tell it)."""
    lock = threading.Lock()

    def told(stage: str, done: int, total: int) -> None:
        with lock:
            progress(stage, done, total)

    return told


def _telling(progress: Progress, name: str, files: int) -> Progress:
    """``progress``, its stages named after the file when there are several."""
    if files == 1:
        return progress
    label = Path(name).name
    return lambda stage, done, total: progress(f"{label}: {stage}", done, total)


def _read_and_check(path: str, codes: PlanCodes, how: LoadOptions, progress: Progress) -> Checked | OSError:
    """Read a file and check every row, asking nothing of the database; the error when the file
    cannot be read."""
    progress("Reading", 0, 1)
    try:
        table = read_table(path)
    except OSError as exc:
        return exc
    progress("Reading", 1, 1)
    return check_table(table, codes, how, progress)
