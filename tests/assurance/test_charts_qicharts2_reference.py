"""The charts against figures qicharts2 itself computed in R.

qicharts2 keeps the output of ``qic(...)$data`` for textbook examples as test references
(``tests/testthat/*.rds`` in github.com/anhoej/qicharts2, checked by ``tests/testthat/test_montgomery.R``;
the examples are from Montgomery, *Introduction to Statistical Quality Control*). The inputs and
R's results below were read from those files (R's serialization, decoded outside this test) and
written out here, every digit as R stored it: the centre line, limits, the Anhøj rules' numbers
and the points outside the limits. Our engine gives the same doubles.
"""

from __future__ import annotations

import numpy as np

from goldenthread.assurance.charts import chart

# ex_7.4_1.rds: qic(sample, count, size, data = tbl_07.10, chart = 'u'); 20 samples of 50 units
U_COUNTS = [2, 3, 8, 1, 1, 4, 1, 4, 5, 1, 8, 2, 4, 3, 4, 1, 8, 3, 7, 4]

# tbl_7.4_1.rds: qic(sample, count, size, data = tbl_07.04, chart = 'p'); varying sample sizes
P_COUNTS = [12, 8, 6, 9, 10, 12, 11, 16, 10, 6, 20, 15, 9, 8, 6, 8, 10, 7, 5, 8, 5, 8, 10, 6, 9]
P_SIZES = [
    100,
    80,
    80,
    100,
    110,
    110,
    100,
    100,
    90,
    90,
    110,
    120,
    120,
    120,
    110,
    80,
    80,
    80,
    90,
    100,
    100,
    100,
    100,
    90,
    90,
]
# R's limits for each sample size
P_LIMITS = {
    80: (0.0, 0.19409342051458195),
    90: (0.0025650562804066107, 0.18845535188285867),
    100: (0.007334694727773067, 0.18368571343549223),
    110: (0.011438154625052752, 0.17958225353821256),
    120: (0.01501734492727154, 0.17600306323599374),
}

# ex_7.5_1.rds: qic(roll, count, meters, data = tbl_07.11, chart = 'u', multiply = 50)
U50_COUNTS = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
U50_SIZES = [500, 400, 650, 500, 475, 500, 600, 525, 600, 625]
U50_LCL = [
    0.29147393012686534,
    0.15788519998393874,
    0.43061743663693214,
    0.29147393012686534,
    0.26207210186521834,
    0.29147393012686534,
    0.3900850340409337,
    0.3187497909652587,
    0.3900850340409337,
    0.41095932277784886,
]
U50_UCL = [
    2.555037697780111,
    2.6886264279230376,
    2.4158941912700445,
    2.555037697780111,
    2.5844395260417583,
    2.555037697780111,
    2.456426593866043,
    2.527761836941718,
    2.456426593866043,
    2.4355523051291277,
]

# ex_7.6_1.rds: qic(failure, hours, data = tbl_07.14, chart = 't'); hours between failures
T_HOURS = [286, 948, 536, 124, 816, 729, 4, 143, 431, 8, 2837, 596, 81, 227, 603, 492, 1199, 1214, 2831, 96]


def runs_numbers(table):
    r = table.runs(0)
    return [r.n_useful, r.longest_run, r.longest_run_max, r.crossings, r.crossings_min, r.runs_signal]


def test_u_chart_montgomery_example_7_4():
    table = chart("u", U_COUNTS, None, [50] * 20)
    assert table.centre.tolist() == [0.074] * 20
    assert table.lpl.tolist() == [0.0] * 20
    assert table.upl.tolist() == [0.1894123043700281] * 20
    assert not table.outside_limits.any()  # sigma.signal: all 0
    assert runs_numbers(table) == [20, 2, 7, 15, 6, False]


def test_p_chart_montgomery_table_7_4_varying_sample_sizes():
    table = chart("p", P_COUNTS, None, P_SIZES)
    assert table.centre.tolist() == [0.09551020408163265] * 25
    assert table.lpl.tolist() == [P_LIMITS[n][0] for n in P_SIZES]
    assert table.upl.tolist() == [P_LIMITS[n][1] for n in P_SIZES]
    assert np.flatnonzero(table.outside_limits).tolist() == [10]  # sigma.signal: sample 11, 20/110
    assert runs_numbers(table) == [25, 5, 8, 10, 8, False]


def test_u_chart_montgomery_example_7_5_multiplied_by_50():
    table = chart("u", U50_COUNTS, None, U50_SIZES)
    np.testing.assert_array_equal(table.centre * 50, [1.4232558139534883] * 10)  # R multiplies after the limits
    np.testing.assert_allclose(table.lpl * 50, U50_LCL, rtol=4e-16, atol=0)
    np.testing.assert_allclose(table.upl * 50, U50_UCL, rtol=4e-16, atol=0)
    assert runs_numbers(table) == [10, 4, 6, 3, 2, False]


def test_t_chart_montgomery_example_7_6():
    table = chart("t", T_HOURS)
    assert table.centre.tolist() == [430.04095178975825] * 20
    assert table.lpl.tolist() == [0.0] * 20
    assert table.upl.tolist() == [6937.933488166575] * 20
    assert not table.outside_limits.any()
    assert runs_numbers(table) == [20, 5, 7, 10, 6, False]
