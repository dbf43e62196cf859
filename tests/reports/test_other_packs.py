"""The directorate review pack, the plan on two pages and open data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model

from goldenthread.cycles.demo import load_cycle_demo
from goldenthread.demo import DEMO_ACCOUNTS
from goldenthread.formatting import csv_cell as safe_cell
from goldenthread.planfile import validate_file
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters import assurance as ap
from goldenthread.reports.directorate import UnitNotFound, directorate_pack, find_unit, unit_scope
from goldenthread.reports.documents import render_pack, render_summary
from goldenthread.reports.opendata import DICTIONARY, open_data, write_open_data
from goldenthread.reports.summary import plan_summary

from ..conftest import PROJECT
from .conftest import PERIOD, docx, headings, page_count, pdf_text

pytestmark = pytest.mark.django_db


# --- directorate pack ------------------------------------------------------------------------


def test_directorate_pack_is_the_units_share(plan):
    north = find_unit(plan, "north")
    pack = directorate_pack(plan, north, PERIOD)
    assert [s.code for s in pack.objectives] == ["S1"]
    assert [r.row.code for r in pack.scorecard] == ["FOUR"]
    assert [e.code for e in pack.exceptions] == ["FOUR"]  # the overdue A1 belongs to no unit of the North
    south = directorate_pack(plan, find_unit(plan, "South"), PERIOD)
    assert south.objectives == [] and south.exceptions == [] and south.scorecard == []
    with pytest.raises(UnitNotFound, match="use one of: england, north, south"):
        find_unit(plan, "east")


def test_unit_includes_the_units_below_it(plan):
    scope = unit_scope(plan, find_unit(plan, "england"))
    assert {o.code for o in m.Objective.objects.filter(pk__in=scope.objective_ids)} == {"S1"}
    assert scope.unit_ids == set(plan.org_units.values_list("pk", flat=True))


def test_directorate_pack_documents(plan, tmp_path):
    pack = directorate_pack(plan, find_unit(plan, "north"), PERIOD)
    text = pdf_text(render_pack(pack, "pdf"), tmp_path)
    for heading in (
        "Accountability review pack: North",
        "3. The latest update and review",
        "4. Objectives of North",
        "North has not submitted an update",
    ):
        assert heading in text, heading
    found = headings(docx(render_pack(pack, "docx")))
    assert "3. The latest update and review" in found and "4. Objectives of North" in found


def test_directorate_pack_quotes_the_update_and_review(db):
    """Seed 001's demo cycle: Medical's Q1 update and the review with its decisions and actions."""
    result = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    load_plan(result.plan)
    users = get_user_model()
    for username in DEMO_ACCOUNTS:
        users.objects.get_or_create(username=username)
    load_cycle_demo(io.StringIO())
    plan = m.Plan.objects.get(code="nhsei-2019")
    pack = directorate_pack(plan, find_unit(plan, "medical"), parse_period("2019/20 Q1"))
    assert pack.commentary and pack.commentary[0].unit == "Medical" and pack.commentary[0].period == "2019/20 Q1"
    assert pack.review is not None and pack.review.chair == "Chief Financial Officer"
    assert "Agree the Q1 update as submitted." in pack.review.decisions
    assert {a.description for a in pack.actions} >= {"Share the regional Medical Examiner recruitment trajectory"}
    html = render_pack(pack, "html").decode()
    assert "Chief Financial Officer" in html and "Share the regional Medical Examiner recruitment trajectory" in html


# --- the plan on two pages -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["nhse-2013", "nhsi-2016", "dh-2014", "nhsei-2019", "developing-people"])
def test_summary_is_two_pages_for_every_seed_plan(code, tmp_path, db):
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    load_plan(result.plan)
    summary = plan_summary(m.Plan.objects.get(code=code))
    data = render_summary(summary, "pdf")
    assert page_count(data, tmp_path) <= 2
    text = pdf_text(data, tmp_path)
    for heading in ("Purpose", "Priorities", "Key deliverables", "Budget"):
        assert heading in text


def test_summary_of_nhse_2013_is_like_seed_004(tmp_path, db):
    result = validate_file(PROJECT / "plans" / "nhse-2013.yaml")
    load_plan(result.plan)
    plan = m.Plan.objects.get(code="nhse-2013")
    summary = plan_summary(plan)
    assert summary.scorecard_is_headline and len(summary.scorecard) == 11  # the 11-point scorecard
    assert summary.scorecard[0].row.title.startswith("Satisfied patients")
    assert summary.budget and summary.budget[0].period == "2013/14"
    text = pdf_text(render_summary(summary, "pdf"), tmp_path)
    assert "The scorecard" in text and "Operating model area" in text and "No spend recorded" in text
    word = docx(render_summary(summary, "docx"))
    assert {"Purpose", "The scorecard", "Priorities", "Key deliverables", "Budget"} <= set(headings(word))
    assert len(word.tables[0].rows) == 12


# --- open data -------------------------------------------------------------------------------


def test_open_data_is_the_scorecard_and_its_values(plan, tmp_path):
    data = open_data(plan, PERIOD, published=True)
    paths = write_open_data(data, tmp_path / "out")
    assert [p.name for p in paths] == ["scorecard.csv", "metric_values.csv", "data_dictionary.csv", "open_data.json"]
    rows = list(csv.DictReader((tmp_path / "out" / "scorecard.csv").open(encoding="utf-8")))
    web = ap.scorecard(plan, PERIOD).rows
    assert [r["metric"] for r in rows] == [r.code for r in web]
    assert ap.format_value(float(rows[0]["latest_value"]), "percentage") == web[0].latest_value
    assert rows[0]["status"] == web[0].status and rows[0]["where"] == "England"
    values = list(csv.DictReader((tmp_path / "out" / "metric_values.csv").open(encoding="utf-8")))
    assert len(values) == 24 and values[-1]["period"] == "2018-03-01"
    assert float(values[-1]["numerator"]) / float(values[-1]["denominator"]) == pytest.approx(
        float(values[-1]["value"])
    )
    dictionary = list(csv.DictReader((tmp_path / "out" / "data_dictionary.csv").open(encoding="utf-8")))
    for name in ("scorecard.csv", "metric_values.csv"):
        assert [d["column"] for d in dictionary if d["file"] == name] == list(
            rows[0].keys() if name == "scorecard.csv" else values[0].keys()
        )
    document = json.loads((tmp_path / "out" / "open_data.json").read_text())
    assert document["plan"] == "t" and document["as_at"] == "2017/18 Q4" and document["published"] is True
    assert document["scorecard"][0]["latest_value"] == pytest.approx(float(rows[0]["latest_value"]))
    assert set(document["data_dictionary"]) == {"scorecard.csv", "metric_values.csv"}


def test_open_data_csv_escapes_formulas_json_keeps_text(marked_plan, tmp_path):
    write_open_data(open_data(marked_plan, PERIOD, published=True), tmp_path)
    rows = list(csv.DictReader((tmp_path / "scorecard.csv").open(encoding="utf-8")))
    assert rows[0]["title"].startswith("'=HYPERLINK(")
    assert json.loads((tmp_path / "open_data.json").read_text())["scorecard"][0]["title"].startswith("=HYPERLINK(")
    assert [safe_cell(x) for x in ("+1", "-x", "@a", "\tq", "ok", -0.5, None, True)] == [
        "'+1",
        "'-x",
        "'@a",
        "'\tq",
        "ok",
        -0.5,
        "",
        "true",
    ]
    assert all(c for cols in DICTIONARY.values() for c in cols)
