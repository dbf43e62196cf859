"""Periods are shown by their names everywhere (issue 13): a quarterly value is "2016/17 Q4", not
"Jan 2017", on the pages, in the chart (rendered), in the board pack (PDF text) and in the open
data (CSV and JSON); a chart drawn as at a past period has one label per period, in order."""

from __future__ import annotations

import csv
import json
import re

import pytest
from django.contrib.auth import get_user_model

from goldenthread.planfile.periods import parse_period
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import download_rows, metric_page
from goldenthread.reports.board import board_pack
from goldenthread.reports.charts import to_svg
from goldenthread.reports.documents import render_pack
from goldenthread.reports.opendata import open_data, write_open_data

from ..quarterly import QUARTER_NAMES as QUARTERS
from ..quarterly import quarterly_plan
from .conftest import docx, docx_text, pdf_text

pytestmark = pytest.mark.django_db

AS_AT = parse_period("2017/18 Q4")
#: a quarter's first month named as a month (a date such as "1 January 2018" is a date, not a period)
MONTH_NAME = re.compile(r"(?<!\d )\b(Jan|Apr|Jul|Oct)[a-z]* 201[678]\b")


def x_labels(spec: dict) -> list[str]:
    """The x axis's labels as drawn by vl-convert (the packs' renderer): the visible texts of the
    X-axis group of the SVG, checked to run left to right. (Charts draw with Vega's labels for
    assistive technology off; they are put back here to find the x axis by its label.)"""
    svg = to_svg({**spec, "config": {**spec["config"], "aria": True}})
    axis = svg[svg.index('aria-label="X-axis') :]
    labels = axis[axis.index('class="mark-text role-axis-label"') :].split("</g>", 1)[0]
    found = re.findall(r'<text[^>]*translate\(([\d.]+),[^>]*opacity="([\d.]+)"[^>]*>([^<]*)</text>', labels)
    shown = [(float(x), text) for x, opacity, text in found if float(opacity) > 0]
    assert [x for x, _ in shown] == sorted(x for x, _ in shown)
    return [text for _, text in shown]


@pytest.fixture
def plan(db):
    return quarterly_plan()


def test_quarterly_values_are_named_as_quarters_on_the_pages(plan, client):
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    page = client.get("/plans/t/metrics/FOUR/", {"as_at": AS_AT.label}).content.decode()
    values = page[page.index("Table of values") :].split("</table>")[0]
    cells = re.findall(r'<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">([^<]*)</td>', values)
    assert cells == QUARTERS
    assert "Latest (2017/18 Q4)" in page and "By organisation, 2017/18 Q4" in page
    assert "target missed in each of the last 3 periods (2017/18 Q2, 2017/18 Q3, 2017/18 Q4)" in page
    assert not MONTH_NAME.search(re.sub(r"<script.*?</script>", "", page, flags=re.S))
    card = client.get("/plans/t/scorecard/", {"as_at": AS_AT.label}).content.decode()
    assert '<span class="nhsuk-body-s">2017/18 Q4</span>' in card
    assert ap.scorecard(plan, AS_AT).rows[0].latest_period == "2017/18 Q4"
    header, rows = download_rows(metric_page(plan, "FOUR", AS_AT, None))
    assert [r[header.index("period_name")] for r in rows] == QUARTERS


def test_quarterly_chart_is_labelled_by_quarter(plan):
    spec = metric_page(plan, "FOUR", AS_AT, None).chart_spec
    assert x_labels(spec) == QUARTERS
    assert [row["name"] for row in spec["data"]["values"]] == QUARTERS  # the tooltip's period


def test_a_chart_as_at_a_past_period_has_one_label_per_period_in_order(plan, ae_plan):
    assert x_labels(metric_page(plan, "FOUR", parse_period("2016/17 Q2"), None).chart_spec) == QUARTERS[:2]
    three = metric_page(ae_plan, "AE4HR", parse_period("2016/17 Q1"), None).chart_spec
    assert x_labels(three) == ["Apr 2016", "May 2016", "Jun 2016"]
    year = x_labels(metric_page(ae_plan, "AE4HR", parse_period("2016/17 Q4"), None).chart_spec)
    months = ["Apr 2016", "May 2016", "Jun 2016", "Jul 2016", "Aug 2016", "Sep 2016"]
    months += ["Oct 2016", "Nov 2016", "Dec 2016", "Jan 2017", "Feb 2017", "Mar 2017"]
    assert len(year) == len(set(year)) >= 6 and [m for m in months if m in year] == year


def test_the_board_pack_names_quarters_in_pdf_and_word(plan, tmp_path):
    pack = board_pack(plan, AS_AT)
    assert [e.code for e in pack.exceptions].count("FOUR") == 1  # once, though it serves two objectives
    text = re.sub(r"\s+", " ", pdf_text(render_pack(pack, "pdf"), tmp_path))
    assert "2017/18 Q4" in text and "2016/17 Q1" in text and "2017/18 Q3" in text  # scorecard, chart axis
    assert not MONTH_NAME.search(text)
    word = docx_text(docx(render_pack(pack, "docx")))
    assert "2017/18 Q4" in word and not MONTH_NAME.search(word)
    for document in (text, word):  # the exception's verdict for the plan's target period, as on the web
        assert "2016/17 Q4: 91.8% against ≥ 95% — not met" in document


def test_open_data_names_quarters(plan, tmp_path):
    write_open_data(open_data(plan, AS_AT, published=True), tmp_path)
    values = list(csv.DictReader((tmp_path / "metric_values.csv").open(encoding="utf-8")))
    assert [v["period_name"] for v in values] == QUARTERS and values[0]["period"] == "2016-04-01"
    card = json.loads((tmp_path / "open_data.json").read_text(encoding="utf-8"))["scorecard"][0]
    assert card["latest_period_name"] == "2017/18 Q4"
    assert (card["target_period"], card["target_met"]) == ("2016/17 Q4", False)
    assert card["target_period_value"] == pytest.approx(0.9175)
    row = next(csv.DictReader((tmp_path / "scorecard.csv").open(encoding="utf-8")))
    assert (row["latest_period_name"], row["target_period"], row["target_met"]) == ("2017/18 Q4", "2016/17 Q4", "false")


def test_a_pack_as_at_an_earlier_quarter_says_the_target_period_had_not_ended(plan):
    pack = board_pack(plan, parse_period("2016/17 Q3"))
    four = next(e for e in pack.exceptions if e.code == "FOUR")
    assert [v.text for v in four.metric.row.verdicts] == [
        "2016/17 Q4: no value held against ≥ 95% — no data (the period had not ended)"
    ]
