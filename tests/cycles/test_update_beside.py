"""The update form shows, beside each part, the unit's update for the previous period (with its
status), and beside each metric its target and its latest value, named by its period."""

from __future__ import annotations

import pytest

from goldenthread.cycles import services
from goldenthread.planfile.periods import period_name
from goldenthread.presenters.values import format_target

from .test_my_work import text_of

pytestmark = pytest.mark.django_db


def edit_url(q: int) -> str:
    return f"/plans/nhsei-2019/periods/2019-20-q{q}/units/medical/update/"


def beside(text: str, heading: str) -> str:
    """The reference lines shown beside the part of the form under ``heading``."""
    return text.split(heading, 1)[1].split("For reference:", 1)[1].split("RAG rating for", 1)[0]


def test_last_periods_approved_update_the_target_and_the_latest_value(world, login):
    lead, planner = world.users["lead"], world.users["planner"]
    objective = world.scope().objectives[0]
    metric = world.plan.metrics.get(code="MED-2-M1")
    data = world.complete(commentary="Recruitment <b>behind</b> in two regions")
    sub = services.save_update(world.period(1), world.medical, data, based_on=0, user=lead, submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=planner)

    response = login(lead).get(edit_url(2))
    assert response.status_code == 200
    text = text_of(response)
    assert "Beside each part: Medical's update for 2019/20 Q1 (approved)." in text
    overall = text.split("Overall", 1)[1].split("Overall RAG rating", 1)[0]
    assert "2019/20 Q1 (approved) Green — On track — Recruitment <b>behind</b> in two regions" in overall
    assert "Recruitment &lt;b&gt;behind&lt;/b&gt;" in response.content.decode(), "shown as text"
    assert f"2019/20 Q1 (approved) Green — {objective.code} on track" in text
    metric_part = text.split(f"{metric.code} {metric.title}", 1)[1].split(f"Numerator for {metric.code}", 1)[0]
    assert "2019/20 Q1 (approved) 75.0% (30 of 40)" in metric_part
    assert f"Target {format_target(metric)}" in metric_part and "100.0%" in metric_part
    assert f"Latest value 75.0% ({period_name(world.period(1).start, metric.frequency)})" in metric_part


def test_a_previous_update_not_yet_approved_says_its_status(world, login):
    lead = world.users["lead"]
    services.save_update(world.period(1), world.medical, world.complete(rag="amber"), based_on=0, user=lead)
    text = text_of(login(lead).get(edit_url(2)))
    assert "Medical's update for 2019/20 Q1 (draft)" in text and "2019/20 Q1 (draft) Amber" in text
    metric = world.plan.metrics.get(code="MED-2-M1")
    assert "Latest value No value yet" in text, "a draft's value is not the metric's data"
    assert f"Target {format_target(metric)}" in text


def test_no_previous_update_is_said_plainly(world, login):
    lead = world.users["lead"]
    assert "Medical made no update for 2019/20 Q1." in text_of(login(lead).get(edit_url(2)))
    first = text_of(login(lead).get(edit_url(1)))
    assert "2019/20 Q1 is the first reporting period, so there is no previous update." in first
    assert "Target" in first, "the target and latest value are shown all the same"
