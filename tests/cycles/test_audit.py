"""Audit completeness: every write path leaves a history record — who, when, before and after —
and nobody can change the record through the application."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from goldenthread.audit import records as audit
from goldenthread.audit.models import DeletedObservation
from goldenthread.cycles import services
from goldenthread.cycles.models import (
    AccountabilityReview,
    Action,
    ActivityUpdate,
    MetricReturn,
    ReviewAttendee,
    ReviewDecision,
    Submission,
)
from goldenthread.performance.models import Observation
from goldenthread.planfile import validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

pytestmark = pytest.mark.django_db

PLAN_MODELS = [
    m.Organisation,
    m.Plan,
    m.Level,
    m.OrgUnit,
    m.Owner,
    m.Objective,
    m.Activity,
    m.Metric,
    m.BudgetLine,
    m.StatedTotal,
    m.Risk,
]


def plan_from(text: str):
    result = validate_text(text, "edited.yaml")
    assert result.ok, result.problems
    return result.plan


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in PLAN_MODELS}


def test_loading_a_plan_records_every_element_created_and_who(example_plan):
    loader = get_user_model().objects.create_user("loader")
    load_plan(example_plan, user=loader)
    for model in PLAN_MODELS:
        live = model.objects.count()
        created = model.history.filter(history_type="+")
        assert created.count() == live, model.__name__
        assert set(created.values_list("history_user_id", "history_username").distinct()) == {(loader.pk, "loader")}, (
            model.__name__
        )
    med = m.Objective.history.get(code="MED-1")
    assert med.related == {"contributes_to": ["1"], "framework_refs": []}
    vac = m.Metric.history.get(code="NUR-VAC")
    assert vac.related["trajectory"] == ["2019/20 Q1: 0.1", "2019/20 Q2: 0.095"]


def test_loading_the_same_file_again_records_nothing(example_plan):
    load_plan(example_plan)
    before = history_counts()
    load_plan(example_plan)
    assert history_counts() == before


def test_an_edited_file_records_changes_with_before_and_after(example_text):
    load_plan(plan_from(example_text))
    before = history_counts()
    edited = example_text.replace(
        "title: Prevention and anti-microbial resistance clinical policy and programme development",
        "title: Prevention and AMR programme",
    )
    load_plan(plan_from(edited))
    after = history_counts()
    changed = m.Objective.history.filter(code="MED-1").order_by("history_date", "history_id")
    assert [h.history_type for h in changed] == ["+", "~"]
    assert (
        changed[0].title.startswith("Prevention and anti-microbial")
        and changed[1].title == "Prevention and AMR programme"
    )
    assert after == {**before, "Objective": before["Objective"] + 1}  # nothing else changed, nothing else recorded


def test_changed_links_are_recorded_on_the_element(example_text):
    load_plan(plan_from(example_text))
    plan = plan_from(example_text)
    for o in plan.objectives:
        if o.code == "MED-1":
            o.contributes_to = ["3"]
    load_plan(plan)
    rows = m.Objective.history.filter(code="MED-1").order_by("history_date", "history_id")
    assert [(h.history_type, h.related["contributes_to"]) for h in rows] == [("+", ["1"]), ("~", ["3"])]


def test_removing_elements_records_each_deletion_including_cascades(example_text):
    load_plan(plan_from(example_text))
    plan = m.Plan.objects.get()
    med = m.Objective.objects.get(code="MED-1")
    activities = set(m.Activity.objects.filter(objective=med).values_list("code", flat=True))
    assert activities
    unit = m.OrgUnit.objects.get(code="medical")
    Observation.objects.create(metric=plan.metrics.first(), org_unit=unit, period_start=date(2019, 4, 1), value=1)
    # a file without MED-1 (and so without its activities), and without the medical unit
    text = plan_from(example_text)
    text.objectives = [o for o in text.objectives if o.code != "MED-1"]
    text.activities = [a for a in text.activities if a.objective != "MED-1"]
    text.metrics = [
        x.model_copy(update={"objectives": [o for o in x.objectives if o != "MED-1"]}) for x in text.metrics
    ]
    text.risks = [r.model_copy(update={"objective": None}) if r.objective == "MED-1" else r for r in text.risks]
    for o in text.objectives:
        if o.org_unit == "medical":
            o.org_unit = None
    for a in text.activities:
        if a.org_unit == "medical":
            a.org_unit = None
    text.owners = [o.model_copy(update={"org_unit": None}) if o.org_unit == "medical" else o for o in text.owners]
    text.budget_lines = [
        b.model_copy(update={"org_unit": None}) if b.org_unit == "medical" else b for b in text.budget_lines
    ]
    text.org_units = [u for u in text.org_units if u.code != "medical"]
    load_plan(text)
    deleted = m.Objective.history.filter(history_type="-")
    assert list(deleted.values_list("code", flat=True)) == ["MED-1"]
    assert set(m.Activity.history.filter(history_type="-").values_list("code", flat=True)) == activities
    assert m.OrgUnit.history.filter(history_type="-", code="medical").exists()
    # cascaded: observations keep no history table (they are their own: ADR 0012); a deleted one
    # leaves its last state
    assert DeletedObservation.objects.filter(org_unit_id=unit.pk, deleted_by_name="").count() == 1


def test_plan_loads_stay_set_based(example_text, django_assert_max_num_queries):
    with django_assert_max_num_queries(200) as small:
        load_plan(plan_from(example_text))
    extra = "".join(
        f"  - {{code: X{i}, level: dir-priority, title: Extra {i}, "
        f"org_unit: medical, owner: nmd, contributes_to: ['1']}}\n"
        for i in range(40)
    )
    bigger = example_text.replace("activities:\n", extra + "activities:\n", 1).replace(
        "code: example-2019", "code: example-big"
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        load_plan(plan_from(bigger))
    assert m.Objective.history.filter(code__startswith="X", history_type="+").count() == 40


def test_saving_and_deciding_an_update_is_recorded(world):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead)
    sub = services.save_update(
        world.period(1),
        world.medical,
        world.complete(commentary="Changed"),
        based_on=sub.version,
        user=lead,
        submit=True,
    )
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    rows = Submission.history.filter(id=sub.pk).order_by("history_date", "history_id")
    assert [(h.history_type, h.history_username, h.status) for h in rows][-3:] == [
        ("~", "lead", "draft"),
        ("~", "lead", "submitted"),
        ("~", "planner", "approved"),
    ]
    assert [(h.history_type, h.commentary) for h in rows][:2] == [("+", ""), ("~", "Good quarter")]
    assert ActivityUpdate.history.filter(submission_id=sub.pk, history_user=lead).count() == len(
        world.scope().activities
    )
    assert MetricReturn.history.filter(submission_id=sub.pk, history_type="+").get().numerator == Decimal(30)
    # the approved value became an observation, loaded by the approver (its own history: ADR 0012)
    assert Observation.objects.filter(metric__code="MED-2-M1", loaded_by=planner, superseded_at=None).count() == 1


def test_reviews_and_actions_are_recorded(world):
    planner, lead = world.users["planner"], world.users["lead"]
    data = services.ReviewData(
        status="held",
        held_on=date(2019, 7, 25),
        chair="CFO",
        pack="Q1 pack",
        summary="ok",
        attendees=[("Ann", "NMD")],
        decisions=["Agree"],
        actions={},
        new_actions=[{"description": "Do it", "owner": "Ann", "due_on": date(2019, 9, 30)}],
    )
    review = services.save_review(world.period(1), world.medical, data, based_on=0, user=planner)
    action = review.actions.get()
    services.close_action(action, "Done", user=lead)
    assert AccountabilityReview.history.filter(id=review.pk, history_user=planner).exists()
    assert ReviewAttendee.history.filter(review_id=review.pk, name="Ann").exists()
    assert ReviewDecision.history.filter(review_id=review.pk, text="Agree").exists()
    assert [
        (h.history_type, h.status, h.history_username)
        for h in Action.history.filter(id=action.pk).order_by("history_date")
    ] == [("+", "open", "planner"), ("~", "closed", "lead")]
    with pytest.raises(services.Conflict):  # reviews are optimistic too
        services.save_review(world.period(1), world.medical, data, based_on=0, user=planner)


def test_observations_are_recorded_on_every_path(world):
    """Observations are their own history (ADR 0012): every write path — created, bulk created,
    superseded by a save or in bulk, deleted — shows in the revisions the history page reads."""
    from goldenthread.audit.observations import revisions

    metric = world.plan.metrics.get(code="MED-2-M1")
    obs = Observation.objects.create(metric=metric, org_unit=world.medical, period_start=date(2019, 4, 1), value=1)
    obs.superseded_at = timezone.now()
    obs.save()
    again = Observation.objects.create(metric=metric, org_unit=world.medical, period_start=date(2019, 4, 1), value=2)
    bulk = audit.bulk_create(
        Observation,
        [Observation(metric=metric, org_unit=world.nursing, period_start=date(2019, 4, 1), value=3)],
        user=world.users["admin"],
    )
    bulk[0].superseded_at = timezone.now()
    audit.bulk_update(Observation, [bulk[0]], ["superseded_at"], user=world.users["admin"])
    audit.delete([Observation.objects.filter(pk=obs.pk)], user=world.users["admin"])

    def kinds(pk: int) -> list[tuple[int, str, str]]:
        found = revisions(pk)
        assert found is not None
        rows = sorted(found[0], key=lambda r: (r.history_date, r.history_id))
        return [(r.id, r.history_type, r.history_username) for r in rows]

    assert kinds(obs.pk) == [(obs.pk, "+", ""), (obs.pk, "~", ""), (again.pk, "+", ""), (obs.pk, "-", "admin")]
    assert kinds(bulk[0].pk) == [(bulk[0].pk, "+", ""), (bulk[0].pk, "~", "")]
    assert revisions(bulk[0].pk + 1000) is None


def test_observation_history_page_reads_every_revision_of_its_key(world, login):
    from goldenthread.performance.loading import load_file

    analyst = world.users["planner"]
    text = "metric,org_unit,period,value\nMED-2-M1,medical,2019/20 Q1,{}\n"
    for value in ("0.5", "0.75"):
        report = load_file(text.format(value).encode(), world.plan, name="q1.csv", user=analyst)
        assert report.ok, report.problem_lines()
    first, second = Observation.objects.filter(metric__code="MED-2-M1").order_by("pk")
    page = login(world.users["board"]).get(f"/history/observation/{first.pk}/").content.decode()
    assert "History of MED-2-M1 medical" in page
    assert page.count("Created") == 2 and page.count("Changed") == 1 and "Planner" in page
    assert "0.5" in page and "0.75" in page and "q1.csv" in page  # the values, and the load batch
    audit.delete([m.OrgUnit.objects.filter(code="medical")], user=world.users["admin"])
    response = login(world.users["board"]).get(f"/history/observation/{second.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Deleted") == 2 and "Admin" in page and "0.75" in page


def test_history_page_shows_who_when_and_before_after(world, login, example_text):
    lead = world.users["lead"]
    sub = services.save_update(
        world.period(1), world.medical, world.complete(commentary="First <b>words</b>"), based_on=0, user=lead
    )
    services.save_update(
        world.period(1), world.medical, world.complete(commentary="Second words"), based_on=sub.version, user=lead
    )
    page = login(world.users["planner"]).get(f"/history/submission/{sub.pk}/").content.decode()
    assert "History of Medical 2019/20 Q1" in page
    assert "Changed" in page and "Lead" in page
    assert "First &lt;b&gt;words&lt;/b&gt;" in page and "Second words" in page
    assert "Activity update:" in page  # the update's rows are part of its history
    objective = world.plan.objectives.get(code="MED-1")
    page = login(world.users["norole"]).get(f"/history/objective/{objective.pk}/").content.decode()
    assert "Created" in page and "System (command line or data load)" in page


def test_a_deleted_elements_history_is_still_readable(world, login):
    risk = world.plan.risks.get(code="R-ME")
    audit.delete([m.Risk.objects.filter(pk=risk.pk)], user=world.users["admin"])
    response = login(world.users["board"]).get(f"/history/risk/{risk.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "(deleted)" in page and "Deleted" in page and "Admin" in page


def test_nobody_can_change_the_trail(world, login):
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    admin = login(world.users["admin"])
    response = admin.post(f"/history/submission/{sub.pk}/", {"commentary": "rewritten"})
    assert response.status_code == 403
    history_id = Submission.history.filter(id=sub.pk).first().history_id
    response = admin.post(f"/admin/cycles/submission/{sub.pk}/history/{history_id}/", {"commentary": "rewritten"})
    assert response.status_code == 403
    assert admin.get(f"/admin/cycles/submission/{sub.pk}/history/").status_code == 200
    assert not Submission.history.filter(commentary="rewritten").exists()
    assert Submission.objects.get().commentary == "Good quarter"
