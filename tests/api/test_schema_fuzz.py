"""Schemathesis over every operation of the API's schema, as served at /api/v1/openapi.json: for
an administrator's token and a lead's, requests generated from the schema must never be answered
with a server error, and every answer must have a status code the operation documents and a body
its schema allows.

Requests go to the real application (its WSGI handler) in this test's database (the cycles'
world); path parameters are now and then the world's real plan codes, periods and units, so the
operations are exercised past their 404s. Deterministic (Hypothesis derandomized, no example
database) and bounded: ``GOLDENTHREAD_FUZZ_EXAMPLES`` examples per operation and caller (default 8).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goldenthread.accounts.api_tokens import create_token
from goldenthread.api.v1 import api

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GOLDENTHREAD_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def every_operation() -> int:
    return sum(
        len(operation.methods)
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    )


def known_values(world) -> dict[str, list[str]]:
    """Real values for the path parameters the policy names (and None: keep what was generated)."""
    return {
        "code": [world.plan.code, world.other_plan.code],
        "period": [p.slug for p in world.periods.values()][:2],
        "unit": [world.medical.code, world.nursing.code],
    }


def fuzz(schema, operation, token: str, known: dict[str, list[str]]) -> None:
    """Hypothesis over one operation: each case's path parameters sometimes swapped for real ones."""
    strategy = operation.as_strategy()
    names = [name for name in known if f"{{{name}}}" in operation.path]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy, data=st.data())
    def run(case, data) -> None:
        for name in names:
            real = data.draw(st.sampled_from([None, *known[name]]), label=name)
            if real is not None:
                case.path_parameters[name] = real
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


@pytest.fixture
def wsgi_app():
    """The application's WSGI handler, its requests kept on the test's database connection (as
    Django's test client keeps them): not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_holds_to_its_schema(world, settings, wsgi_app):
    settings.GOLDENTHREAD_API_RATE = (1_000_000, 60)  # the limit has its own test
    app = wsgi_app
    tokens = {who: create_token(world.users[who], name="schemathesis", scope="write").text for who in ("admin", "lead")}
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    known = known_values(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == every_operation(), "the schema should list every operation of the API"
    failures = []
    for operation in operations:
        for who, token in tokens.items():
            try:
                fuzz(schema, operation, token, known)
            except (Exception, BaseExceptionGroup) as exc:  # every operation tried; all failures reported together
                failures.append(f"--- {operation.method.upper()} {operation.path} as {who}:\n{exc}")
    assert not failures, "\n\n".join(failures)
