"""The loader's set-based writing (staging table and COPY on PostgreSQL, batched inserts on
SQLite): what it stores, revises and counts is what a row-by-row reading of the files says, on
both databases; values keep their digits; a load racing another still loads nothing."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import numpy as np
import pytest

from goldenthread.performance.loading import load_file
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.planfile.fields import stored_decimal

HEADER = "metric,org_unit,period,value,breakdown.site,status,source"


def _month(k: int) -> str:
    return f"{2010 + k // 12}-{k % 12 + 1:02d}"


def _first_file(rng: np.random.Generator) -> dict[tuple, tuple]:
    """key (unit, period, site) -> (value, status, source) for 30 units × 40 months × 2 sites."""
    return {
        (f"U{u:02d}", _month(m), site): (f"{rng.integers(1, 10_000) / 100:g}", "provisional", "first return")
        for u in range(30)
        for m in range(40)
        for site in ("", "main")
    }


def _text(rows: dict[tuple, tuple]) -> str:
    lines = [HEADER] + [f"CHPPD,{u},{p},{v},{site},{st},{so}" for (u, p, site), (v, st, so) in rows.items()]
    return "\n".join(lines) + "\n"


def _revise(first: dict[tuple, tuple], rng: np.random.Generator) -> dict[tuple, tuple]:
    """A second file: some keys left out, some values, statuses or sources changed, new keys."""
    second = {}
    for key, (value, status, source) in first.items():
        draw = rng.random()
        if draw < 0.05:
            continue  # not in the second file: stays as it is
        if draw < 0.15:
            value = f"{float(value) + 0.01:g}"
        elif draw < 0.20:
            status = "final"
        elif draw < 0.25:
            source = "second return"
        second[key] = (value, status, source)
    for u in range(30, 35):
        second[(f"U{u:02d}", _month(0), "")] = ("1.5", "final", "second return")
    return second


def test_a_reload_with_revisions_stores_what_the_files_say(plan, write):
    rng = np.random.default_rng(17)
    first = _first_file(rng)
    second = _revise(first, rng)
    one = load_file(write("one.csv", _text(first)), plan, add_units="provider")
    assert one.ok, one.problem_lines()[:3]
    assert (one.created, one.revised, one.unchanged) == (len(first), 0, 0)

    revised = [k for k in second if k in first and second[k] != first[k]]
    new = [k for k in second if k not in first]
    expected = (len(new), len(revised), len(second) - len(new) - len(revised))
    dry = load_file(write("two.csv", _text(second)), plan, add_units="provider", dry_run=True)
    assert (dry.created, dry.revised, dry.unchanged) == expected
    assert Observation.objects.count() == len(first)

    two = load_file(write("two.csv", _text(second)), plan, add_units="provider")
    assert two.ok and (two.created, two.revised, two.unchanged) == expected
    batches = LoadBatch.objects.order_by("pk").values_list(
        "rows_read", "rows_created", "rows_revised", "rows_unchanged"
    )
    assert list(batches) == [(len(first), len(first), 0, 0), (len(second), *expected)]

    def stored(superseded: bool) -> dict[tuple, tuple]:
        rows = Observation.objects.filter(superseded_at__isnull=not superseded).values_list(
            "org_unit__code", "period_start", "breakdown", "value", "status", "source"
        )
        return {(u, f"{p:%Y-%m}", b.removeprefix("site=")): (f"{float(v):g}", st, so) for u, p, b, v, st, so in rows}

    assert stored(superseded=False) == {**first, **second}
    assert stored(superseded=True) == {k: first[k] for k in revised}
    assert Observation.objects.count() == len(first) + len(new) + len(revised)
    # the observations are their own trail (ADR 0012): each row says which load wrote it, and
    # the rows the second load revised were superseded when it loaded
    one_batch, two_batch = LoadBatch.objects.order_by("pk")
    assert Counter(Observation.objects.values_list("batch_id", flat=True)) == {
        one_batch.pk: len(first),
        two_batch.pk: len(new) + len(revised),
    }
    loaded_at = set(Observation.objects.filter(batch=two_batch).values_list("loaded_at", flat=True))
    assert set(Observation.objects.exclude(superseded_at=None).values_list("superseded_at", flat=True)) == loaded_at

    again = load_file(write("two.csv", _text(second)), plan, add_units="provider")
    assert again.ok and not again.changed and again.unchanged == len(second)
    assert LoadBatch.objects.count() == 2


#: (value, numerator, denominator) as written: tiny, large, negative, worked out, empty
NUMBERS = [
    ("0.1", "", ""),
    ("1e-8", "", ""),
    ("99999999999.99999999", "", ""),
    ("-12.5", "", ""),
    ("-0.00000001", "", ""),
    ("123456789012345", "", ""),
    ("999999999999999", "", ""),
    ("123456789012345.6", "", ""),
    ("9999999.12345678", "", ""),
    ("12345678.12345678", "", ""),
    ("", "1", "3"),
    ("", "820", "100"),
    ("", "-5", "8"),
    ("2.5", "5", "2"),
    ("", "123456789012.5", "0.5"),
]


def test_a_large_load_keeps_every_value(plan, write):
    """50,000 rows through the set-based writing read back as the loader's rule stores them
    (8 places, at most 15 significant digits: planfile.fields.stored_decimal), empty as NULL."""
    lines, expected = ["metric,org_unit,period,value,numerator,denominator"], {}
    for i in range(50_000):
        unit, month = f"U{i // 100:03d}", _month(i % 100)
        value, numerator, denominator = NUMBERS[i % len(NUMBERS)]
        lines.append(f"CHPPD,{unit},{month},{value},{numerator},{denominator}")
        worked = value or str(Decimal(numerator) / Decimal(denominator))
        expected[(unit, month)] = tuple(
            stored_decimal(Decimal(x)) if x else None for x in (worked, numerator, denominator)
        )
    report = load_file(write("big.csv", "\n".join(lines) + "\n"), plan, add_units="provider")
    assert report.ok and report.created == 50_000, report.problem_lines()[:3]
    rows = Observation.objects.values_list("org_unit__code", "period_start", "value", "numerator", "denominator")
    got = {(u, f"{p:%Y-%m}"): (v, n, d) for u, p, v, n, d in rows}
    assert got.keys() == expected.keys()
    wrong = [(k, got[k], expected[k]) for k in expected if got[k] != expected[k]]
    assert not wrong, wrong[:5]
    again = load_file(write("big.csv", "\n".join(lines) + "\n"), plan, add_units="provider")
    assert again.ok and again.unchanged == 50_000 and not again.changed


@pytest.mark.django_db(transaction=True)
def test_a_load_racing_another_loads_nothing(plan, write, monkeypatch):
    """Another load writes one of this load's keys after this one compared with the data held and
    before it wrote (a real second connection, committed): the unique index of current rows stops
    this one, which says so and leaves nothing of its own."""
    from django.db import connection, connections

    from goldenthread.performance.loading import writing

    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL")
    real, raced = writing.save_rows, []

    def racing(*args, **kwargs):
        if not raced:
            raced.append(True)

            def other() -> None:
                try:
                    report = load_file(
                        write("other.csv", "metric,org_unit,period,value\nPCT,rx1,2017-01,0.7\n"), "perf"
                    )
                    raced.append(report.ok)
                finally:
                    connections.close_all()

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(writing, "save_rows", racing)
    report = load_file(
        write("mine.csv", "metric,org_unit,period,value\nPCT,rx2,2017-01,0.5\nPCT,rx1,2017-01,0.6\n"), plan
    )
    assert raced == [True, True]
    assert [str(p).split(":", 2)[2] for p in report.problems] == [
        " file: another load changed the same observations while this one ran, so nothing was loaded; "
        "load the file again"
    ]
    assert list(Observation.objects.values_list("org_unit__code", "value")) == [("rx1", Decimal("0.7"))]
    assert LoadBatch.objects.count() == 1
