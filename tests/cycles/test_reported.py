"""Approved updates are the plan's current state: the plan pages show each activity's status from
the latest approved update (with its period and who reported it), tell "not reported for this
period" apart from the plan's own "not started", roll objectives up from their activities, and
ignore drafts, submitted and returned updates."""

from __future__ import annotations

import re

import pytest

from goldenthread.cycles import services
from goldenthread.presenters.reported import plan_reports, roll_up

Q4 = "?as_at=2019/20 Q4"


def text(response) -> str:
    assert response.status_code == 200
    html = re.sub(r'<span [^>]*aria-hidden="true">[^<]*</span>', " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row(page: str, title_start: str) -> str:
    """The words of the page from an activity's title to the next activity's (a row of the table)."""
    at = page.index(title_start)
    return page[at : at + 600]


def medical_q4(world, *, status: str, state: str, **statuses):
    """Medical's Q4 update with every activity at ``status`` (or per code in ``statuses``),
    taken as far as ``state``: draft, submitted, returned or approved."""
    lead, planner = world.users["lead"], world.users["planner"]
    data = world.complete()
    for a in world.scope().activities:
        data.activities[a.pk] = {"status": statuses.get(a.code.replace("-", "_"), status), "commentary": "Done"}
    data.objectives = {pk: {"rag": "amber", "rag_reason": "Recruitment behind"} for pk in data.objectives}
    sub = services.save_update(world.period(4), world.medical, data, based_on=0, user=lead, submit=state != "draft")
    if state in ("approved", "returned"):
        decision = "approve" if state == "approved" else "return"
        services.decide(sub, decision, comments="Fix it" * (state == "returned"), based_on=sub.version, user=planner)
    return sub


def test_an_approved_q4_update_is_what_the_deliverables_page_shows(world, login):
    medical_q4(world, status="complete", state="approved", MED_2_a="delayed")
    page = text(login(world.users["board"]).get(f"/plans/nhsei-2019/deliverables/{Q4}"))
    med_1_a = row(page, "Create AMR Programme")
    assert "Complete 2019/20 Q4, reported by Lead" in med_1_a
    assert "Not started" not in med_1_a.split("Medical Examiner")[0]
    med_2_a = row(page, "Medical Examiner and Medical Examiner Office appointment")
    assert "Delayed 2019/20 Q4, reported by Lead" in med_2_a
    # the complete activity is counted complete, the delayed one overdue or on its dates, not "not started"
    assert "Complete (" in page
    # nursing reported nothing for Q4: said so, and its status is the plan's, not a report of "not started"
    nur_1_a = world.plan.activities.get(code="NUR-1-a")
    nur = row(page, nur_1_a.title[:40])
    assert f"Not reported for 2019/20 Q4 {nur_1_a.get_status_display()} as in the plan" in nur


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_an_update_not_yet_approved_changes_nothing(world, login, state):
    medical_q4(world, status="complete", state=state)
    page = text(login(world.users["board"]).get(f"/plans/nhsei-2019/deliverables/{Q4}"))
    med_1_a = row(page, "Create AMR Programme")
    assert "Not reported for 2019/20 Q4" in med_1_a and "Not started as in the plan" in med_1_a
    assert "reported by" not in page


def test_an_earlier_approved_update_shows_with_its_period_and_the_missing_one_is_named(world, login):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    page = text(login(world.users["board"]).get(f"/plans/nhsei-2019/deliverables/{Q4}"))
    med_1_a = row(page, "Create AMR Programme")
    assert "Not reported for 2019/20 Q4 In progress 2019/20 Q1, reported by Lead" in med_1_a
    # as at Q1 it is that period's report, nothing missing
    q1 = text(login(world.users["board"]).get("/plans/nhsei-2019/deliverables/?as_at=2019/20 Q1"))
    assert "In progress 2019/20 Q1, reported by Lead" in row(q1, "Create AMR Programme")
    assert "Not reported for 2019/20 Q1" not in row(q1, "Create AMR Programme")


def test_overview_and_readings_show_reported_state_and_objectives_roll_up(world, login):
    medical_q4(world, status="complete", state="approved", MED_2_a="delayed")
    client = login(world.users["board"])
    overview = text(client.get(f"/plans/nhsei-2019/{Q4}"))
    med_2 = row(overview, "Directorate priority MED-2 Introduction of Medical Examiners")
    assert "Reported Amber Recruitment behind (2019/20 Q4, reported by Lead)" in med_2
    assert "Activities: Delayed" in med_2
    assert "Complete 2019/20 Q4, reported by Lead" in overview
    for page in ("by-priority/", "by-directorate/"):
        reading = text(client.get(f"/plans/nhsei-2019/{page}{Q4}"))
        assert "Reported Amber" in reading, page
        assert "Complete (2019/20 Q4, reported by Lead)" in reading, page


@pytest.mark.parametrize(
    ("statuses", "rolled"),
    [
        (["complete", "complete", "cancelled"], "complete"),
        (["complete", "delayed"], "delayed"),
        (["complete", "not_started"], "in_progress"),
        (["not_started", "not_started"], "not_started"),
        (["cancelled"], ""),
        ([], ""),
    ],
)
def test_roll_up_rule(statuses, rolled):
    assert roll_up(statuses) == rolled


def test_roll_up_counts_and_missing(world):
    medical_q4(world, status="complete", state="approved", MED_2_a="delayed")
    reports = plan_reports(world.plan, world.period(4).end)
    med_2 = reports.objective(world.plan.objectives.get(code="MED-2").pk)
    assert (med_2.rolled, med_2.rag, med_2.rag_by, med_2.rag_period) == ("Delayed", "Amber", "Lead", "2019/20 Q4")
    nur_1 = reports.objective(world.plan.objectives.get(code="NUR-1").pk)
    assert nur_1.rolled == "In progress"  # from the plan's own statuses: nursing has not reported
    assert nur_1.missing.endswith("not reported for 2019/20 Q4") and nur_1.rag == ""
    before = plan_reports(world.plan, world.period(1).start)
    assert before.period == "" and before.activities[world.plan.activities.get(code="MED-1-a").pk].source == (
        "as in the plan"
    )


def test_public_plan_shows_statuses_of_published_periods_only(world, client):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    medical_q4(world, status="complete", state="approved", MED_2_a="delayed")  # approved, not published
    services.publish(world.plan, user=planner)
    assert "reported by" not in text(client.get("/public/plans/nhsei-2019/"))  # no period published yet
    services.publish(world.plan, world.period(1), user=planner)
    page = text(client.get("/public/plans/nhsei-2019/"))
    assert "In progress (2019/20 Q1, reported by Lead)" in row(page, "Create AMR Programme")
    assert "2019/20 Q4, reported by" not in page and "Reported Amber" not in page
    assert "Reported Green (2019/20 Q1, reported by Lead)" in page


def test_query_counts_do_not_grow_with_the_updates(world, login, django_assert_max_num_queries):
    """The overview and deliverables read the reported state in a fixed number of queries."""
    client = login(world.users["board"])
    urls = [f"/plans/nhsei-2019/{Q4}", f"/plans/nhsei-2019/deliverables/{Q4}"]
    before = {}
    for url in urls:  # the overview's first request computes and keeps its plan tree (4 queries more)
        with django_assert_max_num_queries(64) as counted:
            assert client.get(url).status_code == 200
        before[url] = len(counted.captured_queries)
    lead, planner = world.users["lead"], world.users["planner"]
    for q in (1, 2, 3):
        sub = services.save_update(world.period(q), world.medical, world.complete(), based_on=0, user=lead, submit=True)
        services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    medical_q4(world, status="complete", state="approved", MED_2_a="delayed")
    for url in urls:
        # two more once there is an approved update: the activity and objective updates
        with django_assert_max_num_queries(before[url] + 2):
            assert client.get(url).status_code == 200


def test_scorecard_shows_values_reported_in_approved_updates(world, login):
    client = login(world.users["board"])
    medical_q4(world, status="complete", state="submitted")
    assert "Reported:" not in text(client.get(f"/plans/nhsei-2019/scorecard/{Q4}"))  # not approved yet
    sub = world.plan.reporting_periods.get(label="2019/20 Q4").submissions.get(org_unit=world.medical)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    page = text(client.get(f"/plans/nhsei-2019/scorecard/{Q4}"))
    med_2_m1 = row(page, "MED-2-M1")
    assert "Reported: 75.0% (30 of 40) (Medical, 2019/20 Q4, reported by Lead)" in med_2_m1


def test_judgements_take_the_approved_status(world, login):
    """An activity past its date is overdue until an approved update reports it complete; then the
    assessment behind the overview, scorecard, exceptions and packs no longer calls it overdue."""
    from datetime import date

    from goldenthread.planfile.periods import parse_period
    from goldenthread.presenters.reported import assess

    world.plan.activities.filter(code="MED-1-a").update(due_date=date(2019, 12, 31))
    world.plan.activity_rules = [{"rule": "activity_overdue", "grace_days": 0}]
    world.plan.save()
    q4 = parse_period("2019/20 Q4")
    assert assess(world.plan, as_at=q4).activities["MED-1-a"].rating == "concern"
    medical_q4(world, status="complete", state="submitted")
    assert assess(world.plan, as_at=q4).activities["MED-1-a"].rating == "concern"  # not approved yet
    listed = text(login(world.users["board"]).get(f"/plans/nhsei-2019/exceptions/{Q4}"))
    assert "Not reported for 2019/20 Q4; Not started (as in the plan)" in row(listed, "Create AMR Programme")
    sub = world.plan.reporting_periods.get(label="2019/20 Q4").submissions.get(org_unit=world.medical)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    assert assess(world.plan, as_at=q4).activities["MED-1-a"].rating == "complete"
    exceptions = text(login(world.users["board"]).get(f"/plans/nhsei-2019/exceptions/{Q4}"))
    assert "MED-1-a" not in exceptions
