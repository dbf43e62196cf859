"""The API's deny-by-default: every operation declares its access rule and is refused without a
caller; the rules are the pages' rules."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pytest
from django.test import Client
from django.urls import get_resolver

from goldenthread.access.policy import API_NAMESPACE, SELF_GUARDED
from goldenthread.api.v1 import api

pytestmark = pytest.mark.django_db


def _operations():
    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{router_prefix}{path}", operation


def test_every_operation_declares_its_rule():
    missing = [
        f"{' '.join(op.methods)} {path}"
        for path, op in _operations()
        if getattr(op.view_func, "access_rule", None) is None
    ]
    assert not missing, f"operations without an access rule (goldenthread.api.guard.guarded): {missing}"


def test_the_middleware_leaves_only_the_api_namespace_to_the_api():
    assert SELF_GUARDED == (API_NAMESPACE,)
    namespaces = set(get_resolver().namespace_dict)
    assert API_NAMESPACE in namespaces


def test_without_a_caller_every_operation_is_401(world):
    client = Client()
    for path, op in _operations():
        url = "/api/v1" + path.replace("{code}", world.plan.code).replace("//", "/")
        for method in op.methods:
            response = client.generic(method, url)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.json()["detail"]


def test_a_signed_in_person_lists_the_plans_they_may_read(world, login):
    response = login(world.users["norole"]).get("/api/v1/plans/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [p["code"] for p in body["items"]] == sorted([world.plan.code, world.other_plan.code])


def test_a_plan_that_does_not_exist_is_404_with_its_code(world, login):
    response = login(world.users["norole"]).get("/api/v1/plans/NHSEI-2019/")
    assert response.status_code == 404
    assert "NHSEI-2019" in response.json()["detail"]


def _postponed(request, when: date, kind: Literal["a", "b"] = "a"):  # annotations are text here (__future__)
    return when, kind


def test_an_operation_keeps_its_own_annotations_under_the_guard():
    """ninja reads the guard's wrapper: the names of postponed annotations must be the operation's."""
    from ninja.signature.utils import get_typed_signature

    from goldenthread.access.policy import SIGNED_IN_PAGE
    from goldenthread.api.guard import guarded

    typed = get_typed_signature(guarded(SIGNED_IN_PAGE)(_postponed))
    assert typed.parameters["when"].annotation is date
    assert typed.parameters["kind"].annotation == Literal["a", "b"]


@pytest.mark.parametrize("code", ["nhsei\x002019", "x" * 500])
def test_a_code_no_plan_could_hold_is_404_not_a_database_error(world, login, code):
    from urllib.parse import quote

    response = login(world.users["norole"]).get(f"/api/v1/plans/{quote(code)}/")
    assert response.status_code == 404
