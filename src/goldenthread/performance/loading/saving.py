"""Saving a load's changes, set-based, inside the caller's transaction: the current rows a file
revises marked superseded, the new and revised rows inserted, and the audit trail of both.

PostgreSQL: the rows to write go in one binary COPY into a temporary staging table — every field
fixed in width, built by NumPy, the texts as numbers into the file's distinct texts — then one
``UPDATE … FROM`` supersedes the rows they revise and one ``INSERT … SELECT`` adds them, in file
order. Superseding comes first, so the unique index of current rows (one per key) holds at every
statement; a key another load wrote meanwhile breaks it, and the IntegrityError rolls all back.

SQLite: one prepared INSERT run over the rows in batches and the superseded ids in a temporary
table, in the one (IMMEDIATE) transaction, with a larger page cache for the load's connection
while it writes (never the journal or synchronous settings: committed data stays as safe).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice, repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from goldenthread.performance.loading.periods import day
from goldenthread.performance.loading.report import Progress

if TYPE_CHECKING:
    from django.db.models import Model

#: rows per INSERT batch (SQLite) and per block of the COPY (PostgreSQL)
BATCH_SIZE = 5000
#: the temporary tables of a load (PostgreSQL), dropped when it has written
STAGE, EXACT = "goldenthread_load_stage", "goldenthread_load_exact"
#: numbers below this write exactly through PostgreSQL's float-to-numeric cast (which prints 15
#: significant digits: 7 before the point and the 8 kept after it); others go as text, as written
#: (every Decimal is at least 1e7, and the margin takes in its rounding to a float)
_CAST_EXACT = 0.99e7


@dataclass
class NewRows:
    """The rows to insert, as columns; texts as numbers into their distinct texts (``*_texts``)."""

    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64
    breakdown: np.ndarray  # int64 codes into breakdown_texts
    period: np.ndarray  # int64: days since 1970
    value: np.ndarray  # object: float, Decimal or None, as written
    numerator: np.ndarray
    denominator: np.ndarray
    status: np.ndarray  # int64 codes into status_texts
    source: np.ndarray  # int64 codes into source_texts
    breakdown_texts: list[str]
    status_texts: list[str]
    source_texts: list[str]
    old_pk: np.ndarray  # int64: the current row each revises, 0 for a new key

    def __len__(self) -> int:
        return len(self.metric_id)


@dataclass(frozen=True)
class Stamp:
    """What every row of a load carries: its batch, who loaded it and when."""

    batch_id: int
    user: Any
    now: Any


def save_rows(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """Supersede the rows ``rows`` revise and insert ``rows``, with the audit trail of both."""
    from django.db import connection

    if connection.vendor == "postgresql":
        _save_postgres(rows, stamp, progress)
    else:
        _save_rows(rows, stamp, progress)
    record_history("+", "batch_id = %s", [stamp.batch_id], stamp)


# --- PostgreSQL ---------------------------------------------------------------------------------

_STAGE_FIELDS = [
    ("pos", ">i4", "INTEGER"),
    ("metric_id", ">i8", "BIGINT"),
    ("org_unit_id", ">i8", "BIGINT"),
    ("breakdown", ">i4", "INTEGER"),
    ("period", ">i4", "INTEGER"),
    ("value", ">f8", "DOUBLE PRECISION"),
    ("numerator", ">f8", "DOUBLE PRECISION"),
    ("denominator", ">f8", "DOUBLE PRECISION"),
    ("status", ">i4", "INTEGER"),
    ("source", ">i4", "INTEGER"),
    ("old_id", ">i8", "BIGINT"),
]
_NUMBERS = ("value", "numerator", "denominator")
#: the fields of an observation a load writes, in the order of its INSERT
_COLUMNS = ["metric", "org_unit", "breakdown", "period_start", *_NUMBERS, "status", "source"]
_COLUMNS += ["batch", "loaded_at", "loaded_by", "superseded_at"]


def _binary_rows(rows: NewRows) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The staging table's rows in PostgreSQL's binary COPY layout, and the numbers that go as
    text instead (Decimals, and floats too large for the cast to print exactly), by position."""
    dtype = np.dtype([("fields", ">i2")] + [f for name, kind, _ in _STAGE_FIELDS for f in _sized(name, kind)])
    out = np.zeros(len(rows), dtype=dtype)
    out["fields"] = len(_STAGE_FIELDS)
    for name, kind, _ in _STAGE_FIELDS:
        out[f"{name}_length"] = np.dtype(kind).itemsize
    out["pos"] = np.arange(len(rows))
    for name in ("metric_id", "breakdown", "period", "status", "source"):
        out[name] = getattr(rows, name) + (1 if name in ("breakdown", "status", "source") else 0)
    out["org_unit_id"], out["old_id"] = rows.unit_id, rows.old_pk
    exact: dict[str, np.ndarray] = {}
    for name in _NUMBERS:
        params = getattr(rows, name)
        floats = np.array(params, dtype=float)  # (None is NaN)
        out[name] = floats
        with np.errstate(invalid="ignore"):
            exact[name] = np.abs(floats) >= _CAST_EXACT
    return out, exact


def _sized(name: str, kind: str) -> list[tuple[str, str]]:
    return [(f"{name}_length", ">i4"), (name, kind)]


def _copy_binary(sql: str, rows: np.ndarray, progress: Progress) -> None:
    """COPY ``rows`` (a NumPy array in the binary layout) with ``sql`` … FROM STDIN (FORMAT BINARY)."""
    from django.db import connection

    total = len(rows)
    progress("Writing", 0, total)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + bytes(8))
        for start in range(0, total, BATCH_SIZE * 20):
            copy.write(rows[start : start + BATCH_SIZE * 20].tobytes())
            progress("Writing", min(start + BATCH_SIZE * 20, total), total)
        copy.write(b"\xff\xff")


def _save_postgres(rows: NewRows, stamp: Stamp, progress: Progress) -> None:
    """Stage the rows with one binary COPY, then supersede and insert with one statement each."""
    from django.db import connection

    staged, exact = _binary_rows(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}, {EXACT}")
        columns = ", ".join(f"{name} {kind}" for name, _, kind in _STAGE_FIELDS)
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {EXACT} (pos INTEGER PRIMARY KEY, value TEXT, numerator TEXT, denominator TEXT)"
        )
    _copy_binary(f"COPY {STAGE} FROM STDIN (FORMAT BINARY)", staged, progress)
    _stage_exact(rows, exact)
    with connection.cursor() as cursor:
        # the planner's figures for the staged rows (a new table has none: it would plan for one
        # row), and room to put a million of them in file order in memory, for this transaction
        cursor.execute(f"ANALYZE {STAGE}, {EXACT}")
        cursor.execute("SET LOCAL work_mem = '256MB'")
    _supersede(f"SELECT old_id FROM {STAGE} WHERE old_id > 0", stamp)
    _insert_staged(rows, stamp)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}, {EXACT}")


def _stage_exact(rows: NewRows, exact: dict[str, np.ndarray]) -> None:
    """The few numbers written as text (large or worked out exactly), by position."""
    from django.db import connection

    at = np.flatnonzero(exact["value"] | exact["numerator"] | exact["denominator"])
    if not at.size:
        return
    texts = {
        name: [
            str(p) if m and p is not None else None
            for p, m in zip(getattr(rows, name)[at], exact[name][at], strict=True)
        ]
        for name in _NUMBERS
    }
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {EXACT} (pos, value, numerator, denominator) FROM STDIN") as copy:
            for k, pos in enumerate(at.tolist()):
                copy.write_row((pos, texts["value"][k], texts["numerator"][k], texts["denominator"][k]))


def _insert_staged(rows: NewRows, stamp: Stamp) -> None:
    """One INSERT … SELECT of the staged rows, in file order (so their ids are too)."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    q = connection.ops.quote_name
    names = _COLUMNS
    columns = ", ".join(q(column_of(Observation, n)) for n in names)
    numbers = [f"COALESCE(CAST(e.{n} AS NUMERIC), CAST(NULLIF(s.{n}, 'NaN') AS NUMERIC))" for n in _NUMBERS]
    sql = (
        f"INSERT INTO {q(Observation._meta.db_table)} ({columns}) "
        f"SELECT s.metric_id, s.org_unit_id, b.text, DATE '1970-01-01' + s.period, {', '.join(numbers)}, "
        f"st.text, so.text, %s, %s, %s, NULL FROM {STAGE} s "
        "JOIN unnest(%s::text[]) WITH ORDINALITY b(text, code) ON b.code = s.breakdown "
        "JOIN unnest(%s::text[]) WITH ORDINALITY st(text, code) ON st.code = s.status "
        "JOIN unnest(%s::text[]) WITH ORDINALITY so(text, code) ON so.code = s.source "
        f"LEFT JOIN {EXACT} e ON e.pos = s.pos ORDER BY s.pos"
    )
    user = stamp.user.pk if stamp.user is not None else None
    params = [stamp.batch_id, stamp.now, user, rows.breakdown_texts, rows.status_texts, rows.source_texts]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _supersede(ids: str, stamp: Stamp) -> None:
    """Mark superseded the observations whose ids the subquery ``ids`` gives, and record it."""
    from django.db import connection

    from goldenthread.performance.models import Observation

    q = connection.ops.quote_name
    sql = f"UPDATE {q(Observation._meta.db_table)} SET {q('superseded_at')} = %s WHERE {q('id')} IN ({ids})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(stamp.now)])
    record_history("~", f"id IN ({ids}) ORDER BY o.id", [], stamp)  # (the trail in the order of the rows)


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
            _supersede(f"SELECT old_id FROM temp.{STAGE}", stamp)
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
        rows.value.tolist(),
        rows.numerator.tolist(),
        rows.denominator.tolist(),
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


# --- the audit trail ----------------------------------------------------------------------------


def column_of(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field."""
    from django.db.models import Field

    found = model._meta.get_field(name)
    assert isinstance(found, Field) and found.column is not None, name
    return found.column


def record_history(kind: str, where: str, params: list, stamp: Stamp) -> None:
    """The audit trail's rows for observations this load created ("+") or superseded ("~").

    Bulk writes bypass django-simple-history's signals, so the audit trail asks them to record
    their own history (goldenthread.audit.records). Its ``record`` builds a history object per
    row in Python; for a load of a million rows this copies the rows inside the database
    instead, with one ``INSERT … SELECT``, into the same history table with the same columns
    ``record`` fills (who, when, the kind of change, no dependent-row snapshot).
    """
    from django.db import connection

    from goldenthread.audit import records as audit
    from goldenthread.performance.models import Observation

    if not audit.is_audited(Observation):
        return
    history = audit.history_model(Observation)
    tracked = {f.attname: f.column for f in history.tracked_fields}  # type: ignore[attr-defined]  # set by simple-history
    ops = connection.ops
    user = stamp.user
    given = {
        "history_date": ops.adapt_datetimefield_value(stamp.now),
        "history_type": kind,
        "history_user_id": user.pk if user is not None else None,
        "history_username": user.get_username() if user is not None else "",
        "history_change_reason": None,
    }
    postgres = connection.vendor == "postgresql"
    columns, select, values = [], [], []
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(ops.quote_name(column_of(history, f.name)))
        if f.attname in tracked:
            select.append("o." + ops.quote_name(tracked[f.attname]))
            continue
        value = given[f.attname] if f.attname in given else f.get_db_prep_save(f.get_default(), connection)
        select.append(f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s")
        values.append(value)
    sql = (
        f"INSERT INTO {ops.quote_name(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {ops.quote_name(Observation._meta.db_table)} o WHERE o.{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values + list(params))
