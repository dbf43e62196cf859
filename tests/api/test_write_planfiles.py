"""Plan files through the API: validated with every problem at its place, created as a new plan by
those who may create plans, and loaded into an existing plan's draft change — never around change
control — by its planning team; hostile input held as text or refused, as on the pages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from goldenthread.access.rules import may_edit_plan
from goldenthread.planfile import to_yaml
from goldenthread.planfile.workbook_write import plan_workbook
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan

from ..conftest import EXAMPLE

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = '=HYPERLINK("http://example.org","x")'


def send(client, url: str, body, content_type: str = "application/yaml"):
    return client.post(url, data=body, content_type=content_type)


def changed_yaml(plan_code: str = "nhsei-2019", **changes) -> str:
    return to_yaml(export_plan(plan_code).model_copy(update=changes))


def test_a_valid_file_validates_and_nothing_changes(world, login):
    client = login(world.users["planner"])
    response = send(client, "/api/v1/plans/validate/", EXAMPLE.read_text(encoding="utf-8"))
    assert response.status_code == 200
    assert response.json()["valid"] and response.json()["code"] == "example-2019"
    workbook = send(client, "/api/v1/plans/validate/", plan_workbook(export_plan("nhsei-2019")), XLSX)
    assert workbook.status_code == 200 and workbook.json()["valid"], workbook.json()["problems"][:3]
    assert m.PlanChange.objects.count() == 0


def test_problems_are_at_their_line_and_a_yaml_tag_is_refused(world, login):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "title: Example joint business plan 2019/20", "title: !!python/object/apply:os.system ['id']", 1
    )
    response = send(login(world.users["planner"]), "/api/v1/plans/validate/", text)
    body = response.json()
    assert response.status_code == 200 and not body["valid"]
    [tag] = body["problems"]
    assert "YAML tag" in tag["message"] and (tag["line"], tag["column"], tag["field"]) == (4, 8, "title")
    assert tag["where"] == "line 4, column 8"


def test_a_workbook_problem_is_at_its_sheet_and_cell(world, login):
    book = load_workbook(io.BytesIO(plan_workbook(export_plan("nhsei-2019"))))
    sheet = book["Metrics"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("polarity") + 1, value="sideways")
    out = io.BytesIO()
    book.save(out)
    response = send(login(world.users["planner"]), "/api/v1/plans/validate/", out.getvalue(), XLSX)
    [problem] = [p for p in response.json()["problems"] if p["sheet"] == "Metrics"]
    assert problem["cell"].endswith("2") and problem["where"] == f"Metrics!{problem['cell']}"


@pytest.mark.parametrize("who", ["lead", "contributor", "board", "norole"])
def test_only_the_planning_team_checks_and_creates(world, login, who):
    client = login(world.users[who])
    assert send(client, "/api/v1/plans/validate/", EXAMPLE.read_text(encoding="utf-8")).status_code == 403
    new = send(client, "/api/v1/plans/new/", changed_yaml("example-2019", code="api-2019"))
    assert new.status_code == 403 and not m.Plan.objects.filter(code="api-2019").exists()


def test_a_new_plan_from_a_file(world, login):
    client = login(world.users["planner"])
    response = send(client, "/api/v1/plans/new/", changed_yaml("example-2019", code="api-2019"))
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "api-2019" and response.json()["version"] == 1
    plan = m.Plan.objects.get(code="api-2019")
    assert may_edit_plan(world.users["planner"], plan)
    again = send(client, "/api/v1/plans/new/", changed_yaml("example-2019", code="api-2019"))
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    broken = send(client, "/api/v1/plans/new/", "code: [")
    assert broken.status_code == 422 and broken.json()["problems"][0]["line"] in (1, 2)
    assert m.Plan.objects.count() == 3


def test_a_changed_file_goes_into_the_draft_change_not_the_plan(world, login):
    client = login(world.users["planner"])
    url = "/api/v1/plans/nhsei-2019/file/?reason=Retitled by the board"
    response = send(client, url, changed_yaml(title="A new title for the plan"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["edits"] == 1 and not body["unchanged"]
    change = m.PlanChange.objects.get(plan=world.plan)
    assert change.number == body["change"] and change.status == m.PlanChange.Status.DRAFT
    assert change.document["title"] == "A new title for the plan"
    assert change.edits.get().reason == "Retitled by the board"
    world.plan.refresh_from_db()
    assert world.plan.title != "A new title for the plan"  # the plan changes only when the owner approves
    same = send(client, url, changed_yaml(title="A new title for the plan"))
    assert same.status_code == 200 and same.json()["unchanged"] and same.json()["change"] == change.number


def test_refusals_change_nothing(world, login):
    client = login(world.users["planner"])
    no_reason = send(client, "/api/v1/plans/nhsei-2019/file/", changed_yaml(title="X"))
    assert no_reason.status_code == 422 and no_reason.json()["problems"][0]["field"] == "reason"
    other = send(client, "/api/v1/plans/nhsei-2019/file/?reason=r", changed_yaml("example-2019", title="X"))
    assert other.status_code == 422 and other.json()["problems"][0]["field"] == "code"
    bad = changed_yaml().replace("polarity: lower_is_better", "polarity: sideways", 1)
    invalid = send(client, "/api/v1/plans/nhsei-2019/file/?reason=r", bad)
    assert invalid.status_code == 422 and invalid.json()["problems"][0]["line"]
    wrong_type = send(client, "/api/v1/plans/nhsei-2019/file/?reason=r", b"%PDF-1.4", "application/pdf")
    assert wrong_type.status_code == 415
    assert m.PlanChange.objects.count() == 0


@pytest.mark.parametrize("who", ["other_planner", "lead", "board"])
def test_only_the_plans_own_planning_team_changes_it(world, login, who):
    response = send(login(world.users[who]), "/api/v1/plans/nhsei-2019/file/?reason=r", changed_yaml(title="X"))
    assert response.status_code == 403
    assert m.PlanChange.objects.count() == 0


def _objective_title(value: str, *, as_text: bool) -> bytes:
    """The plan's workbook with its first objective's title cell holding ``value`` (a formula, or
    text that starts like one)."""
    book = load_workbook(io.BytesIO(plan_workbook(export_plan("nhsei-2019"))))
    sheet = book["Objectives"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title") + 1, value=value)
    if as_text:
        cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_in_a_workbook_is_refused_at_its_cell_and_text_like_one_kept_as_text(world, login):
    client = login(world.users["planner"])
    url = "/api/v1/plans/nhsei-2019/file/?reason=r"
    formula = send(client, url, _objective_title(HOSTILE, as_text=False), XLSX)
    assert formula.status_code == 422
    [problem] = formula.json()["problems"]
    assert (problem["sheet"], problem["cell"]) == ("Objectives", "C2") and "formula" in problem["message"]
    assert m.PlanChange.objects.count() == 0
    text = send(client, url, _objective_title(HOSTILE, as_text=True), XLSX)
    assert text.status_code == 200, text.content
    assert HOSTILE in [o["title"] for o in m.PlanChange.objects.get().document["objectives"]]
