"""Issue 7's acceptance: ``goldenthread report board nhsi-2016 --period "2016/17 Q4" --format pdf``
shows A&E four-hour performance as an exception, with its chart — on the real A&E data."""

from __future__ import annotations

import re

import pytest

from goldenthread.cli.main import main
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import metric_page
from goldenthread.reports.board import board_pack

from .conftest import AE_PERIOD, pdf_pages, pdf_text


@pytest.mark.django_db(transaction=True)
def test_board_pack_shows_ae_four_hour_performance_as_an_exception_with_its_chart(ae_plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "board", "nhsi-2016", "--period", "2016/17 Q4", "--format", "pdf"]) == 0
    data = (tmp_path / "nhsi-2016-board-2016-17-Q4.pdf").read_bytes()
    text = pdf_text(data, tmp_path)
    exceptions = re.sub(r"\s+", " ", text.split("2. Exceptions")[2].split("3. Directorates")[0])  # [1] is the contents
    assert "AE4HR A&E four-hour performance Concern" in exceptions
    assert "The process limits show the target will consistently be missed" in exceptions
    # the chart, drawn into the PDF: its title, axis, legend and target line are text in the page
    assert "A&E four-hour performance — England" in exceptions
    assert "Special cause – concern" in exceptions and "Target" in exceptions
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    assert (
        f"Latest {ap.format_value(page.latest[1], 'percentage')} (Mar 2017)" in exceptions
    )  # the metric page's figure
    assert "90.0%" in exceptions
    assert len(pdf_pages(data, tmp_path)) > 5


@pytest.mark.django_db
def test_ae_exception_is_the_metric_pages_figures(ae_plan):
    pack = board_pack(ae_plan, AE_PERIOD)
    ae = next(e for e in pack.exceptions if e.code == "AE4HR")
    page = metric_page(ae_plan, "AE4HR", AE_PERIOD, None)
    assert ae.chart.spec["layer"][0]["mark"] == {  # AE4HR is judged on a p′ chart (issue 18: a ratio of a
        "type": "line",  # percentage's default), its limits varying with each month's attendances
        "color": "#768692",
        "strokeWidth": 1.5,
        "interpolate": "step",
        "strokeDash": [4, 3],
    }
    assert [row["value"] for row in ae.chart.spec["data"]["values"]] == [r.value for r in page.table]
    assert ae.metric.row.assurance_text == page.assurance_text == "Assurance: the target will consistently be missed"
    assert ae.metric.period_value == "87.6%"  # January to March 2017 as a ratio of sums
    assert [b.title for b in ae.breakdowns] == ["By department type", "By organisation"]
    assert pack.where == "England"
