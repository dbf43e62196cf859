"""An activity's update may give, beside its status, a RAG rating, the per cent complete and the
date the lead now expects it done: checked on the form with messages that name the field, kept
on error, shown beside next period's form, and — once approved, never before — shown with the
status wherever the reported state is (pages and packs), labelled with the period and reporter."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from goldenthread.cycles import services
from goldenthread.cycles.forms import UpdateForm
from goldenthread.cycles.models import ActivityUpdate, Submission
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters.reported import plan_reports
from goldenthread.reports.board import board_pack
from goldenthread.reports.directorate import directorate_pack
from goldenthread.reports.documents import render_pack

from ..reports.conftest import docx, docx_text, pdf_text
from .test_my_work import text_of
from .test_reported import row, text

pytestmark = pytest.mark.django_db

URL = "/plans/nhsei-2019/periods/2019-20-q{q}/units/medical/update/"
PROGRESS = {"rag": "amber", "percent_complete": 60, "forecast_on": date(2020, 3, 31)}
WORDS = "Amber · 60% complete · forecast 31 March 2020"


def medical_update(world, q: int, *, approve: bool, submit: bool = True) -> Submission:
    """Medical's update for quarter ``q``: every activity delayed, with :data:`PROGRESS`."""
    lead, planner = world.users["lead"], world.users["planner"]
    data = world.complete()
    for a in world.scope().activities:
        data.activities[a.pk] = {"status": "delayed", "commentary": "Recruitment behind", **PROGRESS}
    sub = services.save_update(world.period(q), world.medical, data, based_on=0, user=lead, submit=submit)
    if approve:
        sub = services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    return sub


def test_bad_values_are_named_and_kept_and_nothing_is_saved(world, login):
    activity = world.scope().activities[0]
    a = f"a{activity.pk}"
    typed = {
        "version": "0",
        "action": "save",
        f"{a}-status": "in_progress",
        f"{a}-rag": "purple",
        f"{a}-percent_complete": "150",
        f"{a}-forecast_on": "31 Febtober 2020",
    }
    response = login(world.users["lead"]).post(URL.format(q=1), typed)
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        f"Choose red, amber or green for {activity.code}, or leave it not rated",
        f"Enter the per cent complete for {activity.code} as a whole number from 0 to 100, like 60, or leave it blank",
        f"Enter the forecast completion date for {activity.code} as a real date, like 31 March 2020 or 31/03/2020",
    ):
        assert page.count(message) >= 2, f"{message} should be in the summary and at the field"
    assert f'href="#f-{a}-percent_complete"' in page and f'href="#f-{a}-forecast_on"' in page
    assert 'value="150"' in page and 'value="31 Febtober 2020"' in page
    for label in ("RAG rating for", "Per cent complete for", "Forecast completion date for"):
        assert f"{label} {activity.code}" in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize("percent", ["lots", "60.5", "-1"])
def test_a_percent_that_is_not_a_whole_number_from_0_to_100_is_refused(world, percent):
    activity = world.scope().activities[0]
    form = UpdateForm(world.scope(), None, {"version": "0", f"a{activity.pk}-percent_complete": percent})
    assert form.clean() is None
    assert form.fields[f"a{activity.pk}-percent_complete"].error.startswith(
        f"Enter the per cent complete for {activity.code} as a whole number from 0 to 100"
    )


def test_valid_values_are_saved_and_blank_ones_stay_empty(world, login):
    first, second = world.scope().activities[:2]
    typed = {
        "version": "0",
        "action": "save",
        f"a{first.pk}-status": "delayed",
        f"a{first.pk}-rag": "amber",
        f"a{first.pk}-percent_complete": "60%",
        f"a{first.pk}-forecast_on": "31/03/2020",
        f"a{second.pk}-status": "in_progress",
    }
    response = login(world.users["lead"]).post(URL.format(q=1), typed)
    assert response.status_code == 302
    saved = ActivityUpdate.objects.get(activity=first)
    assert (saved.rag, saved.percent_complete, saved.forecast_on) == ("amber", 60, date(2020, 3, 31))
    blank = ActivityUpdate.objects.get(activity=second)
    assert (blank.rag, blank.percent_complete, blank.forecast_on) == ("", None, None)
    # shown again as saved, the date as NHS papers write it
    page = login(world.users["lead"]).get(URL.format(q=1)).content.decode()
    assert 'value="60"' in page and 'value="31 March 2020"' in page


def test_a_conflicting_save_shows_their_values_under_the_fields(world):
    activity = world.scope().activities[0]
    sub = medical_update(world, 1, approve=False, submit=False)
    a = f"a{activity.pk}"
    post = {"version": str(sub.version - 1), f"{a}-percent_complete": "10", f"{a}-forecast_on": "1 May 2020"}
    form = UpdateForm(world.scope(), sub, post)
    form.show_stored(sub)
    assert form.fields[f"{a}-percent_complete"].stored_text == "60"
    assert form.fields[f"{a}-forecast_on"].stored_text == "31 March 2020"
    assert form.fields[f"{a}-rag"].stored_text == "Amber"


def test_the_previous_periods_update_beside_the_form_gives_them(world, login):
    medical_update(world, 1, approve=True)
    activity = world.scope().activities[0]
    page = text_of(login(world.users["lead"]).get(URL.format(q=2)))
    part = page.split(f"{activity.code} {activity.title}", 1)[1].split(f"Status of {activity.code}", 1)[0]
    assert f"2019/20 Q1 (approved) Delayed · {WORDS} — Recruitment behind" in part


def test_the_reported_state_carries_them(world):
    medical_update(world, 4, approve=True)
    activity = world.scope().activities[0]
    reported = plan_reports(world.plan, world.period(4).end).activities[activity.pk]
    assert reported.words == f"Delayed · {WORDS}"
    assert reported.text == f"Delayed · {WORDS} (2019/20 Q4, reported by Lead)"
    assert reported.brief == reported.text  # as the exceptions give an overdue activity's status
    nursing = world.scope(world.nursing).activities[0]
    assert plan_reports(world.plan, world.period(4).end).activities[nursing.pk].progress == ""


def test_the_deliverables_page_shows_them_once_approved(world, login):
    medical_update(world, 4, approve=True)
    page = text(login(world.users["board"]).get("/plans/nhsei-2019/deliverables/?as_at=2019/20 Q4"))
    assert f"Delayed · {WORDS} 2019/20 Q4, reported by Lead" in row(page, "Create AMR Programme")


def test_values_of_an_update_not_approved_do_not_show(world, login):
    medical_update(world, 4, approve=False)
    board = login(world.users["board"])
    for url in ("/plans/nhsei-2019/deliverables/?as_at=2019/20 Q4", "/plans/nhsei-2019/?as_at=2019/20 Q4"):
        page = text(board.get(url))
        assert "60% complete" not in page and "forecast 31 March 2020" not in page


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_directorate_pack_shows_them(world, tmp_path, kind):
    # seed 001's activities give no dates; one past its date is listed as overdue in the pack
    world.plan.activities.filter(code="MED-1-a").update(due_date=date(2020, 3, 1), due_text="1 March 2020")
    medical_update(world, 4, approve=True)
    pack = directorate_pack(world.plan, world.medical, parse_period("2019/20 Q4"))
    listed = [d for _, _, items in pack.deliverables for d in items]
    assert [(d.code, d.reported) for d in listed] == [("MED-1-a", f"Delayed · {WORDS}")]
    data = render_pack(pack, kind)
    words = re.sub(r"\s+", " ", pdf_text(data, tmp_path) if kind == "pdf" else docx_text(docx(data)))
    # the unit's latest update, quoted
    assert f"MED-2-a: Delayed · {WORDS} — Recruitment behind" in words
    # the overdue deliverable, whose table cell a PDF's text may give in pieces between other columns
    pieces = ["Delayed · Amber · 60%", "complete · forecast 31"] if kind == "pdf" else [f"Delayed · {WORDS}"]
    overdue = words.split("Overdue (1)", 1)[1]
    assert all(p in overdue for p in pieces) and "2019/20 Q4, reported by" in overdue


def test_the_plan_pages_and_the_public_plan_show_them(world, login, client):
    medical_update(world, 4, approve=True)
    board = login(world.users["board"])
    overview = text(board.get("/plans/nhsei-2019/?as_at=2019/20 Q4"))
    assert f"Delayed · {WORDS} 2019/20 Q4, reported by Lead" in overview
    for page in ("by-priority/", "by-directorate/"):
        reading = text(board.get(f"/plans/nhsei-2019/{page}?as_at=2019/20 Q4"))
        assert f"Delayed · {WORDS} (2019/20 Q4, reported by Lead)" in reading, page
    planner = world.users["planner"]
    services.publish(world.plan, user=planner)
    services.publish(world.plan, world.period(4), user=planner)
    public = text(client.get("/public/plans/nhsei-2019/"))
    assert f"Delayed · {WORDS} (2019/20 Q4, reported by Lead)" in row(public, "Create AMR Programme")


def test_the_update_page_shows_them(world, login):
    medical_update(world, 1, approve=False, submit=False)
    page = text(login(world.users["lead"]).get("/plans/nhsei-2019/periods/2019-20-q1/units/medical/"))
    assert WORDS in row(page, "Create AMR Programme")


def test_the_database_refuses_a_percent_over_100(world):
    sub = medical_update(world, 1, approve=False, submit=False)
    row = ActivityUpdate.objects.filter(submission=sub).first()
    row.percent_complete = 101
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_the_board_pack_shows_them_and_not_an_unapproved_updates(world):
    world.plan.activities.filter(code__in=["MED-1-a", "NUR-2-a"]).update(due_date=date(2020, 3, 1))
    medical_update(world, 4, approve=True)
    nursing = world.complete(world.nursing)
    for a in world.scope(world.nursing).activities:
        nursing.activities[a.pk] = {"status": "delayed", "commentary": "Why", "rag": "red", "percent_complete": 5}
    services.save_update(world.period(4), world.nursing, nursing, based_on=0, user=world.users["other_lead"])
    words = re.sub(
        r"\s+", " ", docx_text(docx(render_pack(board_pack(world.plan, parse_period("2019/20 Q4")), "docx")))
    )
    overdue = words.split("Overdue (", 1)[1]
    assert f"Delayed · {WORDS}" in overdue and "2019/20 Q4, reported by Lead" in overdue
    assert "5% complete" not in words and "Red · " not in words  # nursing's draft
