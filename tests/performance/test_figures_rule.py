"""The set-based figures (:mod:`goldenthread.performance.folding`) against the rule written out
plainly, row by row, on awkward data — on whichever database the suite runs on.

The reference below reads every current row of a metric and applies docs/figures.md step by step
with no cleverness: which units (the unit itself, else the lowest units holding data below it,
England for everything), which rows (each unit's coarsest shape in each period, having the
dimension asked for), how they combine. Every public function of
:mod:`goldenthread.performance.figures` must give its figures for every place, dimension and span
of the data: units with several breakdown shapes in one period (a total beside splits; a split by
sex beside one by age band), a region with its own rows beside its providers', units with no
data of their own built from below, England created on demand, a ratio given by a value alone,
gaps, a unit holding data only after the span asked for, and revised (superseded) rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from goldenthread.assurance.spc import spc
from goldenthread.performance import figures
from goldenthread.performance.assessment import units_with_concern, units_with_concern_many
from goldenthread.performance.models import Observation
from goldenthread.planfile.periods import parse_period
from goldenthread.plans.models import OrgUnit

FIRST = (
    "metric,org_unit,period,value,numerator,denominator,breakdown.department_type,breakdown.sex,breakdown.age_band\n"
    # January: providers' totals, the North's own total beside them, the South's own
    "PCT,rx1,2017-01,,90,100,,,\n"
    "PCT,rx2,2017-01,,1,10,,,\n"
    "PCT,north,2017-01,,7,10,,,\n"
    "PCT,south,2017-01,,50,100,,,\n"
    # February: rx1 a total beside its splits; rx2 sends nothing (a gap); the South splits only
    "PCT,rx1,2017-02,,55,65,,,\n"
    "PCT,rx1,2017-02,,40,50,1,,\n"
    "PCT,rx1,2017-02,,10,10,other,,\n"
    "PCT,south,2017-02,,30,40,1,,\n"
    "PCT,south,2017-02,,20,20,other,,\n"
    # March: rx1 split by sex and by age band side by side; rx2 a value alone; the South a total
    "PCT,rx1,2017-03,,30,40,,F,\n"
    "PCT,rx1,2017-03,,20,30,,M,\n"
    "PCT,rx1,2017-03,,25,35,,,a\n"
    "PCT,rx1,2017-03,,26,35,,,b\n"
    "PCT,rx2,2017-03,0.5,,,,,\n"
    "PCT,south,2017-03,,9,10,,,\n"
    # April: rx2 two values alone split by department type (no single row: no ratio)
    "PCT,rx2,2017-04,0.25,,,1,,\n"
    "PCT,rx2,2017-04,0.75,,,other,,\n"
    "PCT,rx1,2017-04,,8,10,2,F,\n"
    "PCT,rx1,2017-04,,9,10,2,M,\n"
    "CNT,rx1,2016/17 Q4,10,,,,,\n"
    "CNT,rx1,2016/17 Q4,4,,,1,,\n"
    "CNT,rx1,2016/17 Q4,5,,,other,,\n"
    "CNT,rx2,2016/17 Q4,20,,,,F,\n"
    "CNT,rx2,2016/17 Q4,21,,,,M,\n"
    "CNT,south,2017/18 Q1,7,,,,,\n"
    "SCORE,rx1,2017-01-02,3,,,,,\n"
    "SCORE,rx1,2017-01-02,4,,,1,,\n"
    "SCORE,rx2,2017-01-02,5,,,,,\n"
    "SCORE,rx2,2017-01-09,2.5,,,,,\n"
    "SCORE,north,2017-01-09,1.5,,,,,\n"
    "CHPPD,rx1,2017-03,,300,40,,,\n"
    "CHPPD,rx1,2017-03,,200,25,,F,\n"
    "CHPPD,rx1,2017-03,,100,15,,M,\n"
    "CHPPD,south,2017-03,,12.5,2.5,,,\n"
)
# a revision (the January row superseded) and a provider added under England holding only June
SECOND = (
    "metric,org_unit,period,value,numerator,denominator\n"
    "PCT,rx1,2017-01,,80,100\n"
    "PCT,rx3,2017-06,,3,4\n"
    "SCORE,rx1,2017-01-02,3.5,,\n"
)
PLACES = (None, "england", "north", "south", "rx1", "rx2", "rx3")
DIMENSIONS = (None, "department_type", "sex", "age_band")
SPANS = ((None, None), (None, date(2017, 3, 31)), (date(2017, 2, 1), date(2017, 4, 30)))


@pytest.fixture
def awkward(load, plan):
    for text in (FIRST, SECOND):
        report = load(text, add_units="provider")
        assert report.ok, report.problem_lines()
    assert Observation.objects.exclude(superseded_at=None).count() == 2
    return {x.code: x for x in plan.metrics.all()}


# --- the rule, row by row ---------------------------------------------------------------------


def _dimensions(breakdown: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in breakdown.split(";")) if breakdown else {}


def _lowest(held: set[int], parent: dict[int, int | None], within: int | None) -> set[int]:
    def above(pk: int) -> list[int]:
        out = []
        while (pk := parent[pk]) is not None:  # type: ignore[assignment]
            out.append(pk)
        return out

    covered = {a for pk in held for a in above(pk)}
    return {pk for pk in held - covered if within is None or within in above(pk)}


def _units(metric, where: OrgUnit | None) -> set[int]:
    held = set(Observation.objects.filter(metric=metric, superseded_at=None).values_list("org_unit_id", flat=True))
    if where is not None and where.pk in held:
        return {where.pk}
    parent = dict(OrgUnit.objects.filter(plan_id=metric.plan_id).values_list("pk", "parent_id"))
    whole = where is None or where.code == "england"
    return _lowest(held, parent, None if whole else where.pk)


def _sums(rows) -> list[float]:
    counted = [r for r in rows if r.numerator is not None and r.denominator is not None]
    values = [float(r.value) for r in rows if r.value is not None]
    return [
        sum(float(r.numerator) for r in counted),
        sum(float(r.denominator) for r in counted),
        len(counted),
        sum(values),
        len(values),
        len(rows),
    ]


def reference(metric, where, dimension=None, start=None, end=None, *, by_period=True, by_unit=False, kind=None):
    """{(unit or None, period or None, group): sums} by the rule, from every current row."""
    units = (
        set(OrgUnit.objects.filter(plan_id=metric.plan_id).values_list("pk", flat=True))
        if by_unit
        else _units(metric, where)
    )
    rows = Observation.objects.filter(metric=metric, superseded_at=None, org_unit_id__in=units)
    if kind:
        rows = rows.filter(org_unit__kind=kind)
    cells = defaultdict(list)
    for r in rows:
        if (start is None or r.period_start >= start) and (end is None or r.period_start <= end):
            cells[(r.org_unit_id, r.period_start)].append(r)
    groups = defaultdict(list)
    for (unit, period), cell in cells.items():
        shapes = sorted(
            {(len(_dimensions(r.breakdown)), tuple(sorted(_dimensions(r.breakdown)))) for r in cell},
        )
        shapes = [s for _, s in shapes if dimension is None or dimension in s]
        if not shapes:
            continue
        for r in cell:
            if tuple(sorted(_dimensions(r.breakdown))) == shapes[0]:
                group = _dimensions(r.breakdown)[dimension] if dimension else figures.TOTAL
                groups[(unit if by_unit else None, period if by_period else None, group)].append(r)
    return {key: _sums(rows) for key, rows in groups.items()}


def _points(metric, sums: dict, start=None) -> dict:
    return {key: figures._point(np.array(s), metric.aggregation, key[1] or start) for key, s in sums.items()}


def _same(got: figures.Point, want: figures.Point) -> None:
    assert got.period_start == want.period_start
    for a, b in zip(got[1:], want[1:], strict=True):
        assert (a is None and b is None) or a == pytest.approx(b, rel=1e-12), (got, want)


def _where(plan, code):
    if code == "england":
        return figures._resolve_unit(plan.metrics.first(), "england")
    return plan.org_units.filter(code=code).first() if code else None


# --- the figures, against it ------------------------------------------------------------------


def test_the_data_is_as_awkward_as_described(awkward, plan):
    rx1 = plan.org_units.get(code="rx1")
    shapes = set(Observation.objects.filter(metric=awkward["PCT"], org_unit=rx1).values_list("breakdown", flat=True))
    assert {"", "department_type=1", "sex=F", "age_band=a", "department_type=2;sex=F"} <= shapes
    assert plan.org_units.get(code="rx3").parent.code == "england"


@pytest.mark.parametrize("code", ["PCT", "CNT", "SCORE", "CHPPD", "GBP"])
def test_series_by_every_place_dimension_and_span(awkward, plan, code):
    metric = awkward[code]
    for place in PLACES:
        where = _where(plan, place)
        for dimension in DIMENSIONS:
            for start, end in SPANS:
                want = _points(metric, reference(metric, where, dimension, start, end))
                got = figures.series_by(metric, dimension, where, start=start, end=end)
                assert {g: len(p) for g, p in got.items()} == {
                    g: sum(1 for k in want if k[2] == g) for g in {k[2] for k in want}
                }, (place, dimension, start, end)
                for group, points in got.items():
                    assert [p.period_start for p in points] == sorted(p.period_start for p in points)
                    for p in points:
                        _same(p, want[(None, p.period_start, group)])


@pytest.mark.parametrize("code", ["PCT", "CNT", "SCORE", "CHPPD"])
def test_value_over_every_span(awkward, plan, code):
    metric = awkward[code]
    for place in PLACES:
        where = _where(plan, place)
        for dimension in DIMENSIONS:
            for start, end in ((date(2016, 1, 1), date(2018, 12, 31)), (date(2017, 1, 1), date(2017, 3, 31))):
                want = _points(metric, reference(metric, where, dimension, start, end, by_period=False), start)
                got = figures.value_over(metric, start, end, where, dimension=dimension)
                assert set(got) == {k[2] for k in want}, (place, dimension)
                for group, point in got.items():
                    _same(point, want[(None, None, group)])


def test_a_plans_series_are_each_metrics_series(awkward, plan):
    metrics = list(plan.metrics.order_by("position"))
    for place in PLACES:
        where = _where(plan, place)
        for until in (None, date(2017, 3, 31), date(2016, 12, 31)):
            every = figures.plan_series(metrics, where, until=until)
            for x in metrics:
                assert every[x.pk].points() == figures.series(x, where, end=until)
                assert np.array_equal(every[x.pk].values, figures.as_arrays(every[x.pk].points())[1], equal_nan=True)
                want = _points(x, reference(x, where, None, None, until))
                assert [p.period_start for p in every[x.pk].points()] == sorted(k[1] for k in want)


@pytest.mark.parametrize("kind", [None, "provider"])
def test_every_units_own_series(awkward, plan, kind):
    metrics = list(plan.metrics.order_by("position"))
    codes = dict(plan.org_units.values_list("pk", "code"))
    many = figures.all_series_many(metrics, kind=kind, end=date(2017, 4, 30))
    for x in metrics:
        for dimension in DIMENSIONS:
            table = figures.all_series(x, kind=kind, dimension=dimension, end=date(2017, 4, 30))
            want = _points(x, reference(x, None, dimension, None, date(2017, 4, 30), by_unit=True, kind=kind))
            assert len(table) == len(want), (x.code, dimension)
            keys = [(codes[u], g, p) for u, p, g in want]
            assert list(zip(table.unit, table.group, table.period.astype(date), strict=True)) == sorted(keys)
            for i in range(len(table)):
                _same(table._point(i), want[(int(table.unit_id[i]), table.period[i].astype(date), table.group[i])])
        one = figures.all_series(x, kind=kind, end=date(2017, 4, 30))
        assert np.array_equal(many[x.pk].value, one.value, equal_nan=True)
        assert list(many[x.pk].unit) == list(one.unit)
        assert {c: p for c, p in one.latest().values()} == {c: ps[-1] for c, ps in one.series().items()}


def _months(unit: str, shares: list[float]) -> str:
    return "".join(
        f"PCT,{unit},{2016 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d},,{round(s * 100)},100\n"
        for i, s in enumerate(shares)
    )


def test_units_of_concern_of_every_metric_at_once_are_each_units_own_spc(load, plan):
    """Two years of monthly shares; rx2 and the South fall away in the last months, rx1 does not."""
    steady = [0.9, 0.92, 0.88, 0.91, 0.89, 0.9] * 4
    fallen = steady[:16] + [0.7] * 8
    text = "metric,org_unit,period,value,numerator,denominator\n" + _months("rx1", steady) + _months("rx2", fallen)
    text += _months("south", fallen[:-1]) + "CNT,rx1,2016/17 Q4,10,,\nCNT,rx2,2016/17 Q4,20,,\n"
    assert load(text).ok
    metrics = list(plan.metrics.order_by("position"))
    as_at = parse_period("2017/18 Q4")
    judged = {x.pk: ("increase", 0.85) for x in metrics}
    many = units_with_concern_many(metrics, as_at, judged)
    pct = next(x for x in metrics if x.code == "PCT")
    assert [r["unit"] for r in many[pct.pk]] == ["rx2", "south"]
    assert many[pct.pk][1]["period"] == "2018-02-01" and many[pct.pk][0]["value"] == pytest.approx(0.7)
    for x in metrics:
        want = []
        for code, points in figures.all_series(x, end=as_at.end).series().items():
            values = [np.nan if p.value is None else p.value for p in points]
            result = spc(values, [p.period_start for p in points], improvement="increase", target=0.85)
            last = max(i for i, v in enumerate(values) if not np.isnan(v))
            if result.point_type[last] == "special_cause_concern":
                want.append((code, points[last].period_start.isoformat(), str(result.special_cause_type[last])))
        assert [(r["unit"], r["period"], r["special_cause_type"]) for r in many[x.pk]] == want
        assert units_with_concern(x, as_at, "increase", 0.85) == many[x.pk]
