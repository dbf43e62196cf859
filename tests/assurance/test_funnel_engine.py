"""Funnel plots (assurance.funnel) against Spiegelhalter's formulas worked independently here.

The reference figures are computed in this file, one unit at a time with :mod:`math` and
:mod:`statistics`, from the closed formulas of Spiegelhalter, "Handling over-dispersion of
performance indicators", Qual Saf Health Care 2005;14:347 (the arcsine square-root
scale for proportions, the square-root scale for rates; z-scores Winsorised at 10%/90%,
phi = sum(z^2)/n, tau^2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w)), as the NHS-R package
FunnelPlotR (R/od_adjustment.R, R/calculate_limits.R) implements them. The ten units of the
worked example are the data of FunnelPlotR's dev/workingout_binom.R.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from goldenthread.assurance.funnel import Z95, Z998, FunnelError, funnel

NUM = [12, 30, 26, 50, 42, 71, 4, 29, 48, 36]
DEN = [82, 98, 100, 125, 162, 151, 12, 100, 82, 99]


def reference(num, den, kind="proportion"):
    """Spiegelhalter (QSHC 2005) worked unit by unit: target, z, phi, tau2 and each unit's limits."""
    fwd = (lambda p: math.asin(math.sqrt(p))) if kind == "proportion" else math.sqrt
    target = sum(num) / sum(den)
    centre = fwd(target)
    s = [1 / (2 * math.sqrt(n)) for n in den]
    z = [(fwd(x / n) - centre) / si for x, n, si in zip(num, den, s, strict=True)]
    cuts = statistics.quantiles(z, n=10, method="inclusive")  # R's type 7: the 10% and 90% quantiles
    low, high = cuts[0], cuts[-1]
    winsorised = [min(max(v, low), high) for v in z]
    k = len(z)
    phi = sum(v * v for v in winsorised) / k
    w = [1 / si**2 for si in s]
    tau2 = max(0.0, (k * phi - (k - 1)) / (sum(w) - sum(v * v for v in w) / sum(w)))
    in_force = tau2 if phi > 1 else 0.0

    def back(y):
        if kind == "proportion":
            return math.sin(min(max(y, 0.0), math.pi / 2)) ** 2
        return max(y, 0.0) ** 2

    lims = [
        tuple(
            back(centre + sign * q * math.sqrt(si**2 + in_force))
            for q, sign in ((Z95, -1), (Z95, 1), (Z998, -1), (Z998, 1))
        )
        for si in s
    ]
    return target, z, phi, tau2, lims


def test_normal_quantiles():
    # Φ(1.959964) = 0.975 and Φ(3.090232) = 0.999, by the error function
    assert 0.5 * math.erfc(-Z95 / math.sqrt(2)) == pytest.approx(0.975, abs=1e-15)
    assert 0.5 * math.erfc(-Z998 / math.sqrt(2)) == pytest.approx(0.999, abs=1e-15)


def test_worked_example_with_over_dispersion():
    target, z, phi, tau2, lims = reference(NUM, DEN)
    f = funnel(NUM, DEN)
    assert f.target == pytest.approx(348 / 1011, rel=1e-15)
    assert f.z == pytest.approx(z, rel=1e-12)
    assert phi > 1 and tau2 > 0  # these ten units vary more than chance allows
    assert f.phi == pytest.approx(phi, rel=1e-12) and f.tau2 == pytest.approx(tau2, rel=1e-12)
    assert f.adjusted
    got = list(zip(f.lower95, f.upper95, f.lower998, f.upper998, strict=True))
    for mine, theirs in zip(got, lims, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-12)
    values = [x / n for x, n in zip(NUM, DEN, strict=True)]
    assert list(f.outside95) == [v < lo or v > hi for v, (lo, hi, _, _) in zip(values, lims, strict=True)]
    assert list(f.outside998) == [v < lo or v > hi for v, (_, _, lo, hi) in zip(values, lims, strict=True)]
    # the adjusted z-score measures against the widened limits
    assert np.all((np.abs(f.z_adjusted) > Z95) == f.outside95)


def test_worked_example_without_over_dispersion():
    # every unit within chance of the overall proportion: phi below 1, so plain limits
    num = [50, 98, 152, 199, 251, 300, 24, 77]
    den = [200, 400, 600, 800, 1000, 1200, 100, 300]
    target, z, phi, tau2, lims = reference(num, den)
    f = funnel(num, den)
    assert phi < 1 and not f.adjusted
    assert f.phi == pytest.approx(phi, rel=1e-12)
    assert f.tau2 == pytest.approx(tau2, abs=1e-15)
    assert np.array_equal(f.z, f.z_adjusted)
    for mine, theirs in zip(zip(f.lower95, f.upper95, f.lower998, f.upper998, strict=True), lims, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-12)
    assert not f.outside95.any()


def test_large_sizes_agree_with_the_normal_approximation():
    # Spiegelhalter (Stat Med 2005;24:1185): for large n the limits are t ± z sqrt(t(1 - t)/n)
    f = funnel([30_000, 7_500], [200_000, 50_000])
    t = 37_500 / 250_000
    assert not f.adjusted
    n = np.array([1e6, 1e7])
    l95, u95, l998, u998 = (np.asarray(a) for a in f.limits_at(n))
    half = np.sqrt(t * (1 - t) / n)
    assert l95 == pytest.approx(t - Z95 * half, rel=1e-4)
    assert u998 == pytest.approx(t + Z998 * half, rel=1e-4)


def test_rates_on_the_square_root_scale():
    count = [5, 40, 12, 90, 30]
    exposure = [1000.0, 5000.0, 2500.0, 9000.0, 4000.0]
    target, z, phi, tau2, lims = reference(count, exposure, kind="rate")
    f = funnel(count, exposure, kind="rate")
    assert f.target == pytest.approx(target) and f.z == pytest.approx(z, rel=1e-12)
    assert f.phi == pytest.approx(phi, rel=1e-12)
    for mine, theirs in zip(zip(f.lower95, f.upper95, f.lower998, f.upper998, strict=True), lims, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-12)


def test_tau2_recovers_a_known_between_unit_spread():
    # 2,000 units whose true proportions scatter with sd 0.1 on the arcsine scale: without
    # Winsorising the estimate is near 0.01; Winsorising at 10%/90% shrinks it (a normal's
    # Winsorised variance is about 0.68 of its own), which is the price of its robustness
    rng = np.random.default_rng(18)
    n = rng.integers(500, 20_000, size=2000)
    true = np.sin(np.clip(math.asin(math.sqrt(0.2)) + rng.normal(0, 0.1, size=2000), 0, math.pi / 2)) ** 2
    x = rng.binomial(n, true)
    plain = funnel(x, n, trim=0.0)
    assert plain.adjusted and plain.tau2 == pytest.approx(0.01, rel=0.1)
    robust = funnel(x, n)
    assert robust.adjusted and 0.5 * plain.tau2 < robust.tau2 < plain.tau2


def test_limits_stay_within_0_and_1_and_are_monotone():
    f = funnel([0, 1, 2], [3, 5, 2000])
    sizes = np.arange(1, 3000, dtype=float)
    for line in f.limits_at(sizes):
        assert np.all((line >= 0) & (line <= 1))
    l95, u95, l998, u998 = f.limits_at(sizes)
    assert np.all(np.diff(l95) >= 0) and np.all(np.diff(u95) <= 0)


@pytest.mark.parametrize("num,den", [([0, 0, 0], [10, 200, 3000]), ([10, 200, 3000], [10, 200, 3000])])
def test_overall_proportion_0_or_1(num, den):
    f = funnel(num, den)
    assert f.target in (0.0, 1.0)
    assert np.all(f.z == 0) and f.phi == 0 and f.tau2 == 0 and not f.adjusted
    assert not f.outside95.any()
    assert np.all((f.lower998 >= 0) & (f.upper998 <= 1))


def test_one_unit_and_all_units_equal():
    one = funnel([7], [70])
    assert one.target == 0.1 and one.z[0] == 0 and one.phi == 0 and one.tau2 == 0 and not one.adjusted
    same = funnel([10, 20, 40], [100, 200, 400])
    assert np.allclose(same.z, 0) and same.phi == pytest.approx(0) and not same.adjusted


@pytest.mark.parametrize(
    "num,den,kind,message",
    [
        ([1, 2], [10, 0], "proportion", "unit 'B': its denominator is not above 0; leave the unit out or correct"),
        ([1, 12], [10, 11], "proportion", "unit 'B': its numerator is above its denominator"),
        ([-1, 2], [10, 10], "proportion", "unit 'A': its numerator is below 0"),
        ([1, float("nan")], [10, 10], "proportion", "unit 'B': its numerator is missing"),
        ([], [], "proportion", "no units to compare"),
        ([1], [2], "mean", "'mean' is not a kind of funnel; use one of: proportion, rate"),
    ],
)
def test_bad_input_names_the_unit(num, den, kind, message):
    with pytest.raises(FunnelError, match=None) as caught:
        funnel(num, den, kind, units=["A", "B"][: len(num)])
    assert message in str(caught.value)


def test_a_rate_may_exceed_one():
    f = funnel([30, 5], [10, 10], kind="rate")
    assert f.values[0] == 3.0
