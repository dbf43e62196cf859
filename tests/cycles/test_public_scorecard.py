"""The public pages show a published period's scorecard with its charts, and its figures as open
data (CSV and JSON) to download — only for a period published with its plan, and only the figures
as at that period (issue 13: open data was command-line only)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from goldenthread.cycles import services
from goldenthread.performance.loading import load_file

SCORECARD = "/public/plans/nhsei-2019/2019-20-q1/scorecard/"
OPEN_DATA = "/public/plans/nhsei-2019/2019-20-q1/open-data/"
LATER = "0.4321"  # a value for 2019/20 Q2, after the published quarter: never public with Q1
FIGURES = (
    "metric,org_unit,period,numerator,denominator,value\n"
    "MED-2-M1,nhsei,2018/19 Q1,,,0.61\nMED-2-M1,nhsei,2018/19 Q2,,,0.64\nMED-2-M1,nhsei,2018/19 Q3,,,0.66\n"
    "MED-2-M1,nhsei,2018/19 Q4,,,0.7\nMED-2-M1,nhsei,2019/20 Q1,,,0.75\n"
    f"MED-2-M1,nhsei,2019/20 Q2,,,{LATER}\n"
)


@pytest.fixture
def published(world):
    report = load_file(FIGURES.encode(), world.plan, name="figures.csv")
    assert report.ok, report.problem_lines()
    planner = world.users["planner"]
    services.publish(world.plan, user=planner)
    services.publish(world.plan, world.period(1), user=planner)
    return world


def rows(client, name: str) -> list[dict]:
    response = client.get(OPEN_DATA + name)
    assert response.status_code == 200, name
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="nhsei-2019-2019-20-q1-{name[:-4]}.csv"' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_public_scorecard_shows_the_measures_as_at_the_published_quarter(published, client):
    response = client.get(SCORECARD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Scorecard as at 2019/20 Q1" in page and "MED-2-M1 All hospital deaths subject to Medical Examiner" in page
    assert "75.0%" in page and "43.2%" not in page
    for name in ("scorecard.csv", "metric_values.csv", "data_dictionary.csv", "open_data.json"):
        assert f'href="{OPEN_DATA}{name}"' in page
    assert "/plans/nhsei-2019/" not in page.replace("/public/plans/nhsei-2019/", "")  # no signed-in pages


def test_each_measure_with_figures_has_its_chart_drawn_from_the_same_figures(published, client):
    page = client.get(SCORECARD).content.decode()
    # drawn inside one image named by the chart's summary (issue 19)
    image = re.search(r'<div class="gt-chart__image" role="img" aria-label="([^"]*)">\s*(<div [^>]*>)', page)
    assert image and image[1].startswith("Run chart of All hospital deaths subject to Medical Examiner")
    assert image[2] == (
        '<div id="chart-MED-2-M1" class="gt-chart__canvas" data-chart="chart-MED-2-M1-spec" aria-hidden="true">'
    )
    found = re.search(r'<script id="chart-MED-2-M1-spec" type="application/json">(.*?)</script>', page, re.S)
    assert found, page
    spec = json.loads(found.group(1))
    values = [row for layer in spec["layer"] if "data" in layer for row in layer["data"].get("values", [])]
    values += spec.get("data", {}).get("values", [])
    periods = {row["period"] for row in values if "period" in row}
    assert "2019-04-01" in periods and "2019-07-01" not in periods
    assert LATER not in found.group(1)
    assert 'src="/static/goldenthread/charts.js"' in page and "https://" not in page.split("<body")[0]


def test_open_data_csv_and_json_hold_the_published_figures_only(published, client):
    card = rows(client, "scorecard.csv")
    med = next(r for r in card if r["metric"] == "MED-2-M1")
    assert (med["as_at"], float(med["latest_value"]), float(med["target"])) == ("2019/20 Q1", 0.75, 1.0)
    values = [r for r in rows(client, "metric_values.csv") if r["metric"] == "MED-2-M1"]
    assert [r["period"] for r in values] == ["2018-04-01", "2018-07-01", "2018-10-01", "2019-01-01", "2019-04-01"]
    assert {r["file"] for r in rows(client, "data_dictionary.csv")} >= {"scorecard.csv", "metric_values.csv"}
    response = client.get(OPEN_DATA + "open_data.json")
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["plan"] == "nhsei-2019" and document["as_at"] == "2019/20 Q1" and document["published"] is True
    assert [r["metric"] for r in document["scorecard"]] == [r["metric"] for r in card]
    assert LATER not in response.content.decode() and all(LATER not in str(r) for r in values)


def test_nothing_unpublished_is_open(published, client):
    planner = published.users["planner"]
    assert client.get("/public/plans/nhsei-2019/2019-20-q2/scorecard/").status_code == 404
    assert client.get("/public/plans/nhsei-2019/2019-20-q2/open-data/scorecard.csv").status_code == 404
    assert client.get(OPEN_DATA + "secrets.csv").status_code == 404
    assert client.get(OPEN_DATA + "../scorecard.csv").status_code == 404
    assert client.get("/public/plans/NHSEI-2019/2019-20-q1/scorecard/").status_code == 404
    assert client.get("/public/plans/example-2019/2019-20-q1/scorecard/").status_code == 404
    services.withdraw(published.plan, published.period(1), user=planner)
    assert client.get(SCORECARD).status_code == 404 and client.get(OPEN_DATA + "open_data.json").status_code == 404
    services.publish(published.plan, published.period(1), user=planner)
    services.withdraw(published.plan, user=planner)
    assert client.get(SCORECARD).status_code == 404 and client.get(OPEN_DATA + "scorecard.csv").status_code == 404


def test_the_public_plan_and_period_pages_lead_to_the_scorecard(published, client):
    assert f'href="{SCORECARD}"' in client.get("/public/plans/nhsei-2019/").content.decode()
    assert f'href="{SCORECARD}"' in client.get("/public/plans/nhsei-2019/2019-20-q1/").content.decode()


def test_open_data_csv_escapes_formulas(published, client):
    from goldenthread.plans.models import Metric

    Metric.objects.filter(plan=published.plan, code="MED-2-M1").update(title='=HYPERLINK("http://x")')
    response = client.get(OPEN_DATA + "scorecard.csv").content.decode()
    assert "'=HYPERLINK" in response
    assert "&lt;" not in response  # CSV, not HTML


def test_markup_in_a_measures_title_is_shown_as_text(published, client):
    from goldenthread.plans.models import Metric

    Metric.objects.filter(plan=published.plan, code="MED-2-M1").update(title="<script>alert(1)</script>")
    page = client.get(SCORECARD).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
