"""p, p′, u, u′, c, g and t charts against qicharts2 0.8.x, on hand-built series.

Each expected figure is worked out in the test: by a closed formula written next to it, or by
:mod:`tests.assurance.qic_reference`, qicharts2's limit functions (``qic.p``, ``qic.pp``, ``qic.u``,
``qic.up``, ``qic.c``, ``qic.g``, ``qic.t`` in ``R/helper.functions.R``) written out again in plain
Python one series at a time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.assurance import qic_reference as ref

from goldenthread.assurance.charts import CHART_TYPES, chart, chart_many

COUNTS = [12, 15, 9, 20, 14, 11, 18, 16, 10, 13, 17, 12, 30, 14]
SIZES = [120, 130, 100, 150, 125, 110, 140, 135, 105, 118, 128, 112, 131, 122]


def close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-12, atol=0)


def same_lines(table, expected):
    centre, lower, upper = expected
    close(table.centre, centre)
    close(table.lpl, lower)
    close(table.upl, upper)


def test_p_chart_closed_formula_with_varying_denominators():
    table = chart("p", COUNTS, None, SIZES)
    cl = sum(COUNTS) / sum(SIZES)  # qic.p: sum(y.sum) / sum(n)
    close(table.values, [c / n for c, n in zip(COUNTS, SIZES, strict=True)])
    close(table.centre, [cl] * len(COUNTS))
    close(table.lpl, [max(cl - 3 * math.sqrt(cl * (1 - cl) / n), 0) for n in SIZES])
    close(table.upl, [min(cl + 3 * math.sqrt(cl * (1 - cl) / n), 1) for n in SIZES])
    # 30/131 = 0.229 is above its upper limit (0.111 + 3 × 0.0275 = 0.193); no point is below
    assert table.outside_limits.tolist() == [False] * 12 + [True, False]


def test_p_limits_are_kept_between_0_and_1():
    # cl = 4/8 = 0.5; with n = 4: 0.5 ± 3 × √(0.25 / 4) = 0.5 ± 0.75 → clipped to 0 and 1
    table = chart("p", [2, 2], None, [4, 4])
    assert table.lpl.tolist() == [0.0, 0.0] and table.upl.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("kind", ["p", "pp", "u", "up"])
def test_proportion_and_rate_charts_match_the_reference(kind):
    table = chart(kind, COUNTS, None, SIZES)
    same_lines(
        table, ref.proportion_chart(COUNTS, SIZES, laney=kind.endswith("p") and kind != "p", rate=kind[0] == "u")
    )


def test_laney_p_prime_by_hand():
    # qic.pp: z = (p - cl) / sd; sigma_z = mean screened |diff(z)| / 1.128; limits cl ± 3 sd sigma_z
    p = [c / n for c, n in zip(COUNTS, SIZES, strict=True)]
    cl = sum(COUNTS) / sum(SIZES)
    sd = [math.sqrt(cl * (1 - cl) / n) for n in SIZES]
    z = [(pi - cl) / si for pi, si in zip(p, sd, strict=True)]
    mr = [abs(b - a) for a, b in zip(z, z[1:], strict=False)]
    amr = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * amr]
    assert len(kept) == len(mr) - 1  # one moving range (into or out of 30/131) is screened out
    sigma_z = sum(kept) / len(kept) / 1.128
    table = chart("pp", COUNTS, None, SIZES)
    close(table.upl, [cl + 3 * s * sigma_z for s in sd])
    close(table.lpl, [max(cl - 3 * s * sigma_z, 0) for s in sd])


def test_laney_u_prime_scales_the_u_limits_by_sigma_z():
    u, up = chart("u", COUNTS, None, SIZES), chart("up", COUNTS, None, SIZES)
    ratio = (up.upl - up.centre) / (u.upl - u.centre)
    assert np.ptp(ratio) < 1e-12  # one sigma_z for the series
    assert u.centre.tolist() == up.centre.tolist()


def test_u_chart_has_no_upper_clip():
    # cl = 6/2 = 3 per unit; n = 1: 3 + 3√3 = 8.196 (a rate can exceed 1)
    table = chart("u", [2, 4], None, [1, 1])
    close(table.upl, [3 + 3 * math.sqrt(3)] * 2)
    assert table.lpl.tolist() == [0.0, 0.0]  # 3 - 3√3 < 0 → 0


def test_c_chart_closed_formula():
    counts = [3, 7, 4, 0, 5, 6, 2, 4, 13, 5]
    table = chart("c", counts)
    cl = sum(counts) / len(counts)  # 4.9
    close(table.centre, [cl] * 10)
    close(table.upl, [cl + 3 * math.sqrt(cl)] * 10)  # 11.54
    assert table.lpl.tolist() == [0.0] * 10  # 4.9 - 6.64 < 0 → 0
    assert np.flatnonzero(table.outside_limits).tolist() == [8]
    cl = 100.0  # a large count: 100 ± 30
    close(chart("c", [90, 110, 100]).lpl, [70.0] * 3)


def test_g_chart_mean_limits_median_centre():
    between = [12, 3, 40, 7, 22, 0, 15, 9, 31, 5, 18]
    table = chart("g", between)
    m = sum(between) / len(between)  # 162 / 11
    close(table.upl, [m + 3 * math.sqrt(m * (m + 1))] * 11)
    assert table.lpl.tolist() == [0.0] * 11
    assert table.centre.tolist() == [12.0] * 11  # the median, not the mean
    same_lines(table, ref.g_chart([float(v) for v in between]))


def test_t_chart_is_an_i_chart_of_the_transformed_times():
    days = [14.0, 3.5, 30.0, 9.0, 21.0, 2.0, 45.0, 12.0, 7.0, 60.0, 16.0]
    table = chart("t", days)
    tt = [d ** (1 / 3.6) for d in days]
    cl = sum(tt) / len(tt)
    mr = [abs(b - a) for a, b in zip(tt, tt[1:], strict=False)]
    amr = sum(mr) / len(mr)
    amr = sum(m for m in mr if m < 3.267 * amr) / len([m for m in mr if m < 3.267 * amr])
    lower = cl - 3 * amr / 1.128
    close(table.centre, [cl**3.6] * 11)
    close(table.upl, [(cl + 3 * amr / 1.128) ** 3.6] * 11)
    close(table.lpl, [lower**3.6 if lower > 0 else 0.0] * 11)
    same_lines(table, ref.t_chart(days))


def test_runs_analysis_runs_around_each_charts_centre_line():
    table = chart("p", COUNTS, None, SIZES)
    p = table.values
    sides = np.sign(p - table.centre)
    assert table.runs(0).n_useful == int((sides != 0).sum())
    g = chart("g", [12, 3, 40, 7, 22, 0, 15, 9, 31, 5, 18])
    assert g.runs(0).n_useful == 10  # the point on the median (12) is not useful


def test_zero_and_full_counts():
    zero = chart("p", [0, 0, 0, 0], None, [10, 20, 30, 40])
    assert zero.centre.tolist() == [0.0] * 4 and zero.lpl.tolist() == [0.0] * 4 and zero.upl.tolist() == [0.0] * 4
    assert not zero.outside_limits.any()
    full = chart("p", [10, 20, 30, 40], None, [10, 20, 30, 40])
    assert full.upl.tolist() == [1.0] * 4 and full.lpl.tolist() == [1.0] * 4 and not full.outside_limits.any()
    for kind in ("pp", "up"):  # every z-score is 0 / 0: sigma_z and the limits are undefined, as in R
        laney = chart(kind, [0, 0, 0, 0], None, [10, 20, 30, 40])
        assert np.isnan(laney.upl).all() and np.isnan(laney.lpl).all()
        assert [n.code for n in laney.notes[0]] == ["limits_undefined"]
    some_zero = chart("p", [0, 3, 0, 2], None, [10, 20, 30, 40])
    same_lines(some_zero, ref.proportion_chart([0, 3, 0, 2], [10, 20, 30, 40]))


def test_constant_series():
    c = chart("c", [5] * 12)
    close(c.upl, [5 + 3 * math.sqrt(5)] * 12)  # a c chart's limits need no variation
    t = chart("t", [10.0] * 12)  # every moving range is 0 and screened out: sigma is NaN
    assert np.isnan(t.upl).all() and t.lpl.tolist() == [0.0] * 12  # R: lcl[is.nan(lcl)] <- 0
    assert t.runs(0).n_useful == 0 and not t.runs(0).runs_signal
    pp = chart("pp", [5] * 6, None, [50] * 6)
    assert np.isnan(pp.upl).all()


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kind", ["p", "pp", "u", "up", "c", "g", "t"])
def test_one_to_three_points(kind, n):
    counts, sizes = COUNTS[:n], SIZES[:n]
    if kind in ("p", "pp", "u", "up"):
        table = chart(kind, counts, None, sizes)
        expected = ref.proportion_chart(counts, sizes, laney=kind in ("pp", "up"), rate=kind[0] == "u")
    else:
        table = chart(kind, counts)
        expected = {"c": ref.c_chart, "g": ref.g_chart, "t": ref.t_chart}[kind]([float(c) for c in counts])
    same_lines(table, expected)


def test_gaps_and_zero_denominators():
    counts = [12, None, 0, 20, 14, 11]
    sizes = [120, 130, 0, 150, None, 110]
    table = chart("p", counts, None, sizes)
    assert np.isnan(table.values[[1, 2, 4]]).all()
    assert np.isnan(table.upl[[1, 2, 4]]).all()
    cl = (12 + 20 + 11) / (120 + 150 + 110)  # the gaps take no part in the centre line
    close(table.centre[0], cl)
    codes = {n.code: n.number for n in table.notes[0]}
    assert codes == {"missing_values": 2, "zero_denominators": 1}
    c = chart("c", [3.0, None, 5.0])
    close(c.centre, [4.0] * 3)


def test_many_series_in_one_call_equal_one_at_a_time():
    rng = np.random.default_rng(11)
    ids, counts, sizes = [], [], []
    for s in range(40):
        n = int(rng.integers(1, 30))
        size = rng.integers(5, 400, n)
        ids += [s] * n
        sizes += size.tolist()
        counts += rng.binomial(size, rng.uniform(0.01, 0.6)).tolist()
    for kind in CHART_TYPES:
        if kind in ("p", "pp", "u", "up"):
            table = chart_many(kind, ids, None, counts, sizes)
        else:
            table = chart_many(kind, ids, None, [c + 1 for c in counts])  # t needs times above 0
        for s in range(40):
            rows = table.rows(s)
            one = chart(
                kind,
                np.asarray(table.counts)[rows],
                None,
                None if kind not in ("p", "pp", "u", "up") else np.asarray(sizes)[rows],
            )
            for name in ("centre", "lpl", "upl", "outside_limits", "runs_signal", "longest_run", "crossings"):
                np.testing.assert_array_equal(
                    getattr(table, name)[rows], getattr(one, name), err_msg=f"{kind} {s} {name}"
                )


def test_rebase_and_fix_after():
    counts = [3, 4, 2, 5, 3, 4, 12, 11, 13, 12, 10, 14]
    table = chart("c", counts, list(range(12)), rebase=[6])
    close(table.centre, [sum(counts[:6]) / 6] * 6 + [sum(counts[6:]) / 6] * 6)
    fixed = chart("c", counts, fix_after=6)
    close(fixed.centre, [sum(counts[:6]) / 6] * 12)
    assert fixed.outside_limits[6:].all()  # the later points judged against the first six's limits
    assert fixed.runs(0).n_useful == 12  # the runs still take every point


@pytest.mark.parametrize(
    ("kind", "values", "sizes", "message"),
    [
        ("p", [1, -1], [5, 5], "a count below 0"),
        ("c", [1, -1], None, "a count below 0"),
        ("p", [6, 1], [5, 5], "a count above its denominator"),
        ("u", [1, 1], [5, -5], "a denominator below 0"),
        ("t", [3, 0], None, "a time between events of 0 or less"),
        ("g", [3, -2], None, "a value below 0"),
        ("p", [1, 2], None, "needs denominators"),
        ("c", [1, 2], [3, 4], "takes no denominators"),
        ("x", [1, 2], None, "chart must be one of"),
    ],
)
def test_refused_input_names_the_problem(kind, values, sizes, message):
    with pytest.raises(ValueError, match=message):
        chart(kind, values, None, sizes)


def test_refused_point_is_named_by_series_and_date():
    with pytest.raises(ValueError, match=r"series 'B', date 2024-02-01"):
        chart_many(
            "p",
            ["A", "B", "B"],
            np.array(["2024-01-01", "2024-01-01", "2024-02-01"], dtype="datetime64[D]"),
            [1, 2, 9],
            [5, 5, 5],
        )
