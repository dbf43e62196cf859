"""The cycle through the API as the caller may see it: periods, each unit's update, reviews and
actions under the cycle pages' rules — a lead reads their own directorate's draft and submitted
updates and never another directorate's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.accounts.api_tokens import ApiRequestCount
from goldenthread.cycles import services

from ..cycles.test_my_work import review_with_action

pytestmark = pytest.mark.django_db

PERIOD = "/api/v1/plans/nhsei-2019/periods/2019-20-q1"


@pytest.fixture
def updates(world):
    """Medical has submitted its Q1 update; Nursing has a draft."""
    q1 = world.period(1)
    services.save_update(q1, world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True)
    services.save_update(
        q1,
        world.nursing,
        world.complete(world.nursing, commentary="Nursing's draft"),
        based_on=0,
        user=world.users["other_lead"],
    )
    return world


def _update(period: str, unit: str) -> str:
    """One unit's update (goldenthread.api.updates)."""
    return f"/api/v1/plans/nhsei-2019/periods/{period}/units/{unit}/update/"


def test_a_lead_cannot_read_another_directorates_update(updates, login):
    world = updates
    lead = login(world.users["lead"])
    own = lead.get(_update("2019-20-q1", "medical"))
    assert own.status_code == 200, own.content
    assert own.json()["status"] == "submitted"
    other = lead.get(_update("2019-20-q1", "nursing"))
    assert other.status_code == 403 and "Nursing's draft" not in other.content.decode()
    listed = lead.get(f"{PERIOD}/updates/").json()
    assert [(u["org_unit"], u["status"]) for u in listed["items"]] == [("medical", "submitted")]
    # nursing's own lead sees where their draft stands, and nothing of medical's
    other_lead = login(world.users["other_lead"])
    assert [u["org_unit"] for u in other_lead.get(f"{PERIOD}/updates/").json()["items"]] == ["nursing"]
    assert other_lead.get(_update("2019-20-q1", "medical")).status_code == 403
    assert login(world.users["norole"]).get(_update("2019-20-q1", "medical")).status_code == 403
    assert login(world.users["norole"]).get(f"{PERIOD}/updates/").json() == {"items": [], "count": 0}
    # those who read everything see every reporting unit, started or not
    board = login(world.users["board"]).get(f"{PERIOD}/updates/").json()
    statuses = {u["org_unit"]: u["status"] for u in board["items"]}
    assert statuses["medical"] == "submitted" and statuses["nursing"] == "draft"
    assert set(statuses) == {u.code for u in services.reporting_units(world.plan)}
    assert board["count"] == len(statuses)
    assert login(world.users["board"]).get("/api/v1/plans/nhsei-2019/periods/2030-q9/updates/").status_code == 404


def test_periods(world, login):
    body = login(world.users["norole"]).get("/api/v1/plans/nhsei-2019/periods/").json()
    assert [p["label"] for p in body["items"]] == [f"2019/20 Q{q}" for q in range(1, 5)]
    one = login(world.users["norole"]).get(f"{PERIOD}/").json()
    assert one == body["items"][0] and one["closes_on"] == world.period(1).closes_on.isoformat()


def test_reviews_and_actions_as_the_caller_may_see_them(world, login):
    review = review_with_action(world, world.period(1))
    action = review.actions.get()
    for role, sees in (("lead", True), ("board", True), ("other_lead", False), ("norole", False)):
        client = login(world.users[role])
        reviews = client.get(f"{PERIOD}/reviews/").json()["items"]
        assert [r["org_unit"] for r in reviews] == (["medical"] if sees else []), role
        actions = client.get("/api/v1/plans/nhsei-2019/actions/").json()["items"]
        assert [a["number"] for a in actions] == ([action.pk] if sees else []), role
        one = client.get(f"/api/v1/plans/nhsei-2019/actions/{action.pk}/")
        assert one.status_code == (200 if sees else 403), role
    got = login(world.users["lead"]).get(f"/api/v1/plans/nhsei-2019/actions/{action.pk}/").json()
    assert (got["description"], got["org_unit"], got["period"], got["notes"]) == (
        "Share the trajectory",
        "medical",
        "2019/20 Q1",
        [],
    )
    assert reviews == [] and login(world.users["lead"]).get(f"{PERIOD}/reviews/").json()["items"][0]["actions"] == [
        action.pk
    ]
    lead = login(world.users["lead"])
    assert lead.get("/api/v1/plans/nhsei-2019/actions/", {"open": "false"}).json()["count"] == 0
    assert lead.get("/api/v1/plans/nhsei-2019/actions/", {"org_unit": "nursing"}).json()["count"] == 0
    assert lead.get("/api/v1/plans/nhsei-2019/actions/", {"reporting_period": "2019-20-q1"}).json()["count"] == 1
    assert lead.get("/api/v1/plans/nhsei-2019/actions/", {"reporting_period": "q1"}).status_code == 400
    assert lead.get("/api/v1/plans/example-2019/actions/" + f"{action.pk}/").status_code == 404
    assert lead.get("/api/v1/plans/nhsei-2019/actions/999999/").status_code == 404
    assert lead.post(f"/api/v1/plans/nhsei-2019/actions/{action.pk}/").status_code == 405


def _reads(captured: CaptureQueriesContext) -> int:
    """The queries an answer made, leaving out the rate limit's count of requests (a new window's
    first request also inserts its row and clears the old: goldenthread.api.rate), which depends on
    the clock, not on the rows."""
    table = ApiRequestCount._meta.db_table
    return sum(
        1
        for q in captured.captured_queries
        if table not in q["sql"] and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))
    )


def test_the_cycles_lists_make_the_same_queries_however_many_rows(world, login):
    client = login(world.users["admin"])
    addresses = (f"{PERIOD}/updates/", f"{PERIOD}/reviews/", "/api/v1/plans/nhsei-2019/actions/")
    client.get("/api/v1/plans/")

    def counted() -> list[int]:
        out = []
        for address in addresses:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(address).status_code == 200
            out.append(_reads(captured))
        return out

    review_with_action(world, world.period(1))
    before = counted()
    services.save_update(world.period(1), world.medical, world.complete(), based_on=0, user=world.users["lead"])
    services.save_update(
        world.period(1), world.nursing, world.complete(world.nursing), based_on=0, user=world.users["other_lead"]
    )
    review = world.medical.reviews.get()
    for i in range(5):
        review.actions.create(description=f"Action {i}", owner="Someone", position=i + 1)
    review.attendees.create(name="A. Person", role="Chair")
    review.decisions.create(text="Agreed")
    services.save_review(
        world.period(1),
        world.nursing,
        services.ReviewData("held", world.period(1).end, "CFO", "", "", [("B", "")], ["D"], {}, []),
        based_on=0,
        user=world.users["planner"],
    )
    assert counted() == before
