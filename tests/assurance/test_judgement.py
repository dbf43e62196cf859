"""Targets, trajectories, the plan's own triggers and objective roll-up."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from goldenthread.assurance.judgement import (
    ActivityState,
    MetricEvidence,
    ObjectiveInput,
    Status,
    evaluate_activity_rules,
    evaluate_metric_rules,
    metric_status,
    objective_statuses,
    target_met,
    trajectory_met,
)

NAN = np.nan


def evidence(values, **kw) -> MetricEvidence:
    values = np.asarray(values, dtype=float)
    return MetricEvidence(code="M", title="Metric", periods=[f"P{i}" for i in range(len(values))], values=values, **kw)


def test_target_met_by_comparison():
    assert target_met([0.96, 0.95, 0.94, NAN], 0.95, ">=").tolist()[:3] == [1, 1, 0]
    assert np.isnan(target_met([NAN], 0.95, ">=")[0])
    assert target_met([3, 5], 4, "<").tolist() == [1, 0]


def test_trajectory_follows_polarity():
    assert trajectory_met([0.9, 0.8], [0.85, 0.85], "higher_is_better").tolist() == [1, 0]
    assert trajectory_met([0.9, 0.8], [0.85, 0.85], "lower_is_better").tolist() == [0, 1]


@pytest.mark.parametrize(
    ("values", "n", "fires"),
    [([0.96, 0.90, 0.91, 0.92], 3, True), ([0.90, 0.96, 0.91, 0.92], 3, False), ([0.9, 0.9, NAN], 2, False)],
)
def test_below_target_for(values, n, fires):
    e = evidence(values, target=0.95, rules=[{"rule": "below_target_for", "periods": n}])
    fired = evaluate_metric_rules(e)
    assert bool(fired) is fires
    if fires:
        assert (
            fired[0].periods == ("P1", "P2", "P3") and fired[0].message == "target missed in each of the last 3 periods"
        )


def test_trajectory_missed_for():
    e = evidence(
        [0.8, 0.8],
        planned=np.array([0.85, 0.9]),
        polarity="higher_is_better",
        rules=[{"rule": "trajectory_missed_for", "periods": 2}],
    )
    assert [f.rule for f in evaluate_metric_rules(e)] == ["trajectory_missed_for"]


def test_no_data_since():
    e = evidence([1, NAN, NAN], rules=[{"rule": "no_data_since", "periods": 2}])
    assert evaluate_metric_rules(e)[0].periods == ("P1", "P2")
    assert not evaluate_metric_rules(evidence([1, NAN], rules=[{"rule": "no_data_since", "periods": 2}]))


def test_spc_rules():
    e = evidence(
        [1, 2],
        latest_point_type="special_cause_concern",
        assurance="consistent_fail",
        rules=[{"rule": "special_cause_concern"}, {"rule": "assurance_fail"}],
    )
    assert [f.rule for f in evaluate_metric_rules(e)] == ["special_cause_concern", "assurance_fail"]
    calm = evidence(
        [1, 2],
        latest_point_type="common_cause",
        assurance="consistent_pass",
        rules=[{"rule": "special_cause_concern"}, {"rule": "assurance_fail"}],
    )
    assert evaluate_metric_rules(calm) == []


def test_activity_overdue():
    activities = [
        ActivityState("A1", "Late", "in_progress", date(2017, 1, 31)),
        ActivityState("A2", "Done", "complete", date(2017, 1, 31)),
        ActivityState("A3", "Later", "not_started", date(2017, 6, 30)),
        ActivityState("A4", "Survey", "not_started", None, "Annual survey"),
    ]
    fired = evaluate_activity_rules([{"rule": "activity_overdue", "grace_days": 0}], activities, date(2017, 3, 31))
    assert [(f.code, f.message) for f in fired] == [("A1", "overdue since 31 January 2017")]
    assert not evaluate_activity_rules([{"rule": "activity_overdue", "grace_days": 90}], activities, date(2017, 3, 31))


def test_metric_status_explains_itself():
    assert metric_status(evidence([])).rating == "no_data"
    assert metric_status(evidence([1, NAN])).reason == "no data for the latest period"
    assert metric_status(evidence([0.9], target=0.95)) == Status("at_risk", "target missed in the latest period")
    assert metric_status(evidence([0.96], target=0.95)).rating == "on_track"
    assert metric_status(evidence([0.96], target=0.95, latest_point_type="special_cause_concern")).rating == "concern"
    assert metric_status(evidence([0.96], target=0.95, assurance="consistent_fail")).rating == "concern"


def test_objective_roll_up_names_what_drives_it():
    concern, fine = Status("concern", "x"), Status("on_track", "y")
    statuses = objective_statuses(
        [
            ObjectiveInput("P", None),
            ObjectiveInput("C1", "P", metrics=[concern, concern, fine]),
            ObjectiveInput("C2", "P", activities=[fine]),
            ObjectiveInput("E", None),
        ]
    )
    assert statuses["C1"] == Status("concern", "2 of 3 metrics show concern")
    assert statuses["C2"] == Status("on_track", "its activity is on track")
    assert statuses["P"] == Status("concern", "1 of 2 sub-objectives show concern")
    assert statuses["E"].rating == "no_data"
