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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ASSURANCE_TYPES",
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "SPECIAL_CAUSE_TYPES",
    "VARIATION_TYPES",
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

# --------------------------------------------------------------------------
# Constants (as in ptd_spc_standard.R)
# --------------------------------------------------------------------------
LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)
SCREEN_FACTOR = 3.267
RUN_POINTS = 7
WARNING_THRESHOLD = 13
MIN_FIX_AFTER = 12

SPECIAL_CAUSE_TYPES: tuple[str, ...] = (
    "Common Cause",  # 0
    "Above UCL",  # 1
    "Below LCL",  # 2
    "7 Point Trend (Increasing)",  # 3
    "7 Point Trend (Decreasing)",  # 4
    "2 in 3 Above CL",  # 5
    "2 in 3 Below CL",  # 6
    "7 Points Above CL",  # 7
    "7 Points Below CL",  # 8
)
# The side of the mean each special-cause type points to (+1 high, -1 low).
_SCT_SIDE = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)

POINT_TYPES: tuple[str, ...] = (
    "common_cause",  # 0
    "special_cause_improvement",  # 1
    "special_cause_concern",  # 2
    "special_cause_neutral_high",  # 3
    "special_cause_neutral_low",  # 4
)
VARIATION_TYPES: tuple[str, ...] = (
    "common_cause",  # 0
    "improvement_high",  # 1
    "improvement_low",  # 2
    "concern_high",  # 3
    "concern_low",  # 4
    "neutral_high",  # 5
    "neutral_low",  # 6
)
ASSURANCE_TYPES: tuple[str, ...] = (
    "consistent_pass",  # 0
    "consistent_fail",  # 1
    "inconsistent",  # 2
)  # code -1: no assurance (None)
IMPROVEMENT_DIRECTIONS: dict[str, int] = {"increase": 1, "neutral": 0, "decrease": -1}

_SCT_LABELS = np.array(SPECIAL_CAUSE_TYPES, dtype=object)
_PT_LABELS = np.array(POINT_TYPES, dtype=object)
_VAR_LABELS = np.array(VARIATION_TYPES, dtype=object)
_ASSURANCE_LABELS = np.array((*ASSURANCE_TYPES, None), dtype=object)  # -1 -> None

SHORT_GROUP_WARNING = (
    "Some groups have 'n < {threshold}' observations. These have trial limits, "
    "which will be revised with each additional observation until "
    "'n = fix_after_n_points' has been reached."
)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------
def _segment_bounds(segment: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays (first, last) marking the ends of each run of equal ``segment`` ids."""
    first = np.zeros(n, dtype=bool)
    last = np.zeros(n, dtype=bool)
    if n == 0:
        return first, last
    first[0] = True
    last[-1] = True
    if segment is not None:
        seg = np.asarray(segment)
        change = seg[1:] != seg[:-1]
        first[1:] = change
        last[:-1] = change
    return first, last


def _run_lengths(start: np.ndarray) -> np.ndarray:
    """Length of the run each element is in, where ``start`` marks run starts (``start[0]`` true)."""
    if start.size == 0:
        return np.zeros(0, dtype=np.int64)
    run_id = np.cumsum(start) - 1
    return np.bincount(run_id)[run_id]


def _shift_next(a: np.ndarray, fill: Any = 0) -> np.ndarray:
    """``out[i] = a[i + 1]``, with ``fill`` at the end."""
    out = np.empty_like(a)
    if a.size:
        out[:-1] = a[1:]
        out[-1] = fill
    return out


# --------------------------------------------------------------------------
# XmR calculations
# --------------------------------------------------------------------------
def _sequential_sums(x: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Left-to-right sum of each contiguous segment, in ``x``'s dtype.

    R adds up values one at a time.  NumPy's ``sum``/``reduceat`` use
    pairwise summation, which rounds differently in long double.
    ``np.add.accumulate`` is strictly sequential, so each segment is laid out
    as a row of a 2-D block and accumulated along the row.  Segments are
    bucketed by length rounded up to a power of two, with zero padding
    (adding 0 changes nothing), so the loop runs once per bucket, not once
    per series.
    """
    out = np.zeros(starts.size, dtype=x.dtype)
    if starts.size == 0:
        return out
    padded = np.append(x, np.zeros(1, dtype=x.dtype))  # index x.size reads a zero
    width = np.left_shift(1, np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64))
    for w in np.unique(width).tolist():
        segs = np.flatnonzero(width == w)
        pos = np.arange(w)[:, None]
        idx = np.where(pos < lengths[segs], starts[segs] + pos, x.size)
        block = padded[idx]  # (w, k): row r holds the r-th value of each segment
        if w > 256:  # few long segments: accumulate along each one
            out[segs] = np.add.accumulate(block, axis=0)[-1]
        else:  # many short segments: add one position at a time across all of them
            acc = block[0].copy()
            for r in range(1, w):
                acc += block[r]
            out[segs] = acc
    return out


def r_mean(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """R's ``mean(x, na.rm = TRUE)`` for each contiguous segment beginning at ``starts``.

    R drops the NAs, adds up the values in ``long double`` from left to
    right, divides, then adds back the mean of the leftovers (``real_mean``
    in ``summary.c``).  We do the same in ``np.longdouble`` (80-bit extended
    on x86-64, like R) and in the same order, so means, and therefore limits,
    are bit-for-bit R's.  A segment with no values gives NaN.
    """
    x = np.asarray(x, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.intp)
    if starts.size == 0:
        return np.zeros(0, dtype=np.float64)
    lengths = np.diff(np.append(starts, x.size))
    valid = ~np.isnan(x)
    count = np.add.reduceat(valid.astype(np.int64), starts)
    xl = np.where(valid, x, 0.0).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = _sequential_sums(xl, starts, lengths) / count
        resid = np.where(valid, xl - np.repeat(s, lengths), 0.0).astype(np.longdouble)
        t = _sequential_sums(resid, starts, lengths)
        s = np.where(np.isfinite(s), s + t / count, s)
    out = s.astype(np.float64)
    out[count == 0] = np.nan
    return out


def moving_ranges(y: np.ndarray, segment: np.ndarray | None = None) -> np.ndarray:
    """``|y_i - y_(i-1)|`` inside each segment, with NaN for the first point of a segment."""
    y = np.asarray(y, dtype=np.float64)
    mr = np.full(y.shape, np.nan)
    if y.size > 1:
        mr[1:] = np.abs(y[1:] - y[:-1])
    first, _ = _segment_bounds(segment, y.size)
    mr[first] = np.nan
    return mr


@dataclass(frozen=True)
class _Segments:
    """Sorted points cut into contiguous segments."""

    seg_id: np.ndarray  # per point
    starts: np.ndarray  # per segment: index of first point
    lengths: np.ndarray  # per segment

    @classmethod
    def from_first(cls, first: np.ndarray) -> _Segments:
        starts = np.flatnonzero(first)
        seg_id = np.cumsum(first) - 1
        lengths = np.diff(np.append(starts, first.size))
        return cls(seg_id, starts, lengths)

    @property
    def position(self) -> np.ndarray:
        """Zero-based position of each point within its segment."""
        return np.arange(self.seg_id.size) - self.starts[self.seg_id]


def process_limits(
    y: np.ndarray,
    segment: np.ndarray | None = None,
    *,
    fix_after: float | None = None,
    screen_outliers: bool = True,
) -> dict[str, np.ndarray]:
    """Per-point mean and limits (``ptd_spc_standard``): mean, amr, lpl, upl, nlpl, nupl.

    ``segment`` labels contiguous segments (default: one segment).  The
    arrays returned have one value per point, taken from the point's segment.
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.size
    first, _ = _segment_bounds(segment, n)
    segs = _Segments.from_first(first)
    if fix_after is not None:
        fix_y = np.where(segs.position + 1 <= fix_after, y, np.nan)
    else:
        fix_y = y
    mean = r_mean(fix_y, segs.starts)
    mr = np.full(n, np.nan)
    if n > 1:
        mr[1:] = np.abs(fix_y[1:] - fix_y[:-1])
    mr[first] = np.nan
    amr = r_mean(mr, segs.starts)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            keep = mr < SCREEN_FACTOR * amr[segs.seg_id]
        mr = np.where(keep, mr, np.nan)
        amr = r_mean(mr, segs.starts)
    mean_p = mean[segs.seg_id]
    amr_p = amr[segs.seg_id]
    return {
        "mean": mean_p,
        "amr": amr_p,
        "lpl": mean_p - LIMIT * amr_p,
        "upl": mean_p + LIMIT * amr_p,
        "nlpl": mean_p - LIMIT_CLOSE * amr_p,
        "nupl": mean_p + LIMIT_CLOSE * amr_p,
    }


def outside_limits(y: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """``y > upl | y < lpl``; missing values or limits give False (R's NA is never a flag)."""
    with np.errstate(invalid="ignore"):
        return (np.asarray(y) > upl) | (np.asarray(y) < lpl)


def relative_to_mean(y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``sign(y - mean)`` as int8; a missing value gives 0 (on no side)."""
    d = np.asarray(y, dtype=np.float64) - mean
    return np.nan_to_num(np.sign(d), nan=0.0).astype(np.int8)


def close_to_limits(y: np.ndarray, nlpl: np.ndarray, nupl: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Beyond the 2-sigma line (strictly) but not outside the limits."""
    with np.errstate(invalid="ignore"):
        return ~outside & ((np.asarray(y) < nlpl) | (np.asarray(y) > nupl))


# --------------------------------------------------------------------------
# Special-cause rules (ptd_calculate_point_type.R)
# --------------------------------------------------------------------------
def seven_point_trend(y: np.ndarray, segment: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Points in a run of 7 strictly increasing or decreasing points.

    Returns ``(part, increasing)``.  ``part`` is R's
    ``ptd_part_of_seven_trend(ptd_seven_point_trend(y)) == 1``.
    ``increasing`` is R's label direction, used only where ``part`` is true:
    the step to the next point when that point is also part of a trend,
    otherwise the step from the previous point, and it must be exactly +1.
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.size
    first, _ = _segment_bounds(segment, n)
    step = np.zeros(n, dtype=np.int8)  # sign(y_i - y_(i-1)), 0 at segment starts / gaps
    if n > 1:
        step[1:] = np.nan_to_num(np.sign(y[1:] - y[:-1]), nan=0.0)
    step[first] = 0
    run_start = first.copy()
    run_start[1:] |= step[1:] != step[:-1]
    # 6 equal, non-zero steps in a row means 7 points trending
    qualifying = (step != 0) & (_run_lengths(run_start) >= RUN_POINTS - 1)
    next_first = _shift_next(first, True)
    part = qualifying | (_shift_next(qualifying, False) & ~next_first)
    part_next = _shift_next(part, False) & ~next_first
    direction = np.where(part & part_next, _shift_next(step, 0), step)
    return part, direction == 1


def two_in_three(close: np.ndarray, rtm: np.ndarray, segment: np.ndarray | None = None) -> np.ndarray:
    """R's ``ptd_part_of_two_in_three(ptd_two_in_three(close, rtm), close) == 1``.

    A window is 3 consecutive points in one segment, all on the same side of
    the mean (``|sum(rtm)| == 3``), with at least 2 of them close to the
    limits.  A point is flagged when it is close to the limits and lies in
    such a window.
    """
    close = np.asarray(close, dtype=bool)
    rtm = np.asarray(rtm, dtype=np.int8)
    n = close.size
    window = np.zeros(n, dtype=bool)  # window starting at k covers k, k+1, k+2
    if n >= 3:
        seg = np.zeros(n, dtype=np.int8) if segment is None else np.asarray(segment)
        same = seg[:-2] == seg[2:]
        c = close.astype(np.int8)
        n_close = c[:-2] + c[1:-1] + c[2:]
        side = rtm[:-2].astype(np.int16) + rtm[1:-1] + rtm[2:]
        window[:-2] = same & (n_close >= 2) & (np.abs(side) == 3)
    covered = window.copy()
    covered[1:] |= window[:-1]
    covered[2:] |= window[:-2]
    return covered & close


def seven_point_one_side(rtm: np.ndarray, segment: np.ndarray | None = None) -> np.ndarray:
    """R's ``ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(rtm)) == 1``.

    A point is flagged if it is in a run of at least 7 points on the same
    side of the mean, within one segment.  ``rtm == 0`` (on the mean, or
    missing) breaks a run.
    """
    rtm = np.asarray(rtm, dtype=np.int8)
    first, _ = _segment_bounds(segment, rtm.size)
    run_start = first.copy()
    run_start[1:] |= rtm[1:] != rtm[:-1]
    return (rtm != 0) & (_run_lengths(run_start) >= RUN_POINTS)


def special_cause_type_codes(
    outside: np.ndarray,
    rtm: np.ndarray,
    trend: np.ndarray,
    trend_increasing: np.ndarray,
    two_of_three: np.ndarray,
    one_side: np.ndarray,
) -> np.ndarray:
    """Index into :data:`SPECIAL_CAUSE_TYPES`, taking the rules in precedence order.

    Outside the limits, then trend, then 2 in 3, then 7 on one side (R's
    ``ptd_special_cause_type`` ``case_when``).
    """
    rtm = np.asarray(rtm)
    above = rtm > 0
    code = np.zeros(rtm.shape, dtype=np.int8)
    # assign from lowest to highest precedence so higher rules overwrite
    code = np.where(one_side, np.where(above, 7, 8), code)
    code = np.where(two_of_three, np.where(above, 5, 6), code)
    code = np.where(trend, np.where(trend_increasing, 3, 4), code)
    code = np.where(outside, np.where(rtm == 1, 1, 2), code)
    return code.astype(np.int8)


def point_type_codes(special_cause_codes: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`POINT_TYPES` (R's ``ptd_point_type``); ``direction`` is +1/0/-1."""
    side = _SCT_SIDE[np.asarray(special_cause_codes, dtype=np.intp)]
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), side.shape)
    oriented = side * direction
    code = np.zeros(side.shape, dtype=np.int8)
    code[oriented > 0] = 1
    code[oriented < 0] = 2
    neutral = direction == 0
    code[neutral & (side > 0)] = 3
    code[neutral & (side < 0)] = 4
    return code


def variation_codes(latest_point_type: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`VARIATION_TYPES` from the latest point's type (R's ``ptd_get_icons``)."""
    pt = np.asarray(latest_point_type, dtype=np.int8)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), pt.shape)
    increase = direction == 1
    code = np.zeros(pt.shape, dtype=np.int8)
    code[pt == 1] = np.where(increase[pt == 1], 1, 2)  # improvement_high / _low
    code[pt == 2] = np.where(increase[pt == 2], 4, 3)  # concern_low / _high
    code[pt == 3] = 5
    code[pt == 4] = 6
    return code


def assurance_codes(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray | int) -> np.ndarray:
    """Index into :data:`ASSURANCE_TYPES`, or -1 for none (R's ``ptd_calculate_assurance_type``).

    ``lpl``/``upl`` are the limits at the latest point of each series.  A
    NaN target means no target.
    """
    target = np.asarray(target, dtype=np.float64)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.int8), target.shape)
    increase = direction == 1
    with np.errstate(invalid="ignore"):
        above = target > upl
        below = target < lpl
    code = np.full(target.shape, 2, dtype=np.int8)
    code = np.where(below, np.where(increase, 0, 1), code)
    code = np.where(above, np.where(increase, 1, 0), code)
    code = np.where(np.isnan(target) | (direction == 0), -1, code)
    return code.astype(np.int8)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SPCResult:
    """One series.  Per-point arrays are in the input order."""

    dates: np.ndarray
    values: np.ndarray
    rebase_group: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    nlpl: np.ndarray
    nupl: np.ndarray
    outside_limits: np.ndarray
    relative_to_mean: np.ndarray
    close_to_limits: np.ndarray
    special_cause_type: np.ndarray
    special_cause_flag: np.ndarray
    point_type: np.ndarray
    short_group_warning: np.ndarray
    improvement: str
    target: float | None
    variation: str
    assurance: str | None
    warnings: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.values.size)


_POINT_FIELDS = (
    "dates",
    "values",
    "rebase_group",
    "mean",
    "lpl",
    "upl",
    "nlpl",
    "nupl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_type",
    "special_cause_flag",
    "point_type",
    "short_group_warning",
)


@dataclass(frozen=True, eq=False)
class SPCTable:
    """Many series.  Per-point arrays are in the input order.  Per-series arrays are in
    ``series`` order (the order in which each series first appears)."""

    series_id: np.ndarray
    dates: np.ndarray
    values: np.ndarray
    rebase_group: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    nlpl: np.ndarray
    nupl: np.ndarray
    outside_limits: np.ndarray
    relative_to_mean: np.ndarray
    close_to_limits: np.ndarray
    special_cause_type: np.ndarray
    special_cause_flag: np.ndarray
    point_type: np.ndarray
    short_group_warning: np.ndarray
    # per series
    series: np.ndarray
    n_points: np.ndarray
    improvement: np.ndarray
    target: np.ndarray
    variation: np.ndarray
    assurance: np.ndarray
    warnings: Mapping[Hashable, tuple[str, ...]]
    series_code: np.ndarray  # per point: index into ``series``

    def __len__(self) -> int:
        return int(self.values.size)

    def series_index(self, series_id: Hashable) -> int:
        """Position of ``series_id`` in :attr:`series`."""
        for i, sid in enumerate(self.series.tolist()):
            if sid == series_id:
                return i
        raise KeyError(series_id)

    def result(self, series_id: Hashable) -> SPCResult:
        """The :class:`SPCResult` for one series (points in the input order)."""
        k = self.series_index(series_id)
        idx = np.flatnonzero(self.series_code == k)
        target = float(self.target[k])
        return SPCResult(
            **{name: getattr(self, name)[idx] for name in _POINT_FIELDS},
            improvement=str(self.improvement[k]),
            target=None if np.isnan(target) else target,
            variation=str(self.variation[k]),
            assurance=self.assurance[k],
            warnings=tuple(self.warnings.get(self.series.tolist()[k], ())),
        )


# --------------------------------------------------------------------------
# Input normalisation
# --------------------------------------------------------------------------
def _factorize(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with uniques in order of first appearance."""
    try:
        uniq, first_idx, inverse = np.unique(ids, return_index=True, return_inverse=True)
    except TypeError:  # unorderable mixed objects: fall back to a dict
        lookup: dict[Any, int] = {}
        codes = np.fromiter((lookup.setdefault(v, len(lookup)) for v in ids.tolist()), dtype=np.intp, count=ids.size)
        uniques = np.empty(len(lookup), dtype=object)
        uniques[:] = list(lookup)
        return codes, uniques
    appearance = np.argsort(first_idx, kind="stable")
    remap = np.empty_like(appearance)
    remap[appearance] = np.arange(appearance.size)
    return remap[inverse.reshape(-1)].astype(np.intp), uniq[appearance]


def _date_keys(dates: Any) -> tuple[np.ndarray, str]:
    """Sortable int64/float64 keys for dates plus a kind tag ('M' datetime, 'n' number)."""
    arr = np.asarray(dates)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind == "M":
        return arr.astype("datetime64[us]").astype(np.int64), "M"
    if kind in "iub":
        return arr.astype(np.int64), "n"
    if kind == "f":
        if np.isnan(arr).any():
            raise ValueError("dates must not be missing")
        return arr.astype(np.float64), "n"
    try:
        conv = arr.astype("datetime64[us]")
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "dates must be dates/datetimes (datetime.date, numpy datetime64, ISO strings) or numbers"
        ) from exc
    if np.isnat(conv).any():
        raise ValueError("dates must not be missing")
    return conv.astype(np.int64), "M"


def _per_series(
    option: Any, uniques: np.ndarray, name: str, convert: Any, default: Any, *, required: bool
) -> list[Any]:
    """Expand a scalar or a {series_id: value} mapping to one value per series."""
    if isinstance(option, Mapping):
        known = set(uniques.tolist())
        unknown = [sid for sid in option if sid not in known]
        if unknown:  # as R: "options provided to target are not in the facet_field column."
            raise ValueError(f"{name} mapping names unknown series {unknown[:5]!r}")
        out = []
        missing = []
        for sid in uniques.tolist():
            if sid in option:
                out.append(convert(option[sid]))
            elif required:
                missing.append(sid)
            else:
                out.append(default)
        if missing:
            raise ValueError(f"{name} mapping has no entry for series {missing[:5]!r}")
        return out
    value = convert(option)
    return [value] * uniques.size


def _direction(value: Any) -> int:
    try:
        return IMPROVEMENT_DIRECTIONS[value]
    except (KeyError, TypeError):
        raise ValueError(f"improvement must be one of {sorted(IMPROVEMENT_DIRECTIONS)}, not {value!r}") from None


def _target(value: Any) -> float:
    if value is None:
        return np.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"target must be a number or None, not {value!r}")
    return float(value)


def _format_date(value: Any) -> str:
    return str(value)


# --------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------
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
    y_in = _as_1d(values, "values").astype(np.float64)
    n = y_in.size
    if np.isinf(y_in).any():
        raise ValueError("values must be finite numbers or missing (NaN/None)")
    ids = _as_1d(series_ids, "series_ids")
    if ids.size != n:
        raise ValueError("series_ids and values must have the same length")
    if fix_after is not None:
        numeric = isinstance(fix_after, (int, float, np.number))
        if isinstance(fix_after, (bool, np.bool_)) or not numeric or not fix_after >= MIN_FIX_AFTER:
            raise ValueError("fix_after must be a single number greater than or equal to 12")
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ValueError("screen_outliers must be True or False")

    codes, uniques = _factorize(ids)
    n_series = uniques.size
    if n == 0:
        raise ValueError("values must not be empty")

    # ---- dates and sorting (by series, then date) ------------------------
    if dates is None:
        order0 = np.argsort(codes, kind="stable")
        counts0 = np.bincount(codes, minlength=n_series)
        starts0 = np.concatenate(([0], np.cumsum(counts0)[:-1]))
        keys = np.empty(n, dtype=np.int64)
        keys[order0] = np.arange(n) - starts0[codes[order0]]
        date_kind = "n"
        dates_arr = keys.copy()
    else:
        dates_arr = _as_1d(dates, "dates")
        if dates_arr.size != n:
            raise ValueError("dates and values must have the same length")
        keys, date_kind = _date_keys(dates_arr)

    if n > 1 and np.all(codes[1:] >= codes[:-1]) and np.all((codes[1:] != codes[:-1]) | (keys[1:] > keys[:-1])):
        order = None  # already sorted
        c, k = codes, keys
    else:
        order = np.lexsort((keys, codes))
        c, k = codes[order], keys[order]
    if n > 1:
        dup = (c[1:] == c[:-1]) & (k[1:] == k[:-1])
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise ValueError(f"duplicate date {_format_date(_take(dates_arr, order, i))} in series {uniques[c[i]]!r}")
    y = y_in if order is None else y_in[order]

    counts = np.bincount(c, minlength=n_series)
    series_start = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    series_last = series_start + counts - 1
    series_first = np.zeros(n, dtype=bool)
    series_first[series_start[counts > 0]] = True

    # ---- rebase -----------------------------------------------------------
    is_rebase, unmatched = _rebase_flags(rebase, uniques, c, k, date_kind)
    first = series_first | is_rebase
    segs = _Segments.from_first(first)
    cs = np.cumsum(is_rebase)
    base = cs[series_start] - is_rebase[series_start]
    rebase_group = (cs - base[c]).astype(np.int64)

    # ---- limits -----------------------------------------------------------
    seg_label = segs.seg_id
    lim = process_limits(y, seg_label, fix_after=fix_after, screen_outliers=screen_outliers)
    out_lim = outside_limits(y, lim["lpl"], lim["upl"])
    rtm = relative_to_mean(y, lim["mean"])
    close = close_to_limits(y, lim["nlpl"], lim["nupl"], out_lim)

    # ---- rules --------------------------------------------------------------
    trend, increasing = seven_point_trend(y, seg_label)
    two3 = two_in_three(close, rtm, seg_label)
    side7 = seven_point_one_side(rtm, seg_label)
    sct = special_cause_type_codes(out_lim, rtm, trend, increasing, two3, side7)

    directions = np.array(
        _per_series(improvement, uniques, "improvement", _direction, None, required=True),
        dtype=np.int8,
    )
    pt = point_type_codes(sct, directions[c])
    short = segs.lengths[segs.seg_id] < warning_threshold

    # ---- per series ---------------------------------------------------------
    targets = np.array(
        _per_series(target, uniques, "target", _target, np.nan, required=False),
        dtype=np.float64,
    )
    variation = _VAR_LABELS[variation_codes(pt[series_last], directions)]
    assurance = _ASSURANCE_LABELS[
        assurance_codes(targets, lim["lpl"][series_last], lim["upl"][series_last], directions)
    ]
    improvement_labels = np.array(["increase", "neutral", "decrease"], dtype=object)[1 - directions.astype(np.intp)]

    warnings = _collect_warnings(uniques, c, segs, short, y, lim["amr"], unmatched, dates_arr, order, warning_threshold)

    # ---- back to input order ----------------------------------------------
    def back(a: np.ndarray) -> np.ndarray:
        if order is None:
            return a
        out = np.empty_like(a)
        out[order] = a
        return out

    return SPCTable(
        series_id=ids,
        dates=dates_arr,
        values=y_in,
        rebase_group=back(rebase_group),
        mean=back(lim["mean"]),
        lpl=back(lim["lpl"]),
        upl=back(lim["upl"]),
        nlpl=back(lim["nlpl"]),
        nupl=back(lim["nupl"]),
        outside_limits=back(out_lim),
        relative_to_mean=back(rtm),
        close_to_limits=back(close),
        special_cause_type=back(_SCT_LABELS[sct]),
        special_cause_flag=back(sct != 0),
        point_type=back(_PT_LABELS[pt]),
        short_group_warning=back(short),
        series=uniques,
        n_points=counts,
        improvement=improvement_labels,
        target=targets,
        variation=variation,
        assurance=assurance,
        warnings=warnings,
        series_code=codes,
    )


def _take(dates_arr: np.ndarray, order: np.ndarray | None, i: int) -> Any:
    return dates_arr[i] if order is None else dates_arr[order[i]]


def _rebase_flags(
    rebase: Any, uniques: np.ndarray, c: np.ndarray, k: np.ndarray, date_kind: str
) -> tuple[np.ndarray, list[tuple[int, Any]]]:
    """For each sorted point, whether it is a rebase date of its series.

    Also returns the (series, date) pairs that matched no point."""
    n = c.size
    if isinstance(rebase, Mapping):
        lookup = {sid: i for i, sid in enumerate(uniques.tolist())}
        pair_codes: list[int] = []
        pair_dates: list[Any] = []
        for sid, ds in rebase.items():
            if sid not in lookup:
                raise ValueError(f"rebase mapping names unknown series {sid!r}")
            ds = _as_list(ds)
            pair_codes.extend([lookup[sid]] * len(ds))
            pair_dates.extend(ds)
        if not pair_dates:
            return np.zeros(n, dtype=bool), []
        rc = np.asarray(pair_codes, dtype=np.int64)
        rk = _rebase_keys(pair_dates, date_kind)

        def date_of(j: int) -> Any:
            return pair_dates[j]
    else:
        base = _as_list(rebase)
        if not base:
            return np.zeros(n, dtype=bool), []
        r = len(base)
        rc = np.repeat(np.arange(uniques.size, dtype=np.int64), r)
        rk = np.tile(_rebase_keys(base, date_kind), uniques.size)

        def date_of(j: int) -> Any:
            return base[j % r]

    # encode (series, date) pairs as single integers via the rank of the date
    _, inverse = np.unique(np.concatenate([k, rk]), return_inverse=True)
    inverse = inverse.reshape(-1).astype(np.int64)
    m = int(inverse.max()) + 1
    point_pair = c.astype(np.int64) * m + inverse[:n]
    rebase_pair = rc * m + inverse[n:]
    is_rebase = np.isin(point_pair, rebase_pair)
    missed = np.flatnonzero(~np.isin(rebase_pair, point_pair)).tolist()
    return is_rebase, [(int(rc[j]), date_of(j)) for j in missed]


def _rebase_keys(ds: list[Any], date_kind: str) -> np.ndarray:
    if date_kind == "M":
        arr = np.empty(len(ds), dtype=object)
        arr[:] = ds
        keys, kind = _date_keys(arr)
    else:
        keys, kind = _date_keys(np.asarray(ds))
    if kind != date_kind:
        raise TypeError("rebase dates must be of the same kind as the series dates")
    return keys


def _as_list(ds: Any) -> list[Any]:
    if ds is None:
        return []
    if isinstance(ds, (str, bytes, np.datetime64)) or not isinstance(ds, Iterable):
        return [ds]
    return list(ds)


def _as_1d(x: Any, name: str) -> np.ndarray:
    """A 1-D array from a sequence; items that are themselves sequences (tuples) stay whole."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional")
        return x
    x = list(x)
    try:
        arr = np.asarray(x)
    except ValueError:  # ragged items, e.g. tuples mixed with scalars
        arr = None
    if arr is None or arr.ndim != 1:
        arr = np.empty(len(x), dtype=object)
        for i, item in enumerate(x):
            arr[i] = item
    return arr


def _collect_warnings(
    uniques: np.ndarray,
    c: np.ndarray,
    segs: _Segments,
    short: np.ndarray,
    y: np.ndarray,
    amr: np.ndarray,
    unmatched: list[tuple[int, Any]],
    dates_arr: np.ndarray,
    order: np.ndarray | None,
    threshold: int,
) -> dict[Hashable, tuple[str, ...]]:
    """Warning strings per series, built only for the series that have any."""
    found: dict[int, list[str]] = {}
    seg_series = c[segs.starts]

    short_series = np.unique(c[short])
    for s in short_series.tolist():
        found.setdefault(s, []).append(SHORT_GROUP_WARNING.format(threshold=threshold))

    seg_amr = amr[segs.starts]
    for j in np.flatnonzero(np.isnan(seg_amr)).tolist():
        start = _format_date(_take(dates_arr, order, int(segs.starts[j])))
        found.setdefault(int(seg_series[j]), []).append(
            f"Limits are undefined for the segment starting {start}: it has no usable moving "
            "range (constant values with outlier screening, or fewer than two consecutive "
            "values), so no point can be outside or close to the limits."
        )
    for j in np.flatnonzero(seg_amr == 0).tolist():
        start = _format_date(_take(dates_arr, order, int(segs.starts[j])))
        found.setdefault(int(seg_series[j]), []).append(
            f"The segment starting {start} has no variation (every moving range is 0): its limits equal its mean."
        )

    missing = np.bincount(c, weights=np.isnan(y), minlength=uniques.size)
    for s in np.flatnonzero(missing).tolist():
        k = int(missing[s])
        found.setdefault(s, []).append(
            f"{k} missing value{'s' if k != 1 else ''}: skipped in the mean and moving ranges; "
            "a gap breaks runs and trends (NHSRplotthedots expects no gaps)."
        )

    for s, d in unmatched:
        found.setdefault(s, []).append(f"Rebase date {_format_date(d)} matches no point in the series; ignored.")

    keys = uniques.tolist()
    return {keys[s]: tuple(msgs) for s, msgs in sorted(found.items())}


def spc(
    values: Iterable[float | None] | np.ndarray,
    dates: Iterable[Any] | np.ndarray | None = None,
    *,
    improvement: str = "increase",
    target: float | None = None,
    rebase: Iterable[Any] = (),
    fix_after: float | None = None,
    screen_outliers: bool = True,
    warning_threshold: int = WARNING_THRESHOLD,
) -> SPCResult:
    """Run SPC on one series.

    Without ``dates``, the positions 0..n-1 are the dates, and ``rebase``
    gives the positions where new segments start.
    """
    y = _as_1d(values, "values").astype(np.float64)
    if y.size == 0:
        raise ValueError("values must not be empty")
    table = spc_many(
        np.zeros(y.size, dtype=np.int8),
        dates,
        y,
        improvement=improvement,
        target=target,
        rebase=rebase,
        fix_after=fix_after,
        screen_outliers=screen_outliers,
        warning_threshold=warning_threshold,
    )
    return table.result(0)
