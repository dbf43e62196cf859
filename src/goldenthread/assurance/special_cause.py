"""Special-cause rules (``ptd_calculate_point_type.R``), each checked within a segment.

See :mod:`goldenthread.assurance.spc` for the rules, their precedence and R's quirks we follow.
"""

from __future__ import annotations

import numpy as np

from goldenthread.assurance.segments import run_lengths, segment_bounds, shift_next

RUN_POINTS = 7

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
SPECIAL_CAUSE_LABELS = np.array(SPECIAL_CAUSE_TYPES, dtype=object)
#: The side of the mean each special-cause type points to (+1 high, -1 low).
SPECIAL_CAUSE_SIDE = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)


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
    first, _ = segment_bounds(segment, n)
    step = np.zeros(n, dtype=np.int8)  # sign(y_i - y_(i-1)), 0 at segment starts / gaps
    if n > 1:
        step[1:] = np.nan_to_num(np.sign(y[1:] - y[:-1]), nan=0.0)
    step[first] = 0
    run_start = first.copy()
    run_start[1:] |= step[1:] != step[:-1]
    # 6 equal, non-zero steps in a row means 7 points trending
    qualifying = (step != 0) & (run_lengths(run_start) >= RUN_POINTS - 1)
    next_first = shift_next(first, True)
    part = qualifying | (shift_next(qualifying, False) & ~next_first)
    part_next = shift_next(part, False) & ~next_first
    direction = np.where(part & part_next, shift_next(step, 0), step)
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
    flagged: np.ndarray = covered & close
    return flagged


def seven_point_one_side(rtm: np.ndarray, segment: np.ndarray | None = None) -> np.ndarray:
    """R's ``ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(rtm)) == 1``.

    A point is flagged if it is in a run of at least 7 points on the same
    side of the mean, within one segment.  ``rtm == 0`` (on the mean, or
    missing) breaks a run.
    """
    rtm = np.asarray(rtm, dtype=np.int8)
    first, _ = segment_bounds(segment, rtm.size)
    run_start = first.copy()
    run_start[1:] |= rtm[1:] != rtm[:-1]
    flagged: np.ndarray = (rtm != 0) & (run_lengths(run_start) >= RUN_POINTS)
    return flagged


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
