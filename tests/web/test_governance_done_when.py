"""Issue 16's "Done when", on the five seed plans as they are held in plans/*.yaml.

- The five seed plans load with their governance; the page for DQPCiC shows the quarterly review
  of the 2019/20 work programme, and the 27 June 2019 board meeting lists item 12 with the
  nhsei-2019 plan and its pack.
- A meeting's pack for nhsi-2016 on a date in 2017 is the board pack as at 2016/17 Q4.
- nhse-2013 holds all five Offers; nhsei-2019 holds DQPCiC; ``plan check`` reports the inferred
  details of nhsi-2016 as sourced (none unsourced).
- Round trips as for every other element (the seeds' own tests and tests/plans/test_store_governance.py
  cover the rest; here, each seed's governance survives load → export → load unchanged).
"""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from goldenthread.access import roles
from goldenthread.cli.main import main
from goldenthread.planfile import validate_file, validate_text
from goldenthread.plans import models as pm
from goldenthread.plans.store import export_plan, load_plan

pytestmark = pytest.mark.django_db

PLANS = Path(__file__).resolve().parents[2] / "plans"
SEEDS = ("dh-2014", "nhsei-2019", "nhsi-2016", "developing-people", "nhse-2013")


def load(code: str) -> pm.Plan:
    checked = validate_file(PLANS / f"{code}.yaml")
    assert checked.ok, checked.problems
    load_plan(checked.plan)
    return pm.Plan.objects.get(code=code)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


@pytest.fixture
def planner():
    user = get_user_model().objects.create_user("planner", "planner@example.org", "a-long-password")
    client = Client()
    client.force_login(user)
    return user, client


def test_the_five_seed_plans_load_with_their_governance():
    checked = {code: validate_file(PLANS / f"{code}.yaml").plan for code in SEEDS}
    for code in SEEDS:
        plan = load(code)
        assert plan.bodies.exists(), code
        # what was loaded comes back from the database as it went in
        exported = export_plan(code)
        assert (exported.bodies, exported.meetings) == (checked[code].bodies, checked[code].meetings), code
        assert load_plan(exported).changed is False, code


def test_dqpcic_shows_the_quarterly_review_and_the_board_meeting_lists_item_12(planner):
    user, client = planner
    plan = load("nhsei-2019")
    roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    dqpcic = plan.bodies.get(code="DQPCiC")
    assert dqpcic.name == "Delivery, Quality and Performance Committee in Common"
    body = page(client, f"/plans/nhsei-2019/governance/bodies/{dqpcic.code}/")
    assert "Quarterly review of the performance dashboards of the 2019/20 work programme" in body
    calendar = body[body.index('id="calendar"') :]
    assert all(f"2019/20 Q{n}" in calendar for n in (1, 2, 3, 4))

    (meeting,) = plan.meetings.filter(date="2019-06-27")
    agenda = page(client, f"/plans/nhsei-2019/governance/meetings/{meeting.code}/")
    assert "27 June 2019" in agenda
    item = agenda[agenda.index('id="item-12"') :]
    assert item.startswith('id="item-12"') and "Item 12:" in item
    assert "Joint Work Programme" in item.split("</h", 1)[0]
    assert "/plans/nhsei-2019/plan.yaml" in item  # the plan itself
    # no quarter of 2019/20 had ended on 27 June 2019: the pack is as at the plan's first
    assert "Board pack as at 2019/20 Q1" in item and "/plans/nhsei-2019/reports/board.pdf?period=2019%2F20+Q1" in item


NHSI_MEETING = """
bodies:
  - code: BOARD
    name: Board of NHS Improvement
    type: board
    oversees: {plan: true}
meetings:
  - code: BOARD-2017-05-25
    body: BOARD
    title: Board meeting
    date: 25 May 2017
    items:
      - number: "5"
        title: Business plan 2016/17 year-end report
        considers: [board_pack]
"""


def test_a_nhsi_2016_meeting_in_2017_takes_the_board_pack_as_at_2016_17_q4(planner):
    """nhsi-2016 prints no board meeting of its own, so one is added here to a copy of the plan."""
    user, client = planner
    text = (PLANS / "nhsi-2016.yaml").read_text(encoding="utf-8")
    assert "\nbodies:" in text and "\nmeetings:" not in text
    head, bodies = text.split("\nbodies:\n", 1)
    extra_bodies, meetings = NHSI_MEETING.split("meetings:\n")
    checked = validate_text(
        head + "\nbodies:\n" + extra_bodies.split("bodies:\n", 1)[1] + bodies + "meetings:\n" + meetings, "nhsi.yaml"
    )
    assert checked.ok, checked.problems
    load_plan(checked.plan)
    plan = pm.Plan.objects.get(code="nhsi-2016")
    roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    agenda = page(client, "/plans/nhsi-2016/governance/meetings/BOARD-2017-05-25/")
    assert "Board pack as at 2016/17 Q4" in agenda
    assert "/plans/nhsi-2016/reports/board.pdf?period=2016%2F17+Q4" in agenda


def test_the_seed_gaps_are_closed(capsys):
    nhse = validate_file(PLANS / "nhse-2013.yaml").plan
    offers = [o for o in nhse.objectives if o.level == "offer"]
    assert [o.code for o in offers] == [f"offer-{n}" for n in range(1, 6)]
    offer_5 = offers[4]
    assert (offer_5.title, offer_5.owner, offer_5.org_unit) == (
        "Higher standards, safer care",
        "nd-policy",
        "policy-corporate",
    )
    assert len([a for a in nhse.activities if a.objective == offer_5.code]) == 4

    nhsei = validate_file(PLANS / "nhsei-2019.yaml").plan
    assert "DQPCiC" in {b.code for b in nhsei.bodies}
    people = validate_file(PLANS / "developing-people.yaml").plan
    assert any("Staff College" in u.name for u in people.org_units)

    assert main(["plan", "check", str(PLANS / "nhsi-2016.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Source document: " in out and "002_a9dfc50a078293cc.txt" in out  # the document was compared
    sourced = out[out.index("Details added from outside the document") :]
    assert "metric AE4HR" in sourced and "frequency" in sourced
    assert "Details added without saying where they come from" not in out
