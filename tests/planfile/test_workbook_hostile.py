"""Hostile and damaged plan workbooks (issue 15, findings 7 and 8): `plan validate`/`plan load`
F.xlsx, validate_plan_file and the plan page's upload refuse each with one problem saying what is
wrong, where (the sheet) and what to do — within seconds, never an exception — however the file
lies about its size. The workbooks are built by tests/workbooks.py."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import pytest

from goldenthread.planfile.workbook_read import validate_plan_file, validate_workbook
from tests import workbooks as wb
from tests.budget import cpu_bound

FAR = wb.row_xml(1, ["code", "level", "title"]) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
MANY = wb.row_xml(1, ["code", "level", "title"]) + b"".join(b'<row r="%d"/>' % n for n in range(2, 200_000))
MERGED = b'<mergeCells count="1"><mergeCell ref="A2:BH4000"/></mergeCells>'


def refused(content: bytes, budget: float = 5.0) -> str:
    """The one problem of the workbook ``content``, which must come within ``budget`` seconds."""
    with cpu_bound(budget):
        result = validate_workbook(content, "plan.xlsx")
    assert result.plan is None
    (problem,) = result.problems
    return str(problem)


def test_a_seed_plan_workbook_is_still_a_plan():
    result = validate_workbook(wb.plan_workbook(), "plan.xlsx")
    assert result.ok, [str(p) for p in result.problems]


DAMAGED = {
    "mismatched tag": (
        lambda: wb.in_plan(wb.sheet_xml(wb.row_xml(1, ["code"])).replace(b"</sheetData>", b"</row></sheetData>")),
        "the workbook is damaged: its sheet 'Objectives' (xl/worksheets/sheet5.xml) is not well-formed XML "
        "(mismatched tag",
    ),
    "DOCTYPE entity": (
        lambda: wb.in_plan(wb.sheet_xml(wb.row_xml(1, ["&lol;"]).replace(b"&amp;lol;", b"&lol;"), prologue=ENTITY)),
        "the workbook holds XML Excel never writes: its sheet 'Objectives' (xl/worksheets/sheet5.xml) has a "
        "DOCTYPE declaration",
    ),
    "external entity in the workbook part": (
        lambda: wb.replaced(wb.plan_workbook(), "xl/workbook.xml", EXTERNAL + b"<workbook>&x;</workbook>"),
        "its part xl/workbook.xml has a DOCTYPE declaration",
    ),
    "corrupted member": (
        lambda: wb.corrupted_member("xl/worksheets/sheet9.xml", wb.plan_workbook()),
        "the workbook is damaged: its sheet 'Metrics' (xl/worksheets/sheet9.xml) cannot be unpacked",
    ),
    "not a zip": (lambda: b"PK\x03\x04 not really", "plan.xlsx: cannot be read as an Excel workbook (.xlsx)"),
    "a password to open it": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        "it has a password to open it, or is an Excel 97-2003 workbook (.xls)",
    ),
}
ENTITY = wb.DECLARATION + b'<!DOCTYPE worksheet [<!ENTITY lol "lol">]>'
EXTERNAL = wb.DECLARATION + b'<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_plan_workbook_is_one_problem_saying_where_and_what_to_do(case):
    """Issue 15 finding 7 (plan workbooks): xml.etree ParseError / zlib.error became a message."""
    build, what = DAMAGED[case]
    problem = refused(build())
    assert what in problem, problem
    assert "save it from Excel as 'Excel Workbook (.xlsx)'" in problem
    assert "root:" not in problem


HANGS = {
    # >40 s and 2 GB before: openpyxl made a cell of every cell up to XFD1048576
    "one far cell under a lying dimension": (lambda: wb.in_plan(wb.sheet_xml(FAR, dimension="A1:C2")), "rows up to"),
    "200,000 empty rows under a lying dimension": (
        lambda: wb.in_plan(wb.sheet_xml(MANY, dimension="A1:C2")),
        "has a sheet, 'Objectives', that has rows up to 5,001; goldenthread reads a sheet of at most 5,000 rows",
    ),
    "merged cells over the sheet": (
        lambda: wb.in_plan(wb.sheet_xml(wb.row_xml(1, ["code"])).replace(b"</sheetData>", b"</sheetData>" + MERGED)),
        "has a sheet, 'Objectives', that has merged cells covering 239,940 cells",
    ),
    # found while fixing finding 8: openpyxl made a cell of the comment's cell, then every cell up to it
    "a comment at the last cell": (
        lambda: wb.comment_at(wb.plan_workbook(), "Risks", "XFD1048576"),
        "has a comment (in xl/comments/comment1.xml) reaching cell XFD1048576, beyond the 5,000 rows",
    ),
}


@pytest.mark.parametrize("case", HANGS)
def test_a_plan_workbook_that_would_hang_is_refused_within_seconds(case):
    """Issue 15 finding 8 (plan workbooks): every row and cell of every sheet is counted whatever
    the sheet declares, and ranges openpyxl would expand cell by cell are limits too."""
    build, what = HANGS[case]
    problem = refused(build())
    assert what in problem and "a plan workbook is far smaller: export the plan again and edit that" in problem


def test_every_row_of_a_plan_sheet_is_read_whatever_it_declares():
    """Issue 15 finding 9 (plan workbooks): a row past the declared dimension is read and checked."""
    content = wb.plan_workbook()
    part = wb.sheet_part(content, "Risks")
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read(part)
    late = b'<row r="4000"><c r="A4000" t="inlineStr"><is><t>R-late</t></is></c></row>'
    lying = sheet.replace(b"</sheetData>", late + b"</sheetData>")
    lying = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', lying)
    result = validate_workbook(wb.replaced(content, part, lying), "plan.xlsx")
    assert any(p.sheet == "Risks" and p.line == 4000 for p in result.problems), [str(p) for p in result.problems]


def test_plan_validate_names_the_file_and_exits_1(tmp_path):
    """`goldenthread plan validate F.xlsx` (validate_plan_file): the message, exit 1, no traceback."""
    path = tmp_path / "broken.xlsx"
    path.write_bytes(DAMAGED["corrupted member"][0]())
    result = validate_plan_file(path)
    assert [str(p) for p in result.problems][0].startswith(f"{path}: the workbook is damaged")
    command = [sys.executable, "-m", "goldenthread.cli.main", "plan", "validate", str(path)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "the workbook is damaged: its sheet 'Metrics'" in run.stdout + run.stderr


def test_a_sheet_openpyxl_makes_larger_than_the_limits_is_never_walked(monkeypatch):
    """Issue 15 finding 8, as a class: should the streamed check miss a way a workbook makes
    openpyxl create a far cell (a comment at XFD1048576 was one), the reader still refuses the
    sheet before walking every cell up to it."""
    from goldenthread.planfile import workbook_limits, workbook_read

    passed = workbook_limits.Verdict(None)
    monkeypatch.setattr(workbook_read, "check_workbook_content", lambda content, limits: passed)
    problem = refused(wb.comment_at(wb.plan_workbook(), "Risks", "XFD1048576"))
    assert (
        "the workbook has a sheet, 'Risks', reaching cell XFD1048576; goldenthread reads a sheet of at most" in problem
    )


@pytest.mark.django_db
def test_the_plan_page_shows_the_message_for_a_hostile_upload_never_a_500(example_plan, django_user_model, settings):
    """Issue 15 findings 7 and 8 on the web: the plan page's workbook upload answered 500 (or hung);
    now the page lists the one problem, and no change is made."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from goldenthread.access import roles
    from goldenthread.plans import changes
    from goldenthread.plans import models as m
    from goldenthread.plans.store import load_plan

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_plan(example_plan)
    plan = m.Plan.objects.get(code="example-2019")
    user = django_user_model.objects.create_user("planner")
    roles.grant(user, roles.PLANNING_TEAM, plan=plan)
    client = Client()
    client.force_login(user)
    cases = [DAMAGED["mismatched tag"], DAMAGED["corrupted member"], HANGS["one far cell under a lying dimension"]]
    for build, what in cases:
        upload = SimpleUploadedFile("plan.xlsx", build(), content_type="application/octet-stream")
        with cpu_bound(10):
            response = client.post("/plans/example-2019/upload-plan/", {"file": upload, "reason": "Revised"})
        page = response.content.decode()
        assert response.status_code == 400, page[:300]
        assert what.replace("'", "&#x27;") in page or what.replace("'", "&#39;") in page or what in page, page
    assert changes.open_change(plan) is None
