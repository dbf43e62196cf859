"""The public (not signed in) sees only what the planning team has published."""

from __future__ import annotations

from goldenthread.cycles import services


def approve(world, unit, q, commentary):
    lead = world.users["lead"] if unit == world.medical else world.users["other_lead"]
    sub = services.save_update(
        world.period(q), unit, world.complete(unit, commentary=commentary), based_on=0, user=lead, submit=True
    )
    return services.decide(sub, "approve", comments="internal note", based_on=sub.version, user=world.users["planner"])


def test_nothing_is_public_until_published(world, client):
    assert "Nothing has been published yet" in client.get("/public/").content.decode()
    assert client.get("/public/plans/nhsei-2019/").status_code == 404
    assert client.get("/public/plans/nhsei-2019/2019-20-q1/").status_code == 404


def test_published_plan_and_period_show_only_approved_updates(world, client):
    planner = world.users["planner"]
    approve(world, world.medical, 1, "Medical's approved <em>words</em>")
    services.save_update(
        world.period(1),
        world.nursing,
        world.complete(world.nursing, commentary="Nursing draft words"),
        based_on=0,
        user=world.users["other_lead"],
    )
    approve(world, world.medical, 2, "Quarter two words")
    services.publish(world.plan, user=planner)
    services.publish(world.plan, world.period(1), user=planner)
    home = client.get("/public/").content.decode()
    assert "NHS England and NHS Improvement Joint Work Programme" in home and "Example joint business plan" not in home
    plan_page = client.get("/public/plans/nhsei-2019/").content.decode()
    assert "2019/20 Q1" in plan_page and "2019/20 Q2" not in plan_page and "MED-1" in plan_page
    page = client.get("/public/plans/nhsei-2019/2019-20-q1/").content.decode()
    assert "Medical&#39;s approved &lt;em&gt;words&lt;/em&gt;" in page
    assert "Nursing draft words" not in page and "internal note" not in page and "R-ME" not in page
    assert client.get("/public/plans/nhsei-2019/2019-20-q2/").status_code == 404  # approved, but not published
    assert client.get("/public/plans/example-2019/").status_code == 404


def test_a_period_needs_its_plan_published_and_withdrawing_hides_it(world, client):
    planner = world.users["planner"]
    approve(world, world.medical, 1, "words")
    services.publish(world.plan, world.period(1), user=planner)
    assert client.get("/public/plans/nhsei-2019/2019-20-q1/").status_code == 404
    services.publish(world.plan, user=planner)
    assert client.get("/public/plans/nhsei-2019/2019-20-q1/").status_code == 200
    services.withdraw(world.plan, world.period(1), user=planner)
    assert client.get("/public/plans/nhsei-2019/2019-20-q1/").status_code == 404
    services.withdraw(world.plan, user=planner)
    assert client.get("/public/plans/nhsei-2019/").status_code == 404


def test_the_public_cannot_reach_signed_in_pages(world, client):
    for url in ("/", "/plans/nhsei-2019/", "/updates/", "/plans/nhsei-2019/periods/2019-20-q1/units/medical/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url


def test_publishing_through_the_pages(world, login):
    planner = login(world.users["planner"])
    response = planner.post("/plans/nhsei-2019/publish/", {}, follow=True)
    assert "The plan is published on the public pages." in response.content.decode()
    approve(world, world.medical, 1, "words")  # (a period with no approved update asks first: test_publish_warning)
    response = planner.post("/plans/nhsei-2019/publish/", {"period": "2019-20-q1"}, follow=True)
    assert "2019/20 Q1 is published on the public pages." in response.content.decode()
    response = planner.post("/plans/nhsei-2019/publish/", {"period": "2019-20-q1", "action": "withdraw"}, follow=True)
    assert "2019/20 Q1 is no longer on the public pages." in response.content.decode()
    assert login(world.users["lead"]).post("/plans/nhsei-2019/publish/", {}).status_code == 403
