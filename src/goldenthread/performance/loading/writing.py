"""Writing checked rows: compared with the data held, then written in one transaction, set-based.

Observations are never overwritten: a new value for a key supersedes the current row
(``superseded_at`` set) and is inserted beside it, so every revision stays and "what did we
report last month?" has an answer. A row identical to the current one changes nothing, so
loading the same file twice writes nothing at all — not even a load batch. The current
observations a file could revise are read as columns of numbers (:mod:`.held`: one query on
PostgreSQL, one per metric on SQLite) and matched with the file's rows by one integer key; what
changes is written set-based by :mod:`.saving` (on PostgreSQL the superseded ids staged, one
UPDATE and one binary COPY of the new rows; batched inserts on SQLite). The observations are
their own audit trail (ADR 0012).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from goldenthread.performance.loading.checking import CheckedRows
from goldenthread.performance.loading.held import Held, held_texts, read_held
from goldenthread.performance.loading.newrows import Numbers
from goldenthread.performance.loading.options import LoadOptions
from goldenthread.performance.loading.preview import summarise
from goldenthread.performance.loading.reading import Table
from goldenthread.performance.loading.report import LoadReport, Progress
from goldenthread.performance.loading.saving import BATCH_SIZE, NewRows, Stamp, save_rows
from goldenthread.planfile.fields import stored_decimal

if TYPE_CHECKING:
    from goldenthread.performance.models import LoadBatch
    from goldenthread.plans.models import Plan

__all__ = ["BATCH_SIZE", "ID_CHUNK", "write"]

#: ids per ``pk IN (...)`` query: under SQLite's oldest limit on query parameters
ID_CHUNK = 900


def write(
    rows: CheckedRows, plan: Plan, table: Table, report: LoadReport, how: LoadOptions, progress: Progress
) -> LoadReport:
    """Count what the rows change and, unless a dry run or nothing changes, write them."""
    from django.db import transaction

    n = len(rows.lines)
    progress("Comparing", 0, n)
    changes = _compare(rows)
    report.created = int((~changes.matched).sum())
    report.revised = len(changes.superseded)
    report.unchanged = int(changes.same.sum())
    report.units_added = list(rows.new_units)
    progress("Comparing", n, n)
    if how.dry_run:
        report.preview, report.preview_total = summarise(rows, changes.matched, changes.same, plan)
    if how.dry_run or not report.changed:
        return report
    with transaction.atomic():
        batch = _save(rows, changes, plan, table, report, how, progress)
    report.batch = batch
    return report


# --- comparing ----------------------------------------------------------------------------------


def _decimal(texts: np.ndarray, i: int) -> Decimal:
    return stored_decimal(Decimal(texts[i]))


def _stored(values: np.ndarray, exact: Any) -> tuple[Numbers, np.ndarray]:
    """Numbers as the database will hold them (8 decimal places): (the numbers to write, floats to compare).

    A float is written where it carries the number exactly to 8 places — below 10 million, or a
    whole number below 2**53 — which is nearly always; PostgreSQL's numeric then rounds it
    exactly and SQLite stores it as it does any decimal, as a double. Other numbers are written
    as Decimals worked out from the text (``exact(i)``) and rounded as both databases hold them
    (:func:`goldenthread.planfile.fields.stored_decimal`), so SQLite and PostgreSQL hold the same
    number, and the floats compared are those numbers (the floats written, too, where no
    Decimal is).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        small = np.abs(values) < 1e7
        # (np.round of a large whole number is off in its last digit: those keep their float)
        rounded = np.where(small, np.round(values, 8), values)
    large = np.flatnonzero(~small & ~np.isnan(values))
    whole = (values[large] == np.floor(values[large])) & (np.abs(values[large]) < 2.0**53)
    decimals: dict[int, Decimal] = {}
    for i in large[~whole].tolist():
        decimals[i] = exact(i)
        rounded[i] = float(decimals[i])
    return Numbers(rounded, decimals), rounded


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal to 8 decimal places, allowing for the last bits of a double (both NaN: equal)."""
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= 5e-10 + 4.5e-16 * np.abs(a)
    return close | (np.isnan(a) & np.isnan(b))


@dataclass
class _Changes:
    """What the rows change: which match a current observation, which of those are the same, the
    observation each revises (0: none), and the numbers as parameters to write."""

    matched: np.ndarray  # bool
    same: np.ndarray  # bool
    old_pk: np.ndarray  # int64
    value: Numbers
    numerator: Numbers
    denominator: Numbers
    texts: dict[str, tuple[np.ndarray, list[str]]]  # breakdown, status, source: codes into distinct texts

    @property
    def superseded(self) -> np.ndarray:
        return self.old_pk[self.matched & ~self.same]


def _compare(rows: CheckedRows) -> _Changes:
    """The rows against the current observations they could revise, read as columns
    (:mod:`.held`) and matched by one integer key."""
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
    texts = {name: rows.codes.get(name) or _codes(getattr(rows, name)) for name in ("breakdown", "status", "source")}
    n = len(rows.lines)
    known = rows.unit_id >= 0
    frame = pd.DataFrame({"metric_id": rows.metric_id[known], "period": rows.period[known]})
    ends = frame.groupby("metric_id")["period"].agg(["min", "max"])
    spans = [(int(m), int(low), int(high)) for m, low, high in zip(ends.index, ends["min"], ends["max"], strict=True)]
    with held_texts(*(texts[name][1] for name in ("breakdown", "status", "source"))):
        held = _current(spans)
    at = np.full(n, -1, dtype=np.int64)
    if len(held.pk):
        keys = [rows.metric_id, rows.unit_id, texts["breakdown"][0] + 1, rows.period]
        at[known] = _match([k[known] for k in keys], [held.metric_id, held.unit_id, held.breakdown, held.period])
    matched = at >= 0
    pick = np.where(matched, at, 0)
    same = matched.copy()
    if len(held.pk):
        same &= _same(value_cmp, held.value[pick]) & _same(numerator_cmp, held.numerator[pick])
        same &= _same(denominator_cmp, held.denominator[pick])
        same &= (held.status[pick] == texts["status"][0] + 1) & (held.source[pick] == texts["source"][0] + 1)
    old_pk = np.where(matched, held.pk[pick] if len(held.pk) else 0, 0).astype(np.int64)
    return _Changes(matched, same, old_pk, value_param, numerator_param, denominator_param, texts)


def _codes(texts: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each text as a number into the distinct texts (in order of first appearance)."""
    import pandas as pd

    if len(texts) and (texts == texts[0]).all():  # (one text in every row, as a load's source mostly is)
        return np.zeros(len(texts), dtype=np.int64), [str(texts[0])]
    codes, distinct = pd.factorize(texts)
    return codes.astype(np.int64), [str(t) for t in distinct]


def _match(mine: list[np.ndarray], theirs: list[np.ndarray]) -> np.ndarray:
    """For each row of the columns ``mine``, the row of ``theirs`` with the same values in every
    column (-1 for none); ``theirs`` has each combination once."""
    import pandas as pd

    n = len(mine[0])
    key = np.zeros(n + len(theirs[0]), dtype=np.int64)
    room = 1
    for a, b in zip(mine, theirs, strict=True):
        codes, distinct = pd.factorize(np.concatenate([a, b]))
        room *= max(len(distinct), 1)
        if room >= 2**62:  # (never for a file's keys: metrics × units × breakdowns × periods)
            index = pd.MultiIndex.from_arrays(theirs)
            return index.get_indexer(pd.MultiIndex.from_arrays(mine)).astype(np.int64)
        key = key * max(len(distinct), 1) + codes
    return pd.Index(key[n:]).get_indexer(key[:n]).astype(np.int64)


def _current(spans: list[tuple[int, int, int]]) -> Held:
    """The current observations of each metric within its span of days (metric, first day, last
    day), as columns (the texts compared as numbers into the file's, given by
    :func:`~.held.held_texts`): on PostgreSQL in one query for the whole file."""
    return read_held(spans)


# --- writing ------------------------------------------------------------------------------------


def _save(
    rows: CheckedRows,
    changes: _Changes,
    plan: Plan,
    table: Table,
    report: LoadReport,
    how: LoadOptions,
    progress: Progress,
) -> LoadBatch:
    """New org units, the load batch, superseded rows marked and new rows inserted, with their
    audit trail — inside the caller's transaction."""
    from django.utils import timezone

    from goldenthread.performance.models import LoadBatch
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
    new = np.flatnonzero(~changes.same)
    texts = changes.texts
    written = NewRows(
        rows.metric_id[new],
        unit_id[new],
        texts["breakdown"][0][new],
        rows.period[new],
        changes.value.take(new),
        changes.numerator.take(new),
        changes.denominator.take(new),
        texts["status"][0][new],
        texts["source"][0][new],
        texts["breakdown"][1],
        texts["status"][1],
        texts["source"][1],
        changes.old_pk[new],
    )
    save_rows(written, Stamp(batch.pk, user, now), progress)
    return batch
