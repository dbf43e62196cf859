"""Downloads of the pages' tables (issue 20): every table page offers "Download CSV" and "Download
Excel" named for its table, at its own address with ``format=``, keeping its period and filters;
the files hold what the page shows, hostile text held as text, under the page's own rule."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from ..factories import PLAN_WITH_DATA, plan_with_data

pytestmark = pytest.mark.django_db

HOSTILE_METRIC = '=HYPERLINK("http://x")'
HOSTILE_ACTIVITY = "+cmd|' /C calc'!A0"
HOSTILE_PLAN = (
    PLAN_WITH_DATA.replace("title: Four-hour performance", f"title: '{HOSTILE_METRIC}'")
    .replace("title: Publish,", f'title: "{HOSTILE_ACTIVITY}",')
    .replace(
        "activity_rules:",
        "budget_lines:\n"
        "  - {code: B1, title: '@SUM(A1)', category: running, amount: 1250000, period: 2016/17}\n"
        "  - {code: B2, title: North running, org_unit: north, category: running, amount: -300000, period: 2016/17}\n"
        "  - {code: B3, title: North capital, org_unit: north, category: programme, amount: 2000000, period: 2016/17}\n"
        "stated_totals:\n"
        "  - {code: T1, title: Running costs, category: running, amount: 1150000, period: 2016/17}\n"
        "activity_rules:",
    )
)
AS_AT = "as_at=2017/18 Q4"


@pytest.fixture
def signed_in(client):
    plan_with_data(HOSTILE_PLAN)
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    return client


def words(page: str) -> str:
    """The page's text, as one string of words (markup and repeated spaces gone)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def links(page: str) -> dict[str, str]:
    """Each download link on the page: its accessible name -> its address."""
    found = re.findall(r'<a href="([^"]+)" download>(.*?)</a>', page)
    return {words(name).strip(): html.unescape(href) for href, name in found}


def test_scorecard_download_is_the_page(signed_in):
    page = signed_in.get(f"/plans/t/scorecard/?{AS_AT}").content.decode()
    offered = links(page)
    assert offered == {
        "Download CSV of the scorecard as at 2017/18 Q4": "/plans/t/scorecard/?as_at=2017%2F18+Q4&format=csv",
        "Download Excel of the scorecard as at 2017/18 Q4": "/plans/t/scorecard/?as_at=2017%2F18+Q4&format=xlsx",
    }
    rows = rows_of(signed_in.get(offered["Download CSV of the scorecard as at 2017/18 Q4"]))
    assert rows[0][:6] == ["Code", "Measure", "Objectives", "Latest", "Latest period", "Target"]
    (four,) = rows[1:]
    text = words(page)
    for cell in (four[0], four[3], four[4], four[5], four[9], four[10], four[11]):
        assert cell and cell in text, cell
    assert rows[0][9] == "Trend" and four[9].startswith("Trend of the last "), four[9]  # the sparkline in words
    assert four[1] == "'" + HOSTILE_METRIC  # held as text, never a formula
    sheet = sheet_of(signed_in.get(offered["Download Excel of the scorecard as at 2017/18 Q4"]))
    latest = sheet.cell(2, 4)
    assert isinstance(latest.value, float) and latest.number_format == "0.0%"
    assert f"{latest.value:.1%}" == four[3]  # the number itself, shown as the page shows it
    assert sheet.cell(2, 2).value == "'" + HOSTILE_METRIC and sheet.cell(2, 2).data_type == "s"


def test_exceptions_download(signed_in):
    page = signed_in.get(f"/plans/t/exceptions/?{AS_AT}").content.decode()
    href = links(page)["Download CSV of the exceptions as at 2017/18 Q4"]
    rows = rows_of(signed_in.get(href))
    assert rows[0] == [
        "Objective",
        "Directorate",
        "Kind",
        "Code",
        "Title",
        "Latest or status",
        "Period or due",
        "Target",
        "Owner",
        "Also serves",
        "Why",
    ]
    by_code = {row[3]: row for row in rows[1:]}
    assert by_code["FOUR"][4] == "'" + HOSTILE_METRIC and by_code["A1"][4] == "'" + HOSTILE_ACTIVITY
    text = words(page)
    for row in rows[1:]:
        assert row[0] in text and row[5] in text and row[6] in text
        for reason in row[10].split("; "):
            assert reason in text
    sheet = sheet_of(signed_in.get(href.replace("format=csv", "format=xlsx")))
    assert [[c.value or "" for c in row] for row in sheet.iter_rows()] == rows


def test_deliverables_download_keeps_the_filters(signed_in):
    page = signed_in.get(f"/plans/t/deliverables/?{AS_AT}").content.decode()
    rows = rows_of(signed_in.get(links(page)["Download CSV of the activities as at 31 March 2018"]))
    assert [row[1] for row in rows[1:]] == ["A1", "A2"]
    a1 = rows[1]
    assert a1[0] == "Overdue" and a1[2] == "'" + HOSTILE_ACTIVITY and a1[7] == "30 September 2016"
    text = words(page)
    for cell in a1[3:8] + a1[9:12]:
        assert cell in text, cell
    sheet = sheet_of(signed_in.get(f"/plans/t/deliverables/?{AS_AT}&format=xlsx"))
    due = sheet.cell(2, 9)
    assert due.is_date and due.value.date().isoformat() == "2016-09-30" and due.number_format == "d mmmm yyyy"
    assert sheet.cell(2, 3).value == "'" + HOSTILE_ACTIVITY
    # a filter the page shows is kept in its download
    owned = signed_in.get(f"/plans/t/deliverables/?{AS_AT}&level=s").content.decode()
    href = links(owned)["Download CSV of the filtered activities as at 31 March 2018"]
    assert "level=s" in href and "as_at=2017%2F18+Q4" in href
    assert len(rows_of(signed_in.get(href))) == 3
    # a filter the plan does not have is said on the page, not downloaded
    refused = signed_in.get(f"/plans/t/deliverables/?{AS_AT}&level=nope&format=csv")
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")


def test_budgets_download(signed_in):
    page = signed_in.get("/plans/t/budgets/").content.decode()
    offered = links(page)
    rows = rows_of(signed_in.get(offered["Download CSV of the budget lines of every year"]))
    assert rows == [
        ["Year", "Directorate or line", "Running costs", "Programme costs", "Total"],
        ["2016/17", "'@SUM(A1)", "£1.2m", "–", "£1.2m"],
        ["2016/17", "North", "(£0.3m)", "£2.0m", "£1.7m"],
        ["2016/17", "Total of the lines", "£1.0m", "£2.0m", "£3.0m"],
    ]
    text = words(page)
    for row in rows[1:]:
        for cell in row[2:]:
            assert cell in text, cell
    sheet = sheet_of(signed_in.get("/plans/t/budgets/?format=xlsx"))
    north = sheet.cell(3, 3)
    assert float(north.value) == -300000 and north.number_format.startswith('"£"#,##0.0,,"m"')
    totals = rows_of(
        signed_in.get(offered["Download CSV of the totals printed in the document against the sums of their lines"])
    )
    assert totals == [
        ["Year", "Printed total", "Source", "As printed", "Sum of lines", "Difference"],
        ["2016/17", "Running costs", "", "£1.2m", "£1.0m", "lines fall short by £0.2m"],
    ]
    assert "lines fall short by £0.2m" in text


def test_bad_format_is_the_400_page(signed_in):
    response = signed_in.get("/plans/t/scorecard/?format=pdf")
    assert response.status_code == 400
    assert "The download format in the address (format=pdf) is not one of: csv, xlsx." in words(
        response.content.decode()
    )


def test_downloads_need_the_page(client):
    plan_with_data(HOSTILE_PLAN)
    for url in ("/plans/t/scorecard/?format=csv", "/plans/t/budgets/?format=xlsx"):
        assert client.get(url).status_code == 302  # to sign in


@pytest.mark.parametrize(
    ("reading", "first"),
    [("matrix", "Directorate"), ("by-priority", "Organisational priority"), ("by-directorate", "Directorate")],
)
def test_readings_download(client, reading, first):
    """The matrix and the two readings: each objective a row, with the page's words."""
    from goldenthread.planfile import validate_file
    from goldenthread.plans.store import load_plan

    from ..conftest import PROJECT

    load_plan(validate_file(PROJECT / "plans" / "nhsei-2019.yaml").plan)
    client.force_login(get_user_model().objects.create_user("reader", password="a-long-password"))
    page = client.get(f"/plans/nhsei-2019/{reading}/?as_at=2019/20 Q2").content.decode()
    (csv_href,) = [href for name, href in links(page).items() if name.startswith("Download CSV of the ")]
    assert "as_at=2019%2F20+Q2" in csv_href
    rows = rows_of(client.get(csv_href))
    assert rows[0][0] == first and len(rows) > 2
    text = words(page)
    code = rows[0].index("Code")
    for row in rows[1:]:
        assert row[0] in text, row[0]
        if row[code]:
            assert f"{row[code]} {row[code + 1]}" in text, row  # the objective, as the page names it
            assert row[code + 2] in text  # its owner
    book = sheet_of(client.get(csv_href.replace("format=csv", "format=xlsx")))
    assert book.max_row == len(rows)
