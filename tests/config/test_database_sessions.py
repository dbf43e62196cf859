"""PostgreSQL sessions run without JIT compilation (ADR 0013: it compiled a whole-plan query's
expressions once per metric's partition, minutes of CPU at the national size)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_postgresql_session_runs_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("JIT: PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert connection.settings_dict["OPTIONS"]["options"].endswith("-c jit=off")
