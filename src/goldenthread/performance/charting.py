"""Which chart a metric's series is drawn on, and whether it holds enough points to be judged.

The assessment (:mod:`goldenthread.performance.assessment`) judges every metric's series with the
assurance engine; this module says what a page, a pack or ``goldenthread assess`` may make of
that judgement. Below :data:`MIN_POINTS` points with a value, a chart's process limits are not
shown and no variation or assurance is judged: the series is drawn as a run chart around its
median, and the reason is kept as a :class:`~goldenthread.assurance.results.Note` coded
``too_few_points`` for the page to word (docs/charts.md).

Why 12: NHSRplotthedots, the NHS-R community's implementation of Making Data Count, whose
figures the engine reproduces, says in its guidance "How many points are required for robust
control limits?" that limits from fewer than 12 points are only trial limits, revised with each
new point, and that they are fixed once there are 12 or more. (Its code warns below 13, which its
message calls 12; the engine keeps that warning as ``short_group``.) Pure data: no queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from goldenthread.assurance.charts import SeriesRuns
from goldenthread.assurance.results import Note, SPCResult

#: the fewest points with a value a chart's process limits are drawn and judged from
MIN_POINTS = 12
#: where :data:`MIN_POINTS` comes from, as a page names it
MIN_POINTS_SOURCE = "NHSRplotthedots' guidance on the number of points required for robust control limits"

#: the code of the note :func:`chart_of` adds when a series is too short to judge
TOO_FEW_POINTS = "too_few_points"
#: the engine's notes about limits, moot on a run chart drawn for too few points (it has none)
LIMIT_NOTES = frozenset({"short_group", "limits_undefined"})
#: the code of the note the assessment adds when the engine refuses a metric's data for its chart
CHART_REFUSED = "chart_refused"
#: the code of the note the assessment adds when a ratio chart's counts are missing (judged on XmR)
NO_COUNTS = "no_counts"


@dataclass(eq=False)
class MetricChart:
    """What a metric's chart shows, point by point (arrays in the series' order, NaN where none).

    ``kind`` is the chart drawn (``"xmr"``, or ``"run"`` when the series is too short for the
    chart the metric is judged on, ``planned``); ``centre`` is the mean, or the median of a run
    chart (``centre_label``); ``point_type`` and ``special_cause`` are the engine's labels, empty
    where no point is judged; ``notes`` are the engine's warnings and this module's, as codes."""

    kind: str
    planned: str
    centre_label: str
    centre: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    point_type: np.ndarray
    special_cause: np.ndarray
    rebase_group: np.ndarray
    points: int
    needed: int
    notes: tuple[Note, ...] = ()
    runs: SeriesRuns | None = None  # the Anhøj rules on the latest segment (charts other than XmR)

    @property
    def too_few(self) -> bool:
        """Whether the series holds fewer points than the planned chart's limits need."""
        return self.points < self.needed

    @property
    def refused(self) -> bool:
        """Whether the engine refused the data for the planned chart (drawn as a run chart instead)."""
        return any(note.code == CHART_REFUSED for note in self.notes)


def run_chart(values: np.ndarray, planned: str, needed: int, notes: tuple[Note, ...] = ()) -> MetricChart:
    """The series as a run chart: its median as the centre line, no limits, no point judged."""
    n = len(values)
    present = values[~np.isnan(values)]
    median = float(np.median(present)) if present.size else np.nan
    empty = np.full(n, "", dtype=object)
    return MetricChart(
        "run",
        planned,
        "median",
        np.full(n, median),
        np.full(n, np.nan),
        np.full(n, np.nan),
        empty,
        empty.copy(),
        np.zeros(n, dtype=np.int64),
        int(present.size),
        needed,
        notes,
    )


def chart_of(values: np.ndarray, result: SPCResult | None, planned: str = "xmr") -> MetricChart | None:
    """The chart of a series the engine judged as ``result`` (None: no data, no chart). A series
    with fewer than :data:`MIN_POINTS` values is a run chart, with a ``too_few_points`` note
    naming how many it has (``number``; the chart's ``needed`` says how many it needs)."""
    if result is None or not len(values):
        return None
    points = int(np.count_nonzero(~np.isnan(values)))
    if points < MIN_POINTS:
        note = Note(TOO_FEW_POINTS, number=points)
        return run_chart(values, planned, MIN_POINTS, (note,))
    return MetricChart(
        "xmr",
        planned,
        "mean",
        np.asarray(result.mean, dtype=float),
        np.asarray(result.lpl, dtype=float),
        np.asarray(result.upl, dtype=float),
        np.asarray(result.point_type, dtype=object),
        np.asarray(result.special_cause_type, dtype=object),
        np.asarray(result.rebase_group, dtype=np.int64),
        points,
        MIN_POINTS,
        result.notes,
    )
