"""The data held: the current observations a file could revise, read as columns of numbers.

A reload of a million rows compares a million held rows, so they are read without a Python
object per value where the database allows: PostgreSQL sends each column as one value, its
numbers in binary and fixed in width (texts as numbers into the file's own distinct texts, NULL
numbers as NaN), which NumPy reads in one step; SQLite's rows come through its cursor once. Either way the
texts compared — breakdown, status, source — come back as numbers into the file's distinct
texts (0: a text the file does not have), so matching and comparing are integer work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from goldenthread.performance.loading.periods import day, days


@dataclass
class Held:
    """The current observations of the file's metrics within its periods, as columns."""

    pk: np.ndarray  # int64
    metric_id: np.ndarray  # int64
    unit_id: np.ndarray  # int64
    breakdown: np.ndarray  # int64: 1 + the position among the file's breakdowns
    period: np.ndarray  # int64: days since 1970
    value: np.ndarray  # float, NaN where NULL
    numerator: np.ndarray
    denominator: np.ndarray
    status: np.ndarray  # int64: 1 + the position among the file's statuses, 0 for another
    source: np.ndarray  # int64: likewise among the file's sources

    @classmethod
    def concat(cls, parts: list[Held]) -> Held:
        fields = cls.__dataclass_fields__
        if not parts:
            return cls(**{f: np.zeros(0, dtype=float if f in _NUMBERS else np.int64) for f in fields})
        return cls(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


_NUMBERS = ("value", "numerator", "denominator")
_ORDER = ("pk", "unit_id", "breakdown", "period", "value", "numerator", "denominator", "status", "source")


#: the file's distinct breakdowns, statuses and sources, which held texts are numbered into
_TEXTS: ContextVar[tuple[list[str], list[str], list[str]]] = ContextVar("goldenthread_held_texts")


@contextmanager
def held_texts(breakdowns: list[str], statuses: list[str], sources: list[str]) -> Iterator[None]:
    """Number the texts of the rows :func:`read_held` reads inside the block into these lists."""
    token = _TEXTS.set((breakdowns, statuses, sources))
    try:
        yield
    finally:
        _TEXTS.reset(token)


def read_held(spans: list[tuple[int, int, int]]) -> Held:
    """The current observations of each metric of ``spans`` (metric id, first day, last day)
    within its span of days whose breakdown is one of the file's; texts as 1 + their position
    among the file's (:func:`held_texts`). PostgreSQL: one query for them all; else one a metric."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return _postgres(spans, *_TEXTS.get())
    return Held.concat([_rows(m, first, last, *_TEXTS.get()) for m, first, last in spans])


def _postgres(
    spans: list[tuple[int, int, int]], breakdowns: list[str], statuses: list[str], sources: list[str]
) -> Held:
    """Every metric's held rows in one query, as one row of columns: each column's values in
    PostgreSQL's binary form (``int8send`` …) joined into one bytea by ``string_agg``, which NumPy
    reads as an array (a row at a time would cost Python a call per row).

    The aggregates of one query see the rows in the same order, so the columns line up; every
    value is fixed in width (NULL numbers as NaN, texts as numbers into the file's). The metrics
    are also given as a constant array, so only their tables are read (each metric has its own:
    migration performance 0008; a join alone would not tell the planner which).
    """
    from django.db import connection

    from goldenthread.performance.models import Observation

    q = connection.ops.quote_name
    number = "float8send(COALESCE(CAST(o.{} AS DOUBLE PRECISION), 'NaN'))".format
    columns = [
        f"int8send(CAST(o.{q('id')} AS BIGINT))",
        f"int8send(CAST(o.{q('metric_id')} AS BIGINT))",
        f"int8send(CAST(o.{q('org_unit_id')} AS BIGINT))",
        "int8send(b.code)",
        f"int8send(CAST(o.{q('period_start')} - DATE '1970-01-01' AS BIGINT))",
        number(q("value")),
        number(q("numerator")),
        number(q("denominator")),
        "int8send(COALESCE(st.code, 0))",
        "int8send(COALESCE(so.code, 0))",
    ]
    aggregates = ", ".join(f"string_agg({c}, ''::bytea)" for c in columns)
    sql = (
        f"SELECT {aggregates} "
        "FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS s(metric_id, first_day, last_day) "
        f"JOIN {q(Observation._meta.db_table)} o ON o.{q('metric_id')} = s.metric_id "
        f"AND o.{q('metric_id')} = ANY(%s::bigint[]) "
        f"AND o.{q('superseded_at')} IS NULL AND o.{q('period_start')} BETWEEN s.first_day AND s.last_day "
        f"JOIN unnest(%s::text[]) WITH ORDINALITY b(text, code) ON b.text = o.{q('breakdown')} "
        f"LEFT JOIN unnest(%s::text[]) WITH ORDINALITY st(text, code) ON st.text = o.{q('status')} "
        f"LEFT JOIN unnest(%s::text[]) WITH ORDINALITY so(text, code) ON so.text = o.{q('source')}"
    )
    metrics = [m for m, _, _ in spans]
    firsts, lasts = [day(f) for _, f, _ in spans], [day(last) for _, _, last in spans]
    with connection.cursor() as cursor:
        cursor.execute(sql, [metrics, firsts, lasts, metrics, breakdowns, statuses, sources])
        got = cursor.fetchone()
    names = ("pk", "metric_id", *_ORDER[1:])
    return Held(
        **{
            name: np.frombuffer(bytes(data or b""), dtype=">f8" if name in _NUMBERS else ">i8").astype(
                float if name in _NUMBERS else np.int64
            )
            for name, data in zip(names, got, strict=True)
        }
    )


#: the most distinct texts numbered inside the query (a CASE of that many) rather than in Python
_NUMBERED_IN_SQL = 100


def _numbered(column: str, known: list[str]) -> tuple[str, list[str]]:
    """SQL numbering ``column``'s text as 1 + its position in ``known`` (0 for another), with its
    parameters — or the column itself when ``known`` is long (numbered in Python then)."""
    if len(known) > _NUMBERED_IN_SQL:
        return column, []
    cases = " ".join(f"WHEN %s THEN {k + 1}" for k in range(len(known)))
    return (f"CASE {column} {cases} ELSE 0 END" if known else "0"), list(known)


def _rows(
    metric_id: int, first: int, last: int, breakdowns: list[str], statuses: list[str], sources: list[str]
) -> Held:
    """One metric's held rows through the cursor (SQLite, or another database through Django):
    texts numbered inside the query when few (small numbers cost Python no object each)."""
    import pandas as pd
    from django.db import connection

    from goldenthread.performance.models import Observation

    q = connection.ops.quote_name
    texts = {"breakdown": breakdowns, "status": statuses, "source": sources}
    numbered = {name: _numbered(f"o.{q(name)}", known) for name, known in texts.items()}
    columns = ["o." + q(c) for c in ("id", "org_unit_id")] + [numbered["breakdown"][0]]
    columns += [f"CAST(o.{q('period_start')} AS TEXT)"]  # (as a column, SQLite would make a date of each)
    columns += ["o." + q(c) for c in ("value", "numerator", "denominator")]
    columns += [numbered["status"][0], numbered["source"][0]]
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(Observation._meta.db_table)} o "
        f"WHERE o.{q('metric_id')} = %s AND o.{q('superseded_at')} IS NULL "
        f"AND o.{q('period_start')} >= %s AND o.{q('period_start')} <= %s"
    )
    ops = connection.ops
    params: list[Any] = [*numbered["breakdown"][1], *numbered["status"][1], *numbered["source"][1], metric_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ops.adapt_datefield_value(day(first)), ops.adapt_datefield_value(day(last))])
        rows = cursor.fetchall()
    n = len(rows)
    got = list(zip(*rows, strict=True)) if rows else [()] * len(columns)

    def code(values: tuple, name: str) -> np.ndarray:
        if numbered[name][1] or not texts[name]:
            return np.array(values, dtype=np.int64)
        return pd.Index(texts[name], dtype=object).get_indexer(pd.Index(values, dtype=object)).astype(np.int64) + 1

    def number(values: tuple) -> np.ndarray:
        return np.array(values, dtype=float)  # (None is NaN)

    period_codes, period_texts = pd.factorize(np.array(got[3], dtype=object))
    period = np.array([days(date.fromisoformat(str(p)[:10])) for p in period_texts], dtype=np.int64)
    held = Held(
        pk=np.array(got[0], dtype=np.int64),
        metric_id=np.full(n, metric_id, dtype=np.int64),
        unit_id=np.array(got[1], dtype=np.int64),
        breakdown=code(got[2], "breakdown"),
        period=period[period_codes] if n else np.zeros(0, dtype=np.int64),
        value=number(got[4]),
        numerator=number(got[5]),
        denominator=number(got[6]),
        status=code(got[7], "status"),
        source=code(got[8], "source"),
    )
    return _only(held, held.breakdown > 0)


def _only(held: Held, keep: np.ndarray) -> Held:
    return Held(**{f: getattr(held, f)[keep] for f in Held.__dataclass_fields__})
