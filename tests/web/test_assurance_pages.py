"""Scorecard, metric and exceptions pages: content, downloads, hostile input, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from ..factories import plan_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    plan_with_data()
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


def test_pages_need_sign_in(client):
    plan_with_data()
    for url in ("/plans/t/scorecard/", "/plans/t/exceptions/", "/plans/t/metrics/FOUR/"):
        assert client.get(url).status_code == 302


def test_scorecard(signed_in):
    page = signed_in.get("/plans/t/scorecard/?as_at=2017/18 Q4").content.decode()
    assert "Scorecard as at 2017/18 Q4" in page
    assert "FOUR Four-hour performance" in page and "≥ 95.0% by 2016/17 Q4" in page
    assert (
        'aria-label="Special cause variation: concern (lower)"' in page or 'aria-label="Common cause variation"' in page
    )
    assert "gt-sparkline" in page and "The plan's headline measures" in page


def test_metric_page_shows_chart_table_breakdowns_and_trigger(signed_in):
    page = signed_in.get("/plans/t/metrics/FOUR/?as_at=2017/18 Q4").content.decode()
    assert 'id="spc-spec"' in page and '"$schema"' in page
    assert "Table of values" in page and "Mar 2018" in page
    assert "By department type, Mar 2018" in page and "By organisation, Mar 2018" in page  # periods by name
    assert "Gap between best and worst" in page
    assert "Three months below the standard" in page
    assert "Machine rules: below target for 3 periods; special cause concern" in page


def test_metric_page_for_a_region(signed_in):
    page = signed_in.get("/plans/t/metrics/FOUR/?where=north&as_at=2017/18 Q4").content.decode()
    assert '<option value="north" selected>' in page and "Four-hour performance \\u2014 North" in page


def test_bad_period_is_explained_on_the_400_page(signed_in):
    """Issue 15: a bad ``as_at`` is the 400 page with the message (it used to show the default
    with an error beside the period form)."""
    response = signed_in.get("/plans/t/metrics/FOUR/?as_at=<script>&where=north")
    assert response.status_code == 400
    page = response.content.decode()
    assert "&#39;&lt;script&gt;&#39; is not a period" in page and "<script>'" not in page
    assert 'href="/plans/t/metrics/FOUR/?where=north"' in page  # the page without the bad parameter


def test_downloads_are_what_is_shown(signed_in):
    response = signed_in.get("/plans/t/metrics/FOUR/?as_at=2017/18 Q4&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["metric", "where", "period", "value"] and len(rows) == 25
    xlsx = signed_in.get("/plans/t/metrics/FOUR/?as_at=2017/18 Q4&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 25 and sheet["C2"].value == "2016-04-01"


def test_exceptions(signed_in):
    page = signed_in.get("/plans/t/exceptions/?as_at=2017/18 Q4").content.decode()
    assert "Metric FOUR Four-hour performance" in page
    assert "target missed in each of the last 3 periods" in page
    assert "Activity A1 Publish" in page and "overdue since 30 September 2016" in page
    assert "North" in page  # the objective's directorate


def test_unknown_metric_is_404(signed_in):
    assert signed_in.get("/plans/t/metrics/NOPE/").status_code == 404
    assert signed_in.get("/plans/nope/scorecard/").status_code == 404


@pytest.mark.parametrize("url", ["/plans/t/scorecard/", "/plans/t/exceptions/", "/plans/t/metrics/FOUR/"])
def test_query_count_does_not_grow_with_metrics(signed_in, url, django_assert_max_num_queries):
    from goldenthread.planfile import validate_text
    from goldenthread.plans.store import load_plan

    from ..factories import PLAN_WITH_DATA

    with django_assert_max_num_queries(30) as small:
        signed_in.get(url + "?as_at=2017/18 Q4")
    extra = "".join(f"  - {{code: X{i}, title: Extra {i}, objectives: [S1], unit: count}}\n" for i in range(15))
    load_plan(validate_text(PLAN_WITH_DATA.replace("activity_rules:", extra + "activity_rules:")).plan)
    with django_assert_max_num_queries(len(small.captured_queries)):
        signed_in.get(url + "?as_at=2017/18 Q4")
