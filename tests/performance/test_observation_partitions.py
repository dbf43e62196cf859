"""PostgreSQL: each metric's observations a table of their own (migration performance 0008), made
and dropped with the metric; a metric's first large load builds its table's indexes after the
COPY, and what the indexes guarantee holds as before."""

from __future__ import annotations

import psycopg
import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from goldenthread.performance.loading import saving
from goldenthread.performance.loading.load import load_file
from goldenthread.performance.models import Observation

HEADER = "metric,org_unit,period,value\n"
TABLE = Observation._meta.db_table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("partitions: PostgreSQL (SQLite holds the observations in one table)")


def _partitions() -> dict[str, int]:
    """The observations' partitions, each with the metric it holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        return {name: int(bound.removeprefix("FOR VALUES IN ('").removesuffix("')")) for name, bound in cursor}


def _indexes(metric) -> dict[str, str]:
    """The indexes of a metric's table, each with its definition (named for the table)."""
    part = saving.metric_table(metric.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [part])
        return {name.removeprefix(part): sql.replace(part, "T") for name, sql in cursor}


def _triggers(metric) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass ORDER BY tgname",
            [saving.metric_table(metric.pk)],
        )
        return [name for (name,) in cursor]


def _rows(metric_code: str, units=("rx1", "rx2"), quarters=(1, 2, 3, 4), years=("2016/17", "2017/18"), base=0):
    return "".join(
        f"{metric_code},{u},{y} Q{q},{base + k * 10 + q}\n"
        for k, u in enumerate(units)
        for y in years
        for q in quarters
    )


def test_each_metric_has_a_table_of_its_own_with_the_indexes_and_triggers_from_creation_to_deletion(plan):
    metrics = {m.pk: m for m in plan.metrics.all()}
    assert sorted(_partitions().values()) == sorted(metrics)
    count = plan.metrics.get(code="CNT")
    assert set(_indexes(count)) == {"_pkey", "_current", "_revisions"}
    assert (
        "UNIQUE INDEX" in _indexes(count)["_current"] and "WHERE (superseded_at IS NULL)" in _indexes(count)["_current"]
    )
    assert _triggers(count) == ["goldenthread_observation_parents_insert", "goldenthread_observation_parents_update"]
    from goldenthread.plans.models import Metric

    added = Metric.objects.create(plan=plan, code="NEW", title="New", position=99)
    assert _partitions()[saving.metric_table(added.pk)] == added.pk
    assert _indexes(added) == _indexes(count)
    gone = added.pk
    Observation.objects.create(
        metric=added, org_unit=plan.org_units.get(code="rx1"), period_start="2016-04-01", value=5
    )
    added.delete()  # (its observations with it)
    assert saving.metric_table(gone) not in _partitions()


def test_a_metrics_first_large_load_builds_its_indexes_after_the_copy_and_later_loads_write_them(
    plan, write, monkeypatch
):
    monkeypatch.setattr(saving, "FIRST_ROWS", 8)
    emptied: list[list[int]] = []
    real = saving._first_rows_unindexed
    monkeypatch.setattr(saving, "_first_rows_unindexed", lambda rows: emptied.append(real(rows)) or emptied[-1])
    count, surplus = plan.metrics.get(code="CNT"), plan.metrics.get(code="GBP")
    before = _indexes(count)
    first = load_file(write("first.csv", HEADER + _rows("CNT") + "GBP,rx1,2016/17,3\n"), plan)
    assert first.ok and first.created == 17
    assert emptied == [[count.pk]]  # (16 rows of CNT, its table empty; one of GBP)
    assert _indexes(count) == before and _indexes(surplus) == _indexes(count)
    values = Observation.objects.filter(metric=count).order_by("id").values_list("value", flat=True)
    assert [int(v) for v in values] == [int(line.rsplit(",", 1)[1]) for line in _rows("CNT").splitlines()]
    again = load_file(write("again.csv", HEADER + _rows("CNT", base=100)), plan)
    assert again.ok and again.revised == 16 and emptied[-1] == []  # (held rows: the indexes written row by row)
    assert Observation.objects.filter(metric=count, superseded_at=None).count() == 16
    assert Observation.objects.filter(metric=count).count() == 32


def test_the_unique_index_built_after_the_copy_still_refuses_a_second_current_row(plan, write, monkeypatch):
    monkeypatch.setattr(saving, "FIRST_ROWS", 8)
    assert load_file(write("first.csv", HEADER + _rows("CNT")), plan).created == 16
    held = Observation.objects.filter(metric__code="CNT").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            metric=held.metric, org_unit=held.org_unit, period_start=held.period_start, value=1, breakdown=""
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # (the primary key too)
        Observation.objects.create(
            id=held.id, metric=held.metric, org_unit=held.org_unit, period_start="2030-04-01", value=1
        )


def test_a_table_another_transaction_is_reading_keeps_its_indexes_and_nothing_waits(plan, write, monkeypatch):
    """The indexes are dropped only under a lock taken without waiting: a reader of the metric's
    table (a page, another load comparing its rows) leaves the load to write them row by row."""
    monkeypatch.setattr(saving, "FIRST_ROWS", 8)
    emptied: list[list[int]] = []
    real = saving._first_rows_unindexed
    monkeypatch.setattr(saving, "_first_rows_unindexed", lambda rows: emptied.append(real(rows)) or emptied[-1])
    count = plan.metrics.get(code="CNT")
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
    ) as reader:
        reader.execute(f"SELECT count(*) FROM {TABLE} WHERE metric_id = %s", [count.pk])  # (its transaction open)
        report = load_file(write("first.csv", HEADER + _rows("CNT")), plan)
    assert report.ok and report.created == 16 and emptied == [[]]
    assert set(_indexes(count)) == {"_pkey", "_current", "_revisions"}


def test_a_load_that_fails_after_its_copy_leaves_the_table_empty_with_its_indexes(plan, write, monkeypatch):
    monkeypatch.setattr(saving, "FIRST_ROWS", 8)
    count = plan.metrics.get(code="CNT")
    before = _indexes(count)

    def broken(sql, blocks, progress, total):
        real_copy(sql, blocks, progress, total)
        raise IntegrityError("another load wrote meanwhile")

    real_copy = saving._copy
    monkeypatch.setattr(saving, "_copy", broken)
    report = load_file(write("first.csv", HEADER + _rows("CNT")), plan)
    assert report.collided and not Observation.objects.exists()
    assert _indexes(count) == before


def test_the_migration_runs_backwards_and_forwards_with_the_rows_and_ids_kept(plan, write):
    assert load_file(write("first.csv", HEADER + _rows("CNT")), plan).created == 16
    assert load_file(write("again.csv", HEADER + _rows("CNT", base=50)), plan).revised == 16
    held = sorted(Observation.objects.values_list("id", "metric_id", "value", "superseded_at"))
    call_command("migrate", "performance", "0007", verbosity=0)
    assert _partitions() == {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY 1", [TABLE])
        assert [n for (n,) in cursor] == [
            "obs_superseded_revisions",
            "one_current_observation_per_key",
            "performance_observation_pkey",
        ]
    assert sorted(Observation.objects.values_list("id", "metric_id", "value", "superseded_at")) == held
    call_command("migrate", "performance", verbosity=0)
    assert sorted(_partitions().values()) == sorted(plan.metrics.values_list("pk", flat=True))
    assert sorted(Observation.objects.values_list("id", "metric_id", "value", "superseded_at")) == held
    later = load_file(write("later.csv", HEADER + "CNT,rx1,2016/17 Q1,999\n"), plan)
    assert later.ok and later.revised == 1
    assert Observation.objects.order_by("-id").first().id > max(h[0] for h in held)


def test_the_partitions_a_truncate_of_the_metrics_leaves_go_when_metrics_are_next_made(plan):
    """A TRUNCATE (the tests' flush) runs no delete trigger: its partitions go with the next metrics."""
    from goldenthread.plans.models import Metric

    left = set(_partitions().values())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Metric._meta.db_table}, {TABLE} CASCADE")
    assert set(_partitions().values()) == left
    added = Metric.objects.create(plan=plan, code="NEW", title="New", position=1)
    assert _partitions() == {saving.metric_table(added.pk): added.pk}
