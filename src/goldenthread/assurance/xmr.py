"""XmR calculations (``ptd_spc_standard.R``): means, moving ranges and process limits per segment.

See :mod:`goldenthread.assurance.spc` for the method and the edge cases.
"""

from __future__ import annotations

import numpy as np

from goldenthread.assurance.segments import Segments, segment_bounds

LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)
SCREEN_FACTOR = 3.267


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
    length = int(lengths[0])
    if starts[0] == 0 and 0 < length <= 256 and (lengths == length).all():  # one length: rows of one block
        return _row_sums(x.reshape(starts.size, length))
    padded = np.append(x, np.zeros(1, dtype=x.dtype))  # index x.size reads a zero
    width = np.left_shift(1, np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64))
    for w in sorted(set(width.tolist())):  # not np.unique: that imports numpy.ma (10 ms at start-up)
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


def _row_sums(rows: np.ndarray) -> np.ndarray:
    """Each row added up left to right, as :func:`_sequential_sums` adds up segments of one length.

    That adds the zeros padding each segment to a power of two as well, which turns a sum of
    -0.0 into 0.0; adding one zero does the same.
    """
    total = rows[:, 0].copy()
    for column in range(1, rows.shape[1]):
        total += rows[:, column]
    if rows.shape[1] & (rows.shape[1] - 1):  # not a power of two: the segments had padding
        total += 0.0
    return total


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


def _moving_ranges(y: np.ndarray, first: np.ndarray) -> np.ndarray:
    """``|y_i - y_(i-1)|``, with NaN where ``first`` marks the first point of a segment."""
    mr = np.full(y.shape, np.nan)
    if y.size > 1:
        mr[1:] = np.abs(y[1:] - y[:-1])
    mr[first] = np.nan
    return mr


def moving_ranges(y: np.ndarray, segment: np.ndarray | None = None) -> np.ndarray:
    """``|y_i - y_(i-1)|`` inside each segment, with NaN for the first point of a segment."""
    y = np.asarray(y, dtype=np.float64)
    first, _ = segment_bounds(segment, y.size)
    return _moving_ranges(y, first)


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
    first, _ = segment_bounds(segment, y.size)
    segs = Segments.from_first(first)
    if fix_after is not None:
        fix_y = np.where(segs.position + 1 <= fix_after, y, np.nan)
    else:
        fix_y = y
    mean = r_mean(fix_y, segs.starts)
    mr = _moving_ranges(fix_y, first)
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
        outside: np.ndarray = (np.asarray(y) > upl) | (np.asarray(y) < lpl)
    return outside


def relative_to_mean(y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``sign(y - mean)`` as int8; a missing value gives 0 (on no side)."""
    side: np.ndarray = np.nan_to_num(np.sign(np.asarray(y, dtype=np.float64) - mean), nan=0.0)
    return side.astype(np.int8)


def close_to_limits(y: np.ndarray, nlpl: np.ndarray, nupl: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Beyond the 2-sigma line (strictly) but not outside the limits."""
    with np.errstate(invalid="ignore"):
        close: np.ndarray = ~outside & ((np.asarray(y) < nlpl) | (np.asarray(y) > nupl))
    return close
