"""Making Data Count SPC engine, matching NHSRplotthedots 0.2.x ``ptd_spc``.

This reproduces the calculations of the NHS-R community R package
NHSRplotthedots 0.2.x (``ptd_spc()``, ``ptd_spc_standard()``,
``ptd_calculate_point_type()``, ``ptd_calculate_assurance_type()``,
``ptd_get_icons()``, ``ptd_add_short_group_warnings()``).  The code here is
our own, vectorised with NumPy.  Where R's behaviour is unusual we follow R
and say so below.

Calculation, per *segment* (a series, split again at each rebase date)
-----------------------------------------------------------------------
* ``mean``: mean of the segment's values, or of its first ``fix_after``
  values when that is given.  Missing values are skipped.  This uses R's
  ``mean()`` algorithm (a long double sum, then a second correction pass) so
  the results match R to the last bit.
* moving range ``mr_i = |y_i - y_(i-1)|`` inside the segment, with the same
  ``fix_after`` cut-off.  The first point of a segment has no moving range,
  and neither does a point next to a missing value.  ``amr`` is their mean.
* screening (``screen_outliers=True``, R's default): moving ranges with
  ``mr >= 3.267 * amr`` are dropped and ``amr`` is recomputed.
* ``lpl``/``upl = mean -/+ 2.66 * amr`` and the near limits
  ``nlpl``/``nupl = mean -/+ 2 * (2.66 / 3) * amr`` (2 sigma).

Special-cause rules, checked within each segment and flagging every point in
the pattern.  When a point matches more than one rule, the first rule in this
list names it:

1. outside the limits: ``y > upl`` or ``y < lpl`` (strict) gives
   ``"Above UCL"`` / ``"Below LCL"``;
2. 7-point trend: 7 points each strictly higher (or lower) than the one
   before.  Equal neighbours break a trend.  This gives
   ``"7 Point Trend (Increasing)"`` / ``"7 Point Trend (Decreasing)"``.  The
   direction comes from R's rule: use the step to the next point when that
   point is also part of a trend, otherwise the step from the previous point.
   Only a step of +1 counts as "Increasing".
3. 2 in 3: in some window of 3 consecutive points, all 3 points are on the
   same side of the mean and at least 2 are *close to the limits* (beyond the
   2-sigma line but not outside the limits).  Only the close points are
   flagged.  This gives ``"2 in 3 Above CL"`` / ``"2 in 3 Below CL"``.
4. 7 points in a row on the same side of the mean.  A point exactly on the
   mean breaks the run.  This gives ``"7 Points Above CL"`` /
   ``"7 Points Below CL"``.

Any other point is ``"Common Cause"``.  These are R 0.2.x's own
``special_cause_type`` strings (the column added by NHSRplotthedots PR #180,
which fixed issues #122 and #171 before the 0.2.2 release), kept exactly as R
spells them (see :data:`SPECIAL_CAUSE_TYPES`).  We use R's strings rather
than inventing our own.  The short-group warning keeps R's wording, but
states the threshold actually in force.

``point_type`` (R's spelling): ``"common_cause"``,
``"special_cause_improvement"``, ``"special_cause_concern"``,
``"special_cause_neutral_high"``, ``"special_cause_neutral_low"``.  A point's
side comes from its rule ("Above"/"Increasing" is high, "Below"/"Decreasing"
is low).  That side is then read against ``improvement``: ``"increase"``,
``"decrease"`` or ``"neutral"``.

``variation`` (icon, from the point type of the latest point of the series,
as R's ``ptd_get_icons``): ``"common_cause"``, ``"improvement_high"``,
``"improvement_low"``, ``"concern_high"``, ``"concern_low"``,
``"neutral_high"``, ``"neutral_low"``.

``assurance`` (R's ``ptd_calculate_assurance_type``), using the limits of the
latest point, which means the latest segment: ``target > upl`` is
``"consistent_fail"`` when improvement is an increase and
``"consistent_pass"`` when it is a decrease.  ``target < lpl`` is the
reverse.  Anything else is ``"inconsistent"``: a target exactly on a limit,
and also undefined (NaN) limits, as in R.  Without a target, or when
improvement is neutral, assurance is ``None``.

Edge cases
----------
* Short segments: R 0.2.x warns when a group has ``n < 13`` rows.  Its
  message says "n < 12", but the code's default threshold
  (``getOption("ptd_spc.warning_threshold", 13)``) is 13.  NHSRplotthedots
  issue #224 shows a 12-point group being warned about.  We follow the code:
  ``warning_threshold=13``, which you can change.  Short series are still
  calculated.  The warning goes into the result's ``warnings`` list and is
  never raised as a Python warning.
* Gaps (NaN/None values): as in R, the row stays in place and counts towards
  ``n``.  The mean skips it, and so do the moving ranges on either side.  A
  missing point never matches a rule: it breaks runs, trends and 2-in-3
  windows and is ``"Common Cause"``.  In the cases where R's NA handling
  gives an answer, that answer is the same.  In some others R stops with an
  error ("missing value where TRUE/FALSE needed" inside the trend rule).  A
  warning is added.
* Constant segments: every moving range is 0.  With screening on,
  ``0 < 3.267 * 0`` is false, so every range is dropped and ``amr`` (and all
  the limits) become NaN, exactly as in R.  The mean is still defined.
  Every point is then on the mean, so every point is common cause, and with
  a target, assurance is ``"inconsistent"`` (R's answer).  With screening
  off, ``amr = 0`` and the limits fall onto the mean.  Both cases add a
  warning.
* Rebase dates that match no point are ignored, as in R, and also warned
  about.  Duplicate dates within a series raise ``ValueError``, as in R.
* ``fix_after`` must be at least 12, as in R.  It applies within every
  segment.
* Per-series ``target`` mappings: a series missing from the mapping has no
  target, so its assurance is ``None``.  (R would join an NA target and
  report ``"inconsistent"``; we deliberately do not.)  A mapping (target,
  improvement or rebase) that names a series not in the data raises
  ``ValueError``, as R does for targets and rebases.  ``improvement`` can
  also be set per series; R has a single direction per call.

Output arrays follow the *input order*.  Dates need not be sorted; each
series is sorted by date internally, as R does.

Where the pieces live
---------------------
This module is the public face of the engine (:func:`spc`, :func:`spc_many`
and everything in ``__all__``).  The work is done in :mod:`.xmr` (means,
moving ranges, limits), :mod:`.special_cause` (the four rules),
:mod:`.icons` (point types, variation and assurance), :mod:`.inputs` and
:mod:`.rebase` (normalising the input and sorting it), :mod:`.segments`
(array bookkeeping) and :mod:`.results` (the result types).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from itertools import chain
from typing import Any, TypedDict, Unpack

import numpy as np

from goldenthread.assurance.icons import (
    ASSURANCE_LABELS,
    ASSURANCE_TYPES,
    IMPROVEMENT_DIRECTIONS,
    POINT_TYPE_LABELS,
    POINT_TYPES,
    VARIATION_LABELS,
    VARIATION_TYPES,
    assurance_codes,
    improvement_labels,
    point_type_codes,
    variation_codes,
)
from goldenthread.assurance.inputs import (
    Layout,
    as_1d,
    dates_and_keys,
    factorize,
    format_date,
    series_directions,
    series_targets,
)
from goldenthread.assurance.rebase import rebase_flags
from goldenthread.assurance.results import NOTE_CODES, Note, SPCResult, SPCTable
from goldenthread.assurance.segments import Segments
from goldenthread.assurance.special_cause import (
    SPECIAL_CAUSE_LABELS,
    SPECIAL_CAUSE_TYPES,
    seven_point_one_side,
    seven_point_trend,
    special_cause_type_codes,
    two_in_three,
)
from goldenthread.assurance.xmr import (
    close_to_limits,
    moving_ranges,
    outside_limits,
    process_limits,
    r_mean,
    relative_to_mean,
)

__all__ = [
    "ASSURANCE_TYPES",
    "IMPROVEMENT_DIRECTIONS",
    "NOTE_CODES",
    "POINT_TYPES",
    "SPECIAL_CAUSE_TYPES",
    "VARIATION_TYPES",
    "Note",
    "SPCResult",
    "SPCTable",
    "assurance_codes",
    "close_to_limits",
    "moving_ranges",
    "outside_limits",
    "point_type_codes",
    "process_limits",
    "r_mean",
    "relative_to_mean",
    "seven_point_one_side",
    "seven_point_trend",
    "special_cause_type_codes",
    "spc",
    "spc_many",
    "two_in_three",
    "variation_codes",
]

WARNING_THRESHOLD = 13
MIN_FIX_AFTER = 12

SHORT_GROUP_WARNING = (
    "Some groups have 'n < {threshold}' observations. These have trial limits, "
    "which will be revised with each additional observation until "
    "'n = fix_after_n_points' has been reached."
)


def spc_many(
    series_ids: Iterable[Hashable] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None,
    values: Iterable[float | None] | np.ndarray,
    *,
    improvement: str | Mapping[Hashable, str] = "increase",
    target: float | None | Mapping[Hashable, float | None] = None,
    rebase: Iterable[Any] | Mapping[Hashable, Iterable[Any]] = (),
    fix_after: float | None = None,
    screen_outliers: bool = True,
    warning_threshold: int = WARNING_THRESHOLD,
) -> SPCTable:
    """Run SPC on many series at once, with no Python loop over series for the arithmetic.

    ``series_ids``, ``dates`` and ``values`` are parallel 1-D sequences (long
    format).  ``dates`` may be ``None``, in which case each point's position
    within its series, in input order, serves as its date.  ``improvement``
    and ``target`` are a scalar or a ``{series_id: value}`` mapping.
    ``rebase`` is a collection of dates applied to every series, or a
    ``{series_id: dates}`` mapping.  Each rebase date starts a new segment at
    the point with exactly that date.
    """
    y_in, ids = _checked_input(series_ids, values, fix_after, screen_outliers)
    codes, uniques = factorize(ids)
    if y_in.size == 0:
        raise ValueError("values must not be empty")
    dates_arr, keys, date_kind = dates_and_keys(dates, codes, uniques.size)
    layout = Layout.sort(codes, keys, uniques.size)
    layout.refuse_duplicate_dates(dates_arr, uniques)
    y = layout.sorted(y_in)
    is_rebase, unmatched = rebase_flags(rebase, uniques, layout.codes, layout.keys, date_kind)
    segs = Segments.from_first(layout.series_first | is_rebase)
    directions = series_directions(improvement, uniques)
    points, pt, amr = _judge_points(y, segs.seg_id, directions[layout.codes], fix_after, screen_outliers)
    points["rebase_group"] = layout.rebase_groups(is_rebase)
    short = points["short_group_warning"] = segs.lengths[segs.seg_id] < warning_threshold
    targets = series_targets(target, uniques)
    last = layout.series_last
    assurance = assurance_codes(targets, points["lpl"][last], points["upl"][last], directions)
    notes = chain(
        _short_group_warnings(layout.codes, short, warning_threshold),
        _segment_warnings(layout, segs, amr, dates_arr),
        _missing_value_warnings(layout.codes, y, uniques.size),
        _unmatched_rebase_warnings(unmatched),
    )
    return SPCTable(
        series_id=ids,
        series_code=codes,
        dates=dates_arr,
        values=y_in,
        **{name: layout.back(column) for name, column in points.items()},
        series=uniques,
        n_points=layout.counts,
        improvement=improvement_labels(directions),
        target=targets,
        variation=VARIATION_LABELS[variation_codes(pt[last], directions)],
        assurance=ASSURANCE_LABELS[assurance],
        **_by_series(notes, uniques),
    )


def _checked_input(
    series_ids: Iterable[Hashable] | np.ndarray,
    values: Iterable[float | None] | np.ndarray,
    fix_after: float | None,
    screen_outliers: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The values as float64 and the series ids as arrays, after checking them and the options."""
    y_in = as_1d(values, "values").astype(np.float64)
    if np.isinf(y_in).any():
        raise ValueError("values must be finite numbers or missing (NaN/None)")
    ids = as_1d(series_ids, "series_ids")
    if ids.size != y_in.size:
        raise ValueError("series_ids and values must have the same length")
    if fix_after is not None:
        numeric = isinstance(fix_after, (int, float, np.number))
        if isinstance(fix_after, (bool, np.bool_)) or not numeric or not fix_after >= MIN_FIX_AFTER:
            raise ValueError("fix_after must be a single number greater than or equal to 12")
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ValueError("screen_outliers must be True or False")
    return y_in, ids


def _judge_points(
    y: np.ndarray, seg_id: np.ndarray, direction: np.ndarray, fix_after: float | None, screen_outliers: bool
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Limits, rules and labels for the sorted points.

    Returns the per-point columns by name, the point-type codes and each point's average moving range.
    """
    lim = process_limits(y, seg_id, fix_after=fix_after, screen_outliers=screen_outliers)
    outside = outside_limits(y, lim["lpl"], lim["upl"])
    rtm = relative_to_mean(y, lim["mean"])
    close = close_to_limits(y, lim["nlpl"], lim["nupl"], outside)
    trend, increasing = seven_point_trend(y, seg_id)
    two3 = two_in_three(close, rtm, seg_id)
    side7 = seven_point_one_side(rtm, seg_id)
    sct = special_cause_type_codes(outside, rtm, trend, increasing, two3, side7)
    pt = point_type_codes(sct, direction)
    columns = {name: lim[name] for name in ("mean", "lpl", "upl", "nlpl", "nupl")}
    columns.update(outside_limits=outside, relative_to_mean=rtm, close_to_limits=close)
    columns.update(special_cause_type=SPECIAL_CAUSE_LABELS[sct], special_cause_flag=sct != 0)
    columns.update(point_type=POINT_TYPE_LABELS[pt])
    return columns, pt, lim["amr"]


# --------------------------------------------------------------------------
# Warnings: (series code, message, note) triples, gathered per series
# --------------------------------------------------------------------------
def _short_group_warnings(c: np.ndarray, short: np.ndarray, threshold: int) -> Iterator[tuple[int, str, Note]]:
    for s in np.flatnonzero(np.bincount(c[short])).tolist():  # the series, in order
        yield s, SHORT_GROUP_WARNING.format(threshold=threshold), Note("short_group", number=threshold)


def _segment_warnings(
    layout: Layout, segs: Segments, amr: np.ndarray, dates_arr: np.ndarray
) -> Iterator[tuple[int, str, Note]]:
    """Segments whose limits are undefined, then segments with no variation."""
    seg_series = layout.codes[segs.starts]
    seg_amr = amr[segs.starts]

    def start(j: int) -> str:
        return format_date(dates_arr[layout.input_index(int(segs.starts[j]))])

    for j in np.flatnonzero(np.isnan(seg_amr)).tolist():
        yield (
            int(seg_series[j]),
            f"Limits are undefined for the segment starting {start(j)}: it has no usable moving "
            "range (constant values with outlier screening, or fewer than two consecutive "
            "values), so no point can be outside or close to the limits.",
            Note("limits_undefined", date=start(j)),
        )
    for j in np.flatnonzero(seg_amr == 0).tolist():
        yield (
            int(seg_series[j]),
            f"The segment starting {start(j)} has no variation (every moving range is 0): its limits equal its mean.",
            Note("no_variation", date=start(j)),
        )


def _missing_value_warnings(c: np.ndarray, y: np.ndarray, n_series: int) -> Iterator[tuple[int, str, Note]]:
    missing = np.bincount(c, weights=np.isnan(y), minlength=n_series)
    for s in np.flatnonzero(missing).tolist():
        k = int(missing[s])
        yield (
            s,
            f"{k} missing value{'s' if k != 1 else ''}: skipped in the mean and moving ranges; "
            "a gap breaks runs and trends (NHSRplotthedots expects no gaps).",
            Note("missing_values", number=k),
        )


def _unmatched_rebase_warnings(unmatched: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, str, Note]]:
    for s, d in unmatched:
        when = format_date(d)
        yield s, f"Rebase date {when} matches no point in the series; ignored.", Note("rebase_unmatched", date=when)


def _by_series(notes: Iterable[tuple[int, str, Note]], uniques: np.ndarray) -> _Warnings:
    """Warning strings (``warnings``), and the same warnings as :class:`Note` codes (``notes``), per
    series id, for the series that have any, in series order."""
    found: dict[int, list[tuple[str, Note]]] = {}
    for s, message, note in notes:
        found.setdefault(s, []).append((message, note))
    keys = uniques.tolist()
    ordered = sorted(found.items())
    return {
        "warnings": {keys[s]: tuple(m for m, _ in pairs) for s, pairs in ordered},
        "notes": {keys[s]: tuple(n for _, n in pairs) for s, pairs in ordered},
    }


class _Warnings(TypedDict):
    warnings: dict[Hashable, tuple[str, ...]]
    notes: dict[Hashable, tuple[Note, ...]]


class Tuning(TypedDict, total=False):
    """The calculation options :func:`spc` passes on to :func:`spc_many` unchanged."""

    fix_after: float | None
    screen_outliers: bool
    warning_threshold: int


def spc(
    values: Iterable[float | None] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None = None,
    *,
    improvement: str = "increase",
    target: float | None = None,
    rebase: Iterable[Any] = (),
    **tuning: Unpack[Tuning],
) -> SPCResult:
    """Run SPC on one series.

    Without ``dates``, the positions 0..n-1 are the dates, and ``rebase``
    gives the positions where new segments start.  ``fix_after``,
    ``screen_outliers`` and ``warning_threshold`` are as for :func:`spc_many`.
    """
    y = as_1d(values, "values").astype(np.float64)
    if y.size == 0:
        raise ValueError("values must not be empty")
    series = np.zeros(y.size, dtype=np.int8)
    table = spc_many(series, dates, y, improvement=improvement, target=target, rebase=rebase, **tuning)
    return table.result(0)
