"""The packs show the approved updates as the plan's state: the board pack's directorates' RAG
ratings, a summary of their commentary and the open actions; the deliverables and objectives of
both packs with the reported statuses, period and reporter — read from the PDF and the Word file."""

from __future__ import annotations

import re
from datetime import date

import pytest

from goldenthread.cycles import services
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters.unit_updates import summarise, unit_updates
from goldenthread.reports.board import board_pack
from goldenthread.reports.directorate import directorate_pack
from goldenthread.reports.documents import render_pack

from ..reports.conftest import docx, docx_text, pdf_text

Q4 = parse_period("2019/20 Q4")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def approve(world, q: int, unit, data):
    lead, planner = world.users["lead" if unit == world.medical else "other_lead"], world.users["planner"]
    sub = services.save_update(world.period(q), unit, data, based_on=0, user=lead, submit=True)
    return services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)


def q4_world(world):
    """Medical: Q4 approved, amber, everything complete but MED-2-a delayed. Nursing: Q1 approved,
    Q4 submitted but not approved. One action open, one closed."""
    data = world.complete(rag="amber", rag_reason="Medical Examiner recruitment is behind in two regions.")
    data.commentary = "Quarter four went well overall. " * 20
    data.objectives = {pk: {"rag": "amber", "rag_reason": "Recruitment behind"} for pk in data.objectives}
    for a in world.scope().activities:
        data.activities[a.pk] = {"status": "delayed" if a.code == "MED-2-a" else "complete", "commentary": "Why"}
    approve(world, 4, world.medical, data)
    approve(world, 1, world.nursing, world.complete(world.nursing, rag="green", rag_reason="All on plan."))
    services.save_update(
        world.period(4), world.nursing, world.complete(world.nursing, rag="red"), based_on=0,
        user=world.users["other_lead"], submit=True,
    )  # fmt: skip
    review = services.save_review(
        world.period(4),
        world.medical,
        services.ReviewData(
            status="held",
            held_on=date(2020, 4, 20),
            chair="Chair",
            pack="",
            summary="",
            attendees=[],
            decisions=[],
            actions={},
            new_actions=[
                {"description": "Publish the recruitment trajectory", "owner": "Medical Director",
                 "due_on": date(2020, 6, 30)},
                {"description": "Close the old programme board", "owner": "Head of PMO", "due_on": date(2020, 5, 1)},
            ],
        ),
        based_on=0,
        user=world.users["planner"],
    )  # fmt: skip
    services.close_action(review.actions.latest("position"), "Done.", user=world.users["planner"])


def test_board_pack_directorates_rag_commentary_and_open_actions(world):
    q4_world(world)
    pack = board_pack(world.plan, Q4)
    by_unit = {u.unit: u for u in pack.updates}
    medical, nursing = by_unit["Medical"], by_unit["Nursing"]
    assert (medical.rag, medical.period, medical.by, medical.missing) == ("Amber", "2019/20 Q4", "Lead", "")
    assert medical.summary.startswith("Medical Examiner recruitment is behind") and medical.summary.endswith("…")
    # nursing's Q4 update is submitted, not approved: its Q1 rating stands, and Q4 is said to be missing
    assert (nursing.rag, nursing.period, nursing.missing) == ("Green", "2019/20 Q1", "Not reported for 2019/20 Q4")
    assert [a.description for a in pack.open_actions] == ["Publish the recruitment trajectory"]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_board_pack_documents_show_reported_state(world, tmp_path, kind):
    q4_world(world)
    data = render_pack(board_pack(world.plan, Q4), kind)
    text = flat(pdf_text(data, tmp_path) if kind == "pdf" else docx_text(docx(data)))
    assert "3. Directorates' updates and open actions" in text
    assert "Amber" in text and "2019/20 Q4, reported by Lead" in text
    assert "Medical Examiner recruitment is behind in two regions" in text
    assert "Not reported for 2019/20 Q4" in text and "2019/20 Q1, reported by Other Lead" in text
    assert "Publish the recruitment trajectory" in text and "Close the old programme board" not in text
    # the objectives: reported RAG rating and the roll-up of their activities
    assert "Reported Amber" in text and "Activities: Delayed" in text
    # nursing's red Q4 rating was never approved
    assert "Red (" not in text


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_directorate_pack_shows_reported_objectives_and_deliverables(world, tmp_path, kind):
    q4_world(world)
    pack = directorate_pack(world.plan, world.medical, Q4)
    data = render_pack(pack, kind)
    text = flat(pdf_text(data, tmp_path) if kind == "pdf" else docx_text(docx(data)))
    assert "Reported Amber" in text and "(2019/20 Q4, reported by Lead)" in text
    assert "Activities: Delayed" in text
    delayed = [d for _, _, items in pack.deliverables for d in items if d.code == "MED-2-a"]
    for d in delayed:  # listed when its date makes it due or overdue: as reported
        assert (d.reported, d.reported_source) == ("Delayed", "2019/20 Q4, reported by Lead")


def test_no_cycle_means_no_directorates_updates(world):
    assert unit_updates(world.plan, parse_period("2018/19 Q4")) == []


def test_summary_is_cut_at_a_word():
    assert summarise("Short.", "  Two\nlines ") == "Short. Two lines"
    assert summarise("Behind in two regions", "", "Q4 done") == "Behind in two regions. Q4 done"
    long = summarise("word " * 200, limit=40)
    assert len(long) <= 40 and long.endswith("word…")
