"""Charts for everyone (issue 19): each drawn chart is one image named by its summary in plain English,
point types are told by shape as well as colour (on the pages and in the packs, which draw the same
specification), titles and legends fit a narrow screen, the scorecard's sparkline says its trend in
words, and people's labels rather than field or file names reach the pages."""

from __future__ import annotations

import html
import re
from datetime import date

import numpy as np
import pytest
from django.contrib.auth import get_user_model

from goldenthread.planfile import validate_file
from goldenthread.planfile.periods import parse_period
from goldenthread.planfile.quality import check_plan
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters.assurance import sparkline, trend_text
from goldenthread.presenters.charts import (
    ANNOTATION_MARK,
    POINT_COLOURS,
    POINT_LABELS,
    POINT_SHAPES,
    REBASE_MARK,
    TITLE_LINE,
    ChartPoint,
    chart_key,
    spc_chart_spec,
    title_lines,
)
from goldenthread.presenters.metric import metric_page

from ..chart_plans import AS_AT, chart_plan
from ..conftest import PROJECT


def _point(month: int, value: float, point_type: str) -> ChartPoint:
    return ChartPoint(date(2017, month, 1), value, 5.0, 1.0, 9.0, point_type, "")


EVERY_TYPE = [_point(i + 1, 5.0 + i, kind) for i, kind in enumerate(k for k in POINT_LABELS if k != "not_judged")]


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out += [layer, *_layers(layer)]
    return out


def _encoded_points(spec: dict) -> dict:
    return next(layer["encoding"] for layer in _layers(spec) if "shape" in layer.get("encoding", {}))


def test_point_types_are_told_by_shape_as_well_as_colour():
    spec = spc_chart_spec(EVERY_TYPE, title="Anything", y_title="Count", frequency="monthly")
    encoding = _encoded_points(spec)
    colour, shape = encoding["color"], encoding["shape"]
    # the same field, domain and title: Vega-Lite draws one legend showing each type's colour and shape
    assert colour["field"] == shape["field"] == "point_type"
    assert colour["title"] == shape["title"] == "Variation"
    assert colour["scale"]["domain"] == shape["scale"]["domain"]
    domain = shape["scale"]["domain"]
    assert len(domain) == 5 and len(set(shape["scale"]["range"])) == 5  # every type its own shape
    assert colour["scale"]["range"] == [POINT_COLOURS[k] for k in POINT_LABELS if k != "not_judged"]
    # the legend under the chart, one entry a line, so it fits a 320 px screen
    assert shape["legend"]["orient"] == "bottom" and shape["legend"]["columns"] == 1


def test_only_the_types_present_are_in_the_key():
    spec = spc_chart_spec([_point(1, 5.0, "common_cause")], title="A", y_title="Count", frequency="monthly")
    shape = _encoded_points(spec)["shape"]
    assert shape["scale"] == {"domain": ["Common cause"], "range": [POINT_SHAPES["common_cause"]]}


def test_annotations_and_rebases_have_their_own_shapes_and_words():
    assert ANNOTATION_MARK[0] != REBASE_MARK[0]
    spec = spc_chart_spec(
        EVERY_TYPE,
        title="A",
        y_title="Count",
        frequency="monthly",
        annotations=[(date(2017, 2, 1), "New triage")],
        rebases=[(date(2017, 3, 1), "New pathway")],
    )
    markers = {
        layer["mark"]["shape"]: layer["mark"]["color"]
        for layer in _layers(spec)
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "point" and "shape" in layer["mark"]
    }
    assert markers == {ANNOTATION_MARK[0]: "#005eb8", REBASE_MARK[0]: "#330072"}
    key = chart_key(run=False, target=True, trajectory=True, rebases=True, annotations=True)
    assert "colour and its shape" in key
    assert "downward triangle along the top marks an annotation" in key
    assert "square along the top marks where the limits were recalculated" in key
    assert "red dashed line labelled Target" in key and "diamonds the planned trajectory" in key
    assert chart_key(run=True).startswith("Points not judged")
    assert "annotation" not in chart_key(run=False)


def test_marks_guides_and_title_are_left_to_the_page_s_one_name():
    spec = spc_chart_spec(EVERY_TYPE, title="A", y_title="Count", frequency="monthly")
    assert spec["config"]["aria"] is False  # no Vega label on each mark, axis or legend


def test_titles_wrap_to_fit_a_narrow_screen():
    title = "A&E four-hour performance — England and every region of it"
    lines = title_lines(title)
    assert len(lines) > 1 and all(len(line) <= TITLE_LINE for line in lines)
    assert " ".join(lines) == title
    assert title_lines("Short") == ["Short"]
    assert title_lines("Averyveryveryverylongwordwithoutanyspaceswhatsoeverinit") == [
        "Averyveryveryverylongwordwithoutanyspaceswhatsoeverinit"
    ]  # never split inside a word
    spec = spc_chart_spec(EVERY_TYPE, title=title, y_title="Count", frequency="monthly")
    assert spec["title"]["text"] == lines


def test_the_sparkline_says_its_trend_in_words():
    names = ["Jan 2017", "Feb 2017", "Mar 2017", "Apr 2017"]
    assert trend_text(np.array([0.9, 0.85, np.nan, 0.8]), names, "percentage") == (
        "Trend of the last 3 values, Jan 2017 to Apr 2017: falling from 90.0% to 80.0%; lowest 80.0%, highest 90.0%."
    )
    assert trend_text(np.array([3.0, 7.0]), [], "count").startswith("Trend of the last 2 values: rising from 3 to 7")
    assert "ending where it began, at 4" in trend_text(np.array([4.0, 9.0, 4.0]), [], "count")
    # the same as shown is the same: 90.04% and 89.96% both read 90.0%
    assert "ending where it began, at 90.0%" in trend_text(np.array([0.9004, 0.85, 0.8996]), [], "percentage")
    svg = str(sparkline(np.array([1.0, 2.0, 3.0]), periods=[date(2017, m, 1) for m in (1, 2, 3)], frequency="monthly"))
    assert 'role="img"' in svg and "aria-hidden" not in svg
    label = re.search(r'aria-label="([^"]*)"', svg).group(1)
    assert label == "Trend of the last 3 values, Jan 2017 to Mar 2017: rising from 1 to 3; lowest 1, highest 3."
    assert f"<title>{label}</title>" in svg


@pytest.fixture
def reader(client, db):
    chart_plan()
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    from goldenthread.access import roles

    roles.grant(user, roles.BOARD)
    client.force_login(user)
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_metric_page_s_chart_is_one_image_named_by_its_summary(reader):
    body = _page(reader, f"/plans/c/metrics/WIDE/?as_at={AS_AT}")
    plan = m.Plan.objects.get(code="c")
    page = metric_page(plan, "WIDE", parse_period(AS_AT), None)
    assert page is not None and page.chart_summary.startswith("Statistical process control chart of Wild percentages")
    images = re.findall(r'<div class="gt-chart__image" role="img" aria-label="([^"]*)">\s*<div ([^>]*)>', body)
    assert len(images) == 1
    label, inner = images[0]
    assert html.unescape(label) == page.chart_summary
    # the drawing goes inside, hidden from assistive technology (vega-embed writes its own role there)
    assert 'id="spc-chart"' in inner and 'data-chart="spc-spec"' in inner and 'aria-hidden="true"' in inner
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", body, re.S).group(1)
    assert html.unescape(caption).startswith(page.chart_key) and "colour and its shape" in caption


def test_the_scorecard_s_sparklines_say_their_trend(reader):
    body = html.unescape(_page(reader, f"/plans/c/scorecard/?as_at={AS_AT}"))
    labels = re.findall(r'<svg class="gt-sparkline"[^>]* role="img" aria-label="([^"]*)"', body)
    assert labels and all(label.startswith("Trend of the last ") for label in labels)
    assert any("Wild percentages" not in label and "%" in label for label in labels)


def test_pages_name_the_source_document_by_its_title_and_the_check_speaks_plainly(client, db):
    result = validate_file(PROJECT / "plans" / "developing-people.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    plan = m.Plan.objects.get(code="developing-people")
    assert plan.source_file.endswith(".txt") and plan.source_title
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    from goldenthread.access import roles

    roles.grant(user, roles.BOARD)
    client.force_login(user)
    body = html.unescape(_page(client, "/plans/developing-people/"))
    assert plan.source_title in body
    assert plan.source_file not in body
    assert "contributes_to" not in body
    details = [f.detail for f in check_plan(result.plan) if f.check == "priority_without_contributor"]
    assert details and all("contributes_to" not in d for d in details)


def test_the_packs_draw_the_same_shapes_and_name_the_chart_once(db):
    """The packs draw the specification with vl-convert: the legend's symbols differ in shape, and the
    SVG is one image named by the text the pack gives it (the metric page's summary)."""
    from goldenthread.reports.charts import to_svg
    from goldenthread.reports.render import chart_svg

    spec = spc_chart_spec(EVERY_TYPE, title="A", y_title="Count", frequency="monthly")
    svg = to_svg(spec)
    legend = svg[svg.index('class="mark-group role-legend"') :]
    symbols = re.findall(r'class="mark-symbol role-legend-symbol"[^>]*><path [^>]*\bd="([^"]+)"', legend)
    assert len(symbols) == 5 and len(set(symbols)) == 5
    drawn = str(chart_svg(spec, "Summary of the chart <b>"))
    assert drawn.count('role="img"') == 1 and 'aria-label="Summary of the chart &lt;b&gt;"' in drawn
    assert "graphics-symbol" not in drawn
