"""Saving a load's changes, set-based, inside the caller's transaction: the current rows a file
revises marked superseded, the new and revised rows inserted. The observations are their own
audit trail (each row says which load wrote it, who, when, and when it was superseded: ADR 0012),
so nothing is copied elsewhere.

PostgreSQL: the ids of the rows revised go in one binary COPY into a temporary table and one
``UPDATE`` supersedes them; then the rows to write go straight into the observations in one
binary COPY, in file order, laid out by NumPy (:mod:`.copying`). Superseding comes first, so the
unique index of current rows (one per key) holds at every statement; a key another load wrote
meanwhile breaks it, and the IntegrityError rolls all back. Each metric's observations are a
table of their own (migration performance 0008, ADR 0013): a metric that gets its first rows,
many of them, has that table's primary key and unique index dropped before the COPY and built
after it, sorted, in one pass each, instead of an entry written per row (a key held twice then
fails the build, with the same IntegrityError).

SQLite: one prepared INSERT run over the rows in batches and the superseded ids in a temporary
table, in the one (IMMEDIATE) transaction, with a larger page cache for the load's connection
while it writes (never the journal or synchronous settings: committed data stays as safe).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice, repeat
from typing import TYPE_CHECKING

import numpy as np

from goldenthread.performance.loading.newrows import NewRows, Stamp
from goldenthread.performance.loading.periods import day
from goldenthread.performance.loading.report import Progress

if TYPE_CHECKING:
    from django.db.models import Model

__all__ = ["BATCH_SIZE", "NewRows", "Stamp", "column_of", "metric_table", "save_rows"]

#: rows per INSERT batch (SQLite) and per block of the COPY (PostgreSQL)
BATCH_SIZE = 5000
#: the temporary table of a load (the ids it supersedes), dropped when it has written
STAGE = "goldenthread_load_stage"
#: a metric's rows in one load from which, when it held none, its table's indexes are built after
#: the COPY instead of written row by row (PostgreSQL: :func:`_first_rows_unindexed`)
FIRST_ROWS = 10_000
#: said 'on' while a load's COPY runs, its parents locked: the insert trigger then checks nothing
PARENTS_LOCKED = "goldenthread.parents_locked"


def save_rows(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """Supersede the rows ``rows`` revise and insert ``rows``."""
    from django.db import connection

    if connection.vendor == "postgresql":
        _save_postgres(rows, stamp, progress)
    else:
        _save_rows(rows, stamp, progress)


# --- PostgreSQL ---------------------------------------------------------------------------------

_NUMBERS = ("value", "numerator", "denominator")
#: the fields of an observation a load writes, in the order of its INSERT (SQLite)
_COLUMNS = ["metric", "org_unit", "breakdown", "period_start", *_NUMBERS, "status", "source"]
_COLUMNS += ["batch", "loaded_at", "loaded_by", "superseded_at"]


def _save_postgres(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """The ids of the rows superseded staged with one binary COPY and marked with one UPDATE;
    then the rows copied straight into the observations with one binary COPY (:mod:`.copying`)."""
    from django.db import connection

    from goldenthread.performance.loading.copying import CopyRows
    from goldenthread.performance.models import Observation

    superseded = rows.old_pk[rows.old_pk > 0]
    if superseded.size:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (old_id BIGINT)")
        ids = np.zeros(len(superseded), dtype=[("fields", ">i2"), ("length", ">i4"), ("id", ">i8")])
        ids["fields"], ids["length"], ids["id"] = 1, 8, superseded
        blocks = [b"PGCOPY\n\xff\r\n\x00" + bytes(8), ids.tobytes(), b"\xff\xff"]
        _copy(f"COPY {STAGE} (old_id) FROM STDIN (FORMAT BINARY)", blocks, None, 0)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {STAGE}")
        _supersede(f"SELECT old_id FROM {STAGE}", stamp, rows.metric_id[rows.old_pk > 0])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGE}")
    q = connection.ops.quote_name
    copied = CopyRows(rows, stamp, _defaults())
    columns = ", ".join(q(column_of(Observation, name)) for name in copied.columns)
    sql = f"COPY {q(Observation._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
    _lock_parents(rows, stamp)
    emptied = _first_rows_unindexed(rows)
    with connection.cursor() as cursor:  # (migration performance 0004: the insert trigger then checks nothing)
        cursor.execute(f"SET LOCAL {PARENTS_LOCKED} = 'on'")
    _copy(sql, copied.blocks(), progress, len(rows))
    with connection.cursor() as cursor:  # any later insert in this transaction is checked again
        cursor.execute(f"SET LOCAL {PARENTS_LOCKED} = 'off'")
        for metric in emptied:  # (a row a key already held, or held twice, breaks the unique index here)
            cursor.execute("SELECT goldenthread_observation_indexes(%s, true)", [metric])


def _first_rows_unindexed(rows: NewRows) -> list[int]:
    """The metrics that get at least :data:`FIRST_ROWS` rows from this load and held none, their
    tables' primary key and unique index of current rows dropped for the COPY, to be built again
    after it, sorted, in one pass each (migration performance 0008: a table of its own for each
    metric). Their tables stay locked to others until the load commits; a metric that already
    holds rows (another load's, committed meanwhile) keeps its indexes."""
    from django.db import connection

    metrics, counts = np.unique(rows.metric_id, return_counts=True)
    many = metrics[counts >= FIRST_ROWS]
    if not many.size:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT goldenthread_observation_bulk(%s::bigint[])", [many.tolist()])
        return list(cursor.fetchone()[0])


def _defaults() -> dict[str, str | None]:
    """Each field of an observation the database has a column for, with the SQL of the column's
    default (None: it has none, so a COPY that leaves the column out writes NULL; an identity or
    generated column counts as having one). What a load may leave out of its COPY
    (:class:`.copying.CopyRows`) is read from the database itself, not assumed."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, CASE WHEN a.attidentity <> '' OR a.attgenerated <> '' THEN 'generated' "
            "ELSE pg_get_expr(d.adbin, d.adrelid) END "
            "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [connection.ops.quote_name(Observation._meta.db_table)],
        )
        by_column = dict(cursor.fetchall())
    fields = [f for f in Observation._meta.concrete_fields if f.column in by_column]
    return {f.name: by_column[f.column] for f in fields}


def _lock_parents(rows: NewRows, stamp: Stamp) -> None:
    """The parents of the rows (their metrics and org units, the batch, who loads) locked FOR KEY
    SHARE until the load commits, as a foreign key's check locks them, so none can be deleted
    under the rows; an IntegrityError when one is not there."""
    from django.db import IntegrityError, connection

    from goldenthread.performance.models import Observation

    parents = {
        "metric": np.unique(rows.metric_id).tolist(),
        "org_unit": np.unique(rows.unit_id).tolist(),
        "batch": [stamp.batch_id],
        "loaded_by": [stamp.user.pk] if stamp.user is not None else [],
    }
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, ids in parents.items():
            remote = Observation._meta.get_field(name).remote_field
            assert remote is not None
            table = q(remote.model._meta.db_table)
            sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} p WHERE p.{q('id')} = ANY(%s) FOR KEY SHARE OF p) x"
            cursor.execute(sql, [ids])
            if cursor.fetchone()[0] != len(ids):
                raise IntegrityError(f"an observation's {name} is not there (another change removed it meanwhile)")


def _copy(sql: str, blocks: Iterable[bytes | memoryview], progress: Progress | None, total: int) -> None:
    """COPY the bytes ``blocks`` with ``sql`` … FROM STDIN, telling ``progress`` of the rows
    written (``total`` in all; the blocks after the header are of BLOCK rows each)."""
    from django.db import connection

    from goldenthread.performance.loading.copying import BLOCK

    if progress is not None:
        progress("Writing", 0, total)
    from psycopg.copy import QueuedLibpqWriter

    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        # blocks handed to a thread that sends them, so the next is laid out while the server
        # takes this one
        with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
            for k, block in enumerate(blocks):
                copy.write(block)
                if progress is not None and k:
                    progress("Writing", min(k * BLOCK, total), total)


def _supersede(ids: str, stamp: Stamp, metrics: np.ndarray) -> None:
    """Mark superseded the observations whose ids the subquery ``ids`` gives, of ``metrics`` (on
    PostgreSQL the tables of those metrics alone are searched: migration performance 0008)."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    q = connection.ops.quote_name
    among = np.unique(metrics).tolist()
    sql = (
        f"UPDATE {q(Observation._meta.db_table)} SET {q('superseded_at')} = %s "
        f"WHERE {q('metric_id')} IN ({', '.join(['%s'] * len(among))}) AND {q('id')} IN ({ids})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(stamp.now), *among])


# --- SQLite (and any other database) ------------------------------------------------------------


@contextmanager
def _page_cache(pages_kib: int) -> Iterator[None]:
    """SQLite's page cache for this connection raised to ``pages_kib`` while the block runs."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(pages_kib)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _save_rows(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """Superseded ids through a temporary table, then one prepared INSERT over the rows in batches."""
    from django.db import connection

    with _page_cache(256 * 1024):
        superseded = rows.old_pk[rows.old_pk > 0]
        if superseded.size:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
                cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (old_id INTEGER PRIMARY KEY)")
                cursor.executemany(f"INSERT INTO temp.{STAGE} (old_id) VALUES (%s)", [(int(i),) for i in superseded])
            _supersede(f"SELECT old_id FROM temp.{STAGE}", stamp, rows.metric_id[rows.old_pk > 0])
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE temp.{STAGE}")
        _insert_rows(rows, stamp, progress)


def _insert_rows(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """One prepared INSERT run over the rows in batches; dates and times adapted by the database
    backend's own operations, as Django would adapt them."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    ops = connection.ops
    names = _COLUMNS
    columns_sql = ", ".join(ops.quote_name(column_of(Observation, n)) for n in names)
    adapted = {int(d): ops.adapt_datefield_value(day(d)) for d in np.unique(rows.period)}
    texts = [np.array(t + [""], dtype=object) for t in (rows.breakdown_texts, rows.status_texts, rows.source_texts)]
    columns = [
        rows.metric_id.tolist(),
        rows.unit_id.tolist(),
        texts[0][rows.breakdown].tolist(),
        [adapted[d] for d in rows.period.tolist()],
        rows.value.params().tolist(),
        rows.numerator.params().tolist(),
        rows.denominator.params().tolist(),
        texts[1][rows.status].tolist(),
        texts[2][rows.source].tolist(),
    ]
    total = len(rows)
    user = stamp.user.pk if stamp.user is not None else None
    fixed = (stamp.batch_id, ops.adapt_datetimefield_value(stamp.now), user, None)
    values = zip(*columns, *(repeat(x, total) for x in fixed), strict=True)
    table = ops.quote_name(Observation._meta.db_table)
    sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({', '.join(['%s'] * len(names))})"
    progress("Writing", 0, total)
    done = 0
    with connection.cursor() as cursor:
        while done < total:
            chunk = list(islice(values, BATCH_SIZE))
            cursor.executemany(sql, chunk)
            done += len(chunk)
            progress("Writing", done, total)


# --- columns ------------------------------------------------------------------------------------


def metric_table(metric_id: int) -> str:
    """PostgreSQL: the name of the table (a partition of the observations) that holds a metric's
    observations (migration performance 0008)."""
    from goldenthread.performance.models import Observation

    return f"{Observation._meta.db_table}_m{int(metric_id)}"


def column_of(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field."""
    from django.db.models import Field

    found = model._meta.get_field(name)
    assert isinstance(found, Field) and found.column is not None, name
    return found.column
