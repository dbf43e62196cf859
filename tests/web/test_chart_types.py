"""Each metric judged and drawn on its own chart (issue 18): a small plan with a metric for every
chart type, each page showing that chart and its limits — the figures checked against qicharts2's
limit functions written out again in plain Python (tests/assurance/qic_reference.py), not against
the engine — and the chart's annotations, rebase marks and the XmR figures as before."""

from __future__ import annotations

import html
import math
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goldenthread.assurance.spc import spc
from goldenthread.performance.models import Observation
from goldenthread.planfile import validate_text
from goldenthread.planfile.charts import CHART_NAMES
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters.chart_series import clipped, possible_range
from goldenthread.presenters.metric import metric_page

from ..assurance import qic_reference as qic
from ..factories import months

pytestmark = pytest.mark.django_db

N = 20
AS_AT = parse_period("2017/18 Q4")

KINDS_PLAN = """\
code: k
title: Every chart
organisation: {code: o, name: Org}
start: 2016/17
end: 2017/18
levels: [{code: p, name: Priority}]
org_units: [{code: north, name: North, type: organisation}]
objectives: [{code: P1, level: p, title: Everything}]
metrics:
  - {code: P, title: Seen in time (p), objectives: [P1], unit: percentage, aggregation: ratio, chart: p,
     polarity: higher_is_better, frequency: monthly, target: {value: 0.95}}
  - {code: PP, title: Seen in time (p prime), objectives: [P1], unit: percentage, aggregation: ratio,
     polarity: higher_is_better, frequency: monthly, target: {value: 0.95}}
  - {code: U, title: Falls per bed day (u), objectives: [P1], unit: rate, aggregation: ratio, chart: u,
     polarity: lower_is_better, frequency: monthly}
  - {code: UP, title: Falls per bed day (u prime), objectives: [P1], unit: rate, aggregation: ratio,
     polarity: lower_is_better, frequency: monthly}
  - {code: C, title: Falls, objectives: [P1], unit: count, aggregation: sum, polarity: lower_is_better,
     frequency: monthly, annotations: [{date: 2017-01, text: New falls policy}]}
  - {code: G, title: Admissions between infections, objectives: [P1], unit: count, aggregation: sum, chart: g,
     polarity: higher_is_better, frequency: monthly}
  - {code: T, title: Days between never events, objectives: [P1], unit: days, aggregation: mean, chart: t,
     polarity: higher_is_better, frequency: monthly}
  - {code: RUN, title: Staff survey score, objectives: [P1], unit: score, aggregation: mean, chart: run,
     frequency: monthly}
  - {code: BARE, title: Share returned as values, objectives: [P1], unit: percentage, aggregation: ratio,
     polarity: higher_is_better, frequency: monthly}
  - {code: XMR, title: Waiting list, objectives: [P1], unit: count, aggregation: mean, frequency: monthly,
     rebase: [{date: 2017-04, reason: New counting rules}]}
"""


def _counts(i: int) -> tuple[int, int]:
    den = 80 + (i * 7) % 40
    return round(den * (0.6 + 0.1 * math.sin(i))), den


def _plan() -> m.Plan:
    load_plan(validate_text(KINDS_PLAN).plan)
    plan = m.Plan.objects.get(code="k")
    unit = plan.org_units.get(code="north")
    x = {metric.code: metric for metric in plan.metrics.all()}
    rows = []
    for i, d in enumerate(months(N)):
        num, den = _counts(i)
        for code in ("P", "PP", "U", "UP"):
            value = Decimal(num) / Decimal(den)
            rows.append(
                Observation(metric=x[code], org_unit=unit, period_start=d, numerator=num, denominator=den, value=value)
            )
        for code, value in (("C", 3 + (i * 5) % 7), ("G", 3 + (i * 5) % 7), ("T", 1.5 + (i * 3) % 5)):
            rows.append(Observation(metric=x[code], org_unit=unit, period_start=d, value=Decimal(str(value))))
        for code, value in (("RUN", 60 + (i * 3) % 11), ("XMR", 500 + (i * 37) % 90)):
            rows.append(Observation(metric=x[code], org_unit=unit, period_start=d, value=Decimal(value)))
        bare = Decimal(num) / Decimal(den)  # a share given alone, with no numerator or denominator
        rows.append(Observation(metric=x["BARE"], org_unit=unit, period_start=d, value=bare))
    Observation.objects.bulk_create(rows)
    return plan


def _expected(code: str) -> tuple[list[float], list[float], list[float]]:
    counts = [_counts(i) for i in range(N)]
    nums, dens = [float(c) for c, _ in counts], [float(d) for _, d in counts]
    simple = {
        "C": [3.0 + (i * 5) % 7 for i in range(N)],
        "G": [3.0 + (i * 5) % 7 for i in range(N)],
        "T": [1.5 + (i * 3) % 5 for i in range(N)],
        "RUN": [60.0 + (i * 3) % 11 for i in range(N)],
    }
    if code in ("P", "PP", "U", "UP"):
        return qic.proportion_chart(nums, dens, laney=code in ("PP", "UP"), rate=code.startswith("U"))
    return {"C": qic.c_chart, "G": qic.g_chart, "T": qic.t_chart, "RUN": qic.run_chart}[code](simple[code])


def _same(a: float | None, b: float) -> bool:
    return (a is None and math.isnan(b)) or (a is not None and not math.isnan(b) and math.isclose(a, b, rel_tol=1e-9))


@pytest.fixture
def plan() -> m.Plan:
    return _plan()


@pytest.mark.parametrize(
    ("code", "kind"),
    [("P", "p"), ("PP", "pp"), ("U", "u"), ("UP", "up"), ("C", "c"), ("G", "g"), ("T", "t"), ("RUN", "run")],
)
def test_each_metric_is_drawn_on_its_chart_with_its_limits(plan, code, kind):
    page = metric_page(plan, code, AS_AT, None)
    assert page is not None and page.chart_kind == kind and page.chart_name == CHART_NAMES[kind]
    centre, lower, upper = _expected(code)
    bounds = possible_range(page.metric)
    assert len(page.table) == N
    for row, cl, lo, up in zip(page.table, centre, lower, upper, strict=True):
        assert _same(row.mean, cl), (code, row)
        assert _same(row.lpl, clipped(lo, bounds) if not math.isnan(lo) else math.nan), (code, row)
        assert _same(row.upl, clipped(up, bounds) if not math.isnan(up) else math.nan), (code, row)
    assert page.centre_label == ("median" if kind in ("run", "g") else "mean")
    layers = [layer.get("name") for layer in page.chart_spec["layer"]]
    assert ("upl" in layers) == (kind != "run") and "mean" in layers
    if kind in ("p", "pp", "u", "up"):  # varying denominators: limits stepped point by point
        assert len({row.upl for row in page.table}) > 1
        assert next(x for x in page.chart_spec["layer"] if x.get("name") == "upl")["mark"]["interpolate"] == "step"
    assert page.assessment.spc is not None and page.assessment.spc.variation  # judged: 20 points


def test_the_page_names_its_chart(client, plan):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    for code, heading in (
        ("PP", "Statistical process control chart: p′ chart (Laney's proportions)"),
        ("G", "Statistical process control chart: g chart (cases between events)"),
        ("RUN", "Run chart"),
        ("XMR", "Statistical process control chart"),
    ):
        response = client.get(f"/plans/k/metrics/{code}/", {"as_at": AS_AT.label})
        assert response.status_code == 200
        text = html.unescape(re.sub(r"\s+", " ", response.content.decode()))
        assert f"<h2>{heading}</h2>" in text, code


def test_xmr_figures_as_before_with_rebase_marks_and_annotations(plan):
    page = metric_page(plan, "XMR", AS_AT, None)
    values = [500.0 + (i * 37) % 90 for i in range(N)]
    dates = months(N)
    alone = spc(values, [d.isoformat() for d in dates], improvement="neutral", rebase=["2017-04-01"])
    assert [r.mean for r in page.table] == [float(x) for x in alone.mean]
    assert [r.upl for r in page.table] == [float(x) for x in alone.upl]
    assert page.chart_kind == "xmr" and page.assessment.spc.variation == alone.variation
    marks = [layer for layer in page.chart_spec["layer"] if "data" in layer and "layer" in layer]
    labels = [row["label"] for layer in marks for row in layer["data"]["values"]]
    assert "Limits recalculated: New counting rules" in labels
    c = metric_page(plan, "C", AS_AT, None)
    dated = [row for layer in c.chart_spec["layer"] if "layer" in layer for row in layer["data"]["values"]]
    assert {"period": date(2017, 1, 1).isoformat(), "label": "New falls policy"} in dated


def test_data_a_chart_refuses_is_a_run_chart_saying_so(plan):
    t = plan.metrics.get(code="T")
    Observation.objects.filter(metric=t, period_start=date(2016, 6, 1)).update(value=Decimal(0))
    page = metric_page(plan, "T", AS_AT, None)
    assert page.chart_kind == "run" and page.assessment.spc is None
    assert any(n.startswith("The data do not suit a t chart (time between events)") for n in page.notes)
    assert page.variation_text == "Not judged: the data do not suit a t chart (time between events)"
    assert metric_page(plan, "G", AS_AT, None).chart_kind == "g"  # the other metrics are judged as usual


def test_a_ratio_chart_without_counts_is_judged_on_xmr_and_says_so(plan):
    page = metric_page(plan, "BARE", AS_AT, None)
    assert page.chart_kind == "xmr" and page.assessment.chart.planned == "pp"
    assert page.notes[0] == (
        "The plan asks for a p′ chart (Laney's proportions), which needs each value's numerator and denominator, "
        "but some values were given without them: judged on an XmR chart instead."
    )
    values = [float(page_row.value) for page_row in page.table]
    alone = spc(values, [d.isoformat() for d in months(N)], improvement="increase")
    assert [r.upl for r in page.table] == [min(float(u), 1.0) for u in alone.upl]


def test_units_are_judged_on_the_metrics_chart(plan):
    from goldenthread.performance.assessment import assess_plan

    last = months(N)[-1]
    Observation.objects.filter(metric__code="P", period_start=last).update(
        numerator=10, denominator=100, value=Decimal("0.1")
    )
    a = assess_plan(plan, as_at=AS_AT, metric_code="P", with_units=True).metrics[0]
    page = metric_page(plan, "P", AS_AT, "north")
    assert page.table[-1].value == 0.1 and page.table[-1].lpl > 0.1  # below the p chart's lower limit
    assert a.units_with_concern == [
        {"unit": "north", "period": last.isoformat(), "value": 0.1, "special_cause_type": "Below LCL"}
    ]
    up = assess_plan(plan, as_at=AS_AT, metric_code="UP", with_units=True).metrics[0]
    assert up.units_with_concern == []  # lower is better: its latest point is not a concern


def test_the_other_charts_cautions_are_worded_by_the_page(client, plan):
    from goldenthread.assurance.charts import chart

    Observation.objects.filter(metric__code="U", period_start=months(N)[3]).update(
        numerator=0, denominator=0, value=None
    )
    page = metric_page(plan, "U", AS_AT, None)
    assert "1 period has a denominator of 0 (nothing to count): shown as gaps" in " ".join(page.notes)
    counts = [_counts(i) for i in range(N)]
    engine = chart(
        "u",
        [0 if i == 3 else c for i, (c, _) in enumerate(counts)],
        months(N),
        [0 if i == 3 else d for i, (_, d) in enumerate(counts)],
    )
    texts = [w for ws in engine.warnings.values() for w in ws]
    assert texts  # the engine's own words for the gap
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    text = html.unescape(client.get("/plans/k/metrics/U/", {"as_at": AS_AT.label}).content.decode())
    assert "denominator of 0 (nothing to count)" in text and not [t for t in texts if t in text]
