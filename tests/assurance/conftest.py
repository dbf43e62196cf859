"""Test helpers for the SPC engine.

* ``r_rnorm``: R's ``set.seed(seed); rnorm(n, mean, sd)`` (Mersenne-Twister
  with R's seed scrambling, and normals by "Inversion"), so the R package's
  own test data can be rebuilt exactly.
* ``r_reference``: a plain-Python, loop-by-loop transcription of the
  NHSRplotthedots 0.2.x R functions, for one series.  It is used as an
  oracle for the vectorised engine.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest


# --------------------------------------------------------------------------
# R's RNG (src/main/RNG.c, src/nmath/snorm.c)
# --------------------------------------------------------------------------
class RRandom:
    """R's default RNG: ``RNGkind("Mersenne-Twister", "Inversion")``."""

    BIG = 134217728  # 2^27

    def __init__(self, seed: int) -> None:
        s = seed & 0xFFFFFFFF
        for _ in range(50):  # initial scrambling
            s = (69069 * s + 1) & 0xFFFFFFFF
        words = []
        for _ in range(625):  # dummy[0] (mti) + mt[624]
            s = (69069 * s + 1) & 0xFFFFFFFF
            words.append(s)
        self._bitgen = np.random.MT19937()
        self._bitgen.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(words[1:], dtype=np.uint32), "pos": 624},
        }
        self._ndist = NormalDist()

    def unif_rand(self) -> float:
        y = int(self._bitgen.random_raw())
        v = y * 2.3283064365386963e-10
        i2_32m1 = 2.328306437080797e-10
        if v <= 0.0:
            return 0.5 * i2_32m1
        if 1.0 - v <= 0.0:
            return 1.0 - 0.5 * i2_32m1
        return v

    def norm_rand(self) -> float:
        u = self.unif_rand()
        u = int(self.BIG * u) + self.unif_rand()
        return self._ndist.inv_cdf(u / self.BIG)

    def rnorm(self, n: int, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
        return np.array([mean + sd * self.norm_rand() for _ in range(n)])


@pytest.fixture(scope="session")
def r_random():
    return RRandom


# --------------------------------------------------------------------------
# Literal transcription of the R package (one series)
# --------------------------------------------------------------------------
def r_mean_scalar(xs):
    """R's mean(x, na.rm = TRUE): long double sum, divide, correction pass."""
    xs = [x for x in xs if not math.isnan(x)]
    if not xs:
        return math.nan
    n = np.longdouble(len(xs))
    s = np.longdouble(0)
    for x in xs:
        s += np.longdouble(x)
    s /= n
    if np.isfinite(s):
        t = np.longdouble(0)
        for x in xs:
            t += np.longdouble(x) - s
        s += t / n
    return float(s)


def _sign(v):
    if math.isnan(v):
        return math.nan
    return (v > 0) - (v < 0)


def ptd_seven_point_one_side_mean(v):
    vp = [0] * 6 + list(v)
    out = []
    for i in range(6, len(vp)):
        out.append(int(all(vp[i] == vp[i - j] for j in range(1, 7)) and vp[i] != 0))
    return out


def ptd_part_of_seven_trend(v):
    vp = list(v) + [0] * 6
    return [int(any(abs(vp[i + j]) == 1 for j in range(7))) for i in range(len(v))]


def ptd_seven_point_trend(y):
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - j] for j in range(7)]  # y[i - 0:6]
        d = [-_sign(window[k + 1] - window[k]) for k in range(6)]
        if all(x == 1 for x in d):
            out.append(1)
        elif all(x == -1 for x in d):
            out.append(-1)
        else:
            out.append(0)
    return out


def ptd_two_in_three(v, rtm):
    if len(v) == 0:
        return []
    vp = [0, 0] + list(v) + [0, 0]
    rp = [0, 0] + list(rtm) + [0, 0]
    out = []
    for i in range(len(v)):
        hit = False
        for off in (0, 1, 2):
            w = range(i + off, i + off + 3)
            if sum(vp[j] for j in w) >= 2 and abs(sum(rp[j] for j in w)) == 3:
                hit = True
        out.append(int(hit))
    return out


def ptd_part_of_two_in_three(v, x):
    return [int(a == 1 and abs(b) == 1) for a, b in zip(v, x, strict=True)]


def ptd_special_cause_type(y, rtm, close, outside):
    pt = ptd_part_of_seven_trend(ptd_seven_point_trend(y))
    p23 = ptd_part_of_two_in_three(ptd_two_in_three(close, rtm), close)
    p7 = ptd_part_of_seven_trend(ptd_seven_point_one_side_mean(rtm))
    n = len(y)
    sdy = [_sign(y[i + 1] - y[i]) for i in range(n - 1)]
    out = []
    for i in range(n):
        right = i + 1 < n and pt[i + 1] and pt[i]
        s = sdy[i] if right else (0 if i == 0 else sdy[i - 1])
        side = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            out.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif pt[i]:
            out.append(f"7 Point Trend ({'In' if s == 1 else 'De'}creasing)")
        elif p23[i]:
            out.append(f"2 in 3 {side} CL")
        elif p7[i]:
            out.append(f"7 Points {side} CL")
        else:
            out.append("Common Cause")
    return out


def ptd_point_type(sct, direction):
    out = []
    for s in sct:
        v = 1 if ("Above" in s or "Increasing" in s) else -1 if ("Below" in s or "Decreasing" in s) else 0
        if direction == 0:
            out.append(
                "special_cause_neutral_high" if v > 0 else "special_cause_neutral_low" if v < 0 else "common_cause"
            )
        else:
            v *= direction
            out.append("special_cause_improvement" if v > 0 else "special_cause_concern" if v < 0 else "common_cause")
    return out


def reference_spc(y, rebase_at=(), fix_after=None, screen=True, direction=1, target=None):
    """One series, already sorted, rebase given as 0-based positions."""
    y = [float(v) for v in y]
    n = len(y)
    starts = sorted({0} | {p for p in rebase_at if 0 <= p < n})
    bounds = list(zip(starts, starts[1:] + [n], strict=True))
    cols = {k: [] for k in ("mean", "lpl", "upl", "nlpl", "nupl", "rtm", "close", "outside", "sct")}
    limit = 2.66
    limitclose = 2 * (limit / 3)
    for a, b in bounds:
        g = y[a:b]
        fix_y = [v if (fix_after is None or i + 1 <= fix_after) else math.nan for i, v in enumerate(g)]
        mean = r_mean_scalar(fix_y)
        mr = [math.nan] + [abs(fix_y[i] - fix_y[i - 1]) for i in range(1, len(g))]
        amr = r_mean_scalar(mr)
        if screen:
            mr = [m if (not math.isnan(m) and m < 3.267 * amr) else math.nan for m in mr]
            amr = r_mean_scalar(mr)
        lpl, upl = mean - limit * amr, mean + limit * amr
        nlpl, nupl = mean - limitclose * amr, mean + limitclose * amr
        outside = [bool(v > upl or v < lpl) for v in g]
        rtm = [0 if math.isnan(v - mean) else _sign(v - mean) for v in g]
        close = [bool(not o and (v < nlpl or v > nupl)) for v, o in zip(g, outside, strict=True)]
        # NA values: R's trend rule can error; the reference breaks trends at gaps instead
        sct = ptd_special_cause_type(g, rtm, [int(c) for c in close], [int(o) for o in outside])
        for k, v in (("mean", mean), ("lpl", lpl), ("upl", upl), ("nlpl", nlpl), ("nupl", nupl)):
            cols[k].extend([v] * len(g))
        cols["rtm"].extend(rtm)
        cols["close"].extend(close)
        cols["outside"].extend(outside)
        cols["sct"].extend(sct)
    cols["point_type"] = ptd_point_type(cols["sct"], direction)
    return cols


@pytest.fixture(scope="session")
def r_reference():
    return reference_spc
