"""What the governance pages work out, on plain (unsaved) rows: the period a meeting's papers are
as at, an item's own period, the calendar of a body's quarters and the tree of bodies."""

from __future__ import annotations

from datetime import date

from goldenthread.plans import models as pm
from goldenthread.presenters.governance import added_notes, calendar, in_tree_order, plan_quarters
from goldenthread.presenters.governance_meeting import item_period, meeting_papers_period

NHSI_2016 = pm.Plan(code="nhsi-2016", start="2016/17", end="2016/17")


def test_a_meeting_of_nhsi_2016_in_2017_takes_the_board_pack_as_at_2016_17_q4():
    """Issue 16's "Done when": the plan has ended, so its last quarter."""
    for day in (date(2017, 5, 25), date(2017, 4, 1), date(2017, 11, 30)):
        assert meeting_papers_period(NHSI_2016, pm.Meeting(date=day)).label == "2016/17 Q4"
    assert meeting_papers_period(NHSI_2016, pm.Meeting(date=date(2016, 11, 3))).label == "2016/17 Q2"
    assert meeting_papers_period(NHSI_2016, pm.Meeting(date=date(2016, 5, 3))).label == "2016/17 Q1"


def test_an_item_takes_its_own_period_or_says_why_not():
    meeting = pm.Meeting(date=date(2017, 5, 25))
    own, note = item_period(NHSI_2016, meeting, pm.AgendaItem(number="4", period="2016/17 Q3"))
    assert own.label == "2016/17 Q3" and note == ""
    fallback, note = item_period(NHSI_2016, meeting, pm.AgendaItem(number="4", period="the spring"))
    assert fallback.label == "2016/17 Q4" and "'the spring' could not be read" in note


def test_the_calendar_expects_quarterly_business_every_quarter_and_half_yearly_at_q2_and_q4():
    body = pm.Body(
        code="C",
        name="Committee",
        business=[
            {"title": "Quarterly review", "every": "quarter"},
            {"title": "Half-year report", "every": "half_year"},
            {"title": "Annual report", "every": "year"},
            {"title": "Minutes of the last meeting"},
        ],
    )
    rows = calendar(NHSI_2016, body, [], today=date(2016, 10, 1))
    assert [r.label for r in rows] == ["2016/17 Q1", "2016/17 Q2", "2016/17 Q3", "2016/17 Q4"]
    assert [r.expected for r in rows] == [
        ["Quarterly review"],
        ["Quarterly review", "Half-year report"],
        ["Quarterly review"],
        ["Quarterly review", "Half-year report"],
    ]
    assert [r.state for r in rows] == ["none recorded", "none recorded", "upcoming", "upcoming"]
    assert [r.current for r in rows] == [False, False, True, False]


def test_quarters_of_a_plan_of_several_years():
    plan = pm.Plan(code="x", start="2015/16", end="2017/18")
    quarters = plan_quarters(plan)
    assert len(quarters) == 12 and quarters[0].label == "2015/16 Q1" and quarters[-1].label == "2017/18 Q4"


def test_bodies_in_tree_order_never_loop():
    board, committee, panel = pm.Body(pk=1, name="Board"), pm.Body(pk=2, name="Committee"), pm.Body(pk=3, name="Panel")
    committee.parent_id, panel.parent_id = 1, 2
    assert [(b.name, depth) for b, depth in in_tree_order([panel, committee, board])] == [
        ("Board", 0),
        ("Committee", 1),
        ("Panel", 2),
    ]
    board.parent_id = 3  # a cycle (the plan file refuses one): each body once, none lost to the loop
    assert sorted(b.name for b, _ in in_tree_order([board, committee, panel])) == ["Board", "Committee", "Panel"]


def test_added_notes_name_their_fields_in_words():
    added = [
        {"fields": ["items.0.purpose", "items.1.considers"], "note": "Read from para 1"},
        {"fields": ["business.0.every"], "note": "Not printed"},
        {"fields": ["terms_of_reference"], "note": "Summarised"},
    ]
    assert added_notes(added, ["12"]) == [
        "item 12: purpose, agenda item 2: considers: Read from para 1",
        "cycle of business, line 1: every: Not printed",
        "terms of reference: Summarised",
    ]
