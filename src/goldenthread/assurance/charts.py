"""Control charts and run charts for every kind of measure, many series in one call.

The chart types (:data:`CHART_TYPES`) are those of the R package qicharts2 0.8.x (``qic()``),
plus Making Data Count's XmR:

``xmr``  Making Data Count's XmR chart: :func:`goldenthread.assurance.spc.spc_many` (NHSRplotthedots).
``run``  run chart: the median, no limits (``qic.run``).
``p``    proportions, count / cases: cl = Σcount / Σcases, limits cl ± 3√(cl(1 − cl)/cases), kept in [0, 1].
``pp``   Laney's p′: the p chart's sigma times sigma_z, the average moving range of the z-scores
         ``(p − cl) / sd`` / 1.128, moving ranges ≥ 3.267 × their mean screened out first.
``u``    rates, count / exposure: cl = Σcount / Σexposure, limits cl ± 3√(cl / exposure), lower ≥ 0.
``up``   Laney's u′: the u chart's sigma scaled as p′'s.
``c``    counts: cl = mean count, limits cl ± 3√cl, lower ≥ 0.
``g``    cases (or days) between events: limits from the mean m, m + 3√(m(m + 1)) and 0; the
         centre line is the median.
``t``    time between rare events (> 0): an I chart of y^(1/3.6) (screened moving ranges,
         sigma = average moving range / 1.128), its lines taken back to the power 3.6; a lower
         limit below 0 or undefined is 0.

Limits vary point by point where the cases or exposure do.  Every chart gets the Anhøj rules
(:mod:`goldenthread.assurance.runs`) around its own centre line, segment by segment, and
``outside_limits`` marks a point strictly above the upper or below the lower limit.

Series and segments: the input is long format (a series id, a date and a value per point, and
for ``p``, ``pp``, ``u`` and ``up`` a denominator).  Each series is sorted by date and cut into
segments at its rebase dates (qicharts2's ``part``); each segment has its own lines and runs.
``fix_after`` (qicharts2's ``freeze``) works the lines out from the first ``fix_after`` points
of each segment only; the runs analysis still takes every point.

Where we differ from qicharts2, on purpose
------------------------------------------
* A point with no value, no denominator or a denominator of 0 is a gap: it is left out of the
  centre line, has no limits and takes no part in the runs (qicharts2 does the same for the
  first two; with a denominator of 0 it plots an infinite or undefined value).  Each gap is
  warned about.
* Two points of a series on one date are refused (qicharts2 adds them up).
* Counts below 0, counts above their cases for ``p``/``pp``, denominators below 0, ``g``
  values below 0 and ``t`` values of 0 or less are refused with ``ValueError`` (qicharts2 stops
  only for the last).
* ``fix_after`` applies within each segment, as it does for the XmR chart (qicharts2 ignores
  ``freeze`` when ``part`` is given).

Everything is computed for all series of a call at once with array operations (sums and
moving ranges per segment with ``np.add.reduceat``, medians by one sort); there is no Python
loop over series.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np

from goldenthread.assurance.chartinput import Prepared, prepare
from goldenthread.assurance.inputs import format_date
from goldenthread.assurance.limits import (
    T_POWER,
    Lines,
    c_lines,
    g_lines,
    p_lines,
    run_lines,
    t_lines,
    u_lines,
)
from goldenthread.assurance.results import Note
from goldenthread.assurance.runs import runs_analysis
from goldenthread.assurance.xmr import outside_limits

__all__ = [
    "CHART_NAMES",
    "CHART_NOTE_CODES",
    "CHART_TYPES",
    "RATIO_CHARTS",
    "ChartTable",
    "ChartType",
    "SeriesRuns",
    "chart",
    "chart_many",
]

ChartType = Literal["xmr", "run", "p", "pp", "u", "up", "c", "g", "t"]

#: every chart type, XmR (the default) first
CHART_TYPES: tuple[str, ...] = ("xmr", "run", "p", "pp", "u", "up", "c", "g", "t")
#: the chart types whose values are a count over a denominator (cases or exposure)
RATIO_CHARTS: tuple[str, ...] = ("p", "pp", "u", "up")
#: each chart type in plain English
CHART_NAMES: dict[str, str] = {
    "xmr": "XmR chart (individual values and moving ranges)",
    "run": "run chart (median, no limits)",
    "p": "p chart (proportions)",
    "pp": "Laney p′ chart (proportions, large denominators)",
    "u": "u chart (rates)",
    "up": "Laney u′ chart (rates, large denominators)",
    "c": "c chart (counts)",
    "g": "g chart (cases between events)",
    "t": "t chart (time between rare events)",
}


_T = TypeVar("_T")
_PerSeries = dict[Hashable, tuple[_T, ...]]


#: the codes of the notes (:class:`~goldenthread.assurance.results.Note`) a chart other than XmR may carry
#: (XmR's are the XmR engine's): ``missing_values`` and ``zero_denominators`` (``number`` points are
#: gaps), ``rebase_unmatched`` (the rebase ``date`` matches no point), ``limits_undefined`` (the
#: segment starting ``date`` has no limits: too few points with a value, or no variation to measure)
CHART_NOTE_CODES: tuple[str, ...] = ("missing_values", "zero_denominators", "rebase_unmatched", "limits_undefined")


class SeriesRuns(NamedTuple):
    """The Anhøj rules for one series' latest segment (NaN numbers where it has no useful point)."""

    runs_signal: bool
    n_useful: int
    longest_run: float
    longest_run_max: float
    crossings: float
    crossings_min: float


@dataclass(frozen=True, eq=False)
class ChartTable:
    """Many series' charts.  Per-point arrays are in the input order; per-series arrays in ``series``
    order (the order in which each series first appears).  NaN where a line or number is undefined."""

    chart: str
    # per point
    series_id: np.ndarray
    series_code: np.ndarray  # index into ``series``
    dates: np.ndarray
    values: np.ndarray  # the plotted value: count / denominator for p, pp, u and up
    counts: np.ndarray  # the value as given (the count, for p, pp, u and up)
    denominators: np.ndarray  # NaN for charts without one
    segment: np.ndarray  # int64: 0, then 1, 2 … after each rebase date of the series
    centre: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    outside_limits: np.ndarray  # bool
    runs_signal: np.ndarray  # bool: the point's segment's
    n_useful: np.ndarray  # int64: the point's segment's
    longest_run: np.ndarray
    longest_run_max: np.ndarray
    crossings: np.ndarray
    crossings_min: np.ndarray
    # per series
    series: np.ndarray
    n_points: np.ndarray
    order: np.ndarray  # every point's input index, by series (in ``series`` order), then date
    series_start: np.ndarray  # where each series starts in ``order``
    warnings: Mapping[Hashable, tuple[str, ...]]
    notes: Mapping[Hashable, tuple[Note, ...]]  # the warnings as codes, in the same order

    @property
    def latest(self) -> np.ndarray:
        """Input index of each series' latest point: ``table.runs_signal[table.latest]`` is each series' signal
        (its latest segment's), and so for the other per-point columns."""
        latest: np.ndarray = self.order[self.series_start + self.n_points - 1]
        return latest

    def series_index(self, series_id: Hashable) -> int:
        """Position of ``series_id`` in :attr:`series`."""
        for i, sid in enumerate(self.series.tolist()):
            if sid == series_id:
                return i
        raise KeyError(series_id)

    def rows(self, series_id: Hashable) -> np.ndarray:
        """Input indices of the series' points, in date order."""
        k = self.series_index(series_id)
        start = int(self.series_start[k])
        rows: np.ndarray = self.order[start : start + int(self.n_points[k])]
        return rows

    def runs(self, series_id: Hashable) -> SeriesRuns:
        """The Anhøj rules for the series' latest segment."""
        last = int(self.rows(series_id)[-1])
        return SeriesRuns(
            bool(self.runs_signal[last]),
            int(self.n_useful[last]),
            float(self.longest_run[last]),
            float(self.longest_run_max[last]),
            float(self.crossings[last]),
            float(self.crossings_min[last]),
        )


def chart_many(
    kind: str,
    series_ids: Iterable[Hashable] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None,
    values: Iterable[float | None] | np.ndarray,
    denominators: Iterable[float | None] | np.ndarray | None = None,
    *,
    rebase: Iterable[Any] | Mapping[Hashable, Iterable[Any]] = (),
    fix_after: int | None = None,
) -> ChartTable:
    """Chart ``kind`` (one of :data:`CHART_TYPES`) for many series at once.

    ``series_ids``, ``dates``, ``values`` (and ``denominators`` for ``p``, ``pp``, ``u`` and
    ``up``: the cases or exposure, ``values`` being the counts) are parallel 1-D sequences.
    ``dates`` may be ``None``: each point's position in its series is then its date.  ``rebase``
    is a collection of dates for every series, or a ``{series_id: dates}`` mapping; each starts
    a new segment.  ``fix_after`` works each segment's lines out from its first points only.
    Raises ``ValueError`` for input the chart cannot take, naming the series and date.
    """
    data = prepare(kind, series_ids, dates, values, denominators, rebase, fix_after)
    if kind == "xmr":
        lines, outside, (warnings, notes) = _xmr(data, dates is not None, rebase, fix_after)
    else:
        lines = _lines(kind, data)
        outside = outside_limits(_judged(kind, data.y), lines.lpl, lines.upl)
        warnings, notes = _warnings(data, lines, limits=kind != "run")
    segs = data.segs
    runs = runs_analysis(_judged(kind, data.y), lines.centre, segs.seg, segs.n_segments)
    back = data.layout.back
    per_point = {name: back(column[segs.seg]) for name, column in runs._asdict().items()}
    per_point["runs_signal"] = per_point.pop("signal")
    return ChartTable(
        chart=kind,
        series_id=data.ids,
        series_code=data.codes,
        dates=data.dates,
        values=back(data.y),
        counts=data.counts,
        denominators=data.denominators,
        segment=back(data.segment),
        centre=back(lines.centre),
        lpl=back(lines.lpl),
        upl=back(lines.upl),
        outside_limits=back(outside),
        **per_point,
        series=data.uniques,
        n_points=data.layout.counts,
        order=np.arange(data.y.size) if data.layout.order is None else data.layout.order,
        series_start=data.layout.series_start,
        warnings=warnings,
        notes=notes,
    )


def _warnings(data: Prepared, lines: Lines, *, limits: bool) -> tuple[_PerSeries[str], _PerSeries[Note]]:
    """The warnings per series id (for the series that have any, in series order), as text and as notes."""
    found: dict[int, list[tuple[str, Note]]] = {}
    for s, message, note in data.notes():
        found.setdefault(s, []).append((message, note))
    segs = data.segs
    if limits:  # (a run chart has none to miss)
        defined = np.bincount(segs.seg, weights=~np.isnan(lines.upl), minlength=segs.n_segments)
        for j in np.flatnonzero(defined == 0).tolist():
            start = int(segs.starts[j])
            when = format_date(data.dates[data.layout.input_index(start)])
            found.setdefault(int(data.layout.codes[start]), []).append(
                (
                    f"Limits are undefined for the segment starting {when}: too few points with a value, "
                    "or no variation to measure.",
                    Note("limits_undefined", date=when),
                )
            )
    keys = data.uniques.tolist()
    ordered = sorted(found.items())
    return (
        {keys[s]: tuple(m for m, _ in pairs) for s, pairs in ordered},
        {keys[s]: tuple(n for _, n in pairs) for s, pairs in ordered},
    )


def _judged(kind: str, y: np.ndarray) -> np.ndarray:
    """The values the limits and runs judge: for a t chart, as qicharts2 judges them, taken to the power
    1/3.6 and back (which can move a value by a unit in its last place, and so onto or off the
    centre line, exactly as in R); the values themselves otherwise."""
    if kind != "t":
        return y
    with np.errstate(invalid="ignore"):
        back: np.ndarray = (y ** (1 / T_POWER)) ** T_POWER
    return back


def _lines(kind: str, data: Prepared) -> Lines:
    y, segs = data.y, data.segs
    if kind in RATIO_CHARTS:
        count, size = data.sorted_counts, data.sorted_denominators
        if kind in ("p", "pp"):
            return p_lines(y, count, size, segs, laney=kind == "pp")
        return u_lines(y, count, size, segs, laney=kind == "up")
    single = {"run": run_lines, "c": c_lines, "g": g_lines, "t": t_lines}
    return single[kind](y, segs)


def _xmr(
    data: Prepared, dated: bool, rebase: Any, fix_after: int | None
) -> tuple[Lines, np.ndarray, tuple[Mapping[Hashable, tuple[str, ...]], Mapping[Hashable, tuple[Note, ...]]]]:
    """The XmR chart's lines (Making Data Count, NHSRplotthedots) and outside flags in sorted order, and
    the XmR engine's warnings and notes."""
    from goldenthread.assurance.spc import spc_many

    table = spc_many(data.ids, data.dates if dated else None, data.counts, rebase=rebase, fix_after=fix_after)
    lines = Lines(*(data.layout.sorted(column) for column in (table.mean, table.lpl, table.upl)))
    return lines, data.layout.sorted(table.outside_limits), (table.warnings, table.notes)


def chart(
    kind: str,
    values: Iterable[float | None] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None = None,
    denominators: Iterable[float | None] | np.ndarray | None = None,
    *,
    rebase: Iterable[Any] = (),
    fix_after: int | None = None,
) -> ChartTable:
    """Chart ``kind`` for one series (its id is 0); as :func:`chart_many`."""
    y = np.asarray(list(values) if not isinstance(values, np.ndarray) else values)
    ids = np.zeros(y.size, dtype=np.intp)
    return chart_many(kind, ids, dates, y, denominators, rebase=rebase, fix_after=fix_after)
