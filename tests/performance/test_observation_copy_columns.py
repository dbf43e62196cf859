"""A load's COPY leaves out the columns whose every row holds what the database would put there
anyway (migration performance 0007, loading/copying.py's CopyRows), and the rows read back the
same either way."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from goldenthread.performance.loading import saving
from goldenthread.performance.loading.copying import COLUMNS, CopyRows
from goldenthread.performance.loading.newrows import NewRows, Numbers, Stamp
from goldenthread.performance.models import Observation

_VARCHAR = "'{}'::character varying"
_DEFAULTS = {"breakdown": _VARCHAR.format(""), "status": _VARCHAR.format("final"), "source": _VARCHAR.format("")}
#: every field of COLUMNS without a default, as the catalog gives them, but the three texts
_CATALOG = {name: None for name in COLUMNS} | _DEFAULTS


def _rows(status: list[str], source: str = "", breakdown: str = "") -> NewRows:
    n = len(status)
    codes = {t: k for k, t in enumerate(dict.fromkeys(status))}
    numbers = Numbers(np.arange(n, dtype=np.float64), {})
    return NewRows(
        np.ones(n, dtype=np.int64),
        np.arange(n, dtype=np.int64) + 1,
        np.zeros(n, dtype=np.int64),
        np.full(n, 17000, dtype=np.int64),
        numbers,
        numbers,
        numbers,
        np.array([codes[s] for s in status], dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        [breakdown],
        list(codes),
        [source],
        np.zeros(n, dtype=np.int64),
    )


def _stamp() -> Stamp:
    return Stamp(1, None, datetime(2026, 1, 1, tzinfo=UTC))


def test_columns_whose_every_row_is_the_default_are_left_out():
    copied = CopyRows(_rows(["final", "final"]), _stamp(), _CATALOG)
    left_out = {"superseded_at", "loaded_by", "breakdown", "status", "source"}
    assert copied.columns == [c for c in COLUMNS if c not in left_out]


def test_a_column_is_written_when_a_row_differs_from_its_default_or_it_has_none():
    assert "status" in CopyRows(_rows(["final", "provisional"]), _stamp(), _CATALOG).columns
    assert "status" in CopyRows(_rows(["provisional"]), _stamp(), _CATALOG).columns
    assert "source" in CopyRows(_rows(["final"], source="Trust return"), _stamp(), _CATALOG).columns
    assert "breakdown" in CopyRows(_rows(["final"], breakdown="sex=F"), _stamp(), _CATALOG).columns
    # no default in the catalog (before migration 0007), an unknown one, or a field not there
    assert CopyRows(_rows(["final"]), _stamp(), {}).columns == COLUMNS
    other = _CATALOG | {"status": "'final'::text || ''", "superseded_at": "now()"}
    assert {"status", "superseded_at"} <= set(CopyRows(_rows(["final"]), _stamp(), other).columns)
    quoted = CopyRows(_rows(["final"], source="it's"), _stamp(), _CATALOG | {"source": _VARCHAR.format("it''s")})
    assert "source" not in quoted.columns


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the COPY is PostgreSQL's (SQLite's loader inserts with parameters)")


def _copied(monkeypatch) -> list[str]:
    """The SQL of the COPYs into the observations a load runs (collected as it runs)."""
    seen: list[str] = []
    copy = saving._copy

    def spy(sql, blocks, progress, total):
        if Observation._meta.db_table in sql:
            seen.append(sql)
        return copy(sql, blocks, progress, total)

    monkeypatch.setattr(saving, "_copy", spy)
    return seen


def _fields() -> list[tuple]:
    return list(
        Observation.objects.order_by("metric__code", "org_unit__code", "period_start").values_list(
            "breakdown", "status", "source", "loaded_by", "superseded_at", "numerator"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_the_defaults_migration_forwards_and_back_and_the_rows_the_same_either_way(plan, write, monkeypatch):
    from goldenthread.performance.loading.load import load_file

    _postgres_only()
    assert saving._defaults()["status"] == _VARCHAR.format("final")
    seen = _copied(monkeypatch)
    text = "metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,1\nCNT,rx2,2016/17 Q1,2\n"
    assert load_file(write("a.csv", text), plan).created == 2
    assert '"status"' not in seen[-1] and '"superseded_at"' not in seen[-1] and '"metric_id"' in seen[-1]
    left_out = _fields()
    assert left_out == [("", "final", "", None, None, None)] * 2
    call_command("migrate", "performance", "0006", verbosity=0)
    assert {saving._defaults()[name] for name in ("breakdown", "status", "source")} == {None}
    Observation.objects.all().delete()
    assert load_file(write("b.csv", text), plan).created == 2
    assert '"status"' in seen[-1] and '"source"' in seen[-1] and '"breakdown"' in seen[-1]
    assert _fields() == left_out
    call_command("migrate", "performance", verbosity=0)
    assert saving._defaults()["source"] == _VARCHAR.format("")


def test_rows_that_differ_from_the_defaults_are_written_as_they_are(load, monkeypatch):
    _postgres_only()
    seen = _copied(monkeypatch)
    report = load(
        "metric,org_unit,period,value,status,source,breakdown.sex\n"
        "CNT,rx1,2016/17 Q1,1,provisional,Trust return,F\n"
        "CNT,rx2,2016/17 Q1,2,final,Trust return,\n"
    )
    assert report.ok and report.created == 2
    assert all(f'"{c}"' in seen[-1] for c in ("status", "source", "breakdown"))
    assert [f[:3] for f in _fields()] == [("sex=F", "provisional", "Trust return"), ("", "final", "Trust return")]
