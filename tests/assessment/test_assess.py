"""Assessment of a stored plan: aggregation, SPC, targets, triggers and roll-up from the database."""

from __future__ import annotations

import json
from datetime import date

import pytest

from goldenthread.cli.main import main
from goldenthread.performance.assessment import AssessmentError, assess_plan
from goldenthread.performance.figures import series
from goldenthread.performance.models import Observation
from goldenthread.planfile import validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from .. import factories
from ..factories import PLAN_WITH_DATA as PLAN
from ..factories import months

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    load_plan(validate_text(PLAN).plan)
    return m.Plan.objects.get(code="t")


def add(plan, unit: str, month: date, num: int, den: int, breakdown: str = ""):
    factories.add(plan, "FOUR", unit, month, num, den, breakdown)


def test_proportions_aggregate_as_ratio_of_sums(plan):
    # North: 90 of 100; South: 1 of 10. Mean of ratios would be 0.5; the ratio of sums is 91/110.
    add(plan, "north", date(2016, 4, 1), 90, 100)
    add(plan, "south", date(2016, 4, 1), 1, 10)
    england = series(plan.metrics.get(code="FOUR"), plan.org_units.get(code="england"))
    assert [p.value for p in england] == [pytest.approx(91 / 110)]
    north = series(plan.metrics.get(code="FOUR"), plan.org_units.get(code="north"))
    assert [p.value for p in north] == [0.9]


def test_breakdowns_are_summed_and_not_double_counted(plan):
    add(plan, "north", date(2016, 4, 1), 50, 100, "department_type=1")
    add(plan, "north", date(2016, 4, 1), 40, 50, "department_type=other")
    assert [p.value for p in series(plan.metrics.get(code="FOUR"))] == [pytest.approx(90 / 150)]


def test_quarter_value_is_the_ratio_over_its_months(plan):
    for i, mth in enumerate(months(12)):
        add(plan, "north", mth, 80 + i, 100)
    result = assess_plan(
        plan,
        as_at=parse_period("2016/17 Q4"),
        metric_code="FOUR",
        where_code="England",
        period=parse_period("2016/17 Q4"),
    )
    a = result.metrics[0]
    assert a.period_value == pytest.approx((89 + 90 + 91) / 300)
    assert a.period_target_met is False


def test_triggers_fire_and_objectives_explain_their_status(plan):
    for mth in months(12):
        add(plan, "north", mth, 90, 100)
    result = assess_plan(plan, as_at=parse_period("2016/17 Q4"))
    rules = {(f.rule, f.code) for f in result.fired}
    assert ("below_target_for", "FOUR") in rules
    assert ("activity_overdue", "A1") in rules
    assert result.objectives["S1"].rating == "concern"
    assert result.objectives["S1"].reason == "its metric shows concern"
    assert result.objectives["S2"].reason == "1 of 2 activities are overdue"
    assert result.objectives["P1"].reason == "2 of 2 sub-objectives show concern"


def test_no_data_is_a_status_not_a_crash(plan):
    result = assess_plan(plan, as_at=parse_period("2016/17 Q1"))
    assert result.metrics[0].status.rating == "no_data"


def test_unknown_unit_and_metric_are_explained(plan):
    with pytest.raises(AssessmentError, match="no org unit 'Narnia'"):
        assess_plan(plan, where_code="Narnia")
    with pytest.raises(AssessmentError, match="no metric 'NOPE'"):
        assess_plan(plan, metric_code="NOPE")


@pytest.mark.django_db(transaction=True)
def test_assess_command_json(plan, capsys):
    for i, mth in enumerate(months(12)):
        add(plan, "north", mth, 90 + (i % 3), 100)
        add(plan, "south", mth, 70 if i == 11 else 93, 100)
    assert (
        main(["assess", "t", "--metric", "FOUR", "--where", "England", "--period", "2016/17 Q4", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    metric = data["metrics"][0]
    assert metric["period"] == "2016/17 Q4" and metric["target"] == 0.95 and metric["target_met"] is False
    assert [u["unit"] for u in metric["units_with_special_cause_concern"]] == ["south"]
    assert main(["assess", "t", "--period", "2016/17 Q5"]) == 2
    assert "not a period" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_a_plan_reload_never_deletes_a_metric_holding_data(plan, capsys, tmp_path):
    add(plan, "north", date(2016, 4, 1), 90, 100)
    without = PLAN.replace(PLAN[PLAN.index("metrics:") : PLAN.index("activity_rules:")], "")
    path = tmp_path / "t.yaml"
    path.write_text(without)
    assert main(["plan", "load", str(path)]) == 1
    assert "no longer has metric FOUR, which holds loaded data; nothing was loaded" in capsys.readouterr().err
    assert Observation.objects.count() == 1 and plan.metrics.filter(code="FOUR").exists()
