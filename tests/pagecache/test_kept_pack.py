"""The board pack page kept in the database (reports/kept_packs.py): the same bytes as the pack
assembled afresh, read again while nothing has changed, and assembled again at once after any
change of what it is made from — data, the plan (a version, a save), the cycle's records
(an update submitted, approved or returned, a review, an action's progress or closure, a
publication, a meeting's decision), the name of a person it quotes, the period and the day — and
the same for everyone who may read it, never shown to anyone who may not."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.cycles import services
from goldenthread.cycles.services import meetings
from goldenthread.pagecache.models import Kept
from goldenthread.performance.loading import load_file
from goldenthread.planfile import validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as pm
from goldenthread.plans.store import load_plan
from goldenthread.presenters import kept
from goldenthread.reports import kept_packs
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack
from tests.cycles.conftest import RISK, SEED_001, login, world  # noqa: F401  (fixtures)
from tests.cycles.test_reported import medical_q4

pytestmark = pytest.mark.django_db

Q4 = parse_period("2019/20 Q4")
PACK = "/plans/nhsei-2019/reports/board.html?period=2019/20 Q4"


@pytest.fixture
def overdue(world):  # noqa: F811
    """MED-1-a overdue at 2019/20 Q4: an exception, quoting medical's updates and actions."""
    world.plan.activities.filter(code="MED-1-a").update(due_date=date(2019, 12, 31))
    world.plan.activity_rules = [{"rule": "activity_overdue", "grace_days": 0}]
    world.plan.save()
    return world


def afresh(world, period=Q4, today: date | None = None) -> bytes:  # noqa: F811
    """The pack assembled and rendered as the page did before it was kept."""
    return render_pack(board_pack(world.plan, period, today=today or date.today()), "html")


def words(data: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", data.decode()))


def stamp() -> str:
    return Kept.objects.get(what="board-pack-html").stamp


def review(world, **actions):  # noqa: F811
    new = [{"description": d, "owner": o, "due_on": date(2020, 6, 30)} for d, o in actions.items()]
    data = services.ReviewData(
        status="held", held_on=date(2020, 4, 20), chair="Chair", pack="", summary="", attendees=[], decisions=[],
        actions={}, new_actions=new,
    )  # fmt: skip
    return services.save_review(world.period(4), world.medical, data, based_on=0, user=world.users["planner"])


def load_value(world, tmp_path):  # noqa: F811
    path = tmp_path / "values.csv"
    path.write_text("metric,org_unit,period,numerator,denominator\nMED-2-M1,medical,2020-01-01,77,100\n")
    report = load_file(path, world.plan)
    assert report.ok, report.problem_lines()


def new_version(world, tmp_path):  # noqa: F811
    text = SEED_001.read_text(encoding="utf-8") + RISK
    old = world.plan.metrics.get(code="MED-2-M1").title
    load_plan(validate_text(text.replace(old, "Deaths scrutinised by a Medical Examiner, renamed")).plan)


def plan_saved(world, tmp_path):  # noqa: F811
    world.plan.title = "A plan renamed and saved"
    world.plan.save()


def renamed(world, tmp_path):  # noqa: F811
    lead = world.users["lead"]
    lead.first_name, lead.last_name = "Lesley", "Ambrose"
    lead.save()


def returned(world, tmp_path):  # noqa: F811
    sub = world.plan.reporting_periods.get(label="2019/20 Q4").submissions.get(org_unit=world.medical)
    services.decide(sub, "return", comments="Say more", based_on=sub.version, user=world.users["planner"])


def approved(world, tmp_path):  # noqa: F811
    sub = world.plan.reporting_periods.get(label="2019/20 Q4").submissions.get(org_unit=world.medical)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])


def progressed(world, tmp_path):  # noqa: F811
    action = world.plan.reporting_periods.get(label="2019/20 Q4").reviews.get().actions.get()
    services.add_note(action, "Trajectory drafted", "in_progress", user=world.users["planner"])


def closed(world, tmp_path):  # noqa: F811
    action = world.plan.reporting_periods.get(label="2019/20 Q4").reviews.get().actions.get()
    services.close_action(action, "Published on the intranet.", user=world.users["planner"])


def published(world, tmp_path):  # noqa: F811
    services.publish(world.plan, world.period(3), user=world.users["planner"])


def decided_at_a_meeting(world, tmp_path):  # noqa: F811
    item = pm.AgendaItem.objects.filter(meeting__plan=world.plan).first()
    assert item is not None
    meetings.record_decision(item, "The board noted the report.", user=world.users["planner"])


def submitted_q4(world):  # noqa: F811
    medical_q4(world, status="in_progress", state="submitted")


def approved_q4(world):  # noqa: F811
    medical_q4(world, status="in_progress", state="approved")


#: change -> (what comes before it, the change, words the pack shows after it; None: no words change)
CHANGES = {
    "data loaded": (None, load_value, "77.0%"),
    "a new version of the plan": (None, new_version, "Deaths scrutinised by a Medical Examiner, renamed"),
    "the plan saved": (None, plan_saved, "A plan renamed and saved"),
    "an update submitted": (None, lambda w, t: submitted_q4(w), "Good quarter"),
    "an update approved": (submitted_q4, approved, "2019/20 Q4, reported by Lead"),
    "an update returned": (submitted_q4, returned, None),
    "a review held": (None, lambda w, t: review(w, **{"Publish the trajectory": "Medical Director"}), "Publish the"),
    "an action's progress": (lambda w: review(w, **{"Publish": "Director"}), progressed, "30 June 2020 In progress"),
    "an action closed": (lambda w: review(w, **{"Publish": "Director"}), closed, "Published on the intranet."),
    "a reporter renamed": (approved_q4, renamed, "reported by Lesley Ambrose"),
    "a publication": (None, published, None),
    "a meeting's decision": (None, decided_at_a_meeting, None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_kept_pack_is_assembled_again_after_each_kind_of_change(overdue, login, tmp_path, change):  # noqa: F811
    before, make_change, shows = CHANGES[change]
    if before is not None:
        before(overdue)
    board = login(overdue.users["board"])
    first = board.get(PACK).content
    assert first == afresh(overdue)
    kept_at = stamp()
    make_change(overdue, tmp_path)
    again = board.get(PACK).content
    assert again == afresh(overdue)  # what the pack is now, not what was kept
    assert stamp() != kept_at  # assembled again: the key saw the change
    assert Kept.objects.filter(what="board-pack-html").count() == 1  # in the same slot, replaced
    if shows is not None:
        assert shows in words(again) and shows not in words(first)
    if change == "an update returned":  # the returned update is no longer quoted
        assert "Good quarter" in words(first) and "Good quarter" not in words(again)


def test_read_again_it_is_the_same_page_and_assembles_nothing(overdue, login):  # noqa: F811
    medical_q4(overdue, status="in_progress", state="approved")
    review(overdue, **{"Publish the trajectory": "Medical Director"})
    board = login(overdue.users["board"])
    response = board.get(PACK)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nhsei-2019-board-2019-20-Q4.html"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == afresh(overdue)
    for shown in ("Create AMR Programme", "2019/20 Q4, reported by Lead", "Good quarter", "Publish the trajectory"):
        assert shown in words(response.content)
    with CaptureQueriesContext(connection) as read:
        assert board.get(PACK).content == response.content
    assert not [q for q in read.captured_queries if "plans_objective" in q["sql"] or "cycles_action" in q["sql"]]


def test_another_period_and_another_day_are_other_packs(overdue, login):  # noqa: F811
    board = login(overdue.users["board"])
    q4, q3 = board.get(PACK).content, board.get(PACK.replace("Q4", "Q3")).content
    assert q3 == afresh(overdue, parse_period("2019/20 Q3")) and q3 != q4
    assert board.get(PACK).content == q4
    today, tomorrow = date(2026, 12, 1), date(2026, 12, 2)
    on_one_day = kept_packs.board_file(overdue.plan, Q4, "html", today)
    on_the_next = kept_packs.board_file(overdue.plan, Q4, "html", tomorrow)
    assert on_one_day == afresh(overdue, today=today) and on_the_next == afresh(overdue, today=tomorrow)
    assert "1 December 2026" in words(on_one_day) and "2 December 2026" in words(on_the_next)


def test_the_same_pack_for_everyone_who_may_read_it_and_nobody_else(overdue, login):  # noqa: F811
    shown = login(overdue.users["board"]).get(PACK).content
    assert login(overdue.users["planner"]).get(PACK).content == shown  # the same kept bytes
    for who in ("norole", "contributor", "lead"):
        response = login(overdue.users[who]).get(PACK)
        assert response.status_code == 403, who
        assert b"Create AMR Programme" not in response.content


def test_the_word_pack_is_kept_too_and_the_worker_keeps_the_page(overdue):  # noqa: F811
    word = kept_packs.board_file(overdue.plan, Q4, "docx")
    assert word[:2] == b"PK" and Kept.objects.filter(what="board-pack-docx").count() == 1
    assert kept_packs.board_file(overdue.plan, Q4, "docx") == word
    Kept.objects.all().delete()
    kept.warm(overdue.plan.pk)
    assert Kept.objects.filter(what="board-pack-html").count() == 1


def test_approving_an_update_on_its_page_asks_the_worker_to_keep_the_plan_s_pages(
    world,  # noqa: F811
    login,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django_q.models import OrmQ

    sub = medical_q4(world, status="in_progress", state="submitted")
    planner = login(world.users["planner"])
    page = "/plans/nhsei-2019/periods/2019-20-q4/units/medical/"
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(page, {"version": str(sub.version), "decision": "approve", "comments": ""})
    assert response.status_code == 302
    tasks = [(t.task["func"], t.task["args"]) for t in OrmQ.objects.all()]
    assert tasks.count((kept.WARM_TASK, (world.plan.pk,))) == 1  # beside the notification it sends
