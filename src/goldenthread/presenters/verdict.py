"""The verdict the plan asks for: for each target period the plan names (its trajectory's periods
and the target's ``by``), the metric's value over that period against the target for it, met or
not — "2016/17 Q4: 87.6% against ≥ 95% — not met".

The judgement is :func:`goldenthread.performance.assessment.judge_period`, the one that
``goldenthread assess --period`` prints, applied to the same series (the same as-at period and
place); this module only writes it down.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.performance.assessment import MetricAssessment, judge_period, target_periods
from goldenthread.planfile.periods import Period
from goldenthread.presenters.values import format_value, level_text

OUTCOMES = {True: "met", False: "not met", None: "no data"}


@dataclass(frozen=True)
class Verdict:
    period: str  # the target period's name, e.g. "2016/17 Q4"
    value: str  # the value over the period, e.g. "87.6%", or "" when there is none
    target: str  # e.g. "≥ 95%"
    met: bool | None  # None when no value is held for the period
    outcome: str  # "met", "not met" or "no data"
    pending: bool  # the period had not ended at the as-at date

    @property
    def text(self) -> str:
        value = f"{self.value} against {self.target}" if self.value else f"no value held against {self.target}"
        pending = " (the period had not ended)" if self.pending else ""
        return f"{self.period}: {value} — {self.outcome}{pending}"


def verdicts(a: MetricAssessment, as_at: Period | None = None) -> list[Verdict]:
    """The metric's verdict for each target period its plan names, from the assessment's series
    (made as at ``as_at``: a period not over by then is marked pending)."""
    out = []
    for period in target_periods(a.metric):
        judged = judge_period(a.metric, a.series, period)
        value = format_value(judged.value, a.metric.unit) if judged.value is not None else ""
        outcome = OUTCOMES[judged.met] if judged.value is not None else "no data"
        target = level_text(judged.target, judged.comparison, a.metric.unit) if judged.target is not None else "–"
        pending = as_at is not None and period.end > as_at.end
        out.append(Verdict(period.label, value, target, judged.met, outcome, pending))
    return out
