"""The charts on real data, against qicharts2's formulas worked one series at a time.

* A&E four-hour breaches over attendances per provider and department type (``data/ae_attendances.csv``,
  NHSRdatasets' ``ae_attendances``): p and p′ charts, all 400-odd series in one call, each series
  checked against :mod:`tests.assurance.qic_reference` (``qic.p``/``qic.pp`` written out in plain
  Python) and its runs against ``runs.analysis()`` written out likewise;
* weekly deaths in England and Wales (``tests/assurance/data/ons_weekly_deaths.csv``, NHSRdatasets'
  ``ons_mortality``): c and run charts.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from tests.assurance import qic_reference as ref

from goldenthread.assurance.charts import chart, chart_many

ROOT = Path(__file__).resolve().parents[2]
AE = ROOT / "data" / "ae_attendances.csv"
DEATHS = Path(__file__).with_name("data") / "ons_weekly_deaths.csv"


def _rows(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def ae():
    rows = _rows(AE)
    ids = [f"{r['org_code']}/{r['type']}" for r in rows]
    dates = np.array([r["period"] for r in rows], dtype="datetime64[D]")
    breaches = [float(r["breaches"]) for r in rows]
    attendances = [float(r["attendances"]) for r in rows]
    return ids, dates, breaches, attendances


def _check_series(table, counts, sizes, laney):
    for sid in table.series.tolist():
        rows = table.rows(sid)
        c, n = [counts[i] for i in rows.tolist()], [sizes[i] for i in rows.tolist()]
        centre, lower, upper = ref.proportion_chart(c, n, laney=laney)
        np.testing.assert_allclose(table.centre[rows], centre, rtol=1e-12, err_msg=sid)
        np.testing.assert_allclose(table.lpl[rows], lower, rtol=1e-9, atol=1e-15, err_msg=sid)
        np.testing.assert_allclose(table.upl[rows], upper, rtol=1e-9, atol=1e-15, err_msg=sid)
        y = table.values[rows].tolist()
        outside = [(v > u) or (v < lo) for v, lo, u in zip(y, lower, upper, strict=True)]
        assert table.outside_limits[rows].tolist() == outside, sid
        expected = ref.runs_analysis(y, [centre[0]] * len(y))
        r = table.runs(sid)
        assert (r.n_useful, r.runs_signal) == (expected["n_useful"], expected["runs_signal"]), sid
        if expected["n_useful"]:
            assert (r.longest_run, r.crossings) == (expected["longest"], expected["crossings"]), sid


@pytest.mark.parametrize("kind", ["p", "pp"])
def test_ae_breaches_per_provider(ae, kind):
    ids, dates, breaches, attendances = ae
    table = chart_many(kind, ids, dates, breaches, attendances)
    assert table.series.size == len(set(ids)) > 400
    _check_series(table, breaches, attendances, laney=kind == "pp")


def test_ae_p_prime_widens_the_limits_of_the_big_departments(ae):
    """Laney's point: with tens of thousands of attendances a month, the p chart's limits hug the
    centre line and flag most months; p′ allows for the variation between months."""
    ids, dates, breaches, attendances = ae
    p = chart_many("p", ids, dates, breaches, attendances)
    pp = chart_many("pp", ids, dates, breaches, attendances)
    rows = p.rows("RRK/1")  # a large type 1 department
    assert np.mean(np.asarray(attendances)[rows]) > 10_000
    assert p.outside_limits[rows].sum() > pp.outside_limits[rows].sum()
    assert ((pp.upl - pp.lpl)[rows] > (p.upl - p.lpl)[rows]).all()


def test_ae_departments_with_no_breaches(ae):
    ids, dates, breaches, attendances = ae
    table = chart_many("p", ids, dates, breaches, attendances)
    zero = [sid for sid in table.series.tolist() if not np.asarray(breaches)[table.rows(sid)].any()]
    assert zero  # minor injury units that never breach
    for sid in zero[:20]:
        rows = table.rows(sid)
        assert (table.centre[rows] == 0).all() and (table.upl[rows] == 0).all() and (table.lpl[rows] == 0).all()
        assert not table.outside_limits[rows].any() and table.runs(sid).n_useful == 0
    pp = chart_many("pp", ids, dates, breaches, attendances)
    assert np.isnan(pp.upl[pp.rows(zero[0])]).all()  # z = 0/0: qic.pp's limits are NA


@pytest.fixture(scope="module")
def deaths():
    rows = _rows(DEATHS)
    return np.array([r["date"] for r in rows], dtype="datetime64[D]"), [float(r["deaths"]) for r in rows]


def test_weekly_deaths_c_chart(deaths):
    dates, counts = deaths
    table = chart("c", counts, dates)
    centre, lower, upper = ref.c_chart(counts)
    assert len(counts) == 535
    np.testing.assert_allclose(table.centre, centre, rtol=1e-12)
    np.testing.assert_allclose(table.lpl, lower, rtol=1e-12)
    np.testing.assert_allclose(table.upl, upper, rtol=1e-12)
    # weekly deaths (≈ 10,000) vary far more than Poisson's √10,000 = 100: most weeks are outside a c chart's limits
    assert table.outside_limits.mean() > 0.5
    expected = ref.runs_analysis(counts, centre)
    r = table.runs(0)
    assert (r.n_useful, r.longest_run, r.crossings, r.runs_signal) == (
        expected["n_useful"],
        expected["longest"],
        expected["crossings"],
        expected["runs_signal"],
    )


def test_weekly_deaths_run_chart(deaths):
    dates, counts = deaths
    table = chart("run", counts, dates)
    median = ref.median(counts)
    assert table.centre.tolist() == [median] * len(counts)
    expected = ref.runs_analysis(counts, [median] * len(counts))
    r = table.runs(0)
    assert r.longest_run_max == expected["longest_max"] == round(math.log2(expected["n_useful"])) + 3
    assert r.crossings_min == expected["crossings_min"]
    assert (r.longest_run, r.crossings) == (expected["longest"], expected["crossings"])
    assert r.runs_signal  # winter peaks and summer troughs: long runs, few crossings of the median


def test_weekly_deaths_by_year_in_one_call(deaths):
    dates, counts = deaths
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    table = chart_many("run", years, dates, counts)
    for year in sorted(set(years.tolist())):
        y = [counts[i] for i in np.flatnonzero(years == year).tolist()]
        expected = ref.runs_analysis(y, [ref.median(y)] * len(y))
        r = table.runs(year)
        assert (r.n_useful, r.runs_signal) == (expected["n_useful"], expected["runs_signal"]), year
