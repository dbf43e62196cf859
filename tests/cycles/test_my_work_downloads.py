"""Downloads of My work and My updates (issue 20: every table): CSV and Excel of the page's own
lists at the page's address, the signed-in person's own work and nobody else's, text a
spreadsheet would run held as text."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from goldenthread.cycles import services

from .test_my_work import TODAY, review_with_action, text_of

pytestmark = pytest.mark.django_db

HOSTILE_UNIT = '=HYPERLINK("http://evil.example","Medical")'
HOSTILE_ACTION = "<script>alert(1)</script> +cmd|' /C calc'!A0"
UPDATES_HEADER = ["List", "Plan", "Period", "Directorate or region", "Code", "Due by", "Overdue", "Status", "Next step"]


@pytest.fixture
def on_the_day(monkeypatch):
    for view in ("work", "updates"):
        monkeypatch.setattr(f"goldenthread.web.views.cycle.{view}.today", lambda: TODAY)


def links(page: str) -> dict[str, str]:
    """Each download link on the page: its accessible name -> its address."""
    found = re.findall(r'<a href="([^"]+)" download>(.*?)</a>', page)
    return {" ".join(html.unescape(re.sub(r"<[^>]+>", " ", name)).split()): html.unescape(href) for href, name in found}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def as_text(book_sheet) -> list[list[str]]:
    """The sheet's cells as the CSV writes them: dates in the pages' words, empty cells ""."""
    out = []
    for row in book_sheet.iter_rows():
        out.append([c.value.strftime("%-d %B %Y") if hasattr(c.value, "strftime") else c.value or "" for c in row])
    return out


@pytest.fixture
def lead_work(world):
    """The medical lead's updates: Q1 returned, Q2 a draft (overdue on the day), Q3 due; an action they own."""
    lead, planner = world.users["lead"], world.users["planner"]
    world.medical.name = HOSTILE_UNIT
    world.medical.save()
    returned = services.save_update(
        world.period(1), world.medical, world.complete(), based_on=0, user=lead, submit=True
    )
    services.decide(returned, "return", comments="Add the regions", based_on=returned.version, user=planner)
    services.save_update(world.period(2), world.medical, world.complete(), based_on=0, user=lead)
    review_with_action(world, world.period(1), owner=lead, description=HOSTILE_ACTION)
    # the nursing lead's work, which the medical lead's files must never hold
    services.save_update(
        world.period(2), world.nursing, world.complete(world.nursing), based_on=0, user=world.users["other_lead"]
    )
    review_with_action(world, world.period(2), owner=world.users["other_lead"], description="Lend two nurses")
    return world


def test_my_work_offers_its_updates_as_the_page_lists_them(lead_work, login, on_the_day):
    client = login(lead_work.users["lead"])
    response = client.get("/work/")
    page, text = response.content.decode(), text_of(response)
    offered = links(page)
    name = "your updates overdue, returned, due and waiting for your decision"
    assert offered[f"Download CSV of {name}"] == "/work/?format=csv"
    assert offered[f"Download Excel of {name}"] == "/work/?format=xlsx"
    download = client.get("/work/?format=csv")
    assert download["Content-Disposition"] == 'attachment; filename="my-work-2019-11-15.csv"'
    rows = csv_rows(download)
    assert rows[0] == UPDATES_HEADER
    shown = "'" + HOSTILE_UNIT  # held as text, never a formula
    assert rows[1:] == [
        [
            "Overdue updates",
            "nhsei-2019",
            "2019/20 Q2",
            shown,
            "medical",
            "21 October 2019",
            "Overdue",
            "Draft",
            "Continue",
        ],
        [
            "Returned to you",
            "nhsei-2019",
            "2019/20 Q1",
            shown,
            "medical",
            "21 July 2019",
            "Overdue",
            "Returned",
            "Revise and resubmit",
        ],
        ["Updates due", "nhsei-2019", "2019/20 Q3", shown, "medical", "21 January 2020", "", "Not started", "Start"],
    ]
    for row in rows[1:]:  # each row's words are the page's, in the list the page puts it
        part = text.split(row[0], 1)[1]
        assert all(cell in part for cell in (row[2], HOSTILE_UNIT, row[5], row[7], row[8])), row
    assert "Nursing" not in download.content.decode("utf-8-sig")  # another unit's update: not theirs

    book = sheet(client.get("/work/?format=xlsx"))
    assert book.title == "My updates"
    assert book.cell(2, 4).value == shown and book.cell(2, 4).data_type == "s"
    due = book.cell(2, 6)
    assert due.is_date and due.number_format == "d mmmm yyyy"  # a date Excel sorts, shown as the page shows it
    assert as_text(book) == rows


def test_my_work_offers_the_actions_the_person_owns(lead_work, login, on_the_day):
    client = login(lead_work.users["lead"])
    page = client.get("/work/").content.decode()
    assert links(page)["Download CSV of the open actions you own"] == "/work/?table=actions&format=csv"
    assert "<script>alert(1)</script>" not in page  # the page escapes it …
    rows = csv_rows(client.get("/work/?table=actions&format=csv"))
    assert rows[0] == ["Action", "Plan", "Agreed at", "Owner", "Due by", "Status", "Closed", "Closing note"]
    assert len(rows) == 2, rows  # their own action; not the nursing lead's
    (action,) = rows[1:]
    assert action[0] == HOSTILE_ACTION  # … and the file holds it as the text it is
    assert action[1:5] == ["nhsei-2019", f"'{HOSTILE_UNIT}, 2019/20 Q1", "Lead", "30 September 2019"]
    book = sheet(client.get("/work/?table=actions&format=xlsx"))
    assert book.cell(2, 1).value == HOSTILE_ACTION and book.cell(2, 1).data_type == "s"
    assert as_text(book) == rows
    other = csv_rows(login(lead_work.users["other_lead"]).get("/work/?table=actions&format=csv"))
    assert [r[0] for r in other[1:]] == ["Lend two nurses"]


def test_my_updates_offers_its_lists(lead_work, login, on_the_day):
    services.save_update(
        lead_work.period(3),
        lead_work.nursing,
        lead_work.complete(lead_work.nursing),
        based_on=0,
        user=lead_work.users["other_lead"],
        submit=True,
    )
    lead = login(lead_work.users["lead"])
    page = lead.get("/updates/").content.decode()
    name = "your updates and those waiting for your decision"
    assert links(page)[f"Download Excel of {name}"] == "/updates/?format=xlsx"
    download = lead.get("/updates/?format=csv")
    assert download["Content-Disposition"] == 'attachment; filename="my-updates-2019-11-15.csv"'
    rows = csv_rows(download)
    assert rows[0] == UPDATES_HEADER
    assert [(r[0], r[2], r[4], r[7]) for r in rows[1:]] == [
        ("Updates for your directorates and regions", "2019/20 Q3", "medical", "Not started"),
        ("Updates for your directorates and regions", "2019/20 Q2", "medical", "Draft"),
        ("Updates for your directorates and regions", "2019/20 Q1", "medical", "Returned"),
    ]
    assert rows[1][3] == "'" + HOSTILE_UNIT
    assert as_text(sheet(lead.get("/updates/?format=xlsx"))) == rows

    planner = login(lead_work.users["planner"])  # owes no update; decides the nursing one
    page = planner.get("/updates/").content.decode()
    assert f'Download CSV<span class="nhsuk-u-visually-hidden"> of {name}' in page
    rows = csv_rows(planner.get("/updates/?format=csv"))
    assert rows[1:] == [
        [
            "Waiting for your decision",
            "nhsei-2019",
            "2019/20 Q3",
            "Nursing",
            "nursing",
            "21 January 2020",
            "",
            "Submitted",
            "Review",
        ]
    ]


def test_the_downloads_follow_the_pages_rule(lead_work, login, on_the_day):
    from django.test import Client

    anonymous = Client()
    for address in ("/work/?format=csv", "/work/?table=actions&format=xlsx", "/updates/?format=csv"):
        response = anonymous.get(address)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), address
    board = login(lead_work.users["board"])  # reads every plan, owes nothing: their files are empty
    assert csv_rows(board.get("/work/?format=csv")) == [UPDATES_HEADER]
    assert csv_rows(board.get("/updates/?format=csv")) == [UPDATES_HEADER]
    assert len(csv_rows(board.get("/work/?table=actions&format=csv"))) == 1
    assert "Download CSV" not in board.get("/updates/").content.decode()  # nothing to take away, no link
    assert board.get("/work/?table=nobody&format=csv").status_code == 400
    assert board.get("/work/?format=pdf").status_code == 400
