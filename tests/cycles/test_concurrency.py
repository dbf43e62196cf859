"""Two people editing the same update: the second save is refused with a clear message, their
text is kept, and nothing is ever lost silently."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from goldenthread.cycles import services
from goldenthread.cycles.models import Submission

URL = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"


def test_a_save_from_an_older_version_is_refused(world):
    lead, contributor = world.users["lead"], world.users["contributor"]
    first = services.save_update(
        world.period(1), world.medical, world.complete(commentary="one"), based_on=0, user=lead
    )
    services.save_update(
        world.period(1), world.medical, world.complete(commentary="lead's text"), based_on=first.version, user=lead
    )
    with pytest.raises(services.Conflict) as conflict:
        services.save_update(
            world.period(1),
            world.medical,
            world.complete(commentary="contributor's text"),
            based_on=first.version,
            user=contributor,
        )
    assert "Lead saved this update at" in str(conflict.value) and "your changes have not been saved" in str(
        conflict.value
    )
    assert conflict.value.current.commentary == "lead's text"
    assert Submission.objects.get().commentary == "lead's text"


def test_two_people_starting_the_same_new_update(world):
    services.save_update(
        world.period(1), world.medical, world.complete(commentary="first"), based_on=0, user=world.users["lead"]
    )
    with pytest.raises(services.Conflict):
        services.save_update(
            world.period(1),
            world.medical,
            world.complete(commentary="second"),
            based_on=0,
            user=world.users["contributor"],
        )
    assert Submission.objects.get().commentary == "first"


def test_the_second_save_in_the_browser_keeps_the_persons_text(world, login):
    lead, contributor = login(world.users["lead"]), login(world.users["contributor"])
    services.save_update(
        world.period(1), world.medical, world.complete(commentary="start"), based_on=0, user=world.users["lead"]
    )
    # both open the form at version 1 ...
    assert 'name="version" value="1"' in lead.get(URL).content.decode()
    assert 'name="version" value="1"' in contributor.get(URL).content.decode()
    # ... the lead saves first
    assert lead.post(URL, {"version": "1", "commentary": "The lead's words", "rag": "green"}).status_code == 302
    # the contributor's save is refused, with their text kept and the lead's shown beside it
    response = contributor.post(URL, {"version": "1", "commentary": "The contributor's <i>words</i>", "rag": "amber"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Your changes have not been saved" in page and "Lead saved this update at" in page
    assert "The contributor&#39;s &lt;i&gt;words&lt;/i&gt;" in page  # their text, as text
    assert "Saved meanwhile by someone else" in page and "The lead&#39;s words" in page
    assert 'name="version" value="2"' in page  # saving again is an informed choice
    assert Submission.objects.get().commentary == "The lead's words"
    # saving again, having seen both, keeps the contributor's text
    assert contributor.post(URL, {"version": "2", "commentary": "Merged words", "rag": "amber"}).status_code == 302
    assert Submission.objects.get().commentary == "Merged words"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_one_wins_the_other_is_told(world):
    """Real concurrency: two threads, two database connections, the same version. (SQLite's
    in-memory test database shares one cache between threads and cannot queue writers, so this
    runs where the database is a server: PostgreSQL.)"""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database cannot hold two concurrent writers")
    services.save_update(
        world.period(1), world.medical, world.complete(commentary="start"), based_on=0, user=world.users["lead"]
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, text):
        try:
            barrier.wait()
            services.save_update(world.period(1), world.medical, world.complete(commentary=text), based_on=1, user=user)
            outcomes.append("saved " + text)
        except services.Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(world.users[name], name)) for name in ("lead", "contributor")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o.split()[0] for o in outcomes) == ["conflict", "saved"], outcomes
    winner = next(o for o in outcomes if o.startswith("saved")).split()[1]
    sub = Submission.objects.get()
    assert sub.commentary == winner and sub.version == 2
