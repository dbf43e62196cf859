"""Several files written at once on PostgreSQL (a connection and a transaction each), each still
all or nothing, outcomes in file order; files that share a metric and period written in turn
(on SQLite, where one writer writes them all in turn, the same outcomes)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from goldenthread.performance.loading import files as module
from goldenthread.performance.loading.files import load_files
from goldenthread.performance.loading.saving import metric_table
from goldenthread.performance.models import LoadBatch, Observation

HEADER = "metric,org_unit,period,value\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("files written at once: PostgreSQL (SQLite has one writer)")


def _watch_writes(monkeypatch, meet: int = 0) -> list[tuple[str, str]]:
    """Each write's (file, thread); with ``meet``, the first ``meet`` writes wait for each other
    (so they must be running at once, or the barrier breaks)."""
    seen: list[tuple[str, str]] = []
    barrier = threading.Barrier(meet) if meet else None
    real = module.write_checked

    def watched(checked, plan, how, progress):
        seen.append((checked.table.name.rsplit("/", 1)[-1], threading.current_thread().name))
        if barrier is not None and len(seen) <= meet:
            barrier.wait(timeout=30)
        return real(checked, plan, how, progress)

    monkeypatch.setattr(module, "write_checked", watched)
    return seen


def test_files_apart_are_written_at_once_each_in_its_own_transaction(postgres_only, plan, write, monkeypatch):
    seen = _watch_writes(monkeypatch, meet=2)
    paths = [
        write(f"{k}.csv", HEADER + f"CNT,rx1,2016/17 Q{k + 1},{k}\nCNT,rx2,2016/17 Q{k + 1},{k}\n") for k in range(3)
    ]
    outcomes = list(load_files(paths, plan))
    assert [o.path for o in outcomes] == [str(p) for p in paths]
    assert all(o.report.ok and o.report.created == 2 for o in outcomes)
    assert all(name.startswith("goldenthread-write") for _, name in seen) and len(seen) == 3
    assert LoadBatch.objects.count() == 3 and Observation.objects.count() == 6
    assert sorted(LoadBatch.objects.values_list("rows_created", flat=True)) == [2, 2, 2]


def test_a_file_sharing_a_metric_and_period_waits_and_sees_the_one_before(plan, write, monkeypatch):
    order: list[str] = []
    real = module.write_checked

    def watched(checked, plan, how, progress):
        name = checked.table.name.rsplit("/", 1)[-1]
        order.append(f"start {name}")
        report = real(checked, plan, how, progress)
        order.append(f"end {name}")
        return report

    monkeypatch.setattr(module, "write_checked", watched)
    first = write("a.csv", HEADER + "CNT,rx1,2016/17 Q4,5\nCNT,rx2,2016/17 Q4,6\n")
    second = write("b.csv", HEADER + "CNT,rx1,2016/17 Q4,7\nPCT,rx1,2017-01,0.5\n")
    outcomes = list(load_files([first, second], plan, source="test"))
    assert order == ["start a.csv", "end a.csv", "start b.csv", "end b.csv"]
    assert [(o.report.created, o.report.revised) for o in outcomes] == [(2, 0), (1, 1)]
    held = Observation.objects.filter(metric__code="CNT", org_unit__code="rx1")
    assert sorted((o.value, o.superseded_at is None) for o in held) == [(5, False), (7, True)]


def test_a_file_with_problems_beside_others_writes_nothing_and_they_load(plan, write, monkeypatch):
    _watch_writes(monkeypatch)
    good = write("good.csv", HEADER + "CNT,rx1,2016/17 Q4,5\n")
    bad = write("bad.csv", HEADER + "CNT,rx2,2016/17 Q3,5\nCNT,nowhere,2016/17 Q3,5\n")
    last = write("last.csv", HEADER + "CNT,rx2,2016/17 Q2,6\n")
    outcomes = list(load_files([good, bad, last], plan))
    assert [o.report.ok for o in outcomes] == [True, False, True]
    assert [p.row for p in outcomes[1].report.problems] == [3] and outcomes[1].report.batch is None
    assert sorted(Observation.objects.values_list("period_start__month", flat=True)) == [1, 7]


def test_a_write_that_fails_on_its_thread_raises_in_the_caller(plan, write, monkeypatch):
    def broken(checked, plan, how, progress):
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(module, "write_checked", broken)
    paths = [write(f"{k}.csv", HEADER + f"CNT,rx1,2016/17 Q{k + 1},{k}\n") for k in range(2)]
    with pytest.raises(RuntimeError, match="the writer broke"):
        list(load_files(paths, plan))
    assert Observation.objects.count() == 0


def test_inside_a_transaction_the_files_are_written_on_the_callers_connection(plan, write, monkeypatch):
    """A caller's transaction holds the files' writes (a connection of another thread would not
    see the caller's uncommitted rows): one writer, the caller's own thread, on either database."""
    from django.db import transaction

    seen = _watch_writes(monkeypatch)
    paths = [write(f"{k}.csv", HEADER + f"CNT,rx1,2016/17 Q{k + 1},{k}\n") for k in range(2)]
    with transaction.atomic():
        assert all(o.report.ok for o in load_files(paths, plan))
        assert Observation.objects.count() == 2
    assert [name for _, name in seen] == [threading.current_thread().name] * 2


def _analysed(metric) -> int:
    """How many columns of the metric's observations (a table of their own on PostgreSQL)
    PostgreSQL holds statistics of."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [metric_table(metric.pk)])
        return cursor.fetchone()[0]


def test_a_load_gathers_the_statistics_of_the_metrics_tables_that_have_none(postgres_only, plan, write, monkeypatch):
    seen = []
    real = module.refresh_statistics
    monkeypatch.setattr(module, "refresh_statistics", lambda metrics: (seen.append(metrics), real(metrics)))
    count = plan.metrics.get(code="CNT")
    rows = "".join(f"CNT,rx{u},2016/17 Q{q},{u}\n" for u in (1, 2) for q in (1, 2, 3, 4))
    assert _analysed(count) == 0
    list(load_files([write("first.csv", HEADER + rows)], plan))
    assert seen == [[count.pk]] and _analysed(count) == len(module._SELECTED_BY)
    with connection.cursor() as cursor:  # (statistics gathered, then lost: a later load with rows gathers them)
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [metric_table(count.pk)])
    list(load_files([write("same.csv", HEADER + rows)], plan))
    assert seen == [[count.pk]] and _analysed(count) == 0  # (nothing written: nothing asked)
    list(load_files([write("next.csv", HEADER + "CNT,rx1,2017/18 Q1,5\n")], plan))
    assert seen == [[count.pk], [count.pk]] and _analysed(count) == len(module._SELECTED_BY)
    list(load_files([write("later.csv", HEADER + "CNT,rx1,2017/18 Q2,6\n")], plan))
    assert seen[-1] == [count.pk]  # (asked; the table has statistics, so nothing is gathered again)
