"""The pages' tables through the API (issue 20): JSON for Power BI, CSV and Excel as the pages'
downloads, under the rules of the pages that show them — a lead cannot take away the status of
every unit, nor another directorate's actions — with formulas held as text and no query a row."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from goldenthread.api.v1 import api
from goldenthread.cycles import services

from ..cycles.test_my_work import review_with_action

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/plans/nhsei-2019/tables"
STATUS = f"{PLAN}/cycle-status/2019-20-q1/"
PAGE = "/plans/nhsei-2019/periods/2019-20-q1/"
HOSTILE = '=HYPERLINK("http://x")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cycle(world):
    """Medical has submitted its Q1 update and had its review, agreeing an action with a hostile
    description; Nursing has a draft."""
    q1 = world.period(1)
    services.save_update(q1, world.medical, world.complete(), based_on=0, user=world.users["lead"], submit=True)
    services.save_update(q1, world.nursing, world.complete(world.nursing), based_on=0, user=world.users["other_lead"])
    review_with_action(world, q1, description=HOSTILE, due=date(2019, 9, 30))
    return world


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content)).active


def test_cycle_status_is_for_those_who_read_every_update(cycle, login):
    for role in ("lead", "other_lead", "contributor", "norole"):
        client = login(cycle.users[role])
        refused = client.get(STATUS)
        assert refused.status_code == 403, role
        assert refused.json() == {"detail": "You do not have permission to see every unit's updates."}
        assert client.get(PAGE + "?format=csv").status_code == 403, role  # nor from the page
    board = login(cycle.users["board"])
    table = board.get(STATUS).json()
    assert table["columns"] == ["Directorate or region", "Code", "Status", "RAG", "Submitted", "Accountability review"]
    medical = next(row for row in table["rows"] if row["Code"] == "medical")
    nursing = next(row for row in table["rows"] if row["Code"] == "nursing")
    assert medical["Status"] == "Submitted" and medical["RAG"] == "Green" and medical["Accountability review"] == "Held"
    assert datetime.fromisoformat(medical["Submitted"]).date() == date.today()
    assert nursing["Status"] == "Draft" and nursing["Submitted"] is None
    # the CSV from the API is the page's download, and holds the page's words
    from_api = csv_rows(board.get(STATUS + "?format=csv"))
    assert from_api == csv_rows(board.get(PAGE + "?format=csv"))
    page = board.get(PAGE).content.decode()
    for row in from_api[1:]:
        for cell in row:
            assert cell in page, cell
    assert len(from_api) == len(table["rows"]) + 1
    book = sheet(board.get(STATUS + "?format=xlsx"))
    row = next(r for r in book.iter_rows(min_row=2) if r[1].value == "medical")
    assert isinstance(row[4].value, datetime) and row[4].number_format == 'd mmmm yyyy "at" hh:mm'


def test_actions_are_those_the_caller_may_see(cycle, login):
    lead = login(cycle.users["lead"])
    (action,) = lead.get(f"{PLAN}/actions/").json()["rows"]
    assert action == {
        "Action": HOSTILE,
        "Plan": "nhsei-2019",
        "Agreed at": "Medical, 2019/20 Q1",
        "Owner": "Regional director",
        "Due by": "2019-09-30",
        "Status": action["Status"],
        "Closed": "",
        "Closing note": "",
    }
    assert action["Status"] in ("Open", "Overdue")
    # another directorate's lead sees none of medical's actions, from the API or the page
    other = login(cycle.users["other_lead"])
    assert other.get(f"{PLAN}/actions/").json()["rows"] == []
    assert csv_rows(other.get("/actions/?format=csv")) == [csv_rows(lead.get("/actions/?format=csv"))[0]]
    # the hostile description stays text in both files
    rows = csv_rows(lead.get(f"{PLAN}/actions/?format=csv"))
    assert rows[1][0] == "'" + HOSTILE and rows[1][4] == "30 September 2019"
    assert rows == csv_rows(lead.get("/actions/?format=csv"))
    cells = next(sheet(lead.get(f"{PLAN}/actions/?format=xlsx")).iter_rows(min_row=2))
    assert cells[0].value == "'" + HOSTILE and cells[0].data_type == "s"
    assert cells[4].value == datetime(2019, 9, 30) and cells[4].number_format == "d mmmm yyyy"


@pytest.mark.parametrize(
    ("plan", "table", "as_at"),
    [
        ("nhsei-2019", "scorecard", "2019/20 Q2"),
        ("nhsei-2019", "deliverables", "2019/20 Q2"),
        ("example-2019", "exceptions", "2019/20 Q4"),
        ("example-2019", "budgets", ""),
        ("example-2019", "budget-totals", ""),
        ("nhsei-2019", "matrix", "2019/20 Q2"),
        ("nhsei-2019", "by-priority", "2019/20 Q2"),
        ("nhsei-2019", "by-directorate", "2019/20 Q2"),
    ],
)
def test_each_plan_table_as_json_csv_and_excel(world, login, plan, table, as_at):
    board = login(world.users["board"])
    address = f"/api/v1/plans/{plan}/tables/{table}/?as_at={as_at}"
    found = board.get(address)
    assert found.status_code == 200, found.content
    as_json = found.json()
    assert as_json["rows"], table
    as_csv = csv_rows(board.get(address + "&format=csv"))
    assert as_csv[0] == as_json["columns"] and len(as_csv) == len(as_json["rows"]) + 1
    book = sheet(board.get(address + "&format=xlsx"))
    assert [c.value for c in book[1]] == as_json["columns"] and book.max_row == len(as_json["rows"]) + 1
    for cells, row in zip(book.iter_rows(min_row=2), as_json["rows"], strict=True):
        for cell, value in zip(cells, row.values(), strict=True):
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert cell.value == pytest.approx(value), (table, cell.coordinate)
    # the page's own download is the same file
    page = {"budget-totals": "budgets/?table=totals&"}.get(table, f"{table}/?")
    assert as_csv == csv_rows(board.get(f"/plans/{plan}/{page}as_at={as_at}&format=csv"))


def test_deliverables_filters_and_bad_input(world, login):
    board = login(world.users["board"])
    everything = board.get(f"{PLAN}/deliverables/").json()["rows"]
    medical = board.get(f"{PLAN}/deliverables/?directorate=medical").json()["rows"]
    assert 0 < len(medical) < len(everything)
    refused = board.get(f"{PLAN}/deliverables/?directorate=nowhere")
    assert refused.status_code == 400
    assert (
        "directorate: This plan has no directorate with code “nowhere” among its activities."
        in (refused.json()["detail"])
    )
    bad = board.get(f"{PLAN}/scorecard/?as_at=<script>")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("as_at: ")
    assert board.get("/api/v1/plans/nope/tables/scorecard/").status_code == 404
    assert board.get(f"{PLAN}/cycle-status/2099-q9/").status_code == 404


def test_signing_in_is_needed(world, client):
    for table in ("scorecard/", "actions/", "cycle-status/2019-20-q1/"):
        assert client.get(f"{PLAN}/{table}").status_code == 401


def test_the_schema_names_the_files(world):
    paths = api.get_openapi_schema()["paths"]
    tables = ("scorecard", "deliverables", "exceptions", "budgets", "budget-totals", "actions", "matrix", "by-priority")
    for table in (*tables, "by-directorate"):
        content = paths[f"/api/v1/plans/{{code}}/tables/{table}/"]["get"]["responses"][200]["content"]
        assert set(content) == {"application/json", "text/csv; charset=utf-8", XLSX}, table
    assert 403 in paths["/api/v1/plans/{code}/tables/cycle-status/{period}/"]["get"]["responses"]


def test_no_query_a_row(cycle, login):
    """The status and actions tables take the same number of queries for more units' updates and
    more actions."""
    board = login(cycle.users["board"])
    addresses = (STATUS + "?format=csv", f"{PLAN}/actions/?format=xlsx", PAGE + "?format=csv", "/actions/?format=csv")

    def counted() -> list[int]:
        out = []
        for address in addresses:
            with CaptureQueriesContext(connection) as captured:
                assert board.get(address).status_code == 200, address
            out.append(len(captured.captured_queries))
        return out

    counted()  # what is kept after the first call (the person's roles, the plan's units) is kept
    before = counted()
    review = cycle.medical.reviews.get()
    for i in range(5):
        review.actions.create(description=f"Action {i}", owner="Someone", position=i + 2, due_on=date(2019, 12, 1))
    services.save_update(
        cycle.period(1),
        cycle.plan.org_units.exclude(pk__in=[cycle.medical.pk, cycle.nursing.pk]).first(),
        cycle.complete(cycle.plan.org_units.exclude(pk__in=[cycle.medical.pk, cycle.nursing.pk]).first()),
        based_on=0,
        user=cycle.users["admin"],
    )
    assert counted() == before
