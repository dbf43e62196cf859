"""An update goes draft → submitted → approved, or submitted → returned with comments → resubmitted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.cycles import services
from goldenthread.cycles.models import Submission, SubmissionEvent
from goldenthread.performance.models import Observation

S = Submission.Status


def events(sub):
    return list(SubmissionEvent.objects.filter(submission=sub).values_list("action", flat=True))


def test_draft_submit_approve(world):
    lead, planner = world.users["lead"], world.users["planner"]
    q1 = world.period(1)
    sub = services.save_update(q1, world.medical, world.complete(), based_on=0, user=lead)
    assert (sub.status, sub.version, sub.updated_by) == (S.DRAFT, 1, lead)
    sub = services.save_update(q1, world.medical, world.complete(), based_on=1, user=lead, submit=True)
    assert (sub.status, sub.version, sub.submitted_by) == (S.SUBMITTED, 2, lead)
    sub = services.decide(sub, "approve", comments="", based_on=2, user=planner)
    sub.refresh_from_db()
    assert (sub.status, sub.version, sub.decided_by) == (S.APPROVED, 3, planner)
    assert events(sub) == ["submitted", "approved"]


def test_returned_with_comments_then_resubmitted_and_approved(world):
    lead, planner = world.users["lead"], world.users["planner"]
    q2 = world.period(2)
    sub = services.save_update(q2, world.medical, world.complete(), based_on=0, user=lead, submit=True)
    with pytest.raises(services.Incomplete) as no_comments:
        services.decide(sub, "return", comments="  ", based_on=sub.version, user=planner)
    assert no_comments.value.problems == [("comments", "Say what needs to change before the update can be approved")]
    sub = services.decide(sub, "return", comments="Add the regional breakdown", based_on=sub.version, user=planner)
    assert sub.status == S.RETURNED and sub.decision_comments == "Add the regional breakdown"
    sub = services.save_update(
        q2,
        world.medical,
        world.complete(commentary="With the regional breakdown"),
        based_on=sub.version,
        user=lead,
        submit=True,
    )
    assert sub.status == S.SUBMITTED
    sub = services.decide(sub, "approve", comments="Thank you", based_on=sub.version, user=planner)
    assert events(sub) == ["submitted", "returned", "resubmitted", "approved"]
    assert Submission.objects.get(pk=sub.pk).commentary == "With the regional breakdown"


def test_approved_return_values_become_the_metrics_data(world):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    obs = Observation.objects.get(metric__code="MED-2-M1", org_unit=world.medical)
    assert (obs.numerator, obs.denominator, obs.value) == (Decimal(30), Decimal(40), Decimal("0.75"))
    assert obs.period_start == world.period(1).start and obs.loaded_by == planner and obs.superseded_at is None


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_an_update_with_the_planning_team_cannot_be_edited(world, status):
    lead, planner = world.users["lead"], world.users["planner"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True)
    if status == S.APPROVED:
        sub = services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    with pytest.raises(services.CycleError) as refused:
        services.save_update(
            world.period(1), world.medical, world.complete(commentary="late edit"), based_on=sub.version, user=lead
        )
    assert "cannot be changed" in str(refused.value) or "no longer be changed" in str(refused.value)
    assert Submission.objects.get(pk=sub.pk).commentary == "Good quarter"


def test_only_submitted_updates_can_be_decided(world):
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    with pytest.raises(services.CycleError, match="draft cannot be approved"):
        services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    assert Submission.objects.get(pk=sub.pk).status == S.DRAFT


def test_submitting_needs_everything_and_saves_nothing_otherwise(world):
    scope = world.scope()
    empty = services.UpdateData(commentary="half done")
    with pytest.raises(services.Incomplete) as incomplete:
        services.save_update(world.period(1), world.medical, empty, based_on=0, user=world.users["lead"], submit=True)
    messages = [m for _, m in incomplete.value.problems]
    assert "Choose an overall RAG rating: red, amber or green" in messages
    assert "Give the reason for the overall RAG rating" in messages
    for o in scope.objectives:
        assert f"Choose a RAG rating for objective {o.code}" in messages
    assert "Enter the value for metric MED-2-M1, or say in the note why there is none" in messages
    assert "Confirm you have reviewed risk R-ME" in messages
    assert not Submission.objects.exists()  # the whole save was rolled back


def test_a_delayed_activity_needs_a_reason(world):
    data = world.complete()
    activity = world.scope().activities[0]
    data.activities[activity.pk] = {"status": "delayed", "commentary": ""}
    with pytest.raises(services.Incomplete) as incomplete:
        services.save_update(world.period(1), world.medical, data, based_on=0, user=world.users["lead"], submit=True)
    assert incomplete.value.problems == [
        (f"a{activity.pk}-commentary", f"Say why activity {activity.code} is delayed and what is being done")
    ]


def test_contributors_save_but_only_the_lead_submits(world):
    contributor = world.users["contributor"]
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=contributor)
    assert sub.status == S.DRAFT
    with pytest.raises(services.CycleError, match="Only the lead for Medical can submit"):
        services.save_update(
            world.period(1), world.medical, world.complete(), based_on=sub.version, user=contributor, submit=True
        )


def test_leads_of_other_units_and_other_plans_planners_cannot_act(world):
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    with pytest.raises(services.CycleError):
        services.save_update(
            world.period(1),
            world.medical,
            world.complete(),
            based_on=sub.version,
            user=world.users["other_lead"],
            submit=True,
        )
    sub = services.save_update(
        world.period(1), world.medical, world.complete(), based_on=sub.version, user=world.users["lead"], submit=True
    )
    with pytest.raises(services.CycleError, match="planning team"):
        services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["other_planner"])
    with pytest.raises(services.CycleError, match="planning team"):
        services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["board"])


def test_whole_flow_through_the_pages(world, login):
    lead, planner = login(world.users["lead"]), login(world.users["planner"])
    base = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/"
    form = {"version": "0", "action": "submit", "rag": "green", "rag_reason": "On track", "commentary": "All good"}
    scope = world.scope()
    for o in scope.objectives:
        form[f"o{o.pk}-rag"], form[f"o{o.pk}-rag_reason"] = "green", "fine"
    for a in scope.activities:
        form[f"a{a.pk}-status"] = "in_progress"
    for x in scope.metrics:
        form[f"m{x.pk}-numerator"], form[f"m{x.pk}-denominator"] = "9", "10"
    for r in scope.risks:
        form[f"r{r.pk}-reviewed"] = "yes"
    response = lead.post(base + "update/", form)
    assert response.status_code == 302 and response["Location"] == base
    page = lead.get(base).content.decode()
    assert "Submitted" in page and "All good" in page and "90.0% (9 of 10)" in page
    version = lambda: str(Submission.objects.get().version)  # noqa: E731
    response = planner.post(base, {"version": version(), "decision": "return", "comments": ""})
    assert response.status_code == 400 and "Say what needs to change" in response.content.decode()
    response = planner.post(base, {"version": version(), "decision": "return", "comments": "Say more about <b>AMR</b>"})
    assert response.status_code == 302
    edit = lead.get(base + "update/").content.decode()
    assert "The planning team returned this update" in edit and "Say more about &lt;b&gt;AMR&lt;/b&gt;" in edit
    form.update(version=version(), commentary="More about AMR")
    assert lead.post(base + "update/", form).status_code == 302
    assert planner.post(base, {"version": version(), "decision": "approve", "comments": ""}).status_code == 302
    assert Submission.objects.get().status == S.APPROVED
    # approved: the edit page now only shows the update
    assert lead.get(base + "update/")["Location"] == base


@pytest.mark.parametrize("held", [Decimal("0.5"), Decimal("0.75")])
def test_approved_return_values_revise_a_different_value_held_and_leave_the_same_one(world, held):
    from goldenthread.performance.models import LoadBatch

    lead, planner = world.users["lead"], world.users["planner"]
    metric = world.plan.metrics.get(code="MED-2-M1")
    old = Observation.objects.create(
        metric=metric,
        org_unit=world.medical,
        period_start=world.period(1).start,
        value=held,
        numerator=held * 40,
        denominator=40,
    )
    sub = services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)
    current = Observation.objects.get(metric=metric, org_unit=world.medical, superseded_at=None)
    assert current.value == Decimal("0.75")
    if held == Decimal("0.75"):  # the same value: nothing written, no batch
        assert current.pk == old.pk and not LoadBatch.objects.filter(plan=world.plan).exists()
    else:  # a new revision, the value held before superseded, one batch saying so
        assert current.pk != old.pk and current.loaded_by == planner
        assert Observation.objects.get(pk=old.pk).superseded_at is not None
        batch = LoadBatch.objects.get(plan=world.plan)
        assert current.batch == batch and (batch.rows_created, batch.rows_revised) == (0, 1)
