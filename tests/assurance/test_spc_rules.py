"""Unit tests for each rule function.

Many cases are ported from NHSRplotthedots' tests/testthat/test-ptd_calculate_point_type.R
(0.2.x); the R test name is cited above each block.  R's helpers return "run end"
markers that are then expanded by ptd_part_of_seven_trend(); our functions return
the expanded "part of" flags directly, so R's expected vectors are expanded here
accordingly.
"""

import numpy as np
import pytest

from goldenthread.assurance.spc import (
    ASSURANCE_TYPES,
    POINT_TYPES,
    SPECIAL_CAUSE_TYPES,
    VARIATION_TYPES,
    assurance_codes,
    close_to_limits,
    moving_ranges,
    outside_limits,
    point_type_codes,
    process_limits,
    r_mean,
    relative_to_mean,
    seven_point_one_side,
    seven_point_trend,
    special_cause_type_codes,
    two_in_three,
    variation_codes,
)


def as_int(a):
    return np.asarray(a).astype(int).tolist()


# -- ptd_seven_point_one_side_mean() + ptd_part_of_seven_trend() ------------------
@pytest.mark.parametrize(
    "rtm, expected",
    [
        ([], []),
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        # R: ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) == c(0,0,0,0,0,0,1,1,0)
        # -> part of: the first 8 points
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
        # R: b <- ptd_seven_point_one_side_mean(c(-1, rep(1, 8), -1))
        ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
        ([1] + [-1] * 8 + [1], [0] + [1] * 8 + [0]),
        # a point on the mean (0) breaks the run
        ([1] * 3 + [0] + [1] * 3, [0] * 7),
        ([0] * 9, [0] * 9),
    ],
)
def test_seven_point_one_side(rtm, expected):
    assert as_int(seven_point_one_side(np.array(rtm, dtype=np.int8))) == expected


def test_seven_point_one_side_does_not_cross_segments():
    rtm = np.ones(10, dtype=np.int8)
    seg = np.array([0] * 5 + [1] * 5)
    assert as_int(seven_point_one_side(rtm, seg)) == [0] * 10
    seg = np.array([0] * 3 + [1] * 7)
    assert as_int(seven_point_one_side(rtm, seg)) == [0] * 3 + [1] * 7


# -- ptd_seven_point_trend() + ptd_part_of_seven_trend() --------------------------
@pytest.mark.parametrize(
    "y, part, increasing",
    [
        ([], [], []),
        ([1, 2, 3, 4, 5, 6], [0] * 6, None),
        # R: ptd_seven_point_trend(c(1:3, 3:6)) is all 0 - an equal step breaks a trend
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7, None),
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7, [1] * 7),
        # R: ptd_seven_point_trend(c(2, 1:7, 3)) == c(0,0,0,0,0,0,0,1,0)
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0], [0] + [1] * 7 + [0]),
        ([7, 6, 5, 4, 3, 2, 1], [1] * 7, [0] * 7),
        # R: ptd_seven_point_trend(c(2, 7:1, 3)) == c(0,0,0,0,0,0,0,-1,0)
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [1] * 7 + [0], [0] * 9),
        # issue #167: a trend of 8 decreasing points is flagged too
        (list(range(0, -8, -1)), [1] * 8, [0] * 8),
    ],
)
def test_seven_point_trend(y, part, increasing):
    p, inc = seven_point_trend(np.array(y, dtype=float))
    assert as_int(p) == part
    if increasing is not None:
        assert as_int(inc & p) == increasing


def test_trend_label_uses_next_step_when_next_point_is_in_a_trend():
    # up 7 then immediately down 7, sharing the peak: the peak takes the step to its right
    y = np.array([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    p, inc = seven_point_trend(y)
    assert as_int(p) == [1] * 13
    assert as_int(inc) == [1] * 6 + [0] * 7


def test_trend_broken_by_gap_and_segment():
    y = np.array([1, 2, 3, np.nan, 4, 5, 6, 7], dtype=float)
    assert as_int(seven_point_trend(y)[0]) == [0] * 8
    y = np.arange(10, dtype=float)
    seg = np.array([0] * 4 + [1] * 6)
    assert as_int(seven_point_trend(y, seg)[0]) == [0] * 10
    seg = np.array([0] * 3 + [1] * 7)
    assert as_int(seven_point_trend(y, seg)[0]) == [0] * 3 + [1] * 7


# -- ptd_two_in_three() + ptd_part_of_two_in_three() ------------------------------
@pytest.mark.parametrize(
    "close, rtm, expected",
    [
        ([], [], []),
        ([0, 0, 0], [1, 1, 1], [0, 0, 0]),
        # R: ptd_part_of_two_in_three(ptd_two_in_three(cv, crtm), cv) == cv
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        # R: hv <- c(1, 0, 0, 1) -> c(0, 0, 0, 0)
        ([1, 0, 0, 1], [1, 1, 1, 1], [0, 0, 0, 0]),
        # R: iv <- c(1, 0, 0, 1, 1) -> c(0, 0, 0, 1, 1)
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # R: "works as expected when points are on opposite sides of the mean" (issue #143)
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        # a point exactly on the mean spoils the window
        ([1, 0, 1], [1, 0, 1], [0, 0, 0]),
        # below the mean works the same way
        ([1, 1], [-1, -1], [0, 0]),  # fewer than 3 points: no window
        ([1, 1, 0], [-1, -1, -1], [1, 1, 0]),
    ],
)
def test_two_in_three(close, rtm, expected):
    got = two_in_three(np.array(close, dtype=bool), np.array(rtm, dtype=np.int8))
    assert as_int(got) == expected


def test_two_in_three_window_must_be_in_one_segment():
    close = np.array([1, 1, 0, 0], dtype=bool)
    rtm = np.ones(4, dtype=np.int8)
    assert as_int(two_in_three(close, rtm, np.array([0, 1, 1, 1]))) == [0, 0, 0, 0]
    assert as_int(two_in_three(close, rtm, np.array([0, 0, 0, 1]))) == [1, 1, 0, 0]


# -- ptd_special_cause_type() -------------------------------------------------------
def test_special_cause_type_precedence_as_r_test():
    # R: test_that("ptd_special_cause_type works as expected") - the mocked inputs:
    #   part_seven_point_trend = c(1, -1, 0, 0, 0, 0, 0, 0)
    #   part_seven_point_one_side_mean = c(0, 0, 1, -1, 0, 0, 0, 0)
    #   part_two_in_three = c(0, 0, 0, 0, 1, 0, 0, 0)
    #   outside_limits = c(0, 0, 0, 0, 0, 1, -1, 0); y = 1:8; rtm = c(rep(1, 4), rep(-1, 4))
    rtm = np.array([1] * 4 + [-1] * 4, dtype=np.int8)
    trend = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    # R's label direction: point 1 uses the step to point 2 (also in the trend), point 2
    # the step from point 1; y is increasing so both are "Increasing"
    increasing = np.array([1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    one_side = np.array([0, 0, 1, 1, 0, 0, 0, 0], dtype=bool)
    two3 = np.array([0, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    outside = np.array([0, 0, 0, 0, 0, 1, 1, 0], dtype=bool)
    codes = special_cause_type_codes(outside, rtm, trend, increasing, two3, one_side)
    assert [SPECIAL_CAUSE_TYPES[c] for c in codes] == [
        "7 Point Trend (Increasing)",
        "7 Point Trend (Increasing)",
        "7 Points Above CL",
        "7 Points Above CL",
        "2 in 3 Below CL",
        "Below LCL",
        "Below LCL",
        "Common Cause",
    ]


def test_special_cause_type_every_rule_overrides_the_next():
    one = np.ones(1, dtype=bool)
    no = np.zeros(1, dtype=bool)
    up = np.ones(1, dtype=np.int8)

    def label(outside, trend, two3, side):
        return SPECIAL_CAUSE_TYPES[special_cause_type_codes(outside, up, trend, one, two3, side)[0]]

    assert label(one, one, one, one) == "Above UCL"
    assert label(no, one, one, one) == "7 Point Trend (Increasing)"
    assert label(no, no, one, one) == "2 in 3 Above CL"
    assert label(no, no, no, one) == "7 Points Above CL"
    assert label(no, no, no, no) == "Common Cause"


# -- ptd_point_type() -----------------------------------------------------------------
@pytest.mark.parametrize(
    "sct, direction, expected",
    [
        ("Common Cause", 1, "common_cause"),
        ("Above UCL", 1, "special_cause_improvement"),
        ("Above UCL", -1, "special_cause_concern"),
        ("Above UCL", 0, "special_cause_neutral_high"),
        ("Below LCL", 1, "special_cause_concern"),
        ("Below LCL", -1, "special_cause_improvement"),
        ("Below LCL", 0, "special_cause_neutral_low"),
        # issue #171: a trend's polarity follows its direction, not its side of the mean
        ("7 Point Trend (Decreasing)", 1, "special_cause_concern"),
        ("7 Point Trend (Increasing)", -1, "special_cause_concern"),
        ("7 Point Trend (Increasing)", 0, "special_cause_neutral_high"),
        ("2 in 3 Below CL", -1, "special_cause_improvement"),
        ("7 Points Above CL", 1, "special_cause_improvement"),
        ("7 Points Below CL", 0, "special_cause_neutral_low"),
        ("Common Cause", 0, "common_cause"),
    ],
)
def test_point_type(sct, direction, expected):
    code = point_type_codes(np.array([SPECIAL_CAUSE_TYPES.index(sct)]), direction)
    assert POINT_TYPES[code[0]] == expected


# -- ptd_get_icons(): variation --------------------------------------------------------
@pytest.mark.parametrize(
    "pt, direction, expected",
    [
        ("common_cause", 1, "common_cause"),
        ("special_cause_improvement", 1, "improvement_high"),
        ("special_cause_improvement", -1, "improvement_low"),
        ("special_cause_concern", 1, "concern_low"),
        ("special_cause_concern", -1, "concern_high"),
        ("special_cause_neutral_high", 0, "neutral_high"),
        ("special_cause_neutral_low", 0, "neutral_low"),
    ],
)
def test_variation(pt, direction, expected):
    code = variation_codes(np.array([POINT_TYPES.index(pt)]), direction)
    assert VARIATION_TYPES[code[0]] == expected


# -- ptd_calculate_assurance_type() ----------------------------------------------------
def _assurance(target, lpl, upl, direction):
    codes = assurance_codes(np.asarray(target, float), np.asarray(lpl, float), np.asarray(upl, float), direction)
    return [None if c < 0 else ASSURANCE_TYPES[c] for c in codes]


def test_assurance_as_r_tests():
    # R: test-ptd_calculate_assurance_type.R - lpl = c(1, 5, 1), upl = c(3, 7, 5), target = 4
    lpl, upl, target = [1, 5, 1], [3, 7, 5], [4, 4, 4]
    assert _assurance(target, lpl, upl, 1) == ["consistent_fail", "consistent_pass", "inconsistent"]
    assert _assurance(target, lpl, upl, -1) == ["consistent_pass", "consistent_fail", "inconsistent"]
    assert _assurance(target, lpl, upl, 0) == [None, None, None]


def test_assurance_edges():
    # a target exactly on a limit is inconsistent (R uses strict > and <)
    assert _assurance([3, 1], [1, 1], [3, 3], 1) == ["inconsistent", "inconsistent"]
    # no target
    assert _assurance([np.nan], [1], [3], 1) == [None]
    # undefined limits: R's case_when falls through to "inconsistent"
    assert _assurance([4], [np.nan], [np.nan], 1) == ["inconsistent"]


# -- ptd_spc_standard() building blocks -----------------------------------------------
def test_r_mean_matches_r_semantics():
    x = np.array([1.0, np.nan, 3.0, 10.0, np.nan, np.nan])
    starts = np.array([0, 3, 4])
    got = r_mean(x, starts)
    assert got[0] == 2.0 and got[1] == 10.0 and np.isnan(got[2])
    # the correction pass makes the result exact where a plain double sum is not
    x = np.array([0.1] * 10)
    assert r_mean(x, np.array([0]))[0] == 0.1


def test_moving_ranges():
    mr = moving_ranges(np.array([1.0, 3.0, 2.0, np.nan, 5.0, 4.0]), np.array([0, 0, 0, 0, 0, 1]))
    assert np.isnan(mr[0]) and mr[1] == 2 and mr[2] == 1
    assert np.isnan(mr[3]) and np.isnan(mr[4])  # next to a gap
    assert np.isnan(mr[5])  # first point of a segment


def test_process_limits_by_hand():
    y = np.array([10.0, 12.0] * 6)  # mean 11, every moving range 2
    lim = process_limits(y)
    assert lim["mean"][0] == 11.0 and lim["amr"][0] == 2.0
    assert lim["upl"][0] == 11 + 2.66 * 2 and lim["lpl"][0] == 11 - 2.66 * 2
    assert lim["nupl"][0] == 11 + 2 * (2.66 / 3) * 2
    assert lim["nlpl"][0] == 11 - 2 * (2.66 / 3) * 2


def test_flags_by_hand():
    y = np.array([20.0, 15.0, 11.0, 11.0, 7.0, 0.0, np.nan])
    mean = np.full(7, 11.0)
    lpl, upl = np.full(7, 5.68), np.full(7, 16.32)
    nlpl, nupl = np.full(7, 7.4533), np.full(7, 14.5467)
    out = outside_limits(y, lpl, upl)
    assert as_int(out) == [1, 0, 0, 0, 0, 1, 0]
    assert as_int(relative_to_mean(y, mean)) == [1, 1, 0, 0, -1, -1, 0]
    assert as_int(close_to_limits(y, nlpl, nupl, out)) == [0, 1, 0, 0, 1, 0, 0]


def test_r_mean_is_sequential_long_double():
    # Found by the property test against the R transcription: pairwise summation of the
    # correction term gives 0.4, R's sequential long double loop gives the double below.
    x = np.array([0.0, -548.0, -2.0, 0.0, -1.0, -3.0, -3.0, 0.0, -3.0, 564.0])
    assert r_mean(x, np.array([0]))[0] == 0.39999999999999997
