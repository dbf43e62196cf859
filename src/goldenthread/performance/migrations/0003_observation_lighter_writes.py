"""Observations written at a load's pace (issue 17, docs/adr/0012-observations-as-their-own-history.md).

- The foreign-key indexes nothing reads are dropped: batch, loaded_by. On PostgreSQL metric's and
  org_unit's go too (the indexes of the key lead with metric; a parent's deletion is checked once
  per statement, not per row). SQLite keeps those two: it scans an observation table without
  them once for each metric or unit deleted.
- A partial index of superseded revisions by key (a key's history page), which a first load
  never writes to.
- PostgreSQL only: the unique index of current rows carries the numbers the figures add up
  (INCLUDE), in place of the second, covering index ``obs_current_figures``, which SQLite keeps
  (it has no INCLUDE). Django's state keeps SQLite's shape: a later RemoveIndex of
  ``obs_current_figures`` drops it IF EXISTS on PostgreSQL, and the unique index keeps its name.
- PostgreSQL only: the four foreign keys' per-row checks at commit (a million rows, four million
  checks: a third of a first load) give way to triggers that check a statement's rows at once —
  the parents they reference locked FOR KEY SHARE and counted, as a foreign key's check does row
  by row — and refuse to delete a parent while an observation refers to it. SQLite keeps its
  foreign keys (its checks are cheap). Django still thinks of the fields as constrained: an
  AlterField of one of them on PostgreSQL must first undo this (see ``_FKS``).
"""

from django.db import migrations, models

OBS = "performance_observation"
#: (column, the parent's model) of each foreign key of an observation
_FKS = [
    ("metric_id", ("plans", "Metric")),
    ("org_unit_id", ("plans", "OrgUnit")),
    ("batch_id", ("performance", "LoadBatch")),
    ("loaded_by_id", ("auth", "User")),
]
_NUMBERS = "numerator, denominator, value"
_KEY = "metric_id, org_unit_id, breakdown, period_start"
_CURRENT = "superseded_at IS NULL"


def _parents(apps) -> list[tuple[str, str]]:
    from django.conf import settings

    out = []
    for column, (app, name) in _FKS:
        if (app, name) == ("auth", "User"):
            app, name = settings.AUTH_USER_MODEL.split(".")
        out.append((column, apps.get_model(app, name)._meta.db_table))
    return out


def _check_statement(parents: list[tuple[str, str]]) -> str:
    """The body of the statement-level check of inserted rows (transition table ``new_rows``)."""
    columns = ", ".join(c for c, _ in parents)
    aggregates = ", ".join(f"array_agg(DISTINCT {c}) FILTER (WHERE {c} IS NOT NULL)" for c, _ in parents)
    names = ", ".join(f"ids_{c}" for c, _ in parents)
    checks = "\n".join(
        f"""  IF COALESCE(cardinality(ids_{c}), 0) > (SELECT count(*) FROM
       (SELECT 1 FROM {t} p WHERE p.id = ANY(ids_{c}) FOR KEY SHARE OF p) locked) THEN
    RAISE EXCEPTION 'insert or update on table "{OBS}" violates foreign key {c} to "{t}"'
      USING ERRCODE = 'foreign_key_violation';
  END IF;"""
        for c, t in parents
    )
    declare = "\n".join(f"  ids_{c} bigint[];" for c, _ in parents)
    return f"""
CREATE OR REPLACE FUNCTION goldenthread_observation_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
{declare}
BEGIN
  SELECT {aggregates} INTO {names}
    FROM (SELECT DISTINCT {columns} FROM new_rows) r;
{checks}
  RETURN NULL;
END $$;
CREATE TRIGGER goldenthread_observation_parents_insert AFTER INSERT ON {OBS}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goldenthread_observation_parents();
"""


def _check_row(parents: list[tuple[str, str]]) -> str:
    """An update that changes a row's reference to another parent (never the loader's, which
    only sets ``superseded_at``; Django's SET_NULL sets loaded_by to null, which needs no check)."""
    checks = "\n".join(
        f"""  IF NEW.{c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {t} p WHERE p.id = NEW.{c} FOR KEY SHARE OF p) THEN
    RAISE EXCEPTION 'insert or update on table "{OBS}" violates foreign key {c} to "{t}"'
      USING ERRCODE = 'foreign_key_violation';
  END IF;"""
        for c, t in parents
    )
    changed = " OR ".join(f"(NEW.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c, _ in parents)
    return f"""
CREATE OR REPLACE FUNCTION goldenthread_observation_parents_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{checks}
  RETURN NULL;
END $$;
CREATE TRIGGER goldenthread_observation_parents_update AFTER UPDATE ON {OBS}
  FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION goldenthread_observation_parents_row();
"""


def _guard_parents(parents: list[tuple[str, str]]) -> str:
    """A parent's rows may not be deleted while an observation refers to one of them."""
    out = []
    for c, t in parents:
        out.append(f"""
CREATE OR REPLACE FUNCTION goldenthread_observation_parent_{c}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM {OBS} o WHERE o.{c} IN (SELECT id FROM gone)) THEN
    RAISE EXCEPTION 'update or delete on table "{t}" violates foreign key {c} on table "{OBS}"'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER goldenthread_observation_parent_{c} AFTER DELETE ON {t}
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION goldenthread_observation_parent_{c}();
""")
    return "".join(out)


def _fk_names(cursor) -> list[str]:
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [OBS]
    )
    return [name for (name,) in cursor.fetchall()]


def _single_column_indexes(cursor, columns: list[str]) -> list[str]:
    cursor.execute(
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] "
        "WHERE x.indrelid = %s::regclass AND x.indnatts = 1 AND NOT x.indisunique AND a.attname = ANY(%s)",
        [OBS, columns],
    )
    return [name for (name,) in cursor.fetchall()]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    parents = _parents(apps)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS obs_current_figures")
        cursor.execute("DROP INDEX one_current_observation_per_key")
        cursor.execute(
            f"CREATE UNIQUE INDEX one_current_observation_per_key ON {OBS} ({_KEY}) INCLUDE ({_NUMBERS}) "
            f"WHERE {_CURRENT}"
        )
        for name in _fk_names(cursor):
            cursor.execute(f'ALTER TABLE {OBS} DROP CONSTRAINT "{name}"')
        for name in _single_column_indexes(cursor, ["metric_id", "org_unit_id"]):
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(_check_statement(parents) + _check_row(parents) + _guard_parents(parents))


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    parents = _parents(apps)
    observation = apps.get_model("performance", "Observation")
    with connection.cursor() as cursor:
        for c, t in parents:
            cursor.execute(f"DROP TRIGGER goldenthread_observation_parent_{c} ON {t}")
            cursor.execute(f"DROP FUNCTION goldenthread_observation_parent_{c}()")
        cursor.execute(f"DROP TRIGGER goldenthread_observation_parents_insert ON {OBS}")
        cursor.execute(f"DROP TRIGGER goldenthread_observation_parents_update ON {OBS}")
        cursor.execute("DROP FUNCTION goldenthread_observation_parents(), goldenthread_observation_parents_row()")
    with connection.cursor() as cursor:
        for name in _single_column_indexes(cursor, ["metric_id", "org_unit_id"]):
            cursor.execute(f'DROP INDEX "{name}"')
    for field in ("metric", "org_unit"):
        schema_editor.execute(schema_editor._create_index_sql(observation, fields=[observation._meta.get_field(field)]))
    for field in ("metric", "org_unit", "batch", "loaded_by"):
        schema_editor.execute(
            schema_editor._create_fk_sql(
                observation, observation._meta.get_field(field), "_fk_%(to_table)s_%(to_column)s"
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX one_current_observation_per_key")
        cursor.execute(f"CREATE UNIQUE INDEX one_current_observation_per_key ON {OBS} ({_KEY}) WHERE {_CURRENT}")
        cursor.execute(
            f"CREATE INDEX obs_current_figures ON {OBS} (metric_id, period_start, org_unit_id, breakdown, {_NUMBERS}) "
            f"WHERE {_CURRENT}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0002_current_figures_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="observation",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="observations",
                to="performance.loadbatch",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="loaded_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to="auth.user",
            ),
        ),
        migrations.AddIndex(
            model_name="observation",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", False)),
                fields=["metric", "org_unit", "breakdown", "period_start"],
                name="obs_superseded_revisions",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
