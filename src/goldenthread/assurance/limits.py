"""Centre lines and 3-sigma limits of qicharts2 0.8.x's charts, every segment in one pass.

Each function takes the points sorted by series, segment and date, a segment id per point
(``seg``: contiguous, ascending from 0) and ``base``, the points a segment's centre line and
limits are worked out from (all of them, or the first ``fix_after`` of each segment: qicharts2's
``freeze``).  It returns the per-point centre line, lower and upper limits (NaN where undefined).
The formulas are those of qicharts2's ``qic.p``, ``qic.pp``, ``qic.u``, ``qic.up``, ``qic.c``,
``qic.g``, ``qic.t`` (with ``qic.i``) and ``qic.run`` in ``R/helper.functions.R``, with its
default ``qic.screenedmr = TRUE`` (set when the package is attached); see
:mod:`goldenthread.assurance.charts` for the list and the special cases.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from goldenthread.assurance.xmr import r_mean

#: d2 for moving ranges of two: sigma = average moving range / 1.128 (qicharts2's constant)
D2 = 1.128
#: moving ranges at or above 3.267 × their mean are screened out (Nelson 1982), as qicharts2 does
SCREEN = 3.267
#: the power qicharts2's t chart takes of the times between events (Nelson 1994), and its inverse
T_POWER = 3.6


class Segs(NamedTuple):
    """Sorted points cut into segments: each point's segment, each segment's first point, and the
    points that make the centre line and limits."""

    seg: np.ndarray  # intp per point, ascending from 0
    starts: np.ndarray  # intp per segment
    base: np.ndarray  # bool per point

    @property
    def n_segments(self) -> int:
        return int(self.starts.size)


class Lines(NamedTuple):
    """Per point: centre line, lower and upper limits."""

    centre: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray


def segment_sum(x: np.ndarray, segs: Segs, where: np.ndarray) -> np.ndarray:
    """Per segment: the sum of ``x`` over the points ``where`` is true."""
    if not segs.n_segments:
        return np.zeros(0)
    total: np.ndarray = np.add.reduceat(np.where(where, x, 0.0), segs.starts)
    return total


def segment_mean(x: np.ndarray, segs: Segs, where: np.ndarray | None = None) -> np.ndarray:
    """Per segment: R's ``mean(x[base], na.rm = TRUE)`` (NaN skipped; NaN when nothing is left).

    R's own algorithm (:func:`~goldenthread.assurance.xmr.r_mean`: a long double sum and a
    correction), so that the mean of equal values is that value and a point exactly on the centre
    line is found so, as in R."""
    use = segs.base if where is None else segs.base & where
    return r_mean(np.where(use, x, np.nan), segs.starts)


def segment_median(x: np.ndarray, segs: Segs) -> np.ndarray:
    """Per segment: R's ``median(x[base], na.rm = TRUE)`` (NaN for a segment with no value)."""
    held = np.where(segs.base, x, np.nan)
    order = np.lexsort((held, segs.seg))  # by segment, then value; NaN last
    ordered = held[order]
    count = np.bincount(segs.seg, weights=~np.isnan(held), minlength=segs.n_segments).astype(np.int64)
    lo = segs.starts + np.maximum(count - 1, 0) // 2
    hi = segs.starts + count // 2
    hi = np.minimum(hi, max(x.size - 1, 0))
    median: np.ndarray = np.where(count > 0, (ordered[lo] + ordered[hi]) / 2, np.nan) if x.size else np.zeros(0)
    return median


def screened_sigma(z: np.ndarray, segs: Segs) -> np.ndarray:
    """Per segment: the average moving range of ``z`` (on the base points) after screening, / 1.128.

    Moving ranges are taken between consecutive points of a segment; one next to a missing value
    is missing.  Those at or above 3.267 × their mean are dropped and the mean taken again, as
    qicharts2's ``qic.i`` (and ``qic.pp``/``qic.up`` on the z-scores) do.  A segment whose moving
    ranges are all 0 screens them all out, so its sigma is NaN (R: ``mean(numeric(0))``).
    """
    held = np.where(segs.base, z, np.nan)
    mr = np.full(z.shape, np.nan)
    if z.size > 1:
        with np.errstate(invalid="ignore"):
            mr[1:] = np.abs(held[1:] - held[:-1])
    mr[segs.starts] = np.nan
    amr = segment_mean(mr, segs)
    with np.errstate(invalid="ignore"):
        keep = mr < SCREEN * amr[segs.seg]
    sigma: np.ndarray = segment_mean(mr, segs, keep) / D2
    return sigma


def _spread(centre: np.ndarray, sd: np.ndarray) -> Lines:
    """cl ± 3 sd; an infinite limit (a point with no cases) is undefined, as qicharts2 makes it NA."""
    with np.errstate(invalid="ignore"):
        lpl, upl = centre - 3 * sd, centre + 3 * sd
    return Lines(centre, np.where(np.isfinite(lpl), lpl, np.nan), np.where(np.isfinite(upl), upl, np.nan))


def _clip(lines: Lines, upper: float | None) -> Lines:
    """Limits past the possible range moved onto it: lower below 0 to 0, upper above ``upper`` to it."""
    lpl = np.where(lines.lpl < 0, 0.0, lines.lpl)
    upl = lines.upl if upper is None else np.where(lines.upl > upper, upper, lines.upl)
    return Lines(lines.centre, lpl, upl)


def _ratio(count: np.ndarray, size: np.ndarray, y: np.ndarray, segs: Segs) -> np.ndarray:
    """Per point: its segment's ``sum(count[base]) / sum(size[base])`` over the points with a value."""
    present = ~np.isnan(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre: np.ndarray = (
            segment_sum(count, segs, present & segs.base) / segment_sum(size, segs, present & segs.base)
        )[segs.seg]
    return centre


def _laney(y: np.ndarray, centre: np.ndarray, sd: np.ndarray, segs: Segs) -> np.ndarray:
    """``sd`` scaled by sigma_z, the screened moving-range sigma of the z-scores ``(y - cl) / sd``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - centre) / sd
    scaled: np.ndarray = sd * screened_sigma(z, segs)[segs.seg]
    return scaled


def p_lines(y: np.ndarray, count: np.ndarray, size: np.ndarray, segs: Segs, *, laney: bool = False) -> Lines:
    """``qic.p`` (and ``qic.pp`` with ``laney``): cl = Σcount/Σsize, sd = √(cl(1 − cl)/size), limits in [0, 1]."""
    centre = _ratio(count, size, y, segs)
    size = np.where(np.isnan(y), np.nan, size)  # a gap has no limits (qicharts2 makes its n NA)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(centre * (1 - centre) / size)
    if laney:
        sd = _laney(y, centre, sd, segs)
    return _clip(_spread(centre, sd), 1.0)


def u_lines(y: np.ndarray, count: np.ndarray, size: np.ndarray, segs: Segs, *, laney: bool = False) -> Lines:
    """``qic.u`` (and ``qic.up`` with ``laney``): cl = Σcount/Σsize, sd = √(cl/size), lower limit at least 0."""
    centre = _ratio(count, size, y, segs)
    size = np.where(np.isnan(y), np.nan, size)  # a gap has no limits (qicharts2 makes its n NA)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(centre / size)
    if laney:
        sd = _laney(y, centre, sd, segs)
    return _clip(_spread(centre, sd), None)


def c_lines(y: np.ndarray, segs: Segs) -> Lines:
    """``qic.c``: cl = mean count, sd = √cl, lower limit at least 0."""
    centre = segment_mean(y, segs)[segs.seg]
    return _clip(_spread(centre, np.sqrt(centre)), None)


def g_lines(y: np.ndarray, segs: Segs) -> Lines:
    """``qic.g``: limits from the mean m, m ± 3√(m(m + 1)), lower at least 0; the centre line is the median."""
    m = segment_mean(y, segs)[segs.seg]
    lines = _clip(_spread(m, np.sqrt(m * (m + 1))), None)
    return Lines(segment_median(y, segs)[segs.seg], lines.lpl, lines.upl)


def i_lines(y: np.ndarray, segs: Segs) -> Lines:
    """``qic.i``: cl = mean, sd = screened average moving range / 1.128."""
    centre = segment_mean(y, segs)[segs.seg]
    return _spread(centre, screened_sigma(y, segs)[segs.seg])


def t_lines(y: np.ndarray, segs: Segs) -> Lines:
    """``qic.t``: an I chart of y^(1/3.6), its lines taken back to the power 3.6; a lower limit below 0 or
    undefined is 0 (R: ``lcl[lcl < 0 | is.nan(lcl)] <- 0``)."""
    with np.errstate(invalid="ignore"):
        lines = i_lines(y ** (1 / T_POWER), segs)
        back = [np.power(line, T_POWER) for line in lines]
    lpl = np.where(np.isnan(back[1]) | (back[1] < 0), 0.0, back[1])
    return Lines(back[0], lpl, back[2])


def run_lines(y: np.ndarray, segs: Segs) -> Lines:
    """``qic.run``: the median, and no limits."""
    nothing = np.full(y.shape, np.nan)
    return Lines(segment_median(y, segs)[segs.seg], nothing, nothing.copy())
