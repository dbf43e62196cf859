"""The plan as a file on the web: downloads (YAML and Excel, the latest version or a stored one),
the blank workbook, and uploading a changed workbook into the plan's draft change — refused with
every problem at its sheet and cell, changing nothing; a lead may download but not upload."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from goldenthread.access import roles
from goldenthread.planfile import to_yaml
from goldenthread.planfile.workbook_read import validate_workbook
from goldenthread.planfile.workbook_write import plan_workbook
from goldenthread.plans import changes, versions
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

pytestmark = pytest.mark.django_db

UPLOAD = "/plans/example-2019/upload-plan/"
REASON = "Targets revised by the board in March"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(username: str, role: str | None = None, **where) -> Client:
    user = get_user_model().objects.create_user(username)
    if role:
        roles.grant(user, role, **where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def planner(plan) -> Client:
    return client_for("planner", roles.PLANNING_TEAM, plan=plan)


@pytest.fixture
def lead(plan) -> Client:
    return client_for("lead", roles.LEAD, org_unit=plan.org_units.get(code="medical"))


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def workbook(edit=None) -> bytes:
    """The stored example plan as a workbook, changed by ``edit(book)``."""
    book = load_workbook(io.BytesIO(plan_workbook(export_plan("example-2019"))))
    if edit is not None:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, content: bytes, *, name: str = "plan.xlsx", reason: str = REASON):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type=XLSX), "reason": reason})


def test_a_reader_downloads_the_plan_as_yaml_and_excel(plan, lead):
    yaml = lead.get("/plans/example-2019/plan.yaml")
    assert yaml.status_code == 200 and yaml["Content-Type"].startswith("application/yaml")
    assert yaml["Content-Disposition"] == 'attachment; filename="example-2019.yaml"'
    assert yaml.content.decode() == to_yaml(export_plan("example-2019"))
    xlsx = lead.get("/plans/example-2019/plan.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    result = validate_workbook(xlsx.content)
    assert result.plan is not None and to_yaml(result.plan) == yaml.content.decode()
    assert lead.get("/plans/example-2019/plan.csv").status_code == 404
    assert Client().get("/plans/example-2019/plan.xlsx").status_code == 302  # sign in first


def test_a_stored_version_downloads(plan, planner):
    user = get_user_model().objects.get(username="planner")
    change = changes.draft_change(plan, user)
    data = dict(changes.element_data(change, "metrics", "AMR-PRESC") or {})
    data["title"] = "Antibiotic prescribing, revised"
    changes.save_element(change, "metrics", "AMR-PRESC", data, reason=REASON, user=user, seen=None)
    first = versions.version_plan(plan.versions.get(number=1))
    response = planner.get("/plans/example-2019/plan.xlsx?version=1")
    assert response["Content-Disposition"] == 'attachment; filename="example-2019-version-1.xlsx"'
    result = validate_workbook(response.content)
    assert result.plan is not None and to_yaml(result.plan) == to_yaml(first)
    assert planner.get("/plans/example-2019/plan.yaml?version=9").status_code == 404


def test_a_version_downloads_and_an_unknown_one_is_not_found_and_reading_writes_nothing(plan, lead):
    response = lead.get("/plans/example-2019/plan.yaml?version=1")
    assert response.status_code == 200 and response.content.decode() == to_yaml(export_plan("example-2019"))
    m.PlanVersion.objects.filter(plan=plan).delete()  # as for a plan stored before versions were kept
    assert lead.get("/plans/example-2019/plan.yaml?version=1").status_code == 404
    assert not m.PlanVersion.objects.filter(plan=plan).exists()  # its baseline comes with the next migrate


def test_the_template_is_for_everyone_signed_in(plan, lead):
    response = lead.get("/plans/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Plan" and book["Metrics"].data_validations.dataValidation
    assert Client().get("/plans/template.xlsx").status_code == 302


def test_the_plan_page_offers_the_downloads_and_the_upload_to_the_planning_team(plan, planner, lead):
    page = planner.get("/plans/example-2019/").content.decode()
    assert 'href="/plans/example-2019/plan.yaml"' in page and 'href="/plans/example-2019/plan.xlsx"' in page
    assert f'href="{UPLOAD}"' in page
    page = lead.get("/plans/example-2019/").content.decode()
    assert 'href="/plans/example-2019/plan.xlsx"' in page and UPLOAD not in page


def test_a_lead_may_not_upload(plan, lead):
    assert lead.get(UPLOAD).status_code == 403
    response = upload(lead, workbook(lambda book: book["Metrics"].cell(2, 2, "Taken over")))
    assert response.status_code == 403
    assert not m.PlanChange.objects.exists()
    assert m.Metric.objects.get(plan=plan, code="AMR-PRESC").title != "Taken over"


def test_a_valid_workbook_goes_into_the_draft_change(plan, planner):
    def edit(book):
        book["Metrics"]["B3"] = "<script>alert(1)</script> vacancy rate"  # markup: held as text
        book["Metrics"]["K3"] = 0.07

    response = upload(planner, workbook(edit))
    assert response.status_code == 302 and response["Location"] == "/plans/example-2019/change/"
    change = changes.open_change(plan)
    assert change is not None and change.status == "draft"
    (edit_made,) = change.edits.all()  # one element differs: one edit
    assert (edit_made.section, edit_made.code, edit_made.reason) == ("metrics", "NUR-VAC", REASON)
    assert edit_made.after["title"] == "<script>alert(1)</script> vacancy rate"
    working = changes.working_plan(change)
    assert working.metrics[1].target is not None and str(working.metrics[1].target.value) == "0.07"
    assert m.Metric.objects.get(plan=plan, code="NUR-VAC").title == "Nursing vacancy rate"  # until approved
    page = planner.get("/plans/example-2019/change/")
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_a_bad_workbook_lists_every_problem_at_its_cell_and_changes_nothing(plan, planner):
    def edit(book):
        book["Metrics"]["B3"] = "A good edit"
        book["Metrics"]["K3"] = "high"  # a wrong type
        book["Activities"]["F2"] = "nobody"  # an unknown owner
        book["Risks"].append(["R1", "Another risk"])  # a duplicate code
        book["Budget lines"].delete_cols(2)  # a missing required column (title)

    response = upload(planner, workbook(edit), reason="  " + REASON)
    assert response.status_code == 400
    text = text_of(response)
    assert "There is a problem: nothing was changed" in text
    assert "plan.xlsx has 4 problems" in text
    for where, field, message in (
        ("Activities!F2", "activities[0].owner", "unknown owner 'nobody'"),
        ("Metrics!K3", "metrics[1].target.value", "Input should be a valid decimal, not 'high'"),
        ("Budget lines!G1", "", "missing required column 'title'; add it to row 1"),
        ("Risks!A3", "risks[1].code", "code 'R1' is used twice in risks (first in row 2)"),
    ):
        assert re.search(f"{re.escape(where)} {re.escape(field)} ?{re.escape(message)}", text), (where, text)
    assert REASON in response.content.decode()  # what was typed is kept
    assert not m.PlanChange.objects.exists() and not m.PlanEdit.objects.exists()
    assert m.Metric.objects.get(plan=plan, code="NUR-VAC").title == "Nursing vacancy rate"


def test_a_formula_in_the_workbook_is_refused(plan, planner):
    response = upload(planner, workbook(lambda book: book["Risks"].cell(2, 2, "=1+1")))
    assert response.status_code == 400
    assert re.search(r"Risks!B2 risks\[0\]\.title this cell holds a formula; write the value", text_of(response))
    assert not m.PlanChange.objects.exists()


def test_the_form_needs_a_file_and_a_reason(plan, planner):
    response = planner.post(UPLOAD, {"reason": ""})
    assert response.status_code == 400
    text = text_of(response)
    assert "Choose the plan's Excel workbook (.xlsx) or plan file (.yaml) to upload" in text
    assert "Say why the plan is changing" in text
    response = upload(planner, b"a,b\n1,2\n", name="data.csv")
    assert "data.csv is not a plan workbook or plan file" in text_of(response)
    assert not m.PlanChange.objects.exists()


def test_a_workbook_of_another_plan_or_the_same_plan_changes_nothing(plan, planner):
    same = upload(planner, workbook())
    assert same.status_code == 200 and "there is nothing to change, and nothing was changed" in text_of(same)
    other = upload(planner, workbook(lambda book: book["Plan"].cell(2, 2, "other-plan")))
    assert other.status_code == 400
    assert "plan.xlsx is the plan 'other-plan', not 'example-2019'" in text_of(other)
    assert not m.PlanChange.objects.exists()


def test_a_yaml_file_uploads_too(plan, planner):
    text = to_yaml(export_plan("example-2019")).replace("title: Nursing vacancy rate", "title: Nurse vacancies")
    response = upload(planner, text.encode(), name="plan.yaml")
    assert response.status_code == 302
    change = changes.open_change(plan)
    assert change is not None and [(e.section, e.code) for e in change.edits.all()] == [("metrics", "NUR-VAC")]


def test_a_yaml_file_with_problems_lists_them_by_line(plan, planner):
    text = to_yaml(export_plan("example-2019")).replace("title: Nursing vacancy rate", "title: [unclosed")
    response = upload(planner, text.encode(), name="plan.yaml")
    assert response.status_code == 400
    assert re.search(r"line \d+, column \d+ .*YAML syntax error", text_of(response))
    assert not m.PlanChange.objects.exists()


def test_no_upload_while_a_change_awaits_the_owners_decision(plan, planner):
    user = get_user_model().objects.get(username="planner")
    change = changes.draft_change(plan, user)
    data = dict(changes.element_data(change, "metrics", "AMR-PRESC") or {})
    changes.save_element(
        change, "metrics", "AMR-PRESC", {**data, "title": "Prescribing"}, reason=REASON, user=user, seen=None
    )
    changes.submit(change, user, in_force_label="2019/20 Q2", summary="A new title")
    response = upload(planner, workbook(lambda book: book["Metrics"].cell(3, 2, "Vacancies")))
    assert response.status_code == 400
    assert "is awaiting the plan owner's decision" in text_of(response) and "Nothing was changed." in text_of(response)
    assert change.edits.count() == 1 and m.PlanChange.objects.count() == 1


def test_markup_in_a_problem_is_shown_as_text(plan, planner):
    response = upload(planner, workbook(lambda book: book["Metrics"].cell(3, 11, "<script>alert(1)</script>")))
    assert response.status_code == 400
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "not &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in page
