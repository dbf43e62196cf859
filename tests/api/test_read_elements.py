"""A plan's elements through the API: the plan file's shape (each element as ``goldenthread plan
export`` writes it), filtered, a page at a time, by code; unknown codes refused with the filter's
name; and each list made in the same number of queries whatever its length."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.accounts.api_tokens import ApiRequestCount
from goldenthread.plans import models as m
from goldenthread.plans.store.exporting import export_plan

pytestmark = pytest.mark.django_db

BASE = "/api/v1/plans/nhsei-2019"
#: list address -> the plan file's section
LISTS = {
    "objectives": "objectives",
    "metrics": "metrics",
    "activities": "activities",
    "owners": "owners",
    "org-units": "org_units",
    "budget-lines": "budget_lines",
    "risks": "risks",
}


def _numbers_as_numbers(value):
    """Numbers written as text (the API's exact decimals, the export's stored ones) compared as numbers."""
    if isinstance(value, dict):
        return {k: _numbers_as_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            return Decimal(value) if value.strip() and value.lstrip("-").replace(".", "", 1).isdigit() else value
        except InvalidOperation:  # pragma: no cover - isdigit() said it is a number
            return value
    return value


def _all(client, address: str, **params) -> list[dict]:
    response = client.get(f"{BASE}/{address}/", {"limit": 1000, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return body["items"]


def test_every_element_reads_as_the_plan_file_writes_it_by_code(world, login):
    client = login(world.users["norole"])
    exported = export_plan(world.plan).model_dump(mode="json")
    for address, section in LISTS.items():
        items = _all(client, address)
        expected = sorted(exported[section], key=lambda e: e["code"])
        if section == "org_units":  # the export leaves out units its data loads added: seed 001 has none
            assert len(items) == world.plan.org_units.count()
        assert [i["code"] for i in items] == [e["code"] for e in expected], address
        assert _numbers_as_numbers(items) == _numbers_as_numbers(expected), address
        for element in items[:3]:  # and one at a time, by code
            one = client.get(f"{BASE}/{address}/{element['code']}/")
            assert one.status_code == 200, (address, element["code"])
            assert one.json() == element
    metric = client.get(f"{BASE}/metrics/MED-2-M1/").json()
    assert metric["target"]["value"] == "1"  # exact, without the column's trailing zeros


def test_filters_and_pages(world, login):
    client = login(world.users["lead"])
    plan, medical = world.plan, world.medical

    def codes(address: str, **params) -> list[str]:
        return [i["code"] for i in _all(client, address, **params)]

    def expected(queryset) -> list[str]:
        return sorted(queryset.values_list("code", flat=True))

    assert codes("objectives", org_unit="medical") == expected(plan.objectives.filter(org_unit=medical))
    parent = plan.objectives.get(code="MED-2")  # seed 001 has no objectives under objectives: one is added
    m.Objective.objects.create(plan=plan, code="MED-2.1", level=parent.level, title="Under MED-2", parent=parent)
    assert codes("objectives", parent=parent.code) == expected(plan.objectives.filter(parent=parent))
    assert codes("objectives", top="true") == expected(plan.objectives.filter(parent=None))
    assert codes("metrics", objective="MED-2") == expected(plan.metrics.filter(objectives__code="MED-2"))
    assert codes("activities", org_unit="medical") == expected(
        plan.activities.filter(org_unit=medical) | plan.activities.filter(org_unit=None, objective__org_unit=medical)
    )
    assert codes("activities", status="not_started") == expected(plan.activities.filter(status="not_started"))
    dated = plan.activities.exclude(due_date=None).order_by("due_date")
    if dated.exists():
        day = dated.first().due_date
        assert codes("activities", due_before=day.isoformat()) == expected(plan.activities.filter(due_date__lte=day))
    assert codes("org-units", parent="nhsei") == expected(plan.org_units.filter(parent__code="nhsei"))
    assert codes("risks", objective="MED-2") == ["R-ME"]

    everything = codes("objectives")
    first = client.get(f"{BASE}/objectives/", {"limit": 2, "offset": 1}).json()
    assert first["count"] == len(everything)
    assert [i["code"] for i in first["items"]] == everything[1:3]


def test_unknown_codes_are_refused_with_their_names(world, login):
    client = login(world.users["norole"])
    for address, params, name in (
        ("objectives", {"org_unit": "Medical"}, "org_unit"),  # codes are exact: the unit is "medical"
        ("objectives", {"parent": "99"}, "parent"),
        ("metrics", {"objective": "NOPE"}, "objective"),
        ("activities", {"owner": "NOPE"}, "owner"),
        ("risks", {"objective": "<script>"}, "objective"),
    ):
        response = client.get(f"{BASE}/{address}/", params)
        assert response.status_code == 400, (address, params)
        detail = response.json()["detail"]
        assert detail.startswith(f"{name}:") and list(params.values())[0] in detail
    for address, params in (  # text no plan holds is refused before it reaches the database (PostgreSQL refuses NUL)
        ("objectives", {"org_unit": "a\x00b"}),
        ("budget-lines", {"financial_year": "2019/20\x00"}),
        ("activities", {"objective": "x" * 65}),
        ("risks/R\x00ME", {}),
    ):
        response = client.get(f"{BASE}/{address}/", params)
        assert response.status_code == 400, (address, params, response.content)
        assert "NUL" in response.json()["detail"] or "at most 64" in response.json()["detail"]
    missing = client.get(f"{BASE}/metrics/med-2-m1/")  # the metric is MED-2-M1
    assert missing.status_code == 404
    assert "med-2-m1" in missing.json()["detail"]
    assert client.get(f"{BASE}/activities/", {"status": "finished"}).status_code == 422
    assert client.get("/api/v1/plans/NHSEI-2019/objectives/").status_code == 404


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


def _queries(client, address: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{BASE}/{address}/", {"limit": 1000})
    assert response.status_code == 200
    return _reads(captured), response.json()["count"]


def _more(plan: m.Plan, first: int, n: int) -> None:
    """``n`` more elements of every kind, each naming every other kind it can."""
    objective, unit = plan.objectives.get(code="MED-2"), plan.org_units.get(code="nursing")
    for i in range(first, first + n):
        owner = m.Owner.objects.create(plan=plan, code=f"XO{i:02}", title=f"Owner {i}", org_unit=unit)
        o = m.Objective.objects.create(
            plan=plan,
            code=f"X{i:02}",
            level=objective.level,
            title=f"Extra {i}",
            parent=objective,
            owner=owner,
            org_unit=unit,
        )
        o.contributes_to.add(objective)
        m.FrameworkReference.objects.create(objective=o, framework="Mandate", ref=str(i))
        x = m.Metric.objects.create(plan=plan, code=f"XM{i:02}", title=f"Extra metric {i}", owner=owner)
        x.objectives.add(o)
        m.TrajectoryPoint.objects.create(
            metric=x, period="2019/20 Q1", period_start="2019-04-01", period_end="2019-06-30", value=i
        )
        m.StatedValue.objects.create(metric=x, period="2019/20", period_start="2019-04-01", value=i)
        a = m.Activity.objects.create(
            plan=plan, code=f"XA{i:02}", objective=o, title=f"Extra activity {i}", owner=owner, org_unit=unit
        )
        a.partners.add(unit)
        m.OrgUnit.objects.create(plan=plan, code=f"XU{i:02}", name=f"Team {i}", kind="team", parent=unit)
        m.BudgetLine.objects.create(
            plan=plan,
            code=f"XB{i:02}",
            title=f"Line {i}",
            org_unit=unit,
            category="running",
            amount=i,
            period="2019/20",
        )
        m.Risk.objects.create(plan=plan, code=f"XR{i:02}", title=f"Risk {i}", objective=o, owner=owner)


def test_each_list_makes_the_same_queries_however_many_rows(world, login):
    client = login(world.users["norole"])
    client.get(f"{BASE}/")  # the session and the person, read once
    _more(world.plan, 0, 2)
    before = {address: _queries(client, address) for address in LISTS}
    _more(world.plan, 2, 20)
    after = {address: _queries(client, address) for address in LISTS}
    for address in LISTS:
        (queries, rows), (queries_after, rows_after) = before[address], after[address]
        assert rows_after == rows + 20, address
        assert queries_after == queries, (address, queries, queries_after)
