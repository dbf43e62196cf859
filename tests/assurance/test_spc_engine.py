"""End-to-end tests of spc() / spc_many().

Series built by hand use a 12-point baseline alternating 10, 12 (mean 11, every moving
range 2).  With ``fix_after=12`` the limits stay where the baseline puts them, whatever
we append:
UCL 16.32, LCL 5.68, 2-sigma lines 14.5467 / 7.4533.

Tests marked "R:" rebuild data from NHSRplotthedots' own testthat files (R's
set.seed()/rnorm() is reproduced exactly by the ``r_random`` fixture in conftest.py).
"""

import datetime as dt

import numpy as np
import pytest

from goldenthread.assurance.spc import spc, spc_many

BASE = [10.0, 12.0] * 6
UCL, LCL = 11 + 2.66 * 2, 11 - 2.66 * 2


def fixed(tail, **kw):
    """The baseline plus ``tail``, with limits fixed on the baseline; returns the tail's rows."""
    r = spc(BASE + list(tail), fix_after=12, **kw)
    return r, list(r.special_cause_type[12:]), list(r.point_type[12:])


# --- numbers from the R package's tests ------------------------------------------------
def test_r_rng_reproduces_rnorm_seed_123(r_random):
    x = r_random(123).rnorm(5)
    assert np.allclose(x, [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774], atol=5e-9)


def test_r_summary_snapshot(r_random):
    # R: test-ptd_spc.R "it outputs expected content" + _snaps/ptd_spc.md:
    # set.seed(123); y = rnorm(20)  ->  mean 0.142, lpl -3.01, upl 3.29, 20 common cause.
    y = r_random(123).rnorm(20)
    r = spc(y, np.datetime64("2020-01-02") + np.arange(20))
    assert round(r.mean[0], 3) == 0.142
    assert round(r.lpl[0], 2) == -3.01 and round(r.upl[0], 2) == 3.29
    assert set(r.point_type) == {"common_cause"}
    assert r.warnings == ()
    # facet_field = "facet" (10 points each): 0.0746/-2.60/2.75 and 0.209/-3.28/3.70
    t = spc_many(np.repeat([0, 1], 10), np.tile(np.arange(10), 2), y)
    a, b = t.result(0), t.result(1)
    assert (round(a.mean[0], 4), round(a.lpl[0], 2), round(a.upl[0], 2)) == (0.0746, -2.60, 2.75)
    assert (round(b.mean[0], 3), round(b.lpl[0], 2), round(b.upl[0], 2)) == (0.209, -3.28, 3.70)
    # rebase = as.Date("2020-01-01") is not a date in the data (x starts 2020-01-02): one group
    r2 = spc(y, np.datetime64("2020-01-02") + np.arange(20), rebase=[np.datetime64("2020-01-01")])
    assert set(r2.rebase_group) == {0} and r2.mean[0] == r.mean[0]
    assert any("matches no point" in w for w in r2.warnings)


def test_r_screen_outliers(r_random):
    # R: test-ptd_spc_standard.R "it returns expected values": data$y[15] <- 10
    y = r_random(123).rnorm(20)
    y[14] = 10
    r2 = spc(y, screen_outliers=True)
    r3 = spc(y, screen_outliers=False)
    r1 = spc(r_random(123).rnorm(20))
    assert r1.lpl[0] != r2.lpl[0] != r3.lpl[0] and r1.lpl[0] != r3.lpl[0]
    assert r3.upl[0] - r3.lpl[0] > r2.upl[0] - r2.lpl[0]


def test_r_fix_after_changes_limits(r_random):
    # R: test-ptd_spc_standard.R "setting fix_after_n_points changes the calculations"
    y = r_random(123).rnorm(20)
    s0, s1 = spc(y), spc(y, fix_after=12)
    assert s1.lpl[0] != s0.lpl[0] and s1.upl[0] != s0.upl[0]


def test_r_two_in_three_opposite_sides_of_the_mean():
    # R: test-ptd_spc_standard.R "it only reports special cause for 2 of 3 points close to
    # limits when they are on the same side of the mean" (issue #143)
    data = np.array([1.0, -1.0] * 8)
    data[14], data[15] = 5.5, -5.5
    r = spc(data)
    assert list(r.point_type[-2:]) == ["common_cause", "common_cause"]


@pytest.mark.parametrize(
    "y, label",
    [(np.arange(8.0), "7 Point Trend (Increasing)"), (-np.arange(8.0), "7 Point Trend (Decreasing)")],
)
def test_r_issue_167_trends_of_eight(y, label):
    # R issue #167: data.frame(x = Sys.Date() + 0:7, y = 0:7) / y = 0:-7 -> all special cause.
    # (mean 3.5, amr 1: the two end points are also outside the limits, which takes precedence)
    r = spc(y)
    assert r.special_cause_flag.all()
    assert list(r.special_cause_type[1:7]) == [label] * 6
    assert {r.special_cause_type[0], r.special_cause_type[7]} == {"Above UCL", "Below LCL"}


def test_r_get_icons(r_random):
    # R: test-geom_ptd_icon.R "ptd_get_icons transforms the data correctly"
    # (run with options(ptd_spc.warning_threshold = 0))
    rng = r_random(123)
    y = rng.rnorm(24)
    x = np.datetime64("2020-01-02") + np.arange(24)
    f = np.repeat([0, 1], 12)
    kw = dict(warning_threshold=0)
    s1 = spc(y, x, **kw)
    assert (s1.variation, s1.assurance) == ("common_cause", None)
    s2 = spc(y, x, target=0.5, **kw)
    assert (s2.variation, s2.assurance) == ("common_cause", "inconsistent")
    s4 = spc_many(f, x, y, target=0.5, **kw)
    assert list(s4.variation) == ["common_cause"] * 2
    assert list(s4.assurance) == ["inconsistent"] * 2

    y[f == 1] = rng.rnorm(12, 5)
    s5 = spc(y, x, target=-3, **kw)
    assert (s5.variation, s5.assurance) == ("improvement_high", "consistent_pass")
    s6 = spc(y, x, target=-3, improvement="decrease", **kw)
    assert (s6.variation, s6.assurance) == ("concern_high", "consistent_fail")

    y[f == 1] = rng.rnorm(12, -5)
    s7 = spc(y, x, target=3, **kw)
    assert (s7.variation, s7.assurance) == ("concern_low", "consistent_fail")
    s8 = spc(y, x, target=3, improvement="decrease", **kw)
    assert (s8.variation, s8.assurance) == ("improvement_low", "consistent_pass")
    s9 = spc(y, x, target=3, improvement="neutral", **kw)
    assert (s9.variation, s9.assurance) == ("neutral_low", None)
    assert s1.warnings == s9.warnings == ()


# --- each rule, by hand ------------------------------------------------------------------
def test_baseline_limits():
    r, sct, _ = fixed([11.0])
    assert r.mean[0] == 11 and r.upl[0] == UCL and r.lpl[0] == LCL
    assert np.all(r.upl == UCL)  # applied to the whole segment
    assert sct == ["Common Cause"]


def test_outside_limits():
    _, sct, pt = fixed([11, 17, 11, 5])
    assert sct == ["Common Cause", "Above UCL", "Common Cause", "Below LCL"]
    assert pt == ["common_cause", "special_cause_improvement", "common_cause", "special_cause_concern"]


def test_on_the_limit_is_not_outside():
    r = spc(BASE + [UCL, LCL], fix_after=12)
    assert list(r.special_cause_type[12:]) == ["Common Cause", "Common Cause"]
    assert not r.outside_limits[12:].any() and r.close_to_limits[12:].all()


def test_two_in_three():
    _, sct, _ = fixed([11, 15, 11.5, 15, 11])
    assert sct == ["Common Cause", "2 in 3 Above CL", "Common Cause", "2 in 3 Above CL", "Common Cause"]
    _, sct, pt = fixed([11, 7, 10, 7, 11])
    assert sct == ["Common Cause", "2 in 3 Below CL", "Common Cause", "2 in 3 Below CL", "Common Cause"]
    assert pt[1] == "special_cause_concern"


def test_two_in_three_needs_all_three_on_one_side():
    _, sct, _ = fixed([11, 15, 11, 15, 11])  # middle point on the mean
    assert set(sct) == {"Common Cause"}


def test_two_in_three_outside_point_does_not_count_as_close():
    _, sct, _ = fixed([11, 15, 17, 12, 11])
    assert sct == ["Common Cause", "Common Cause", "Above UCL", "Common Cause", "Common Cause"]


def test_seven_points_one_side():
    _, sct, pt = fixed([11] + [11.5] * 7 + [11])
    assert sct == ["Common Cause"] + ["7 Points Above CL"] * 7 + ["Common Cause"]
    _, sct, pt = fixed([11] + [10.5] * 7)
    assert sct == ["Common Cause"] + ["7 Points Below CL"] * 7
    assert set(pt[1:]) == {"special_cause_concern"}


def test_seven_points_broken_by_point_on_mean():
    _, sct, _ = fixed([11] + [11.5] * 3 + [11] + [11.5] * 3)
    assert set(sct) == {"Common Cause"}


def test_six_points_one_side_is_not_enough():
    _, sct, _ = fixed([11] + [11.5] * 6 + [11])
    assert set(sct) == {"Common Cause"}


def test_trend_increasing_and_broken_by_equal_values():
    _, sct, _ = fixed([5.9, 7, 8, 9, 10, 11, 12])  # 12 -> 5.9 is a fall, then 6 rises
    assert sct == ["7 Point Trend (Increasing)"] * 7
    _, sct, _ = fixed([6, 7, 8, 8, 9, 10, 11])
    assert not any("Trend" in s for s in sct)


# --- precedence clashes ------------------------------------------------------------------
def test_outside_beats_trend():
    _, sct, _ = fixed([6, 7, 8, 9, 10, 11, 17])
    assert sct == ["7 Point Trend (Increasing)"] * 6 + ["Above UCL"]


def test_trend_beats_two_in_three_and_run_and_follows_its_direction():
    # falling trend above the mean: close points (16, 15) would be "2 in 3", all would be a
    # "7 Points Above" run - the trend wins, and being a *decreasing* trend it is a concern
    # even though every point is above the mean (issue #171).
    r, sct, pt = fixed([16, 15, 14, 13, 12, 11.5, 11.2])
    assert sct == ["7 Point Trend (Decreasing)"] * 7
    assert set(pt) == {"special_cause_concern"}
    assert r.special_cause_type[11] == "7 Points Above CL"  # the baseline's last 12 joins the run
    assert r.variation == "concern_low"


def test_two_in_three_beats_seven_point_run():
    _, sct, _ = fixed([11, 15, 11.5, 15, 11.5, 11.5, 11.5, 11.5, 11])
    assert sct == [
        "Common Cause",
        "2 in 3 Above CL",
        "7 Points Above CL",
        "2 in 3 Above CL",
        *["7 Points Above CL"] * 4,
        "Common Cause",
    ]


# --- polarity --------------------------------------------------------------------------
def test_decrease_polarity():
    r, sct, pt = fixed([11, 17, 11, 5], improvement="decrease", target=20)
    assert pt == ["common_cause", "special_cause_concern", "common_cause", "special_cause_improvement"]
    assert r.variation == "improvement_low"
    assert r.assurance == "consistent_pass"  # target above UCL and lower is better


def test_neutral_polarity():
    r, sct, pt = fixed([11, 17], improvement="neutral", target=20)
    assert pt == ["common_cause", "special_cause_neutral_high"]
    assert r.variation == "neutral_high" and r.assurance is None
    r, _, pt = fixed([11, 5], improvement="neutral")
    assert pt[-1] == "special_cause_neutral_low" and r.variation == "neutral_low"


def test_bad_improvement():
    with pytest.raises(ValueError):
        spc(BASE, improvement="up")


# --- assurance -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target, improvement, expected",
    [
        (20, "increase", "consistent_fail"),
        (2, "increase", "consistent_pass"),
        (11, "increase", "inconsistent"),
        (20, "decrease", "consistent_pass"),
        (2, "decrease", "consistent_fail"),
        (11, "decrease", "inconsistent"),
        (11, "neutral", None),
        (None, "increase", None),
    ],
)
def test_assurance(target, improvement, expected):
    assert spc(BASE, improvement=improvement, target=target).assurance == expected


def test_assurance_target_on_limit_is_inconsistent():
    r = spc(BASE)
    assert spc(BASE, target=r.upl[0]).assurance == "inconsistent"
    assert spc(BASE, target=r.lpl[0]).assurance == "inconsistent"
    assert spc(BASE, target=np.nextafter(r.upl[0], 99)).assurance == "consistent_fail"


def test_assurance_uses_latest_segment():
    # R issue #172: first 20 points fail, the process improves and is rebased
    y = np.array([60.0, 62.0] * 10 + [95.0, 97.0] * 10)
    r = spc(y, target=90, rebase=[20])
    assert r.assurance == "consistent_pass"
    assert spc(y[:20], target=90).assurance == "consistent_fail"
    # without the rebase the jump's moving range is screened out, leaving narrow limits
    # around the overall mean 78.5 (as in the issue's first scenario: "consistent fail")
    assert spc(y, target=90).assurance == "consistent_fail"


# --- rebasing and fixing -------------------------------------------------------------------
def test_rebase_segments_are_independent():
    rng = np.random.default_rng(1)
    y = np.concatenate([rng.normal(10, 1, 18), rng.normal(20, 3, 15)])
    r = spc(y, rebase=[18])
    a, b = spc(y[:18]), spc(y[18:])
    assert list(r.rebase_group) == [0] * 18 + [1] * 15
    for name in ("mean", "lpl", "upl", "nlpl", "nupl"):
        np.testing.assert_array_equal(getattr(r, name), np.concatenate([getattr(a, name), getattr(b, name)]))
    assert list(r.special_cause_type) == list(a.special_cause_type) + list(b.special_cause_type)


def test_rebase_by_date_and_runs_do_not_cross_segments():
    dates = [dt.date(2020 + m // 12, m % 12 + 1, 1) for m in range(26)]
    y = [10.0, 12.0] * 7 + [11.5] * 12
    r = spc(y, dates, rebase=[dt.date(2021, 3, 1)])  # point 14
    assert list(r.rebase_group) == [0] * 14 + [1] * 12
    assert r.mean[-1] == 11.5 and np.isnan(r.upl[-1])  # constant segment: undefined limits
    # without the rebase the 11.5s form a 12-point run above the mean
    assert spc(y, dates).special_cause_type[-1] == "7 Points Above CL"


def test_rebase_on_first_date_is_a_single_segment():
    r = spc(BASE, rebase=[0])
    assert set(r.rebase_group) == {1}
    assert r.mean[0] == 11


def test_fix_after():
    y = BASE + [30.0, 31.0, 29.0]
    r = spc(y, fix_after=12)
    assert np.all(r.mean == 11) and np.all(r.upl == UCL)
    assert list(r.special_cause_type[12:]) == ["Above UCL"] * 3
    assert spc(y).mean[0] != 11


def test_fix_after_applies_within_each_segment():
    y = BASE + BASE + [50.0] * 3
    r = spc(y, fix_after=12, rebase=[12])
    assert r.mean[-1] == 11 and r.special_cause_type[-1] == "Above UCL"


@pytest.mark.parametrize("bad", [11, 0, "12", True])
def test_fix_after_must_be_at_least_12(bad):
    with pytest.raises(ValueError):
        spc(BASE, fix_after=bad)


# --- screening -----------------------------------------------------------------------------
def test_screening_by_hand():
    y = np.array([1.0, 2.0] * 10)
    y[9] = 12.0  # moving ranges: 17 of 1, two of 11 -> amr 39/19; 11 >= 3.267 * 39/19
    r = spc(y)
    assert r.mean[0] == 2.0
    assert r.upl[0] == 2.0 + 2.66 * 1.0  # screened amr = 1
    raw = spc(y, screen_outliers=False)
    assert raw.upl[0] == 2.0 + 2.66 * (39 / 19)
    assert r.special_cause_type[9] == raw.special_cause_type[9] == "Above UCL"


# --- short, constant, gappy ------------------------------------------------------------
def test_short_series_warns_but_computes():
    r = spc(BASE[:11])
    assert len(r.warnings) == 1 and "trial limits" in r.warnings[0]
    assert r.short_group_warning.all() and not np.isnan(r.upl).any()
    # R 0.2.x's threshold is n < 13 (getOption("ptd_spc.warning_threshold", 13), issue #224)
    assert spc(BASE).warnings and spc(BASE + [11.0]).warnings == ()
    assert spc(BASE, warning_threshold=12).warnings == ()


def test_short_segment_after_rebase_warns():
    r = spc(BASE * 2 + [11.0] * 3, rebase=[24])
    assert list(r.short_group_warning) == [False] * 24 + [True] * 3
    assert len(r.warnings) == 2  # short + constant segment


def test_single_point():
    r = spc([5.0])
    assert r.mean[0] == 5 and np.isnan(r.upl[0])
    assert r.special_cause_type[0] == "Common Cause" and r.variation == "common_cause"


def test_empty_rejected():
    with pytest.raises(ValueError):
        spc([])


def test_constant_series():
    r = spc([7.0] * 15, target=5)
    assert np.all(r.mean == 7) and np.isnan(r.upl).all() and np.isnan(r.lpl).all()
    assert set(r.special_cause_type) == {"Common Cause"}
    assert r.variation == "common_cause"
    assert r.assurance == "inconsistent"  # R: NaN limits fall through to "inconsistent"
    assert any("undefined" in w for w in r.warnings)
    r = spc([7.0] * 15, screen_outliers=False)
    assert np.all(r.upl == 7) and np.all(r.lpl == 7)
    assert set(r.special_cause_type) == {"Common Cause"}  # on the mean: neither side
    assert any("no variation" in w for w in r.warnings)


def test_gaps():
    y = BASE + [np.nan] + [11.5] * 3 + [np.nan] + [11.5] * 4
    r = spc(y, fix_after=12)
    assert r.mean[12] == 11 and r.special_cause_type[12] == "Common Cause"
    assert r.point_type[12] == "common_cause" and not r.special_cause_flag[12]
    # the gap splits 7 points above the mean into 3 and 4: no run
    assert set(r.special_cause_type) == {"Common Cause"}
    assert any("2 missing values" in w for w in r.warnings)


def test_gap_skips_adjacent_moving_ranges():
    y = [1.0, 2.0, np.nan, 10.0, 11.0] + [1.0, 2.0] * 5
    r = spc(y)
    vals = np.array(y)[~np.isnan(y)]
    assert r.mean[0] == pytest.approx(vals.mean(), abs=1e-15)
    mrs = [1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # no range across the gap
    amr1 = np.mean(mrs)
    kept = [m for m in mrs if m < 3.267 * amr1]
    assert r.upl[0] == pytest.approx(r.mean[0] + 2.66 * np.mean(kept), abs=1e-12)


def test_all_missing():
    r = spc([np.nan] * 5, target=1)
    assert np.isnan(r.mean).all() and set(r.point_type) == {"common_cause"}
    assert r.variation == "common_cause"


def test_infinite_rejected():
    with pytest.raises(ValueError):
        spc([1.0, np.inf])


# --- spc_many ------------------------------------------------------------------------------
def test_spc_many_keeps_input_order_and_sorts_by_date():
    y = BASE + [25.0]
    dates = np.datetime64("2021-01") + np.arange(13)
    perm = np.random.default_rng(3).permutation(13)
    t = spc_many(["a"] * 13, dates[perm], np.array(y)[perm])
    assert t.special_cause_type[np.flatnonzero(perm == 12)[0]] == "Above UCL"
    assert t.variation[0] == "improvement_high"  # latest *date*, not last row
    np.testing.assert_array_equal(t.values, np.array(y)[perm])


def test_spc_many_per_series_options():
    ids = ["up"] * 13 + ["down"] * 13 + ["flat"] * 13
    y = (BASE + [25.0]) * 3  # 25 is above the UCL (mean 12.08, amr 2 after screening)
    t = spc_many(
        ids,
        None,
        y,
        improvement={"up": "increase", "down": "decrease", "flat": "neutral"},
        target={"up": 2.0, "down": 2.0},
    )
    assert list(t.series) == ["up", "down", "flat"]
    assert list(t.variation) == ["improvement_high", "concern_high", "neutral_high"]
    assert list(t.assurance) == ["consistent_pass", "consistent_fail", None]
    assert list(t.improvement) == ["increase", "decrease", "neutral"]
    assert np.isnan(t.target[2])
    assert t.result("flat").target is None
    with pytest.raises(ValueError):
        spc_many(ids, None, y, improvement={"up": "increase"})
    with pytest.raises(ValueError):
        spc_many(ids, None, y, target={"sideways": 1.0})
    with pytest.raises(KeyError):
        t.result("nope")


def test_spc_many_rebase_mapping():
    ids = ["a"] * 24 + ["b"] * 24
    y = BASE + [20.0, 22.0] * 6 + BASE + [20.0, 22.0] * 6
    t = spc_many(ids, None, y, rebase={"a": [12]})
    assert list(t.rebase_group[:24]) == [0] * 12 + [1] * 12
    assert set(t.rebase_group[24:]) == {0}
    assert t.result("a").mean[-1] == 21 and t.result("b").mean[-1] == 16
    with pytest.raises(ValueError):
        spc_many(ids, None, y, rebase={"zzz": [1]})


def test_duplicate_dates_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        spc_many(["a", "a", "b"], [1, 1, 1], [1.0, 2.0, 3.0])
    spc_many(["a", "b"], [1, 1], [1.0, 2.0])  # same date in different series is fine


def test_mixed_and_tuple_series_ids():
    t = spc_many([("x", 1)] * 3 + [7] * 3, None, [1.0, 2.0, 3.0] * 2)
    assert t.series.tolist() == [("x", 1), 7]
    assert t.result(("x", 1)).mean[0] == 2.0


def test_date_kinds_mix_for_rebase():
    months = np.datetime64("2020-01") + np.arange(24)  # datetime64[M]
    y = [10.0, 12.0] * 6 + [20.0, 22.0] * 6
    for when in (dt.date(2021, 1, 1), np.datetime64("2021-01-01"), "2021-01-01", dt.datetime(2021, 1, 1)):
        r = spc(y, months, rebase=[when])
        assert list(r.rebase_group) == [0] * 12 + [1] * 12, when
    r = spc(y, [str(m) + "-01" for m in months], rebase=[dt.date(2021, 1, 1)])  # ISO strings
    assert r.rebase_group[-1] == 1
    with pytest.raises(TypeError):
        spc(y, list(range(24)), rebase=[dt.date(2021, 1, 1)])
