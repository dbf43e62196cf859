"""The observations' text columns given database defaults, so a load's COPY may leave them out (issue 17, ADR 0012).

A first load's COPY (performance/loading/copying.py) sent every column of every row, and the
server read each field with the column type's receive function: for a text column a call that
checks the encoding, the length against the column's limit and copies the text. Most loads write
no breakdown, the status ``final`` and no source in every row — each the field's own default in
the model. With those defaults in the database (a constant each: the server puts it in a row it
is not sent at the cost of a constant, not a field read), the loader leaves out of its COPY a
text column whose every row holds its default, as it leaves out a column whose every row is NULL
(``superseded_at``; who loaded, when nobody did). Counted (callgrind, a COPY of 30,000 rows into
a table already holding 960,000, so the B-trees take their rightmost-page fast path as at scale):
26,733 instructions of the server a row with every column sent, 24,925 with those four left out
(-6.8%).

The defaults are exactly the model's (``Field.get_default()``): an ORM insert that names every
column, as Django's do, is unchanged. The loader reads the defaults from the catalog before each
COPY (saving._defaults), so without this migration, or after a change of a default, it sends the
column. PostgreSQL only: SQLite's loader inserts with parameters, every column named. Backwards
drops the defaults. Django's state does not hold them (as for migration 0003): an ``AlterField``
of one of these fields leaves them be, but one that gave them a ``db_default`` would replace them.
"""

from django.db import migrations

OBS = "performance_observation"
FIELDS = ("breakdown", "status", "source")


def _defaults(apps, schema_editor, keep: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    observation = apps.get_model("performance", "Observation")
    q = connection.ops.quote_name
    changes, params = [], []
    for name in FIELDS:
        field = observation._meta.get_field(name)
        if keep:
            changes.append(f"ALTER COLUMN {q(field.column)} SET DEFAULT %s")
            params.append(field.get_default())
            assert isinstance(params[-1], str), (name, params[-1])
        else:
            changes.append(f"ALTER COLUMN {q(field.column)} DROP DEFAULT")
    with connection.cursor() as cursor:
        # (constants: no table rewrite, a lock held for a moment)
        cursor.execute(f"ALTER TABLE {OBS} " + ", ".join(changes), params)


def forwards(apps, schema_editor):
    _defaults(apps, schema_editor, keep=True)


def backwards(apps, schema_editor):
    _defaults(apps, schema_editor, keep=False)


class Migration(migrations.Migration):
    dependencies = [("performance", "0006_current_key_period_before_breakdown")]

    operations = [migrations.RunPython(forwards, backwards)]
