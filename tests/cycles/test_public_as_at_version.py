"""A published quarter's public scorecard and open data keep the targets of the version of the plan
in force then, after a change approved from a later quarter, and say which version that is."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from goldenthread.cycles import services
from goldenthread.performance.loading import load_file

from ..versioned import OLD_TARGET, approve_change, revise_target
from .test_public_scorecard import FIGURES, OPEN_DATA, SCORECARD, rows

pytestmark = pytest.mark.django_db


def test_the_published_q1_scorecard_keeps_the_target_then_in_force(world, client):
    assert load_file(FIGURES.encode(), world.plan, name="figures.csv").ok
    approve_change(world.plan, revise_target)
    planner = world.users["planner"]
    services.publish(world.plan, user=planner)
    services.publish(world.plan, world.period(1), user=planner)
    html = client.get(SCORECARD).content.decode()
    assert '"target": 1.0' in html and '"target": 0.9' not in html  # the chart's target line
    page = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "Plan as at 2019/20 Q1: version 1, in force from 2019/20 — the current version is 2" in page
    assert OLD_TARGET in page and "≥ 90.0%" not in page and "MED-2-M2" not in page
    med = next(r for r in rows(client, "scorecard.csv") if r["metric"] == "MED-2-M1")
    # "=" is written as text a spreadsheet will not run
    assert (float(med["target"]), med["comparison"], med["target_by"]) == (1.0, "'=", "2020-03")
    assert json.loads(client.get(OPEN_DATA + "open_data.json").content)["plan_version"] == 1
