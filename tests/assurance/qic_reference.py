"""qicharts2 0.8.x's limit functions, written out again in plain Python, one series at a time.

A transparent, deliberately slow reference for the tests of :mod:`goldenthread.assurance.charts`:
each function follows the R function it names in qicharts2's ``R/helper.functions.R`` line by
line (with ``qic.screenedmr = TRUE``, the option ``library(qicharts2)`` sets), on Python lists and
the ``math`` module only — no NumPy, nothing shared with the engine.  ``None``/NaN is R's NA; a
series is one part (no freeze).  Each returns (centre, lower, upper) lists, NaN where R gives NA.
"""

from __future__ import annotations

import math

NAN = math.nan


def _mean(xs):
    """R's mean(x, na.rm = TRUE): NaN for nothing left."""
    kept = [x for x in xs if not math.isnan(x)]
    return math.fsum(kept) / len(kept) if kept else NAN


def median(xs):
    kept = sorted(x for x in xs if not math.isnan(x))
    if not kept:
        return NAN
    half = len(kept) // 2
    return kept[half] if len(kept) % 2 else (kept[half - 1] + kept[half]) / 2


def _screened_amr(xs):
    """mr <- abs(diff(x)); amr <- mean(mr); mr <- mr[mr < 3.267 * amr]; mean(mr) (qic.i, qic.pp, qic.up)."""
    mr = [abs(b - a) for a, b in zip(xs, xs[1:], strict=False)]  # NaN next to a gap
    amr = _mean(mr)
    kept = [m for m in mr if math.isnan(m) or m < 3.267 * amr]  # R keeps NA entries (NA index), mean drops them
    return _mean(kept)


def _finite(x):
    return x if math.isfinite(x) else NAN  # qic.agg: non-finite limits become NA


def _missing(count, n):
    return count is None or n is None or math.isnan(count) or math.isnan(n) or n == 0


def proportion_chart(counts, sizes, *, laney=False, rate=False):
    """qic.p / qic.pp (rate=False) and qic.u / qic.up (rate=True)."""
    y = [NAN if _missing(c, n) else c / n for c, n in zip(counts, sizes, strict=True)]
    n = [NAN if math.isnan(v) else s for v, s in zip(y, sizes, strict=True)]
    kept = [(c, s) for c, s, v in zip(counts, sizes, y, strict=True) if not math.isnan(v)]
    cl = math.fsum(c for c, _ in kept) / math.fsum(s for _, s in kept) if kept else NAN
    if rate:
        sd = [math.sqrt(cl / s) if not math.isnan(s) else NAN for s in n]
    else:
        sd = [math.sqrt(cl * (1 - cl) / s) if not math.isnan(s) else NAN for s in n]
    if laney:
        z = [
            (v - cl) / d if d != 0 else (NAN if v == cl else math.copysign(math.inf, v - cl))
            for v, d in zip(y, sd, strict=True)
        ]
        sigma_z = _screened_amr(z) / 1.128
        sd = [d * sigma_z for d in sd]
    lower = [_finite(cl - 3 * d) for d in sd]
    upper = [_finite(cl + 3 * d) for d in sd]
    lower = [0.0 if lo < 0 else lo for lo in lower]
    if not rate:
        upper = [1.0 if up > 1 else up for up in upper]
    return [cl] * len(y), lower, upper


def c_chart(counts):
    """qic.c: cl = mean, limits cl ± 3√cl, lcl below 0 → 0."""
    cl = _mean(counts)
    lower, upper = cl - 3 * math.sqrt(cl), cl + 3 * math.sqrt(cl)
    return [cl] * len(counts), [max(lower, 0.0)] * len(counts), [upper] * len(counts)


def g_chart(values):
    """qic.g: limits from the mean m, m ± 3√(m(m+1)) with lcl below 0 → 0, then cl = the median."""
    m = _mean(values)
    sd = math.sqrt(m * (m + 1))
    lower = m - 3 * sd
    lower = 0.0 if lower < 0 else lower
    return [median(values)] * len(values), [lower] * len(values), [m + 3 * sd] * len(values)


def i_chart(values):
    """qic.i with screened moving ranges: cl = mean, sigma = amr / 1.128."""
    cl = _mean(values)
    sigma = _screened_amr(values) / 1.128
    return cl, cl - 3 * sigma, cl + 3 * sigma


def t_chart(values):
    """qic.t: y^(1/3.6), qic.i, back ^3.6; lcl below 0 or NaN → 0; a NaN ucl is NA."""
    cl, lower, upper = i_chart([v ** (1 / 3.6) if not math.isnan(v) else NAN for v in values])
    back = [x**3.6 if not math.isnan(x) and x >= 0 else NAN for x in (cl, lower, upper)]
    lower_back = 0.0 if math.isnan(back[1]) else back[1]
    return [back[0]] * len(values), [lower_back] * len(values), [back[2]] * len(values)


def run_chart(values):
    """qic.run: the median; no limits."""
    return [median(values)] * len(values), [NAN] * len(values), [NAN] * len(values)


def qbinom_05(trials):
    """R's qbinom(0.05, trials, 0.5), by adding up the binomial probabilities in floating point."""
    cumulative = 0.0
    for x in range(trials + 1):
        cumulative += math.comb(trials, x) / 2**trials
        if cumulative >= 0.05:
            return x
    raise AssertionError("unreachable")


def runs_analysis(y, cl):
    """runs.analysis() and crsignal(method = "anhoej") for one part, step by step as the R code reads."""
    sides = [(v > c) - (v < c) for v, c in zip(y, cl, strict=True) if not (math.isnan(v) or math.isnan(c))]
    runs = [s for s in sides if s != 0]  # points on the centre line are dropped
    n = len(runs)
    if not n:
        return dict(n_useful=0, runs_signal=False, longest=None, longest_max=None, crossings=None, crossings_min=None)
    lengths = [1]
    for a, b in zip(runs, runs[1:], strict=False):
        if a == b:
            lengths[-1] += 1
        else:
            lengths.append(1)
    longest, crossings = max(lengths), len(lengths) - 1
    longest_max, cmin = round(math.log2(n)) + 3, qbinom_05(n - 1)
    signal = not (crossings >= cmin and longest <= longest_max)
    return dict(
        n_useful=n,
        runs_signal=signal,
        longest=longest,
        longest_max=longest_max,
        crossings=crossings,
        crossings_min=cmin,
    )
