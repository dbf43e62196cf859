"""The Anhøj rules and the run chart, against qicharts2 0.8.x.

References: ``runs.analysis()`` and ``crsignal()`` in qicharts2's ``R/helper.functions.R`` (the
rules), ``qic.run()`` (the median centre line), and the table "Appendix 2: Critical values for
longest run and number of crossings" printed in the qicharts2 vignette (``vignettes/qicharts2.Rmd``,
built as ``docs/articles/qicharts2.html``), which qicharts2 computes as ``round(log2(n) + 3)`` and
``qbinom(0.05, n - 1, 0.5)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.assurance import qic_reference as ref

from goldenthread.assurance.charts import chart, chart_many
from goldenthread.assurance.runs import binomial_quantile_05, crossings_min, longest_run_max

# (n, longest run upper limit, crossings lower limit) for n = 10 … 100, as printed in the vignette's Appendix 2
APPENDIX_2 = """
10 6 2 11 6 2 12 7 3 13 7 3 14 7 4 15 7 4 16 7 4 17 7 5 18 7 5 19 7 6 20 7 6 21 7 6 22 7 7 23 8 7 24 8 8
25 8 8 26 8 8 27 8 9 28 8 9 29 8 10 30 8 10 31 8 11 32 8 11 33 8 11 34 8 12 35 8 12 36 8 13 37 8 13 38 8 14
39 8 14 40 8 14 41 8 15 42 8 15 43 8 16 44 8 16 45 8 17 46 9 17 47 9 17 48 9 18 49 9 18 50 9 19 51 9 19
52 9 20 53 9 20 54 9 21 55 9 21 56 9 21 57 9 22 58 9 22 59 9 23 60 9 23 61 9 24 62 9 24 63 9 25 64 9 25
65 9 25 66 9 26 67 9 26 68 9 27 69 9 27 70 9 28 71 9 28 72 9 29 73 9 29 74 9 29 75 9 30 76 9 30 77 9 31
78 9 31 79 9 32 80 9 32 81 9 33 82 9 33 83 9 34 84 9 34 85 9 34 86 9 35 87 9 35 88 9 36 89 9 36 90 9 37
91 10 37 92 10 38 93 10 38 94 10 39 95 10 39 96 10 39 97 10 40 98 10 40 99 10 41 100 10 41
"""


def test_thresholds_are_the_vignettes_appendix_2():
    table = np.array(APPENDIX_2.split(), dtype=np.int64).reshape(-1, 3)
    assert table[0].tolist() == [10, 6, 2] and table[-1].tolist() == [100, 10, 41] and len(table) == 91
    assert longest_run_max(table[:, 0]).tolist() == table[:, 1].tolist()
    assert crossings_min(table[:, 0]).tolist() == table[:, 2].tolist()


def test_vignette_worked_examples_for_24_points():
    # "in a run chart with 24 data points a run of more than round(log2(24) + 3) = 8 would suggest a shift";
    # "fewer than qbinom(0.05, 24 - 1, 0.5) = 8 crossings would suggest that the process is shifting"
    assert longest_run_max(np.array([24])).tolist() == [8.0]
    assert binomial_quantile_05(23) == 8


@pytest.mark.parametrize("trials", [0, 1, 2, 5, 9, 23, 59, 99, 150, 299, 500, 1000])
def test_binomial_quantile_matches_an_independent_sum(trials):
    assert binomial_quantile_05(trials) == ref.qbinom_05(trials)


def _as_dict(table, sid):
    r = table.runs(sid)
    none = lambda x: None if math.isnan(x) else int(x)  # noqa: E731
    return dict(
        n_useful=r.n_useful,
        runs_signal=r.runs_signal,
        longest=none(r.longest_run),
        longest_max=none(r.longest_run_max),
        crossings=none(r.crossings),
        crossings_min=none(r.crossings_min),
    )


def test_points_on_the_median_neither_break_nor_extend_a_run():
    # median 3; the three 3s are skipped: useful sides - - + + → one crossing, longest run 2
    table = chart("run", [1, 2, 3, 3, 3, 4, 5])
    assert table.centre.tolist() == [3.0] * 7
    assert np.isnan(table.lpl).all() and np.isnan(table.upl).all() and not table.outside_limits.any()
    assert table.runs(0) == (False, 4, 2.0, 5.0, 1.0, 0.0)  # round(log2 4) + 3 = 5; qbinom(.05, 3, .5) = 0


def test_a_shift_gives_a_long_run_and_few_crossings():
    y = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6] + [9, 10, 9, 10, 9, 10, 9, 10, 9, 10, 9, 10]
    r = chart("run", y).runs(0)
    # median 7.5: 12 below then 12 above; longest 12 > 8 and 1 crossing < 8
    assert r == (True, 24, 12.0, 8.0, 1.0, 8.0)


def test_even_and_odd_medians_and_gaps():
    assert chart("run", [4.0, 1.0, 3.0, 2.0]).centre[0] == 2.5
    table = chart("run", [4.0, None, 1.0, 3.0, float("nan")])
    assert table.centre[0] == 3.0
    assert table.runs(0).n_useful == 2  # the gaps and the point on the median are not useful


@pytest.mark.parametrize("n", [1, 2, 3])
def test_short_series(n):
    r = chart("run", list(range(n))).runs(0)
    expected = ref.runs_analysis(list(map(float, range(n))), [ref.median(range(n))] * n)
    assert r.n_useful == expected["n_useful"] and r.runs_signal == expected["runs_signal"]


def test_a_constant_series_has_no_useful_point():
    table = chart("run", [7.0] * 15)
    r = table.runs(0)
    assert r.n_useful == 0 and r.runs_signal is False
    assert all(math.isnan(x) for x in (r.longest_run, r.longest_run_max, r.crossings, r.crossings_min))


def test_many_series_in_one_call_match_the_reference_one_by_one():
    rng = np.random.default_rng(7)
    ids, values = [], []
    for s in range(60):
        n = int(rng.integers(1, 40))
        y = rng.integers(0, 6, n).astype(float)  # small integers: many points on the median
        if s % 3 == 0:
            y[rng.random(n) < 0.1] = np.nan
        if s % 5 == 0:
            y[n // 2 :] += 3  # a shift
        ids += [f"S{s}"] * n
        values += y.tolist()
    table = chart_many("run", ids, None, values)
    for sid in table.series.tolist():
        y = [values[i] for i in table.rows(sid).tolist()]
        median = ref.median(y)
        assert table.centre[table.rows(sid)[0]] == median or (math.isnan(median))
        assert _as_dict(table, sid) == ref.runs_analysis(y, [median] * len(y)), sid


def test_rebase_starts_new_runs_and_a_new_median():
    y = [1, 2, 1, 2, 1, 2, 1, 2, 10, 11, 10, 11, 10, 11, 10, 11]
    dates = np.arange(len(y))
    table = chart("run", y, dates, rebase=[8])
    assert table.centre.tolist() == [1.5] * 8 + [10.5] * 8
    assert table.segment.tolist() == [0] * 8 + [1] * 8
    assert table.runs(0) == (False, 8, 1.0, 6.0, 7.0, 1.0)


def test_input_order_is_kept_and_dates_sort_each_series():
    dates = np.array(["2024-03-01", "2024-01-01", "2024-02-01", "2024-01-01"], dtype="datetime64[D]")
    table = chart_many("run", ["a", "a", "a", "b"], dates, [3.0, 1.0, 2.0, 5.0])
    assert table.rows("a").tolist() == [1, 2, 0]
    assert table.centre.tolist() == [2.0, 2.0, 2.0, 5.0]


def test_latest_gives_each_series_runs_in_one_step():
    dates = np.array(["2024-03-01", "2024-01-01", "2024-02-01", "2024-01-01"], dtype="datetime64[D]")
    table = chart_many("run", ["a", "a", "a", "b"], dates, [3.0, 1.0, 2.0, 5.0])
    assert table.latest.tolist() == [0, 3]  # a's latest point is its March one, input row 0
    assert table.n_useful[table.latest].tolist() == [table.runs("a").n_useful, table.runs("b").n_useful] == [2, 0]
