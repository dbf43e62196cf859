"""Versions and change control: loads make versions, edits gather in a draft change validated as
a whole plan, the owner approves into the next version, and the version in force is found by day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goldenthread.planfile import plan_document, to_yaml
from goldenthread.plans import changes, versions
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def people():
    users = get_user_model()
    return users.objects.create_user("priya", first_name="Priya"), users.objects.create_user("dee", first_name="Dee")


def metric(change: m.PlanChange, code: str) -> dict:
    data = changes.element_data(change, "metrics", code)
    assert data is not None
    return dict(data)


def retitle(change: m.PlanChange, user) -> None:
    fields = {**changes.element_data(change, "plan", change.plan.code), "title": "New title"}
    changes.save_plan_fields(change, fields, reason="Renamed by the board", user=user, seen=None)


def test_a_load_that_changes_the_plan_records_a_version(plan, example_plan):
    first = plan.versions.get()
    assert (first.number, first.how, first.in_force_from) == (1, "loaded", date(2019, 4, 1))
    assert to_yaml(versions.version_plan(first)) == to_yaml(example_plan)
    assert str(load_plan(example_plan)) == "example-2019: unchanged"
    assert plan.versions.count() == 1
    edited = example_plan.model_copy(update={"title": "Retitled"})
    assert "(version 2)" in str(load_plan(edited))
    assert versions.version_plan(plan.versions.get(number=2)).title == "Retitled"


def test_an_edit_is_validated_as_a_whole_plan_and_nothing_is_saved_when_it_is_not_valid(plan, people):
    priya, _ = people
    change = changes.draft_change(plan, priya)
    data = {**metric(change, "AMR-PRESC"), "owner": "nobody", "target": {"value": "high"}}
    with pytest.raises(changes.EditProblems) as refused:
        changes.save_element(change, "metrics", "AMR-PRESC", data, reason="Owner changed", user=priya, seen=None)
    paths = {p.path for p in refused.value.problems}
    assert {"metrics[0].target.value"} <= paths, paths
    change.refresh_from_db()
    assert change.revision == 0 and not change.edits.exists()
    with pytest.raises(changes.EditProblems) as no_reason:
        shown = metric(change, "AMR-PRESC")
        changes.save_element(change, "metrics", "AMR-PRESC", shown, reason=" ", user=priya, seen=None)
    assert no_reason.value.problems[0].path == "reason"


def test_edits_gather_in_the_draft_and_approval_makes_the_next_version(plan, people):
    priya, dee = people
    change = changes.draft_change(plan, priya)
    shown = metric(change, "AMR-PRESC")
    seen = changes.fingerprint(shown)
    edit = changes.save_element(
        change,
        "metrics",
        "AMR-PRESC",
        {**shown, "target": {"value": "0.9", "comparison": ">="}},
        reason="Target revised by the board",
        user=priya,
        seen=seen,
    )
    assert edit is not None and edit.action == "changed" and edit.made_by == priya
    assert edit.after["target"] == {"value": "0.9"}  # the default comparison is left out, as in a file
    added = changes.save_element(
        change,
        "objectives",
        None,
        {"code": "MED-2", "level": "dir-priority", "title": "A <b>new</b> objective", "parent": "1"},
        reason="New priority",
        user=priya,
        seen=None,
    )
    assert added is not None and added.action == "added"
    assert export_plan(plan.code).title == plan.title  # the live plan waits for approval
    assert m.Objective.objects.filter(plan=plan, code="MED-2").count() == 0

    with pytest.raises(changes.ChangeRefused, match="no edits|awaiting|period"):
        changes.submit(change, priya, in_force_label="2031/32 Q1", summary="")
    changes.submit(change, priya, in_force_label="2019/20 Q3", summary="Board revision")
    with pytest.raises(changes.ChangeRefused, match="awaiting"):
        changes.draft_change(plan, priya)
    with pytest.raises(changes.ChangeRefused, match="another person must approve"):
        changes.approve(change, priya)
    version = changes.approve(change, dee, "Agreed")
    assert (version.number, version.how, version.in_force_from) == (2, "changed", date(2019, 10, 1))
    assert m.Objective.objects.get(plan=plan, code="MED-2").title == "A <b>new</b> objective"
    assert m.Metric.objects.get(plan=plan, code="AMR-PRESC").target_value == Decimal("0.9")
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == dee
    assert versions.in_force(plan, date(2019, 6, 30)).number == 1
    assert versions.in_force(plan, date(2019, 12, 31)).number == 2


def test_the_second_of_two_saves_of_one_element_is_refused_and_the_first_kept(plan, people):
    priya, dee = people
    change = changes.draft_change(plan, priya)
    shown = metric(change, "AMR-PRESC")
    seen = changes.fingerprint(shown)
    changes.save_element(
        change, "metrics", "AMR-PRESC", {**shown, "title": "Priya's"}, reason="r", user=priya, seen=seen
    )
    with pytest.raises(changes.EditConflict, match="Priya changed it at"):
        mine = {**shown, "title": "Dee's"}
        changes.save_element(change, "metrics", "AMR-PRESC", mine, reason="r", user=dee, seen=seen)
    change.refresh_from_db()
    assert metric(change, "AMR-PRESC")["title"] == "Priya's"


def test_an_element_others_name_cannot_be_retired_and_a_retired_one_leaves_the_next_version(plan, people):
    priya, dee = people
    change = changes.draft_change(plan, priya)
    with pytest.raises(changes.ChangeRefused, match="activity MED-1-a"):
        changes.remove_element(change, "objectives", "MED-1", reason="Done", user=priya, seen=None)
    changes.remove_element(change, "risks", "R1", reason="Closed by the board", user=priya, seen=None)
    changes.submit(change, priya, in_force_label="2019/20 Q2", summary="")
    changes.approve(change, dee)
    assert not m.Risk.objects.filter(plan=plan).exists()
    first = versions.version_plan(plan.versions.get(number=1))
    assert [r.code for r in first.risks] == ["R1"]


def test_a_rejected_change_leaves_the_plan_and_a_stale_change_cannot_be_approved(plan, example_plan, people):
    priya, dee = people
    change = changes.draft_change(plan, priya)
    changes.move_element(change, "risks", "R1", to_position=0, reason="r", user=priya, seen=None)
    retitle(change, priya)
    changes.submit(change, priya, in_force_label="2019/20 Q1", summary="")
    with pytest.raises(changes.ChangeRefused, match="Say why"):
        changes.reject(change, dee, "")
    changes.reject(change, dee, "Not agreed")
    assert m.Plan.objects.get(pk=plan.pk).title == example_plan.title

    again = changes.draft_change(plan, priya)
    retitle(again, priya)
    changes.submit(again, priya, in_force_label="2019/20 Q1", summary="")
    load_plan(example_plan.model_copy(update={"description": "Corrected"}))  # a file load moves the plan on
    with pytest.raises(changes.ChangeRefused, match="moved on"):
        changes.approve(again, dee)


def test_a_whole_plan_replaced_gives_one_edit_per_element_that_differs(plan, example_plan, people):
    priya, _ = people
    change = changes.draft_change(plan, priya)
    document = plan_document(example_plan)
    document["metrics"][0]["title"] = "Renamed"
    document["risks"] = []
    document["owners"].reverse()
    edits = changes.replace_plan(change, type(example_plan).model_validate(document), reason="Workbook", user=priya)
    assert sorted((e.section, e.code, e.action) for e in edits) == [
        ("metrics", "AMR-PRESC", "changed"),
        ("owners", "cno", "moved"),
        ("owners", "nmd", "moved"),
        ("risks", "R1", "removed"),
    ]
    assert all(e.reason == "Workbook" for e in edits)


def test_plan_load_in_force_from_a_period(tmp_path, example_plan, capsys):
    from goldenthread.cli.main import main

    path = tmp_path / "example.yaml"
    path.write_text(to_yaml(example_plan), encoding="utf-8")
    assert main(["plan", "load", str(path)]) == 0
    path.write_text(to_yaml(example_plan.model_copy(update={"title": "Retitled"})), encoding="utf-8")
    assert main(["plan", "load", str(path), "--in-force-from", "2031/32 Q1"]) == 1
    assert "--in-force-from: '2031/32 Q1' is outside the plan period" in capsys.readouterr().err
    assert main(["plan", "load", str(path), "--in-force-from", "2019/20 Q3"]) == 0
    assert "example-2019: updated (version 2)" in capsys.readouterr().out
    version = m.PlanVersion.objects.get(plan__code="example-2019", number=2)
    assert (version.in_force_from, version.in_force_label, version.note) == (
        date(2019, 10, 1),
        "2019/20 Q3",
        "Loaded from example.yaml",
    )


def test_the_audit_trail_of_an_approved_change_names_the_change(plan, people, client):
    from goldenthread.audit.history import history_page

    priya, dee = people
    change = changes.draft_change(plan, priya)
    shown = metric(change, "AMR-PRESC")
    changes.save_element(
        change, "metrics", "AMR-PRESC", {**shown, "title": "Renamed"}, reason="Board", user=priya, seen=None
    )
    changes.submit(change, priya, in_force_label="2019/20 Q2", summary="")
    changes.approve(change, dee)
    page = history_page("metric", m.Metric.objects.get(plan=plan, code="AMR-PRESC").pk)
    latest = page.entries[0]
    assert latest.who.startswith("Dee") or latest.who == "dee"
    assert latest.reason.startswith("Plan change 1, approved")
    assert any(c.after == "Renamed" for c in latest.changes)


def test_an_element_holding_peoples_records_is_never_retired_or_dropped(plan, example_plan, people):
    """An activity with a quarterly update, a metric with data: retiring is refused with what to do
    instead, and a file without them is refused too — nothing anyone wrote or loaded is lost."""
    from goldenthread.cycles import models as cm
    from goldenthread.plans.store import PlanLoadRefused

    priya, _ = people
    activity = m.Activity.objects.get(plan=plan, code="MED-1-a")
    q1 = {
        "start": date(2019, 4, 1),
        "end": date(2019, 6, 30),
        "opens_on": date(2019, 6, 1),
        "closes_on": date(2019, 7, 15),
    }
    period = cm.ReportingPeriod.objects.create(plan=plan, label="2019/20 Q1", **q1)
    submission = cm.Submission.objects.create(period=period, org_unit=activity.org_unit or activity.objective.org_unit)
    cm.ActivityUpdate.objects.create(submission=submission, activity=activity, status="in_progress", commentary="Typed")
    change = changes.draft_change(plan, priya)
    with pytest.raises(changes.ChangeRefused, match="MED-1-a, which holds quarterly updates.*cancelled instead"):
        changes.remove_element(change, "activities", "MED-1-a", reason="Done", user=priya, seen=None)
    document = plan_document(example_plan)
    document["activities"] = [a for a in document["activities"] if a["code"] != "MED-1-a"]
    with pytest.raises(PlanLoadRefused, match="no longer has activity MED-1-a, which holds quarterly updates"):
        load_plan(type(example_plan).model_validate(document))
    assert cm.ActivityUpdate.objects.filter(commentary="Typed").exists()


def test_migrate_gives_a_plan_loaded_before_versions_were_kept_its_baseline(plan):
    from django.core.management import call_command

    plan.versions.all().delete()
    call_command("migrate", verbosity=0)
    baseline = plan.versions.get()
    assert (baseline.number, baseline.note) == (1, "Baseline: the plan as held")
    call_command("migrate", verbosity=0)
    assert plan.versions.count() == 1
