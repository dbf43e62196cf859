"""Observations refer only to rows that exist, on both databases (ADR 0012): SQLite by its foreign
keys, PostgreSQL by triggers that check a statement's rows at once and keep a parent from being
deleted under them. Every path that deletes parents deletes (and keeps a trace of) their
observations first, so none is ever left behind."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from goldenthread.audit import records as audit
from goldenthread.audit.models import DeletedObservation
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.plans.models import Metric, OrgUnit

TABLE = Observation._meta.db_table


def _checked() -> None:
    """The foreign keys checked now (SQLite's are checked at commit; PostgreSQL's triggers at
    once, so this finds nothing more there)."""
    connection.check_constraints(table_names=[TABLE])


def _orphans() -> int:
    parents = {
        "metric_id": Metric,
        "org_unit_id": OrgUnit,
        "batch_id": LoadBatch,
    }
    q = connection.ops.quote_name
    found = 0
    with connection.cursor() as cursor:
        for column, model in parents.items():
            cursor.execute(
                f"SELECT COUNT(*) FROM {q(TABLE)} o WHERE o.{q(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {q(model._meta.db_table)} p WHERE p.{q('id')} = o.{q(column)})"
            )
            found += cursor.fetchone()[0]
    return found


@pytest.mark.parametrize("field", ["metric_id", "org_unit_id", "batch_id", "loaded_by_id"])
def test_an_observation_cannot_refer_to_a_row_that_is_not_there(data, field):
    row = Observation.objects.first()
    values = {"metric_id": row.metric_id, "org_unit_id": row.org_unit_id, field: 987654}
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(period_start=date(2030, 1, 1), value=1, **values)
        _checked()
    with pytest.raises(IntegrityError), transaction.atomic():  # nor be changed to refer to one
        Observation.objects.filter(pk=row.pk).update(**{field: 987654})
        _checked()


@pytest.mark.parametrize("model", [Metric, OrgUnit, LoadBatch])
def test_a_parent_cannot_be_deleted_under_its_observations(data, model):
    column = {Metric: "metric_id", OrgUnit: "org_unit_id", LoadBatch: "batch_id"}[model]
    parent = getattr(Observation.objects.exclude(**{column: None}).first(), column)
    q = connection.ops.quote_name
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:  # as a query that bypasses Django's cascade would
            cursor.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE {q('id')} = %s", [parent])
        _checked()
    assert _orphans() == 0


def test_removing_units_and_metrics_leaves_no_orphan_and_keeps_a_trace(data, django_user_model):
    admin = django_user_model.objects.create_user("admin")
    held = Observation.objects.count()
    unit = OrgUnit.objects.get(code="rx1")
    gone_with_unit = Observation.objects.filter(org_unit=unit).count()
    audit.delete([OrgUnit.objects.filter(pk=unit.pk)], user=admin)
    metric = Metric.objects.get(code="CNT")
    gone_with_metric = Observation.objects.filter(metric=metric).count()
    audit.delete([Metric.objects.filter(pk=metric.pk)], user=admin)
    assert gone_with_unit and gone_with_metric
    assert Observation.objects.count() == held - gone_with_unit - gone_with_metric
    assert _orphans() == 0
    _checked()
    kept = DeletedObservation.objects.order_by("pk")
    assert kept.count() == gone_with_unit + gone_with_metric
    assert set(kept.values_list("deleted_by_name", flat=True)) == {"admin"}
    assert kept.filter(org_unit_id=unit.pk).count() == gone_with_unit


def test_deleting_a_person_keeps_their_observations(data, django_user_model):
    person = django_user_model.objects.create_user("analyst")
    Observation.objects.update(loaded_by=person)
    person.delete()
    assert not Observation.objects.exclude(loaded_by=None).exists() and _orphans() == 0
    _checked()


def test_inserts_after_a_load_in_the_same_transaction_are_checked_again(data, load):
    """The loader checks (and locks) its own rows' parents and tells the database so while its
    COPY runs (migration performance 0004); after it, every insert is checked again."""
    row = Observation.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        report = load("metric,org_unit,period,value\nCNT,rx1,2030/31 Q1,5\n", name="late.csv")
        assert report.ok and report.created == 1
        Observation.objects.create(
            period_start=date(2031, 1, 1), value=1, metric_id=987654, org_unit_id=row.org_unit_id
        )
        _checked()
