"""A visitor who is not signed in opens a published quarter's scorecard in Chromium: the charts are
drawn under the Content-Security-Policy from the product's own files, and the open data downloads
(issue 13)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.cycles import services
from goldenthread.performance.loading import load_file
from goldenthread.planfile import validate_file
from goldenthread.plans.models import Plan
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from .conftest import screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

FIGURES = "metric,org_unit,period,value\n" + "".join(
    f"MED-2-M1,nhsei,{q},{v}\n"
    for q, v in [("2018/19 Q1", 0.61), ("2018/19 Q2", 0.64), ("2018/19 Q3", 0.66), ("2018/19 Q4", 0.7)]
    + [("2019/20 Q1", 0.75), ("2019/20 Q2", 0.4321)]
)


@pytest.fixture
def published_quarter():
    load_plan(validate_file(PROJECT / "plans" / "nhsei-2019.yaml").plan)
    plan = Plan.objects.get(code="nhsei-2019")
    assert load_file(FIGURES.encode(), plan, name="figures.csv").ok
    services.generate_periods(plan)
    admin = get_user_model().objects.create_superuser("root", password="a-long-password")
    services.publish(plan, user=admin)
    services.publish(plan, plan.reporting_periods.get(slug="2019-20-q1"), user=admin)


def test_a_visitor_reads_the_published_scorecard_with_its_charts_and_takes_the_open_data(page, published_quarter):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/public/plans/nhsei-2019/")
    page.get_by_role("link", name="scorecard and open data as at 2019/20 Q1").click()
    expect(page.get_by_role("heading", name="Scorecard as at 2019/20 Q1", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name="MED-2-M1")).to_contain_text("75.0%")
    page.wait_for_selector("#chart-MED-2-M1[data-drawn='true'] svg")
    expect(page.locator("#chart-MED-2-M1 svg")).to_be_visible()
    screenshot(page, "public-scorecard")
    base = page.url.split("/public/")[0]
    assert requested and all(url.startswith(base) for url in requested), requested

    with page.expect_download() as download:
        page.get_by_role("link", name="scorecard.csv").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert next(r for r in rows if r["metric"] == "MED-2-M1")["latest_value"] == "0.75"
    with page.expect_download() as download:
        page.get_by_role("link", name="open_data.json").click()
    document = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert document["as_at"] == "2019/20 Q1" and "0.4321" not in json.dumps(document)
