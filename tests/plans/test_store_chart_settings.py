"""A metric's chart settings are stored, exported and reloaded unchanged (issue 18)."""

from __future__ import annotations

import pytest

from goldenthread.planfile import to_yaml, validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan
from tests.chart_settings import example_with_settings

pytestmark = pytest.mark.django_db


def _plan(text: str):
    result = validate_text(text, "charts.yaml")
    assert result.ok, result.problems
    return result.plan


def test_chart_settings_are_stored_as_written():
    load_plan(_plan(example_with_settings()))
    metric = m.Metric.objects.get(plan__code="example-2019", code="NUR-VAC")
    assert metric.chart == "p" and metric.fix_after_n == 12
    assert metric.rebase == [
        {"date": "2019/20 Q2", "reason": "New recruitment drive"},
        {"date": "2020-01", "reason": "Establishment re-counted: <script>alert(1)</script>"},
    ]
    assert metric.annotations[0] == {"date": "2019-08-05", "text": '<b>Winter</b> plan =HYPERLINK("x")'}
    other = m.Metric.objects.get(plan__code="example-2019", code="AMR-PRESC")
    assert (other.chart, other.rebase, other.fix_after_n, other.annotations) == ("", [], None, [])


def test_chart_settings_round_trip_through_the_database():
    plan = _plan(example_with_settings())
    load_plan(plan)
    exported = export_plan("example-2019")
    assert exported == plan
    assert to_yaml(exported) == to_yaml(plan)
    assert "chart: p\n" in to_yaml(exported)


def test_a_changed_setting_updates_in_place_and_clearing_it_empties_it():
    load_plan(_plan(example_with_settings()))
    pk = m.Metric.objects.get(code="NUR-VAC").pk
    load_plan(_plan(example_with_settings("    chart: run\n    fix_after_n: 6\n")))
    metric = m.Metric.objects.get(code="NUR-VAC")
    assert metric.pk == pk
    assert (metric.chart, metric.fix_after_n, metric.rebase, metric.annotations) == ("run", 6, [], [])
    load_plan(_plan(example_with_settings("")))
    metric = m.Metric.objects.get(code="NUR-VAC")
    assert (metric.chart, metric.fix_after_n) == ("", None)
    assert "chart:" not in to_yaml(export_plan("example-2019"))


def test_workbook_to_database_to_workbook_keeps_every_setting():
    from goldenthread.planfile.workbook_read import validate_workbook
    from goldenthread.planfile.workbook_write import plan_workbook

    plan = _plan(example_with_settings())
    result = validate_workbook(plan_workbook(plan))
    assert result.ok, result.problems
    load_plan(result.plan)
    exported = export_plan("example-2019")
    assert exported == plan
    again = validate_workbook(plan_workbook(exported))
    assert again.ok and to_yaml(again.plan) == to_yaml(plan)


def test_a_changed_setting_is_a_new_version_whose_comparison_names_it():
    from goldenthread.planfile.compare import compare
    from goldenthread.plans import versions

    load_plan(_plan(example_with_settings()))
    changed = example_with_settings().replace("    chart: p\n", "    chart: xmr\n")
    load_plan(_plan(changed))
    stored = m.Plan.objects.get(code="example-2019").versions.order_by("number")
    assert [v.number for v in stored] == [1, 2]
    old, new = (versions.version_plan(v) for v in stored)
    (change,) = compare(old, new).section("metrics").of("changed")
    assert [(f.path, f.old, f.new) for f in change.fields] == [("chart", "p", "xmr")]
    assert stored[1].document["metrics"][1]["rebase"][1]["reason"].endswith("<script>alert(1)</script>")


def test_the_history_of_a_metric_holds_its_settings():
    load_plan(_plan(example_with_settings()))
    history = m.Metric.objects.get(code="NUR-VAC").history.order_by("history_id")
    assert [(h.chart, h.fix_after_n) for h in history] == [("p", 12)]
    assert history[0].annotations[1] == {"date": "2019/20 Q3", "text": "Agency cap"}


def test_reloading_the_same_settings_changes_nothing():
    plan = _plan(example_with_settings())
    load_plan(plan)
    history = m.Metric.history.count()
    report = load_plan(plan)
    assert m.Metric.history.count() == history
    assert m.Plan.objects.get(code="example-2019").versions.count() == 1
    assert not report.new_plan
