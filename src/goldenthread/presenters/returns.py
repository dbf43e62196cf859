"""Metric values reported through the quarterly updates: each unit's latest approved return for a
metric collected by return, labelled with its period and who reported it (the rule of
:mod:`goldenthread.presenters.reported`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from goldenthread.cycles.models import MetricReturn
from goldenthread.cycles.services import display_name
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import metric_value_text
from goldenthread.presenters.reported import approved_rows


@dataclass(frozen=True)
class ReturnedValue:
    unit: str
    value: str  # "42.5% (34 of 80)", or "" with a note
    note: str
    period: str
    by: str

    @property
    def text(self) -> str:
        what = self.value or "no value"
        note = f" — {self.note}" if self.note else ""
        return f"{what}{note} ({self.unit}, {self.period}, reported by {self.by})"


def returned_values(plan: pm.Plan, on: date) -> dict[str, list[ReturnedValue]]:
    """metric code -> each unit's latest approved return for a period ending by ``on``."""
    rows = approved_rows(MetricReturn, plan, on, "metric_id").select_related("metric")
    latest: dict[tuple[int, int], MetricReturn] = {}
    for r in rows:
        latest.setdefault((r.metric_id, r.submission.org_unit_id), r)
    out: dict[str, list[ReturnedValue]] = defaultdict(list)
    for r in sorted(latest.values(), key=lambda r: (r.metric.position, r.submission.org_unit.position)):
        s = r.submission
        out[r.metric.code].append(
            ReturnedValue(
                s.org_unit.name,
                metric_value_text(r.metric, r.value, r.numerator, r.denominator),
                r.note,
                s.period.label,
                display_name(s.submitted_by),
            )
        )
    return dict(out)
