"""A load's rows are checked against their parents by the loader, not row by row (issue 17, ADR 0012).

Migration 0003 checked the parents of inserted observations once per statement, from the
statement's transition table: PostgreSQL then keeps a copy of every row a COPY writes (a
million-row load, a million rows copied again) and joins it with the parents — about a tenth of
the server's work on a first load. The loader knows its rows' parents already (a handful of
metrics and units, its batch, who loads), so it locks them itself, ``FOR KEY SHARE`` as a
foreign key's check does, counts them, and tells the database with the transaction-local setting
``goldenthread.parents_locked`` while its COPY runs (performance/loading/saving.py). Every other
insert is checked row by row, as a foreign key would be, by the row function 0003 made for
updates. PostgreSQL only; SQLite keeps its foreign keys.
"""

from importlib import import_module

from django.db import migrations

OBS = "performance_observation"
SETTING = "goldenthread.parents_locked"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER goldenthread_observation_parents_insert ON {OBS}")
        cursor.execute("DROP FUNCTION goldenthread_observation_parents()")
        cursor.execute(
            f"CREATE TRIGGER goldenthread_observation_parents_insert AFTER INSERT ON {OBS} FOR EACH ROW "
            f"WHEN (current_setting('{SETTING}', true) IS DISTINCT FROM 'on') "
            "EXECUTE FUNCTION goldenthread_observation_parents_row()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    before = import_module("goldenthread.performance.migrations.0003_observation_lighter_writes")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER goldenthread_observation_parents_insert ON {OBS}")
        cursor.execute(before._check_statement(before._parents(apps)))


class Migration(migrations.Migration):
    dependencies = [("performance", "0003_observation_lighter_writes")]

    operations = [migrations.RunPython(forwards, backwards)]
