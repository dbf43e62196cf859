"""Before publishing a quarter none of whose updates is approved, the planning team is warned that
its public page would show no progress, and nothing is published until they confirm (issue 13)."""

from __future__ import annotations

from goldenthread.cycles import services
from goldenthread.cycles.models import Publication
from goldenthread.cycles.services.publishing import publishing_warning

from .test_public import approve

PUBLISH = "/plans/nhsei-2019/publish/"


def live(world, q):
    return Publication.objects.filter(plan=world.plan, period=world.period(q), withdrawn_at=None).exists()


def test_a_quarter_with_no_approved_update_is_warned_of(world):
    services.save_update(
        world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True
    )  # submitted, not approved
    assert publishing_warning(world.period(1)).startswith("No update for 2019/20 Q1 has been approved yet")
    approve(world, world.medical, 2, "words")
    assert publishing_warning(world.period(2)) == ""


def test_publishing_such_a_quarter_asks_first_and_publishes_nothing(world, login):
    planner = login(world.users["planner"])
    response = planner.post(PUBLISH, {"period": "2019-20-q1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Publish 2019/20 Q1 with no approved update?" in page
    assert "No update for 2019/20 Q1 has been approved yet, so its public page would show no progress" in page
    assert 'name="confirm" value="yes"' in page and "Back to 2019/20 Q1 without publishing" in page
    assert not live(world, 1)
    confirmed = planner.post(PUBLISH, {"period": "2019-20-q1", "confirm": "yes"}, follow=True)
    assert "2019/20 Q1 is published" in confirmed.content.decode()
    assert live(world, 1)


def test_a_quarter_with_an_approved_update_is_published_at_once(world, login):
    approve(world, world.medical, 2, "words")
    response = login(world.users["planner"]).post(PUBLISH, {"period": "2019-20-q2"}, follow=True)
    assert "2019/20 Q2 is published" in response.content.decode() and live(world, 2)


def test_the_plan_itself_and_withdrawing_ask_nothing(world, login):
    planner = login(world.users["planner"])
    assert "The plan is published" in planner.post(PUBLISH, {}, follow=True).content.decode()
    services.publish(world.plan, world.period(1), user=world.users["planner"])
    response = planner.post(PUBLISH, {"period": "2019-20-q1", "action": "withdraw"}, follow=True)
    assert "is no longer on the public pages" in response.content.decode() and not live(world, 1)


def test_someone_outside_the_planning_team_cannot_confirm(world, login):
    lead = login(world.users["lead"])
    assert lead.post(PUBLISH, {"period": "2019-20-q1", "confirm": "yes"}).status_code == 403
    assert not live(world, 1)
