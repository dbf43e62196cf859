"""What the chart pages say (issue 18): honest small samples, limits inside a measure's range, and
never a word of the engine's own text on a page — the metric page, the scorecard, the exceptions
and the board pack."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from django.contrib.auth import get_user_model

from goldenthread.assurance.charts import CHART_NOTE_CODES
from goldenthread.assurance.results import NOTE_CODES, Note
from goldenthread.assurance.spc import spc
from goldenthread.performance.assessment import assess_plan, to_data
from goldenthread.performance.charting import MIN_POINTS
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.presenters import chart_notes
from goldenthread.presenters.chart_series import possible_range
from goldenthread.presenters.metric import metric_page
from goldenthread.reports.opendata import open_data

from ..chart_plans import AS_AT, chart_plan
from ..versioned import Q2, nhsei_with_data

pytestmark = pytest.mark.django_db

#: the engine's own words that a page must never show, whatever the series
ENGINE_WORDS = (
    "fix_after_n_points",
    "n < ",
    "NHSRplotthedots expects",
    "moving range",
    "segment starting",
    "trial limits, which",
)


@pytest.fixture
def reader(client):
    chart_plan()
    from goldenthread.access import roles

    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)  # the board pack quotes every unit's updates
    client.force_login(user)
    return client


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _engine_texts(plan) -> set[str]:
    """Every warning the engine writes for the plan's series (run alone, as for the short ones too)."""
    texts: set[str] = set()
    for a in assess_plan(plan, as_at=parse_period(AS_AT), where_code="north").metrics:
        if len(a.series.periods):
            texts.update(spc(a.series.values, np.asarray(a.series.periods, dtype="datetime64[D]")).warnings)
    return texts


def test_every_engine_code_has_a_sentence():
    codes = set(NOTE_CODES) | set(CHART_NOTE_CODES)  # the XmR engine's and the other charts'
    assert codes <= set(chart_notes.SENTENCES)
    for code in sorted(codes):
        text = chart_notes.word(Note(code, number=2, date="2017-01-01"), "monthly")
        assert ("Jan 2017" in text or "2" in text) and text != chart_notes.UNWORDED
        assert not any(w in text for w in ENGINE_WORDS)
    assert chart_notes.word(Note("something_new"), "monthly") == chart_notes.UNWORDED


def test_no_engine_text_reaches_a_page(reader):
    plan = m.Plan.objects.get(code="c")
    engine = _engine_texts(plan)
    assert len(engine) == 3  # the short-group, gap and undefined-limits warnings
    pages = [
        f"/plans/c/metrics/{code}/?where=north&as_at={AS_AT}" for code in ("SHORT", "WIDE", "GAPS", "FLAT", "TWELVE")
    ]
    pages += [f"/plans/c/scorecard/?as_at={AS_AT}", f"/plans/c/exceptions/?as_at={AS_AT}"]
    pages += [f"/plans/c/reports/board.html?period={AS_AT}"]
    for url in pages:
        text = _text(reader.get(url))
        assert not [t for t in engine if t in text], url
        assert not [w for w in ENGINE_WORDS if w in text], url
    gaps = _text(reader.get(f"/plans/c/metrics/GAPS/?where=north&as_at={AS_AT}"))
    assert "2 periods have no value: left out of the mean and the limits" in gaps
    flat = _text(reader.get(f"/plans/c/metrics/FLAT/?where=north&as_at={AS_AT}"))
    assert "No process limits from Apr 2016: the values do not vary" in flat
    twelve = _text(reader.get(f"/plans/c/metrics/TWELVE/?where=north&as_at={AS_AT}"))
    assert "fewer than 13 points since it began or was rebased" in twelve


def test_too_few_points_is_a_run_chart_without_judgement(reader):
    text = _text(reader.get(f"/plans/c/metrics/SHORT/?where=north&as_at={AS_AT}"))
    assert (
        f"Only 2 points: too few for control limits (at least {MIN_POINTS} are needed, per NHSRplotthedots' "
        "guidance on the number of points required for robust control limits); shown as a run chart" in text
    )
    assert "Run chart" in text and "Median" in text
    assert "Not enough data: 2 points, 12 needed for a judgement" in text
    assert "Common cause" not in text and "consistently" not in text
    plan = m.Plan.objects.get(code="c")
    page = metric_page(plan, "SHORT", parse_period(AS_AT), "north")
    assert page.chart_kind == "run" and page.assessment.spc is None
    assert all(r.lpl is None and r.upl is None and r.mean == pytest.approx(0.745) for r in page.table)
    assert [layer["name"] for layer in page.chart_spec["layer"] if "name" in layer] == ["mean"]  # no limits
    scorecard = _text(reader.get(f"/plans/c/scorecard/?as_at={AS_AT}"))
    assert "Not enough data" in scorecard
    pack = _text(reader.get(f"/plans/c/reports/board.html?period={AS_AT}"))  # SHORT misses its target
    assert (
        "Run chart of Two points for England, 2 points from Apr 2016 to May 2016. Latest value 99.0% (May 2016). "
        "Median 74.5%. Target = 100.0%. Not enough data: 2 points, 12 needed for a judgement. Only 2 points: too "
        "few for control limits (at least 12 are needed" in pack
    )
    row = next(
        x
        for x in to_data(assess_plan(plan, as_at=parse_period(AS_AT), where_code="north"))["metrics"]
        if x["code"] == "SHORT"
    )
    assert (row["chart"], row["variation"], row["assurance"], row["warnings"]) == ("run", None, None, [])


def test_med_2_m1_two_points_judge_nothing():
    plan = nhsei_with_data()
    page = metric_page(plan, "MED-2-M1", Q2, None)
    assert page.chart_kind == "run" and page.assessment.spc is None
    assert page.notes[0].startswith("Only 2 points: too few for control limits (at least 12 are needed")
    one = metric_page(plan, "MED-2-M1", parse_period("2019/20 Q1"), None)  # one point: the engine finds no limits
    assert one.notes[0].startswith("Only 1 point: too few") and not any("No process limits" in n for n in one.notes)
    assert page.status.reason == "target missed in the latest period"  # not "will consistently miss"


def test_limits_never_run_past_the_measures_range(reader):
    plan = m.Plan.objects.get(code="c")
    raw = assess_plan(plan, as_at=parse_period(AS_AT), where_code="north")
    wide = next(a for a in raw.metrics if a.metric.code == "WIDE")
    assert np.nanmax(wide.spc.upl) > 1 and np.nanmin(wide.spc.lpl) < 0  # the engine's own figures, unchanged
    for code in ("WIDE", "GAPS", "TWELVE", "SCALED", "SHORT"):
        page = metric_page(plan, code, parse_period(AS_AT), "north")
        low, high = possible_range(page.metric)
        shown = [v for r in page.table for v in (r.lpl, r.upl) if v is not None]
        shown += [v for row in page.chart_spec["data"]["values"] for v in (row["lpl"], row["upl"]) if v is not None]
        assert shown or code == "SHORT"
        assert all((low is None or v >= low) and (high is None or v <= high) for v in shown), code
    text = _text(reader.get(f"/plans/c/metrics/WIDE/?where=north&as_at={AS_AT}"))
    assert "100.0%" in text and "0.0%" in text and "-" + "96" not in text
    page = metric_page(plan, "SCALED", parse_period(AS_AT), "north")
    assert {r.lpl for r in page.table} == {1.0} and {r.upl for r in page.table} == {5.0}
    data = open_data(plan, parse_period(AS_AT), published=False)  # the open data's limits as the pages'
    wide_rows = [r for r in data.values if r["metric"] == "WIDE"]
    assert {r["upper_process_limit"] for r in wide_rows} == {1.0} and {r["lower_process_limit"] for r in wide_rows} == {
        0.0
    }
    assert {r["lower_process_limit"] for r in data.values if r["metric"] == "SHORT"} == {None}  # not judged
