"""Observation ids a thousand at a time per session (migration performance 0005), forwards and back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from goldenthread.performance.loading.load import load_file
from goldenthread.performance.models import Observation


def _cache() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.seqcache FROM pg_sequence s WHERE s.seqrelid = "
            "pg_get_serial_sequence('performance_observation', 'id')::regclass"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_backwards_and_forwards_and_a_load_gets_ids_in_file_order(plan, write):
    postgres = connection.vendor == "postgresql"
    assert _cache() == (1000 if postgres else None)
    call_command("migrate", "performance", "0004", verbosity=0)
    assert _cache() == (1 if postgres else None)
    call_command("migrate", "performance", verbosity=0)
    assert _cache() == (1000 if postgres else None)
    rows = "".join(f"CNT,rx{u},2016/17 Q{q},{u * 10 + q}\n" for u in (1, 2) for q in (1, 2, 3, 4))
    assert load_file(write("a.csv", "metric,org_unit,period,value\n" + rows), plan).created == 8
    values = [int(v) for v in Observation.objects.order_by("id").values_list("value", flat=True)]
    assert values == [11, 12, 13, 14, 21, 22, 23, 24]
