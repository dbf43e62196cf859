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
