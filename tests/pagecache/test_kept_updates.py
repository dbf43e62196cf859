"""Kept assessments and the quarterly cycle: an approved update changes the figures at once; and
the task worker keeps the plan's assessments after `goldenthread data load`."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.pagecache.models import Kept
from tests.cycles.conftest import login, world  # noqa: F401  (fixtures)
from tests.cycles.test_reported import medical_q4, text

Q4 = "?as_at=2019/20 Q4"


@pytest.mark.django_db
def test_an_approved_update_changes_the_kept_judgements_at_once(world, login):  # noqa: F811
    from goldenthread.cycles import services

    world.plan.activities.filter(code="MED-1-a").update(due_date=date(2019, 12, 31))
    world.plan.activity_rules = [{"rule": "activity_overdue", "grace_days": 0}]
    world.plan.save()
    board = login(world.users["board"])
    listed = text(board.get(f"/plans/nhsei-2019/exceptions/{Q4}"))
    assert "Create AMR Programme" in listed  # overdue, and now kept
    assert Kept.objects.filter(plan=world.plan).exists()
    medical_q4(world, status="complete", state="submitted")
    assert "Create AMR Programme" in text(board.get(f"/plans/nhsei-2019/exceptions/{Q4}"))  # not approved yet
    sub = world.plan.reporting_periods.get(label="2019/20 Q4").submissions.get(org_unit=world.medical)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    assert "MED-1-a" not in text(board.get(f"/plans/nhsei-2019/exceptions/{Q4}"))
    assert Kept.objects.filter(plan=world.plan, what="assessment").count() == 2  # another key: the new statuses


@pytest.mark.django_db
def test_an_approved_update_shows_on_the_kept_plan_overview_at_once(world, login):  # noqa: F811
    board = login(world.users["board"])
    overview = f"/plans/nhsei-2019/{Q4}"
    assert "Recruitment behind" not in text(board.get(overview))
    assert Kept.objects.filter(plan=world.plan, what="plan-tree").exists()
    sub = medical_q4(world, status="complete", state="submitted")
    assert "Recruitment behind" not in text(board.get(overview))  # submitted, not yet approved
    from goldenthread.cycles import services

    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    assert "Reported Amber Recruitment behind (2019/20 Q4, reported by Lead)" in text(board.get(overview))


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_the_assessments_after_a_data_load(tmp_path):
    from goldenthread.cli.main import main
    from tests.factories import plan_with_data
    from tests.workers import running_worker, shared_database, wait_until

    plan = plan_with_data()
    data = tmp_path / "more.csv"
    data.write_text("metric,org_unit,period,numerator,denominator\nFOUR,north,2018-04-01,10,100\n", encoding="utf-8")
    with shared_database(tmp_path) as url, running_worker(url, tmp_path) as worker:
        assert main(["data", "load", str(data), "--plan", "t"]) == 0
        packed = Kept.objects.filter(plan=plan, what="board-pack-html")
        wait_until(packed.exists, 120, "the assessments and the board pack page are kept", worker)
        # the overview's and the scorecard's assessments, and the board pack page (with what it reads)
        assert {"assessment", "overview"} <= set(Kept.objects.filter(plan=plan).values_list("what", flat=True))


@pytest.mark.django_db
def test_returned_values_change_the_plans_stamp_whatever_ids_they_are_given(world):  # noqa: F811
    """An approval writes its returned values as a load: a batch the observations name, counted in
    the stamp. The newest observation's id was the stamp's once; ids are handed out as rows are
    written (on PostgreSQL, a thousand at a time to each session), so a value approved in one
    session can be given an id below one another session wrote, and the pages kept showing the
    figures before the approval. The id below stands for that other session's."""
    from goldenthread.cycles import services
    from goldenthread.pagecache import store
    from goldenthread.performance.models import LoadBatch, Observation

    metric = world.plan.metrics.get(code="MED-2-M1")
    Observation.objects.create(id=10**12, metric=metric, org_unit=world.nursing, period_start=date(2019, 4, 1), value=1)
    before, _, _ = store.look(world.plan, "")
    sub = services.save_update(
        world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True
    )
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    approved = Observation.objects.get(metric=metric, org_unit=world.medical, superseded_at=None)
    batch = LoadBatch.objects.get(plan=world.plan)
    assert approved.batch == batch and approved.value == 30 / 40
    assert (batch.rows_created, batch.rows_revised, batch.loaded_by) == (1, 0, world.users["planner"])
    assert "Quarterly return: " in batch.file_name and "2019/20 Q1 (approved)" in batch.source
    assert store.look(world.plan, "")[0] != before
