"""Targets, trajectories, a plan's own triggers, and the status of every objective.

Pure functions on NumPy arrays and small dataclasses; no Django. The SPC judgement itself
(variation and assurance) comes from :mod:`goldenthread.assurance.spc`; this module adds what a
plan says on top: whether the target was met, whether delivery is on the planned trajectory,
which of the plan's machine-readable triggers fired, and a status for every objective that
explains itself in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

_COMPARE: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
    "=": np.isclose,
}

#: Ratings from worst to best; an objective takes the worst rating among its parts.
RATINGS = ("concern", "at_risk", "no_data", "on_track", "complete")
RATING_LABELS = {
    "concern": "Concern",
    "at_risk": "At risk",
    "no_data": "No data",
    "on_track": "On track",
    "complete": "Complete",
}


def target_met(values: np.ndarray, target: float, comparison: str) -> np.ndarray:
    """Per point: 1.0 met, 0.0 missed, NaN where there is no value."""
    values = np.asarray(values, dtype=float)
    out = _COMPARE[comparison](values, target).astype(float)
    out[np.isnan(values)] = np.nan
    return out


def trajectory_met(actual: np.ndarray, planned: np.ndarray, polarity: str) -> np.ndarray:
    """Per period: 1.0 when the actual is at least as good as planned, 0.0 when worse, NaN without both."""
    actual, planned = np.asarray(actual, dtype=float), np.asarray(planned, dtype=float)
    if polarity == "lower_is_better":
        out = (actual <= planned).astype(float)
    else:  # higher is better; for neutral metrics a trajectory is still a floor the plan set
        out = (actual >= planned).astype(float)
    out[np.isnan(actual) | np.isnan(planned)] = np.nan
    return out


def trailing_run(flags: np.ndarray) -> int:
    """How many of the last entries are 1.0 in a row (NaN or 0 ends the run)."""
    run = 0
    for flag in np.asarray(flags, dtype=float)[::-1]:
        if flag == 1.0:
            run += 1
        else:
            break
    return run


@dataclass(frozen=True)
class FiredTrigger:
    rule: str
    kind: str  # metric or activity
    code: str
    title: str
    periods: tuple[str, ...]
    message: str


@dataclass
class MetricEvidence:
    """What the assessment knows about one metric series, up to the as-at period."""

    code: str
    title: str
    periods: Sequence[str]  # labels of the metric's periods up to the as-at period, oldest first
    values: np.ndarray  # NaN where no value
    target: float | None = None
    comparison: str = ">="
    planned: np.ndarray | None = None  # trajectory value per period, NaN where none
    polarity: str = "neutral"
    latest_point_type: str | None = None
    assurance: str | None = None
    rules: Sequence[Mapping[str, Any]] = ()

    @property
    def met(self) -> np.ndarray | None:
        return None if self.target is None else target_met(self.values, self.target, self.comparison)

    @property
    def on_trajectory(self) -> np.ndarray | None:
        return None if self.planned is None else trajectory_met(self.values, self.planned, self.polarity)


#: The rules that count periods, and what each says when it fires.
_COUNTED_RULES = {
    "below_target_for": "target missed in each of the last {n} periods",
    "trajectory_missed_for": "below the planned trajectory in each of the last {n} periods",
    "no_data_since": "no data for the last {n} periods",
}


def _trailing_count(e: MetricEvidence, rule: str) -> int | None:
    """For a counted rule: how many of the latest periods in a row its condition holds.

    None when the metric lacks what the rule needs (a target, a trajectory).
    """
    if rule == "below_target_for":
        met = e.met
        return None if met is None else trailing_run(1.0 - met)  # NaN stays NaN and breaks the run
    if rule == "trajectory_missed_for":
        on_trajectory = e.on_trajectory
        return None if on_trajectory is None else trailing_run(1.0 - on_trajectory)
    return trailing_run(np.isnan(np.asarray(e.values, dtype=float)).astype(float))  # no_data_since


def _latest_point_fires(e: MetricEvidence, rule: str) -> str | None:
    """For a rule on the latest point: what it says when it fires, or None."""
    if rule == "special_cause_concern" and e.latest_point_type == "special_cause_concern":
        return "the latest point is special cause of concern"
    if rule == "assurance_fail" and e.assurance == "consistent_fail":
        return "the process limits show the target will consistently be missed"
    return None


def evaluate_metric_rules(e: MetricEvidence) -> list[FiredTrigger]:
    fired: list[FiredTrigger] = []

    def fire(rule: str, periods: Iterable[str], message: str) -> None:
        fired.append(FiredTrigger(rule, "metric", e.code, e.title, tuple(periods), message))

    for rule in e.rules:
        name = rule["rule"]
        if name in _COUNTED_RULES:
            count, n = _trailing_count(e, name), rule.get("periods")  # the plan schema requires periods here
            if count is not None and n is not None and count >= n:
                fire(name, e.periods[-n:], _COUNTED_RULES[name].format(n=n))
        elif message := _latest_point_fires(e, name):
            fire(name, e.periods[-1:], message)
    return fired


@dataclass(frozen=True)
class ActivityState:
    code: str
    title: str
    status: str  # not_started, in_progress, complete, delayed, cancelled
    due_date: date | None
    due_text: str = ""


def activity_rating(a: ActivityState, as_at: date, grace_days: int = 0) -> Status:
    if a.status == "complete":
        return Status("complete", "complete")
    if a.status == "cancelled":
        return Status("on_track", "cancelled")
    if a.due_date is not None and a.due_date + timedelta(days=grace_days) < as_at:
        return Status("concern", f"overdue since {a.due_date:%-d %B %Y}")
    if a.status == "delayed":
        return Status("at_risk", "reported as delayed")
    return Status("on_track", "on track" if a.due_date else f"timeline “{a.due_text}”" if a.due_text else "no due date")


def evaluate_activity_rules(
    rules: Sequence[Mapping[str, Any]], activities: Iterable[ActivityState], as_at: date
) -> list[FiredTrigger]:
    fired = []
    for rule in rules:
        if rule["rule"] != "activity_overdue":
            continue
        grace = int(rule.get("grace_days", 0))
        for a in activities:
            status = activity_rating(a, as_at, grace)
            if status.rating == "concern" and a.due_date is not None:
                fired.append(
                    FiredTrigger(
                        "activity_overdue", "activity", a.code, a.title, (a.due_date.isoformat(),), status.reason
                    )
                )
    return fired


@dataclass(frozen=True)
class Status:
    rating: str  # one of RATINGS
    reason: str

    @property
    def label(self) -> str:
        return RATING_LABELS[self.rating]


def metric_status(e: MetricEvidence, fired: Sequence[FiredTrigger] = ()) -> Status:
    """One metric's status from its latest point, target, assurance and fired triggers."""
    values = np.asarray(e.values, dtype=float)
    if not len(values) or np.isnan(values[-1]):
        return Status("no_data", "no data for the latest period")
    if fired:
        return Status("concern", "; ".join(f.message for f in fired))
    if e.latest_point_type == "special_cause_concern":
        return Status("concern", "special cause of concern at the latest point")
    if e.assurance == "consistent_fail":
        return Status("concern", "will consistently miss the target")
    met = e.met
    if met is not None and met[-1] == 0.0:
        return Status("at_risk", "target missed in the latest period")
    if e.assurance == "inconsistent":
        return Status("at_risk", "will hit and miss the target")
    if met is not None:
        return Status("on_track", "target met in the latest period")
    return Status("on_track", "no special cause of concern")


@dataclass
class ObjectiveInput:
    code: str
    parent: str | None
    metrics: list[Status] = field(default_factory=list)
    activities: list[Status] = field(default_factory=list)


def _worst(statuses: Iterable[Status]) -> str | None:
    ratings = [s.rating for s in statuses]
    return min(ratings, key=RATINGS.index) if ratings else None


def _count(statuses: Sequence[Status], rating: str, noun: str) -> str | None:
    n = sum(1 for s in statuses if s.rating == rating)
    if not n:
        return None
    word = {
        "concern": "show concern",
        "at_risk": "are at risk",
        "no_data": "have no data",
        "on_track": "are on track",
        "complete": "are complete",
    }[rating]
    if noun == "activities" and rating == "concern":
        word = "are overdue"
    if len(statuses) == 1:
        return f"its {noun[:-3] + 'y' if noun == 'activities' else noun[:-1]} {_singular(word)}"
    return f"{n} of {len(statuses)} {noun} {word}"


def _singular(phrase: str) -> str:
    return phrase.replace("are ", "is ", 1).replace("have ", "has ", 1).replace("show ", "shows ", 1)


def objective_statuses(objectives: Sequence[ObjectiveInput]) -> dict[str, Status]:
    """Every objective's status: the worst of its metrics, activities and sub-objectives, with the
    reason naming what drives it, e.g. '2 of 3 metrics show concern'."""
    children: dict[str | None, list[str]] = {}
    for o in objectives:
        children.setdefault(o.parent, []).append(o.code)
    by_code = {o.code: o for o in objectives}
    result: dict[str, Status] = {}

    def visit(code: str) -> Status:
        if code in result:
            return result[code]
        o = by_code[code]
        kids = [visit(c) for c in children.get(code, [])]
        worst = _worst([*o.metrics, *o.activities, *kids])
        if worst is None:
            status = Status("no_data", "no metrics, activities or sub-objectives to judge it by")
        else:
            parts = [
                _count(o.metrics, worst, "metrics"),
                _count(o.activities, worst, "activities"),
                _count(kids, worst, "sub-objectives"),
            ]
            status = Status(worst, "; ".join(p for p in parts if p))
        result[code] = status
        return status

    for o in objectives:
        visit(o.code)
    return result
