"""What a dry run would load, by metric and org unit: rows, the periods they cover by their names,
and how many are new, revised or unchanged — the upload page's preview before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from goldenthread.performance.loading.checking import CheckedRows
from goldenthread.performance.loading.periods import day
from goldenthread.planfile.periods import period_name

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan

#: lines of a preview listed in full; beyond this only their number is given
MAX_LINES = 500


@dataclass(frozen=True)
class PreviewLine:
    """The rows of one metric for one org unit that a load would write."""

    metric: str
    frequency: str
    org_unit: str
    new_unit: bool  # the load would create this org unit
    rows: int
    first: str  # the first period, by its name ("2016/17 Q1", "Jan 2017")
    last: str
    created: int
    revised: int
    unchanged: int


def summarise(
    rows: CheckedRows, matched: np.ndarray, same: np.ndarray, plan: Plan, limit: int = MAX_LINES
) -> tuple[list[PreviewLine], int]:
    """The preview's lines, by metric (in plan order) then org unit code, at most ``limit`` of
    them; and how many lines there are in all."""
    import pandas as pd

    if not len(rows.lines):
        return [], 0
    metrics = {
        pk: (code, freq, pos) for pk, code, freq, pos in plan.metrics.values_list("pk", "code", "frequency", "position")
    }
    units = dict(plan.org_units.values_list("pk", "code"))
    unit = np.array(
        [units[u] if u >= 0 else c for u, c in zip(rows.unit_id.tolist(), rows.unit_code.tolist(), strict=True)],
        dtype=object,
    )
    frame = pd.DataFrame(
        {
            "metric": rows.metric_id,
            "unit": unit,
            "new_unit": rows.unit_id < 0,
            "period": rows.period,
            "created": ~matched,
            "revised": matched & ~same,
            "unchanged": same,
        }
    )
    grouped = frame.groupby(["metric", "unit"], sort=False).agg(
        new_unit=("new_unit", "any"),
        rows=("period", "size"),
        first=("period", "min"),
        last=("period", "max"),
        created=("created", "sum"),
        revised=("revised", "sum"),
        unchanged=("unchanged", "sum"),
    )
    order = sorted(grouped.index, key=lambda key: (metrics[key[0]][2], str(key[1]).casefold()))
    lines = []
    for key in order[:limit]:
        g = grouped.loc[key]
        code, frequency, _ = metrics[key[0]]
        lines.append(
            PreviewLine(
                code,
                frequency,
                str(key[1]),
                bool(g["new_unit"]),
                int(g["rows"]),
                period_name(day(int(g["first"])), frequency),
                period_name(day(int(g["last"])), frequency),
                int(g["created"]),
                int(g["revised"]),
                int(g["unchanged"]),
            )
        )
    return lines, len(order)
