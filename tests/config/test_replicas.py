"""Read replicas (issue 17): with GOLDENTHREAD_REPLICA_URLS set, a page read by GET is drawn from a
replica, a POST writes to the primary, and the person's next pages read the primary for a few
seconds so they see what they just saved; migrations run only on the primary; with no replica
configured nothing is routed at all.

The replica here is a real second PostgreSQL database on the same throwaway cluster, made from the
test database as a template (so it holds the same schema and rows) and then given a plan title of
its own, so a page shows which database it was read from."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client, override_settings

from goldenthread.access import roles
from goldenthread.config import replicas
from goldenthread.plans.models import Plan
from goldenthread.reports.models import PackBuild

from ..factories import plan_with_data

ROUTER = ["goldenthread.config.replicas.ReplicaRouter"]


def test_with_no_replica_nothing_is_routed():
    assert settings.GOLDENTHREAD_REPLICAS == [] and settings.DATABASE_ROUTERS == []
    assert "goldenthread.config.replicas.ReplicaMiddleware" not in settings.MIDDLEWARE
    assert replicas.urls({"GOLDENTHREAD_REPLICA_URLS": " , "}) == []


def test_replica_urls_become_aliases_mirroring_the_primary_under_test():
    found = replicas.databases(
        replicas.urls({"GOLDENTHREAD_REPLICA_URLS": "postgresql://a@h1/db, postgresql://a@h2/db"})
    )
    assert list(found) == ["replica1", "replica2"]
    assert found["replica2"]["HOST"] == "h2" and found["replica1"]["TEST"] == {"MIRROR": "default"}


def test_migrations_run_only_on_the_primary():
    router = replicas.ReplicaRouter()
    assert router.allow_migrate("default", "plans") and not router.allow_migrate("replica1", "plans")


@pytest.fixture
def replica(transactional_db):
    """A second database, ``replica1``: a copy of the test database with its own plan title."""
    if connection.vendor != "postgresql":
        pytest.skip("a replica is a second PostgreSQL database: SQLite has no server to hold one")
    plan_with_data()
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)
    primary = connection.settings_dict["NAME"]
    name = f"{primary}_replica"
    connections.close_all()  # a template may have no other session
    with connection._nodb_cursor() as cursor:
        # nor one left by an earlier test's server or worker that is still closing
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [primary],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary}"')
    # a connection of its own, made here (the router names it; the test guards only those in settings)
    wrapper = type(connections["default"])
    connections["replica1"] = wrapper({**connection.settings_dict, "NAME": name}, alias="replica1")
    Plan.objects.using("replica1").filter(code="t").update(title="Read from the replica")
    yield user
    connections["replica1"].close()
    del connections["replica1"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_get_reads_the_replica_and_a_post_writes_the_primary(replica):
    middleware = ["goldenthread.config.replicas.ReplicaMiddleware", *settings.MIDDLEWARE]
    with override_settings(GOLDENTHREAD_REPLICAS=["replica1"], DATABASE_ROUTERS=ROUTER, MIDDLEWARE=middleware):
        client = Client()
        client.force_login(replica)  # outside any request: the session is written to the primary
        page = client.get("/plans/t/").content.decode()
        assert "Read from the replica" in page and replicas.PIN_COOKIE not in client.cookies
        response = client.post("/plans/t/reports/builds/", {"period": "2017/18 Q4"})
        assert response.status_code == 302
        assert PackBuild.objects.using("default").count() == 1
        assert PackBuild.objects.using("replica1").count() == 0
        # the page the form leads to reads the primary: it shows the build it just asked for
        assert client.cookies[replicas.PIN_COOKIE]["max-age"] == settings.GOLDENTHREAD_REPLICA_PIN_SECONDS
        assert client.get(response["Location"]).status_code == 200
        assert "Test plan with data" in client.get("/plans/t/").content.decode()
        # someone else, who wrote nothing, still reads the replica
        other = Client()
        other.force_login(replica)
        assert "Read from the replica" in other.get("/plans/t/").content.decode()
