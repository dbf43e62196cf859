"""Writing checked rows: compared with the data held, then written in one transaction, set-based.

Observations are never overwritten: a new value for a key supersedes the current row
(``superseded_at`` set) and is inserted beside it, so every revision stays and "what did we
report last month?" has an answer. A row identical to the current one changes nothing, so
loading the same file twice writes nothing at all — not even a load batch. The current
observations a file could revise are read with one query per metric, new rows go in with one
prepared INSERT (SQLite) or one COPY (PostgreSQL), and their audit trail with one
``INSERT … SELECT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from goldenthread.performance.loading.checking import CheckedRows
from goldenthread.performance.loading.periods import day, days
from goldenthread.performance.loading.preview import summarise
from goldenthread.performance.loading.reading import Table
from goldenthread.performance.loading.report import LoadReport, Progress
from goldenthread.planfile.fields import stored_decimal

if TYPE_CHECKING:
    from django.db.models import Model

    from goldenthread.performance.models import LoadBatch
    from goldenthread.plans.models import Plan

#: rows per INSERT batch (Django splits further where the database needs it)
BATCH_SIZE = 5000
#: ids per ``pk IN (...)`` query: under SQLite's oldest limit on query parameters
ID_CHUNK = 900


@dataclass(frozen=True)
class Writing:
    """How a load writes: the kind of org units to create for codes the plan lacks, the source of
    rows giving none, who loads, whether only to count, and whom to tell of progress."""

    add_units: str | None
    source: str
    user: Any
    dry_run: bool
    progress: Progress


def write(rows: CheckedRows, plan: Plan, table: Table, report: LoadReport, how: Writing) -> LoadReport:
    """Count what the rows change and, unless a dry run or nothing changes, write them."""
    from django.db import transaction

    n = len(rows.lines)
    how.progress("Comparing", 0, n)
    changes = _compare(rows)
    report.created = int((~changes.matched).sum())
    report.revised = len(changes.superseded)
    report.unchanged = int(changes.same.sum())
    report.units_added = list(rows.new_units)
    how.progress("Comparing", n, n)
    if how.dry_run:
        report.preview, report.preview_total = summarise(rows, changes.matched, changes.same, plan)
    if how.dry_run or not report.changed:
        return report
    with transaction.atomic():
        batch = _save(rows, changes, plan, table, report, how)
    report.batch = batch
    return report


# --- comparing ----------------------------------------------------------------------------------


def _decimal(texts: np.ndarray, i: int) -> Decimal:
    return stored_decimal(Decimal(texts[i]))


def _stored(values: np.ndarray, exact: Any) -> tuple[np.ndarray, np.ndarray]:
    """Numbers as the database will hold them (8 decimal places): (parameters to write, floats to compare).

    A float is written where it carries the number exactly to 8 places — below 10 million, or a
    whole number below 2**53 — which is nearly always; PostgreSQL's numeric then rounds it
    exactly and SQLite stores it as it does any decimal, as a double. Other numbers are written
    as Decimals worked out from the text (``exact(i)``) and rounded as both databases hold them
    (:func:`goldenthread.planfile.fields.stored_decimal`), so SQLite and PostgreSQL hold the same
    number, and the floats compared are those numbers.
    """
    rounded = values.copy()
    with np.errstate(invalid="ignore"):
        small = np.abs(values) < 1e7
    rounded[small] = np.round(values[small], 8)  # (np.round of a large whole number is off in its last digit)
    params = rounded.astype(object)
    params[np.isnan(values)] = None
    safe = np.isnan(values) | (np.abs(values) < 1e7) | ((values == np.floor(values)) & (np.abs(values) < 2.0**53))
    for i in np.flatnonzero(~safe):
        params[i] = exact(int(i))
        rounded[i] = float(params[i])
    return params, rounded


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal to 8 decimal places, allowing for the last bits of a double (both NaN: equal)."""
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= 5e-10 + 4.5e-16 * np.abs(a)
    return close | (np.isnan(a) & np.isnan(b))


@dataclass
class _Changes:
    """What the rows change: which match a current observation, which of those are the same, the
    observations they supersede, and the numbers as parameters to write."""

    matched: np.ndarray  # bool
    same: np.ndarray  # bool
    superseded: list[int]
    value: np.ndarray  # object: parameters
    numerator: np.ndarray
    denominator: np.ndarray


def _compare(rows: CheckedRows) -> _Changes:
    """The rows against the current observations they could revise (one query per metric)."""
    import pandas as pd

    value = rows.value.copy()
    worked_out = np.isnan(value) & ~np.isnan(rows.denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        value[worked_out] = rows.numerator[worked_out] / rows.denominator[worked_out]

    def exact_value(i: int) -> Decimal:
        if worked_out[i]:
            return stored_decimal(Decimal(rows.numerator_text[i]) / Decimal(rows.denominator_text[i]))
        return _decimal(rows.value_text, i)

    value_param, value_cmp = _stored(value, exact_value)
    numerator_param, numerator_cmp = _stored(rows.numerator, partial(_decimal, rows.numerator_text))
    denominator_param, denominator_cmp = _stored(rows.denominator, partial(_decimal, rows.denominator_text))
    n = len(rows.lines)
    new = pd.DataFrame(
        {"metric_id": rows.metric_id, "org_unit_id": rows.unit_id, "breakdown": rows.breakdown, "period": rows.period}
    )
    known = new[new.org_unit_id >= 0]
    old = [_current(int(m), int(p.min()), int(p.max())) for m, p in known.groupby("metric_id")["period"]]
    if not old:
        nothing = np.zeros(n, dtype=bool)
        return _Changes(nothing, nothing, [], value_param, numerator_param, denominator_param)
    merged = new.merge(
        pd.concat(old, ignore_index=True),
        how="left",
        on=["metric_id", "org_unit_id", "breakdown", "period"],
        sort=False,
    )
    matched = merged["old_pk"].notna().to_numpy()
    same = (
        matched
        & _same(value_cmp, merged["old_v"].to_numpy(dtype=float))
        & _same(numerator_cmp, merged["old_n"].to_numpy(dtype=float))
        & _same(denominator_cmp, merged["old_d"].to_numpy(dtype=float))
        & (merged["old_status"].to_numpy() == rows.status)
        & (merged["old_source"].to_numpy() == rows.source)
    )
    superseded = merged["old_pk"].to_numpy()[matched & ~same].astype(np.int64).tolist()
    return _Changes(matched, same, superseded, value_param, numerator_param, denominator_param)


_CURRENT = ["old_pk", "org_unit_id", "breakdown", "period", "old_v", "old_n", "old_d", "old_status", "old_source"]


def _current(metric_id: int, first: int, last: int):
    """The current observations of a metric within a span of days, as a DataFrame, in one query.

    Read with plain SQL so that a million rows come back as numbers — period as days since
    1970, values as doubles — without a Python conversion per value (Django would build a Date
    and a Decimal for each).
    """
    import pandas as pd
    from django.db import connection

    from goldenthread.performance.models import Observation

    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):  # pragma: no cover - the project runs on these two
        rows = _current_by_orm(metric_id, first, last)
    else:
        q = connection.ops.quote_name
        if vendor == "sqlite":
            period = f"CAST(julianday(o.{q('period_start')}) - 2440587.5 AS INTEGER)"
            number = "o.{}".format
        else:
            period = f"(o.{q('period_start')} - DATE '1970-01-01')"
            number = "CAST(o.{} AS DOUBLE PRECISION)".format
        sql = (
            f"SELECT o.{q('id')}, o.{q('org_unit_id')}, o.{q('breakdown')}, {period}, {number(q('value'))}, "
            f"{number(q('numerator'))}, {number(q('denominator'))}, o.{q('status')}, o.{q('source')} "
            f"FROM {q(Observation._meta.db_table)} o WHERE o.{q('metric_id')} = %s "
            f"AND o.{q('superseded_at')} IS NULL AND o.{q('period_start')} >= %s AND o.{q('period_start')} <= %s"
        )
        ops = connection.ops
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [metric_id, ops.adapt_datefield_value(day(first)), ops.adapt_datefield_value(day(last))]
            )
            rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=_CURRENT)
    frame["metric_id"] = metric_id
    return frame.astype(
        {
            "old_pk": np.int64,
            "org_unit_id": np.int64,
            "period": np.int64,
            "breakdown": object,
            "old_v": float,
            "old_n": float,
            "old_d": float,
            "old_status": object,
            "old_source": object,
        }
    )


def _current_by_orm(metric_id: int, first: int, last: int) -> list[tuple]:  # pragma: no cover
    """:func:`_current`'s rows through the ORM, for a database without its SQL."""
    from goldenthread.performance.models import Observation

    rows = Observation.objects.filter(
        metric_id=metric_id, superseded_at=None, period_start__range=(day(first), day(last))
    ).values_list(
        "pk", "org_unit_id", "breakdown", "period_start", "value", "numerator", "denominator", "status", "source"
    )
    return [
        (r[0], r[1], r[2], days(r[3]), *(None if x is None else float(x) for x in r[4:7]), r[7], r[8]) for r in rows
    ]


# --- writing ------------------------------------------------------------------------------------


def _save(
    rows: CheckedRows, changes: _Changes, plan: Plan, table: Table, report: LoadReport, how: Writing
) -> LoadBatch:
    """New org units, the load batch, superseded rows marked and new rows inserted, with their
    audit trail — inside the caller's transaction."""
    from django.utils import timezone

    from goldenthread.performance.models import LoadBatch, Observation
    from goldenthread.performance.units import add_units as create_units

    user = how.user if how.user is not None and getattr(how.user, "is_authenticated", False) else None
    source = how.source
    now = timezone.now()
    unit_id = rows.unit_id
    if rows.new_units:
        ids = create_units(
            plan, rows.new_units, how.add_units, source=source or f"added by loading {table.name}", user=user
        )
        unit_id = unit_id.copy()
        missing = unit_id < 0
        unit_id[missing] = [ids[c] for c in rows.unit_code[missing]]
    batch = LoadBatch.objects.create(
        plan=plan,
        file_name=Path(table.name).name[:500],
        sha256=table.sha256,
        source=source[:500],
        rows_read=report.rows_read,
        rows_created=report.created,
        rows_revised=report.revised,
        rows_unchanged=report.unchanged,
        units_added=len(rows.new_units),
        loaded_by=user,
    )
    for start in range(0, len(changes.superseded), ID_CHUNK):
        chunk = changes.superseded[start : start + ID_CHUNK]
        Observation.objects.filter(pk__in=chunk).update(superseded_at=now)
        _record_history("~", f"id IN ({', '.join(['%s'] * len(chunk))})", chunk, user, now)
    new = np.flatnonzero(~changes.same)
    columns = {
        "metric": rows.metric_id[new].tolist(),
        "org_unit": unit_id[new].tolist(),
        "breakdown": rows.breakdown[new].tolist(),
        "period_start": rows.period[new],
        "value": changes.value[new].tolist(),
        "numerator": changes.numerator[new].tolist(),
        "denominator": changes.denominator[new].tolist(),
        "status": rows.status[new].tolist(),
        "source": rows.source[new].tolist(),
    }
    _insert(columns, batch.pk, user, now, how.progress)
    _record_history("+", "batch_id = %s", [batch.pk], user, now)
    return batch


def _column(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field."""
    from django.db.models import Field

    found = model._meta.get_field(name)
    assert isinstance(found, Field) and found.column is not None, name
    return found.column


def _insert(columns: dict[str, Any], batch_id: int, user, now, progress: Progress) -> None:
    """Insert the new observations, in batches: one prepared INSERT run over the rows (SQLite), or
    one COPY streaming them (PostgreSQL).

    Django's ``bulk_create`` compiles SQL for every row and field, which measured at about a
    thousand rows a second here; these do the same work dozens of times faster. Dates and times
    are adapted by the database backend's own operations, as Django would adapt them.
    """
    from django.db import connection

    from goldenthread.performance.models import Observation

    ops = connection.ops
    table = ops.quote_name(Observation._meta.db_table)
    names = [*columns, "batch", "loaded_at", "loaded_by", "superseded_at"]
    columns_sql = ", ".join(ops.quote_name(_column(Observation, n)) for n in names)
    adapted = {int(d): ops.adapt_datefield_value(day(d)) for d in np.unique(columns["period_start"])}
    columns = {**columns, "period_start": [adapted[d] for d in columns["period_start"].tolist()]}
    total = len(columns["metric"])
    fixed = (batch_id, ops.adapt_datetimefield_value(now), user.pk if user is not None else None, None)
    rows = zip(*columns.values(), *(repeat(x, total) for x in fixed), strict=True)
    progress("Writing", 0, total)
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: far faster than row-by-row round trips
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns_sql}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if done % BATCH_SIZE == 0:
                        progress("Writing", done, total)
            progress("Writing", done, total)
            return
        sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({', '.join(['%s'] * len(names))})"
        while done < total:
            chunk = list(islice(rows, BATCH_SIZE))
            cursor.executemany(sql, chunk)
            done += len(chunk)
            progress("Writing", done, total)


def _record_history(kind: str, where: str, params: list, user, when) -> None:
    """The audit trail's rows for observations this load created ("+") or superseded ("~").

    Bulk writes bypass django-simple-history's signals, so the audit trail asks them to record
    their own history (goldenthread.audit.records). Its ``record`` builds a history object per
    row in Python; for a load of a million rows this copies the rows inside the database
    instead, with one ``INSERT … SELECT`` per batch, into the same history table with the same
    columns ``record`` fills (who, when, the kind of change, no dependent-row snapshot).
    """
    from django.db import connection

    from goldenthread.audit import records as audit
    from goldenthread.performance.models import Observation

    if not audit.is_audited(Observation):
        return
    history = audit.history_model(Observation)
    tracked = {f.attname: f.column for f in history.tracked_fields}  # type: ignore[attr-defined]  # set by simple-history
    ops = connection.ops
    given = {
        "history_date": ops.adapt_datetimefield_value(when),
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
        columns.append(ops.quote_name(_column(history, f.name)))
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
