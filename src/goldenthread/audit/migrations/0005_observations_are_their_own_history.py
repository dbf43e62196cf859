"""Observations are their own history (docs/adr/0012-observations-as-their-own-history.md): their
copy in the audit tables goes; the deletions it recorded are kept as tombstones.

Forwards, each deleted observation's last history row ("-") becomes a DeletedObservation; the
other rows ("+" created, "~" superseded) say what the observations themselves say (loaded when,
by whom, in which batch; superseded when). Backwards, the history table is filled again from the
observations (a "+" row each at its loading, a "~" row at its superseding) and the tombstones.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_FIELDS = [
    "metric_id",
    "org_unit_id",
    "breakdown",
    "period_start",
    "value",
    "numerator",
    "denominator",
    "status",
    "source",
    "batch_id",
    "loaded_at",
    "loaded_by_id",
    "superseded_at",
]


def _tables(apps):
    return (
        apps.get_model("audit", "HistoricalObservation")._meta.db_table,
        apps.get_model("audit", "DeletedObservation")._meta.db_table,
        apps.get_model("performance", "Observation")._meta.db_table,
    )


def _keep_deletions(apps, schema_editor):
    history, deleted, _ = _tables(apps)
    q = schema_editor.connection.ops.quote_name
    fields = ", ".join(q(f) for f in _FIELDS)
    schema_editor.execute(
        f"INSERT INTO {q(deleted)} (observation_id, {fields}, deleted_at, deleted_by_id, deleted_by_name, reason) "
        f"SELECT id, {fields}, history_date, history_user_id, history_username, history_change_reason "
        f"FROM {q(history)} WHERE history_type = '-' ORDER BY history_date, history_id"
    )


def _history_again(apps, schema_editor):
    from django.conf import settings

    history, deleted, observations = _tables(apps)
    users = apps.get_model(*settings.AUTH_USER_MODEL.split("."))._meta.db_table
    q = schema_editor.connection.ops.quote_name
    fields = ", ".join(q(f) for f in _FIELDS)
    given = "history_date, history_type, history_user_id, history_username, history_change_reason, related"
    # "+" as loaded (not yet superseded), by whom; "~" when superseded (by the next load, unnamed)
    loaded = ", ".join("NULL" if f == "superseded_at" else f"o.{q(f)}" for f in _FIELDS)
    superseded = ", ".join(f"o.{q(f)}" for f in _FIELDS)
    empty = "CAST('{}' AS jsonb)" if schema_editor.connection.vendor == "postgresql" else "'{}'"
    schema_editor.execute(
        f"INSERT INTO {q(history)} (id, {fields}, {given}) "
        f"SELECT o.id, {loaded}, o.loaded_at, '+', o.loaded_by_id, COALESCE(u.username, ''), NULL, {empty} "
        f"FROM {q(observations)} o LEFT JOIN {q(users)} u ON u.id = o.loaded_by_id "
        f"UNION ALL SELECT o.id, {superseded}, o.superseded_at, '~', NULL, '', NULL, {empty} "
        f"FROM {q(observations)} o WHERE o.superseded_at IS NOT NULL"
    )
    schema_editor.execute(
        f"INSERT INTO {q(history)} (id, {fields}, {given}) "
        f"SELECT observation_id, {fields}, deleted_at, '-', deleted_by_id, deleted_by_name, reason, {empty} "
        f"FROM {q(deleted)}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_historicalmetric_chart_settings'),
        ('performance', '0003_observation_lighter_writes'),
        ('plans', '0005_metric_chart_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DeletedObservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('observation_id', models.BigIntegerField(db_index=True, help_text='The id the observation had')),
                ('breakdown', models.CharField(blank=True, default='', max_length=500)),
                ('period_start', models.DateField()),
                ('value', models.DecimalField(blank=True, decimal_places=8, max_digits=24, null=True)),
                ('numerator', models.DecimalField(blank=True, decimal_places=8, max_digits=24, null=True)),
                ('denominator', models.DecimalField(blank=True, decimal_places=8, max_digits=24, null=True)),
                ('status', models.CharField(max_length=16)),
                ('source', models.CharField(blank=True, max_length=500)),
                ('loaded_at', models.DateTimeField()),
                ('superseded_at', models.DateTimeField(blank=True, null=True)),
                ('deleted_at', models.DateTimeField()),
                ('deleted_by_name', models.CharField(blank=True, help_text='Who, kept as text', max_length=150)),
                ('reason', models.CharField(blank=True, max_length=100, null=True)),
                ('batch', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='performance.loadbatch')),
                ('deleted_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('loaded_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('metric', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.metric')),
                ('org_unit', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.orgunit')),
            ],
        ),
        migrations.RunPython(_keep_deletions, _history_again),
        migrations.DeleteModel(
            name='HistoricalObservation',
        ),
        migrations.AddIndex(
            model_name='deletedobservation',
            index=models.Index(fields=['metric', 'org_unit', 'breakdown', 'period_start'], name='deleted_obs_key'),
        ),
    ]
