"""The Anhøj rules: runs analysis around a centre line, every segment of every series in one pass.

This follows qicharts2 0.8.x (``runs.analysis()`` and ``crsignal(method = "anhoej")`` in
``R/helper.functions.R``), written again here with NumPy:

* each point's side of the centre line is ``sign(y - cl)``; points *on* the centre line and
  missing points are dropped (they neither break nor extend a run).  What is left are the
  *useful* points, ``n_useful`` of them;
* a *run* is a stretch of consecutive useful points on one side; ``longest_run`` is the
  longest, and its upper limit ``longest_run_max = round(log2(n_useful)) + 3`` (Schilling 2012);
* ``crossings`` is the number of runs less one, and its lower limit ``crossings_min`` is the 5%
  quantile of Binomial(``n_useful`` − 1, 0.5): R's ``qbinom(0.05, n_useful - 1, 0.5)`` (Chen 2010);
* ``runs_signal`` is ``longest_run > longest_run_max or crossings < crossings_min``.

A segment with no useful point has no runs: its numbers are NaN and it gives no signal (R: NA
and ``FALSE``).  The quantile is worked out exactly, on whole numbers, once per distinct
``n_useful`` in a call.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

#: qbinom's probability as R holds it, the double nearest 0.05 (a hair above it), as an exact fraction
_QUANTILE_NUMERATOR, _QUANTILE_DENOMINATOR = (0.05).as_integer_ratio()


class Runs(NamedTuple):
    """Per segment: the Anhøj rules' numbers (NaN where a segment has no useful point)."""

    n_useful: np.ndarray  # int64
    longest_run: np.ndarray  # float64
    longest_run_max: np.ndarray  # float64
    crossings: np.ndarray  # float64
    crossings_min: np.ndarray  # float64
    signal: np.ndarray  # bool


def longest_run_max(n_useful: np.ndarray) -> np.ndarray:
    """``round(log2(n)) + 3`` (R rounds half to even, as NumPy does; log2 of a whole number is never
    exactly half-way); NaN where ``n`` is 0."""
    n = np.asarray(n_useful, dtype=np.float64)
    with np.errstate(divide="ignore"):
        limit: np.ndarray = np.round(np.log2(n)) + 3
    limit[n <= 0] = np.nan
    return limit


@lru_cache(maxsize=4096)
def binomial_quantile_05(trials: int) -> int:
    """R's ``qbinom(0.05, trials, 0.5)``: the least ``x`` with P(X ≤ x) ≥ 0.05, for X ~ Binomial(trials, ½).

    Worked on whole numbers: P(X ≤ x) = (C(m, 0) + … + C(m, x)) / 2**m, compared with the double 0.05
    exactly, so no rounding decides a case near the boundary.
    """
    if trials < 0:
        raise ValueError("the number of trials must not be negative")
    total = 1 << trials
    wanted = _QUANTILE_NUMERATOR * total  # reached when cumulative / total ≥ numerator / denominator
    term = cumulative = 1  # C(m, 0)
    x = 0
    while cumulative * _QUANTILE_DENOMINATOR < wanted:
        term = term * (trials - x) // (x + 1)
        x += 1
        cumulative += term
    return x


def crossings_min(n_useful: np.ndarray) -> np.ndarray:
    """``qbinom(0.05, n - 1, 0.5)`` for each ``n``; NaN where ``n`` is 0."""
    n = np.asarray(n_useful, dtype=np.int64)
    out = np.full(n.shape, np.nan)
    if n.size:
        distinct = sorted(set(n.ravel().tolist()))  # not np.unique: that imports numpy.ma (slow at start-up)
        table = np.array([np.nan if m <= 0 else binomial_quantile_05(m - 1) for m in distinct], dtype=np.float64)
        out = table[np.searchsorted(np.array(distinct, dtype=np.int64), n)]
    return out


def runs_analysis(y: np.ndarray, centre: np.ndarray, seg_id: np.ndarray, n_segments: int) -> Runs:
    """The Anhøj rules for each segment of sorted points (``seg_id`` ascending, one id per segment).

    ``y`` and ``centre`` are per point; a missing ``y`` or ``centre`` is not a useful point.
    """
    with np.errstate(invalid="ignore"):
        side = np.sign(np.asarray(y, dtype=np.float64) - centre)
    useful = np.flatnonzero(side != 0) if side.size else np.zeros(0, dtype=np.intp)
    useful = useful[~np.isnan(side[useful])]
    s, g = side[useful], np.asarray(seg_id)[useful]
    n_useful = np.bincount(g, minlength=n_segments).astype(np.int64)
    new_run = np.ones(s.size, dtype=bool)
    new_run[1:] = (s[1:] != s[:-1]) | (g[1:] != g[:-1])
    run_length = np.bincount(np.cumsum(new_run) - 1) if s.size else np.zeros(0, dtype=np.int64)
    n_runs = np.bincount(g[new_run], minlength=n_segments)
    some = n_runs > 0
    longest = np.full(n_segments, np.nan)
    if run_length.size:
        first_run = np.concatenate(([0], np.cumsum(n_runs)[:-1]))[some]
        longest[some] = np.maximum.reduceat(run_length, first_run)
    crossings = np.where(some, n_runs - 1, np.nan).astype(np.float64)
    run_max = longest_run_max(n_useful)
    cross_min = crossings_min(n_useful)
    with np.errstate(invalid="ignore"):
        signal = some & ((longest > run_max) | (crossings < cross_min))
    return Runs(n_useful, longest, run_max, crossings, cross_min, signal)
