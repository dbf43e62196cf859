"""PostgreSQL: the observations partitioned by metric, so a metric's first load builds its indexes
once, sorted, instead of inserting an entry per row (issue 17, docs/adr/0013).

A first load's rows cost the database server more in index entries than in everything else
(ADR 0012: 58% of its instructions), and two files written at once slowed each other down in the
same two B-trees. With a table of its own for each metric (``performance_observation_m<id>``,
``LIST`` partitions of ``performance_observation``), each with its own indexes — the primary key,
the unique index of current rows (one per key, with the numbers the figures add up) and the
partial index of superseded revisions — a load that brings a metric its first rows drops that
table's first two indexes, copies the rows in and builds them again (``goldenthread_observation_bulk``
and ``goldenthread_observation_indexes`` below, performance/loading/saving.py), and files written
at once write to different tables and indexes. The indexes are the partitions' own, not a
partitioned index of the parent: a partition's index attached to one could not be dropped. Each
index leads with the metric (the primary key is each partition's), so "one current row per key"
holds across the whole table as it did; ids stay unique, all drawn from the parent's identity.

A metric's partition is made when the metric is (a trigger on ``plans_metric``: no writer needs
to know) and dropped when it is; partitions left by a ``TRUNCATE`` of the metrics (which runs no
delete trigger, and cannot drop them itself while it has them open: the tests' flush) are dropped
when metrics are next made. Creating a partition attaches a table made beside the parent
(``ATTACH PARTITION`` takes a lock that lets readers and writers of the observations go on);
dropping one locks the observations for a moment, as deleting a metric is rare. Existing rows are
moved into the partitions; the triggers of migrations 0003–0004 move with the table (the row
triggers of the parent are cloned to each partition). Backwards makes one table again, with the
indexes and triggers of migrations 0003–0007. SQLite keeps one table: its loader inserts rows.
"""

from django.db import migrations

OBS = "performance_observation"
SETTING = "goldenthread.parents_locked"
PARTITIONS = f"""
CREATE OR REPLACE FUNCTION goldenthread_observation_indexes(metric bigint, present boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE part text := '{OBS}_m' || metric;
BEGIN
  IF present THEN
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id)', part, part || '_pkey');
    EXECUTE format('CREATE UNIQUE INDEX %I ON %I (metric_id, org_unit_id, period_start, breakdown) '
                   'INCLUDE (numerator, denominator, value) WHERE superseded_at IS NULL', part || '_current', part);
  ELSE
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_pkey');
    EXECUTE format('DROP INDEX %I', part || '_current');
  END IF;
END $$;

CREATE OR REPLACE FUNCTION goldenthread_observation_partition(metric bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE part text := '{OBS}_m' || metric;
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE {OBS} INCLUDING DEFAULTS)', part);
  EXECUTE format('CREATE INDEX %I ON %I (metric_id, org_unit_id, breakdown, period_start) '
                 'WHERE superseded_at IS NOT NULL', part || '_revisions', part);
  PERFORM goldenthread_observation_indexes(metric, true);
  EXECUTE format('ALTER TABLE {OBS} ATTACH PARTITION %I FOR VALUES IN (%s)', part, metric);
END $$;

CREATE OR REPLACE FUNCTION goldenthread_observation_bulk(metrics bigint[])
RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
  m bigint;
  part text;
  empty boolean;
  emptied bigint[] := '{{}}';
BEGIN
  FOREACH m IN ARRAY metrics LOOP
    part := '{OBS}_m' || m;
    BEGIN  -- (never waits: a table another transaction is using keeps its indexes)
      EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE NOWAIT', part);
    EXCEPTION WHEN lock_not_available THEN
      CONTINUE;
    END;
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', part) INTO empty;
    IF empty THEN
      PERFORM goldenthread_observation_indexes(m, false);
      emptied := emptied || m;
    END IF;
  END LOOP;
  RETURN emptied;
END $$;

CREATE OR REPLACE FUNCTION goldenthread_observation_tidy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE part text;
BEGIN
  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '{OBS}'::regclass AND NOT EXISTS
        (SELECT 1 FROM {{metrics}} m WHERE c.relname = '{OBS}_m' || m.id) LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I', part);
  END LOOP;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION goldenthread_metric_partition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM goldenthread_observation_partition(NEW.id);
  ELSE
    EXECUTE format('DROP TABLE IF EXISTS %I', '{OBS}_m' || OLD.id);
  END IF;
  RETURN NULL;
END $$;
"""
FUNCTIONS = [
    "goldenthread_observation_indexes(bigint, boolean)",
    "goldenthread_observation_partition(bigint)",
    "goldenthread_observation_bulk(bigint[])",
    "goldenthread_metric_partition()",
    "goldenthread_observation_tidy()",
]


def _metric_table(apps) -> str:
    return apps.get_model("plans", "Metric")._meta.db_table


def _triggers(table: str) -> str:
    """The row triggers of migrations 0003-0004 on ``table``."""
    changed = " OR ".join(
        f"(NEW.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})"
        for c in ("metric_id", "org_unit_id", "batch_id", "loaded_by_id")
    )
    return (
        f"CREATE TRIGGER goldenthread_observation_parents_insert AFTER INSERT ON {table} FOR EACH ROW "
        f"WHEN (current_setting('{SETTING}', true) IS DISTINCT FROM 'on') "
        "EXECUTE FUNCTION goldenthread_observation_parents_row();"
        f"CREATE TRIGGER goldenthread_observation_parents_update AFTER UPDATE ON {table} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION goldenthread_observation_parents_row();"
    )


def _renew_identity(cursor, table: str) -> None:
    """``table``'s identity (made anew with the table) named as Django names it, going on after the
    highest id held, a thousand ids cached (migration 0005)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id'), COALESCE(max(id), 0) + 1 FROM " + table, [table])
    sequence, first = cursor.fetchone()
    if sequence.rsplit(".", 1)[-1] != f"{table}_id_seq":
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {table}_id_seq")
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id RESTART WITH {int(first)}")
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET CACHE 1000")


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    metrics = _metric_table(apps)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {OBS} RENAME TO {OBS}_before")
        cursor.execute(
            f"CREATE TABLE {OBS} (LIKE {OBS}_before INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY LIST (metric_id)"
        )
        cursor.execute(_triggers(OBS))
        cursor.execute(PARTITIONS.replace("{metrics}", metrics))
        cursor.execute(f"SELECT goldenthread_observation_partition(id) FROM {metrics}")
        cursor.execute(f"INSERT INTO {OBS} SELECT * FROM {OBS}_before")
        cursor.execute(f"DROP TABLE {OBS}_before")
        _renew_identity(cursor, OBS)
        cursor.execute(
            f"CREATE TRIGGER goldenthread_metric_partition AFTER INSERT OR DELETE ON {metrics} "
            "FOR EACH ROW EXECUTE FUNCTION goldenthread_metric_partition();"
            f"CREATE TRIGGER goldenthread_metric_partitions_tidy AFTER INSERT ON {metrics} "
            "FOR EACH STATEMENT EXECUTE FUNCTION goldenthread_observation_tidy()"
        )
        cursor.execute(f"ANALYZE {OBS}")


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER goldenthread_metric_partition ON {_metric_table(apps)}")
        cursor.execute(f"DROP TRIGGER goldenthread_metric_partitions_tidy ON {_metric_table(apps)}")
        cursor.execute(f"ALTER TABLE {OBS} RENAME TO {OBS}_partitioned")
        cursor.execute(f"CREATE TABLE {OBS} (LIKE {OBS}_partitioned INCLUDING DEFAULTS INCLUDING IDENTITY)")
        cursor.execute(f"INSERT INTO {OBS} SELECT * FROM {OBS}_partitioned")
        cursor.execute(f"DROP TABLE {OBS}_partitioned CASCADE")
        _renew_identity(cursor, OBS)
        cursor.execute(f"ALTER TABLE {OBS} ADD CONSTRAINT {OBS}_pkey PRIMARY KEY (id)")
        cursor.execute(
            f"CREATE UNIQUE INDEX one_current_observation_per_key ON {OBS} (metric_id, org_unit_id, period_start, "
            "breakdown) INCLUDE (numerator, denominator, value) WHERE superseded_at IS NULL"
        )
        cursor.execute(
            f"CREATE INDEX obs_superseded_revisions ON {OBS} (metric_id, org_unit_id, breakdown, period_start) "
            "WHERE superseded_at IS NOT NULL"
        )
        cursor.execute(_triggers(OBS))
        cursor.execute("DROP FUNCTION " + ", ".join(FUNCTIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0007_observation_text_defaults"),
        ("plans", "0005_metric_chart_settings"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
