"""Property tests.

1. spc_many() on many series at once (rows shuffled) gives the same result as spc() on
   each series alone.
2. spc() agrees with a loop-by-loop transcription of the R package (conftest.py's
   ``r_reference``) on arbitrary series, including ties, gaps, rebases and fixed limits.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.assurance.spc import spc, spc_many

POINT_FIELDS = (
    "rebase_group",
    "mean",
    "lpl",
    "upl",
    "nlpl",
    "nupl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_type",
    "special_cause_flag",
    "point_type",
    "short_group_warning",
)

value = st.one_of(
    st.integers(-3, 3).map(float),  # lots of ties and points on the mean
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
    st.just(float("nan")),
)


@st.composite
def series(draw):
    n = draw(st.integers(1, 40))
    values = draw(st.lists(value, min_size=n, max_size=n))
    # mostly-stable series with shifts, so that rules actually fire
    if draw(st.booleans()):
        level = draw(st.integers(-5, 5))
        values = [v + level * (i >= n // 2) for i, v in enumerate(values)]
    # and monotone stretches, so that trends (and equal steps inside them) occur
    for _ in range(draw(st.integers(0, 2))):
        a, length = draw(st.integers(0, n - 1)), draw(st.integers(5, 10))
        values[a : a + length] = sorted(values[a : a + length], reverse=draw(st.booleans()))
    rebase = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    improvement = draw(st.sampled_from(["increase", "decrease", "neutral"]))
    target = draw(st.one_of(st.none(), st.floats(-10, 10)))
    return values, rebase, improvement, target


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return np.array_equal(a.astype(float), b.astype(float), equal_nan=True)
    return a.tolist() == b.tolist()


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(series(), min_size=1, max_size=6),
    st.sampled_from([None, 12, 15]),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_spc_many_equals_spc_per_series(all_series, fix_after, screen, rnd):
    ids, dates, values = [], [], []
    per = {}
    for k, (vals, rebase, improvement, target) in enumerate(all_series):
        sid = f"s{k}"
        # unique, unsorted dates per series
        d = rnd.sample(range(1000), len(vals))
        per[sid] = (d, vals, [d[i] for i in rebase], improvement, target)
        ids += [sid] * len(vals)
        dates += d
        values += vals
    order = list(range(len(ids)))
    rnd.shuffle(order)
    ids = [ids[i] for i in order]
    dates = [dates[i] for i in order]
    values = [values[i] for i in order]

    table = spc_many(
        ids,
        dates,
        values,
        improvement={s: p[3] for s, p in per.items()},
        target={s: p[4] for s, p in per.items()},
        rebase={s: p[2] for s, p in per.items()},
        fix_after=fix_after,
        screen_outliers=screen,
    )
    assert table.series.tolist() == list(dict.fromkeys(ids))
    for sid, (d, vals, rebase_dates, improvement, target) in per.items():
        alone = spc(
            vals,
            d,
            improvement=improvement,
            target=target,
            rebase=rebase_dates,
            fix_after=fix_after,
            screen_outliers=screen,
        )
        # the table's rows for this series, in the order this series' points were given
        rows = [i for i, s in enumerate(ids) if s == sid]
        rows.sort(key=lambda i: d.index(dates[i]))
        for name in POINT_FIELDS:
            assert same(getattr(table, name)[rows], getattr(alone, name)), name
        got = table.result(sid)
        assert (got.variation, got.assurance, got.warnings) == (alone.variation, alone.assurance, alone.warnings)


@settings(max_examples=300, deadline=None, database=None)
@given(s=series(), fix_after=st.sampled_from([None, 12, 13, 20]), screen=st.booleans())
def test_spc_matches_r_transcription(s, fix_after, screen, r_reference):
    vals, rebase, improvement, target = s
    got = spc(vals, improvement=improvement, rebase=rebase, fix_after=fix_after, screen_outliers=screen)
    direction = {"increase": 1, "neutral": 0, "decrease": -1}[improvement]
    ref = r_reference(vals, rebase_at=rebase, fix_after=fix_after, screen=screen, direction=direction)
    for name in ("mean", "lpl", "upl", "nlpl", "nupl"):
        assert same(getattr(got, name), ref[name]), name
    assert got.outside_limits.tolist() == ref["outside"]
    assert got.close_to_limits.tolist() == ref["close"]
    assert got.relative_to_mean.tolist() == ref["rtm"]
    assert got.special_cause_type.tolist() == ref["sct"]
    assert got.point_type.tolist() == ref["point_type"]
