"""Assessments as at a past period judge against the version of the plan in force then: a target
revised from 2019/20 Q3 leaves Q1 and Q2 judged against the old one, a metric added later is not in
them, and a corrected load (in force from the plan's start) applies to every period."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.performance.assessment import assess_plan, to_data
from goldenthread.performance.definitions import definitions_in_force, version_in_force
from goldenthread.planfile import validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import changes, versions
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import download_rows, metric_page
from goldenthread.presenters.plan import plan_page
from goldenthread.presenters.reported import assess

from .. import factories
from ..factories import PLAN_WITH_DATA
from ..versioned import (
    ADDED,
    NEW_OBJECTIVE,
    NEW_VERDICT,
    OLD_VERDICT,
    Q1,
    Q2,
    Q3,
    Q4,
    RETITLED,
    approve_change,
    factory_plan_with_a_moved_activity,
    nhsei_with_a_change,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> m.Plan:
    return nhsei_with_a_change()


def med(result):
    return next(a for a in result.metrics if a.metric.code == "MED-2-M1")


def test_periods_before_the_change_are_judged_against_the_old_target(plan):
    # 95% in Q1 and 96% in Q2 miss "= 100%"; two points are too few for process limits to say it
    # always will (issue 18: no judgement of assurance from fewer than 12 points)
    for period, verdict in ((Q1, OLD_VERDICT), (Q2, OLD_VERDICT)):
        a = med(assess_plan(plan, as_at=period))
        x = a.metric
        assert (x.target_value, x.target_comparison, x.target_by, x.target_text) == (
            Decimal(1),
            "=",
            "2020-03",
            "All hospital deaths subject to Medical Examiner scrutiny by March 2020",
        )
        assert list(x.trajectory.all()) == []
        assert a.evidence.target == 1.0 and a.status.reason == verdict
    for period in (Q3, Q4):
        a = med(assess_plan(plan, as_at=period))
        assert (a.metric.target_value, a.metric.target_comparison, a.metric.target_by) == (
            Decimal("0.9"),
            ">=",
            "2019/20 Q4",
        )
        assert [(p.period, p.period_start, p.value) for p in a.metric.trajectory.all()] == [
            ("2019/20 Q2", Q2.start, Decimal("0.85"))
        ]
        assert a.status.reason == NEW_VERDICT


def test_the_old_trajectory_drives_the_period_verdicts_and_the_json(plan):
    old = to_data(assess_plan(plan, as_at=Q1, period=Q1))
    row = next(x for x in old["metrics"] if x["code"] == "MED-2-M1")
    assert (row["target"], row["comparison"], row["target_by"], row["target_met"]) == (1.0, "=", "2020-03", False)
    new = to_data(assess_plan(plan, as_at=Q4, period=Q2))
    row = next(x for x in new["metrics"] if x["code"] == "MED-2-M1")
    assert (row["period_target"], row["period_comparison"], row["target_met"]) == (0.85, ">=", True)


def test_a_metric_added_later_is_not_in_the_earlier_assessment(plan):
    assert ADDED not in {a.metric.code for a in assess_plan(plan, as_at=Q1).metrics}
    assert ADDED in {a.metric.code for a in assess_plan(plan, as_at=Q4).metrics}
    old = ap.scorecard(plan, Q1)
    assert ADDED not in {r.code for r in old.rows}
    assert old.version_line == ("Plan as at 2019/20 Q1: version 1, in force from 2019/20 — the current version is 2")
    assert ap.scorecard(plan, Q4).version_line == ""
    assert ap.exceptions(plan, Q1).version_line.startswith("Plan as at 2019/20 Q1: version 1")


def test_objectives_are_those_of_the_version_in_force(plan):
    old, new = assess_plan(plan, as_at=Q1), assess_plan(plan, as_at=Q4)
    assert "MED-3" not in old.objectives and "MED-3" in new.objectives
    titles = {o["code"]: o["title"] for o in to_data(old)["objectives"]}
    assert titles["MED-2"] == "Introduction of Medical Examiners"
    assert {o["code"]: o["title"] for o in to_data(new)["objectives"]}["MED-2"] == RETITLED
    assert "MED-3" not in old.objectives and new.objectives["MED-3"].rating == "on_track"  # MED-2-M1's, from Q3
    assert [r.objectives for r in ap.scorecard(plan, Q1).rows if r.code == "MED-2-M1"] == [
        [("MED-2", "Introduction of Medical Examiners")]
    ]
    assert [r.objectives for r in ap.scorecard(plan, Q4).rows if r.code == "MED-2-M1"] == [
        [("MED-2", RETITLED), ("MED-3", NEW_OBJECTIVE)]
    ]
    tree = [n.title for n in plan_page(plan, on=Q1.end).walk()]
    assert "Introduction of Medical Examiners" in tree and RETITLED not in tree and NEW_OBJECTIVE not in tree
    tree = [n.title for n in plan_page(plan, on=Q4.end).walk()]
    assert RETITLED in tree and NEW_OBJECTIVE in tree


def test_the_live_plan_is_untouched_and_nothing_is_saved(plan):
    before = export_plan(plan.code)
    with CaptureQueriesContext(connection) as made:
        assess_plan(plan, as_at=Q1)
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in made.captured_queries)
    assert export_plan(plan.code) == before
    assert m.Metric.objects.get(plan=plan, code="MED-2-M1").target_value == Decimal("0.9")


def test_the_version_is_read_in_a_fixed_number_of_queries(plan):
    """One query for the versions; for an older one, its document, the owners, the units and the
    levels: never a query per metric, activity or objective."""
    with CaptureQueriesContext(connection) as latest:
        assess_plan(plan, as_at=Q4)
    with CaptureQueriesContext(connection) as older:
        assess_plan(plan, as_at=Q1)
    # the document, owners, units and levels; not the trajectories, which the older one reads from its
    # document; the links between metrics and objectives by the codes of each (two queries, not one)
    assert len(older) == len(latest) + 4 - 1 + 1
    with CaptureQueriesContext(connection) as read:
        definitions = definitions_in_force(plan, Q1.end)
        metrics = definitions.metrics(plan.metrics.select_related("owner"))
        [list(x.trajectory.all()) for x in metrics]
    assert len(read) == 5  # versions, the version's document, the metrics, the owners, the units


def test_a_corrected_load_in_force_from_the_start_applies_to_every_period(plan):
    spec = export_plan(plan.code)
    corrected = spec.model_copy(deep=True)
    target = next(x for x in corrected.metrics if x.code == "MED-2-M1").target
    assert target is not None
    target.value = Decimal("0.8")
    load_plan(corrected)
    assert plan.versions.order_by("-number").first().number == 3
    for period in (Q1, Q4):
        result = assess_plan(plan, as_at=period)
        assert result.version is not None and result.version.number == 3 and result.version.is_latest
        assert med(result).metric.target_value == Decimal("0.8")
        assert ADDED in {a.metric.code for a in result.metrics}
    assert ap.scorecard(plan, Q1).version_line == ""


def chart_targets(page) -> list[float]:
    """The target lines on the page's chart."""
    return [
        v["target"]
        for layer in page.chart_spec["layer"]
        for v in layer.get("data", {}).get("values", [])
        if "target" in v
    ]


def test_the_metric_page_shows_the_old_target_and_trajectory(plan):
    page = metric_page(plan, "MED-2-M1", Q1, None)
    assert page is not None and page.metric.target_value == Decimal(1)
    assert chart_targets(page) == [1.0]
    assert not page.has_trajectory and page.version_line.startswith("Plan as at 2019/20 Q1: version 1")
    assert {row[9] for row in download_rows(page)[1]} == {1.0}
    later = metric_page(plan, "MED-2-M1", Q4, None)
    assert later is not None and later.has_trajectory and later.version_line == ""
    assert chart_targets(later) == [0.9]
    assert {row[9] for row in download_rows(later)[1]} == {0.9}
    assert [o.title for o in page.objectives] == ["Introduction of Medical Examiners"]
    assert [o.title for o in later.objectives] == [RETITLED, NEW_OBJECTIVE]
    added = metric_page(plan, ADDED, Q1, None)
    assert added is not None and added.version_note.startswith(f"Metric {ADDED} is not in version 1 of the plan")


def test_activities_are_judged_by_the_dates_the_version_in_force_planned():
    """The factory plan: A1 due 30 September 2016; a change from 2016/17 Q4 moves it to March 2017."""
    plan = factory_plan_with_a_moved_activity()
    factories.add(plan, "FOUR", "north", parse_period("2016-04").start, 90, 100)
    q3, q4 = parse_period("2016/17 Q3"), parse_period("2016/17 Q4")
    old = assess_plan(plan, as_at=q3)
    assert old.activities["A1"].rating == "concern"
    assert [f.title for f in old.fired if f.code == "A1"] == ["Publish"]
    item = next(i for g in ap.exceptions(plan, q3).groups for i in g.items if i.code == "A1")
    assert (item.title, item.period) == ("Publish", "30 September 2016")
    assert assess_plan(plan, as_at=q4).activities["A1"].rating != "concern"


def test_goldenthread_assess_says_which_version_it_judged_against(plan, capsys):
    from goldenthread.cli.main import main

    assert main(["assess", "nhsei-2019", "--as-at", "2019/20 Q1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == {"number": 1, "in_force_from": "2019-04-01", "in_force_label": "2019/20", "latest": 2}
    row = next(x for x in data["metrics"] if x["code"] == "MED-2-M1")
    assert (row["target"], row["comparison"]) == (1.0, "=")
    assert main(["assess", "nhsei-2019", "--as-at", "2019/20 Q1"]) == 0
    out = capsys.readouterr().out
    assert "judged against version 1 of the plan, in force from 2019/20 (current: 2)" in out
    assert main(["assess", "nhsei-2019", "--as-at", "2019/20 Q4"]) == 0
    assert "judged against version" not in capsys.readouterr().out


def test_an_activity_without_updates_has_the_status_the_version_in_force_planned():
    """A change from 2016/17 Q4 plans A1 (due 30 September 2016, in progress) as complete: as at Q3
    it is still overdue, as the pages and packs judge it (with the approved updates)."""
    load_plan(validate_text(PLAN_WITH_DATA).plan)
    plan = m.Plan.objects.get(code="t")

    def complete(change, user):
        data = {**(changes.element_data(change, "activities", "A1") or {}), "status": "complete"}
        changes.save_element(change, "activities", "A1", data, reason="Done", user=user, seen=None)

    approve_change(plan, complete, in_force="2016/17 Q4")
    q3, q4 = parse_period("2016/17 Q3"), parse_period("2016/17 Q4")
    assert assess(plan, as_at=q3).activities["A1"].rating == "concern"
    assert "A1" in {i.code for g in ap.exceptions(plan, q3).groups for i in g.items}
    assert assess(plan, as_at=q4).activities["A1"].rating == "complete"


def test_the_version_in_force_on_a_day_is_the_one_versions_in_force_gives(plan):
    for day in (date(2019, 4, 1), date(2019, 9, 30), date(2019, 10, 1), date(2020, 3, 31), date(2021, 1, 1)):
        found = version_in_force(plan, day)
        assert found is not None and found.number == versions.in_force(plan, day).number, day
    assert [version_in_force(plan, d).number for d in (date(2019, 9, 30), date(2019, 10, 1))] == [1, 2]
    before = version_in_force(plan, date(2018, 1, 1))  # before any version was in force: the first
    assert before is not None and before.number == 1 and not before.is_latest
    assert (
        version_in_force(
            m.Plan.objects.create(
                code="none", title="No versions", organisation=plan.organisation, start="2019/20", end="2019/20"
            ),
            date(2019, 4, 1),
        )
        is None
    )
