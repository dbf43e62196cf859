"""Start a plan from a document (issue 21): the upload drafts a new plan whose first version is
empty and whose draft change holds every drafted element, shown in the workbench with its source
and note; bad input is refused with what to do and nothing is created; only those who may create
a plan may do it."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document as WordDocument

from goldenthread.access import roles, rules
from goldenthread.planfile.document_limits import MB, DocumentLimits, document_problem
from goldenthread.planfile.provenance import added_notes
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan
from goldenthread.presenters.drafted import SECTION_OF

pytestmark = pytest.mark.django_db

URL = "/plans/new/from-document/"
SEED = Path(__file__).resolve().parents[2] / "plans" / "sources" / "001_2e7870ac3d1dd1b8.txt"
DRAFTED_CODE = "001-2e7870ac3d1dd1b8"


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


def signed_in(username: str, role: str | None = None, **where) -> tuple[Client, object]:
    user = get_user_model().objects.create_user(username)
    if role:
        roles.grant(user, role, **where)
    client = Client()
    client.force_login(user)
    return client, user


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def word_document(heading: str) -> bytes:
    word = WordDocument()
    word.add_heading("Business plan 2020/21", level=0)
    word.add_heading("Priorities for 2020/21", level=1)
    word.add_heading(f"1. {heading}", level=2)
    word.add_paragraph("Actions for 2020/21:")
    word.add_paragraph("Publish the harm reduction programme by March 2021", style="List Bullet")
    word.add_heading("2. Improve patient safety", level=2)
    word.add_paragraph("Actions for 2020/21:")
    word.add_paragraph("Reduce avoidable harm by 10% by March 2021", style="List Bullet")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def damaged_word_document() -> bytes:
    """A .docx whose document part is not well-formed XML (the zip itself is sound)."""
    whole = io.BytesIO()
    WordDocument().save(whole)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole.getvalue())) as source, zipfile.ZipFile(out, "w") as damaged:
        for info in source.infolist():
            part = b"<w:document><w:body><w:p>" if info.filename == "word/document.xml" else source.read(info)
            damaged.writestr(info.filename, part)
    return out.getvalue()


def zip_bomb(unpacked: int) -> bytes:
    """A .docx-shaped zip whose document part unpacks to ``unpacked`` bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b" " * MB
            for _ in range(unpacked // MB):
                part.write(block)
    return out.getvalue()


def pdf_bomb(unpacked: int) -> bytes:
    packer, block = zlib.compressobj(9), b"\0" * MB
    stream = b"".join(packer.compress(block) for _ in range(unpacked // MB)) + packer.flush()
    head = b"%%PDF-1.4\n1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
    return head + stream + b"\nendstream\nendobj\n%%EOF\n"


def test_a_planner_drafts_seed_001_into_a_new_plans_draft_change(plan):
    client, user = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert 'href="/plans/new/from-document/"' in client.get("/plans/new/").content.decode()
    assert 'href="/plans/new/from-document/"' in client.get("/").content.decode()
    response = client.post(URL, {"document": upload(SEED.name, SEED.read_bytes()), "code": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/plans/{DRAFTED_CODE}/change/#drafted"

    created = m.Plan.objects.get(code=DRAFTED_CODE)
    version = created.versions.get()  # the empty first version: the plan is not yet its draft
    assert (version.number, version.how, version.made_by_id) == (1, "created", user.pk)
    assert (
        version.note == f"Started from the document {SEED.name}; its drafted elements wait in the plan's draft change"
    )
    assert version.document["source_document"]["file"] == SEED.name  # the document's name, recorded
    live = export_plan(DRAFTED_CODE)
    assert not live.objectives and not live.activities and not live.metrics and not live.org_units
    assert live.source_document is not None and live.source_document.file == SEED.name
    change = changes.open_change(created)
    assert change is not None and change.status == "draft"
    working = changes.working_plan(change)
    assert len(working.objectives) >= 5 and working.metrics
    notes = [entry.note for _, _, entry in added_notes(working) if entry.note.startswith("Drafted from the document")]
    assert change.edits.filter(action="added").count() == len(notes)  # one edit a drafted element
    assert all(SEED.name in edit.reason for edit in change.edits.all())
    user = get_user_model().objects.get(pk=user.pk)
    assert rules.may_edit_plan(user, created)

    page = client.get(f"/plans/{DRAFTED_CODE}/change/").content.decode()
    assert f"Drafted from {SEED.name}" in page and 'id="drafted-elements"' in page
    flagged = [note for note in notes if "REVIEW" in note]
    assert flagged and page.count("gt-drafted--review") == len(flagged)
    first = working.objectives[0]
    assert first.source and first.source in page
    assert f'href="/plans/{DRAFTED_CODE}/edit/objectives/{first.code}/"' in page
    form = client.get(f"/plans/{DRAFTED_CODE}/edit/objectives/{first.code}/").content.decode()
    assert 'id="drafted-note"' in form and "Drafted from the document by rule" in form


def drafted_rows(page: str) -> list[tuple[str, str]]:
    """The kind and code of each row of the drafted elements' table, in order."""
    table = page.split('id="drafted-elements"', 1)[1].split("</table>", 1)[0] if "drafted-elements" in page else ""
    row = r'<tr class="nhsuk-table__row gt-drafted[^"]*" id="drafted-\d+">\s*<td class="nhsuk-table__cell">([^<]+?) '
    return re.findall(row + r"(?:<a [^>]*>)?<code>([^<]+)</code>", table)


def test_the_drafted_elements_can_be_narrowed_to_those_still_to_review(plan):
    client, planner = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert (
        client.post(URL, {"document": upload(SEED.name, SEED.read_bytes()), "code": "nhsei-draft"}).status_code == 302
    )
    change = changes.open_change(m.Plan.objects.get(code="nhsei-draft"))
    working = changes.working_plan(change)
    drafted = [(k, e, n.note) for k, e, n in added_notes(working) if n.note.startswith("Drafted from")]
    flagged = [(k.replace("_", " ").capitalize(), str(e.code)) for k, e, note in drafted if "REVIEW" in note]
    total = len(drafted)
    assert 0 < len(flagged) < total

    page = client.get("/plans/nhsei-draft/change/").content.decode()
    assert len(drafted_rows(page)) == total and f"Showing all {total} drafted elements." in page
    # a form that works without a script: a GET to the page itself, back at the table
    form = page.split('<form method="get" action="/plans/nhsei-draft/change/#drafted"', 1)[1].split("</form>", 1)[0]
    assert 'name="show" type="checkbox" value="review">' in form  # not checked
    assert '<label class="nhsuk-label nhsuk-checkboxes__label" for="drafted-show">' in form
    assert f"Show only the {len(flagged)} marked REVIEW and not yet corrected" in form

    narrowed = client.get("/plans/nhsei-draft/change/?show=review")
    assert narrowed.status_code == 200
    page = narrowed.content.decode()
    assert drafted_rows(page) == flagged and page.count("gt-drafted--review") == len(flagged)
    assert f"Showing {len(flagged)} of {total} drafted elements: those marked REVIEW and not yet corrected." in page
    assert f": {len(flagged)} of {total}, those marked REVIEW and not yet corrected</caption>" in page
    assert 'value="review" checked>' in page
    assert f'<a class="gt-filters__clear" href="/plans/nhsei-draft/change/#drafted">Show all {total} drafted' in page

    # corrected, an element no longer needs review: it leaves the narrowed list, stays in the whole one
    kind, first = next((k, e) for k, e, note in drafted if "REVIEW" in note and getattr(e, "title", None))
    corrected = (kind.replace("_", " ").capitalize(), str(first.code))
    data = changes.element_data(change, SECTION_OF[kind], first.code) | {"title": "Checked against the document"}
    changes.save_element(change, SECTION_OF[kind], first.code, data, reason="Checked", user=planner, seen=None)
    page = client.get("/plans/nhsei-draft/change/?show=review").content.decode()
    assert drafted_rows(page) == [row for row in flagged if row != corrected]
    assert f"Showing {len(flagged) - 1} of {total} drafted elements" in page
    assert corrected in drafted_rows(client.get("/plans/nhsei-draft/change/").content.decode())

    bad = client.get("/plans/nhsei-draft/change/?show=everything")
    assert bad.status_code == 400 and "(show=everything) is not one of: review" in bad.content.decode()


def test_a_given_code_is_the_plans_code_and_markup_in_a_heading_is_shown_as_text(plan):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    # the drafting drops whole tags as the document's markup; what is left of one is text to show
    document = word_document('Reduce harm & "costs" <script src=x')
    response = client.post(URL, {"document": upload("Plan 2020.docx", document), "code": "Trust.Plan_2020"})
    assert response.status_code == 302, response.content.decode()[:2000]
    change = changes.open_change(m.Plan.objects.get(code="Trust.Plan_2020"))
    working = changes.working_plan(change)
    assert [o.title for o in working.objectives] == ['Reduce harm & "costs" <script src=x', "Improve patient safety"]
    assert working.source_document is not None and working.source_document.file == "Plan 2020.docx"
    page = client.get("/plans/Trust.Plan_2020/change/").content.decode()
    assert "<script src=x" not in page
    assert "Reduce harm &amp; &#34;costs&#34; &lt;script src=x" in page
    assert "Drafted from Plan 2020.docx" in page


@pytest.mark.parametrize(
    ("name", "content", "code", "field", "message"),
    [
        (None, b"", "", "document", "Choose the business plan document to upload"),
        ("plan.xlsx", b"PK\x03\x04", "", "document", "plan.xlsx is not a Word document (.docx), a PDF"),
        ("plan.txt", b"", "", "document", "plan.txt is empty: choose the document itself"),
        ("plan.txt", b" \n\t\n", "", "document", "plan.txt has no text"),
        ("plan.txt", b"Objectives\n\xff\xfe", "", "document", "plan.txt is not UTF-8 text (line 2 is not)"),
        ("plan.docx", b"this is not a zip", "", "document", "plan.docx is damaged or is not a Word document"),
        ("plan.docx", damaged_word_document(), "", "document", "plan.docx cannot be read: open it in the program"),
        ("plan.pdf", b"<html>not a pdf</html>", "", "document", "plan.pdf is not a PDF: it does not start as one"),
        ("plan.pdf", b"%PDF-1.4\n1 0 obj <</Type /Catalog", "", "document", "plan.pdf: not a PDF that can be read"),
        ("plan.txt", b"a few words\n", "", "document", "has no headings, lists or tables to draft a plan from"),
        ("plan.txt", SEED.read_bytes(), "example-2019", "code", "A plan with the code &#39;example-2019&#39; already"),
        ("plan.txt", SEED.read_bytes(), "bad code!", "code", "use letters, digits and . _ - only"),
        ("example-2019.txt", SEED.read_bytes(), "", "document", "already exists; choose another code (the code is"),
    ],
    ids=[
        "no-file",
        "wrong-type",
        "empty",
        "blank",
        "not-utf8",
        "corrupt-docx",
        "damaged-docx-xml",
        "not-pdf",
        "corrupt-pdf",
        "nothing-to-draft",
        "code-exists",
        "bad-code",
        "code-from-name-exists",
    ],
)
def test_bad_input_says_what_and_what_to_do_and_creates_nothing(plan, name, content, code, field, message):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    data = {"code": code} | ({"document": upload(name, content)} if name else {})
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem: no plan was created" in page and message in page, page[:3000]
    assert f'href="#{field}"' in page
    assert code == "" or f'value="{code}"' in page.replace("&#39;", "'")  # what was typed is kept
    assert m.Plan.objects.count() == 1 and not m.PlanChange.objects.exists()


@pytest.mark.parametrize(("name", "bomb"), [("bomb.docx", zip_bomb), ("bomb.pdf", pdf_bomb)])
def test_a_decompression_bomb_is_refused_before_it_is_read(plan, name, bomb):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    content = bomb(DocumentLimits().unpacked_bytes + MB)
    assert len(content) < MB  # small as uploaded
    response = client.post(URL, {"document": upload(name, content), "code": ""})
    assert response.status_code == 400
    assert re.search(r"unpacks to more than 200 MB \(it may be a (zip|decompression) bomb\)", response.content.decode())
    assert m.Plan.objects.count() == 1


def test_the_limits_pass_ordinary_documents():
    assert document_problem(word_document("Improve care"), ".docx") is None
    assert document_problem(pdf_bomb(MB), ".pdf") is None  # 1 MB unpacked: within the limit
    assert document_problem(zip_bomb(2 * MB), ".docx") is None
    tight = DocumentLimits(unpacked_bytes=MB)
    assert "unpacks to more than 1 MB" in (document_problem(pdf_bomb(2 * MB), ".pdf", tight) or "")


def test_a_code_differing_only_in_case_is_refused_as_create_a_plan_refuses_it(plan):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    new_plan = {
        "template": "",
        "code": "Example-2019",
        "title": "Joint business plan 2020/21",
        "org_code": "nhsei-new",
        "org_name": "NHS England and NHS Improvement (new)",
        "start": "2020/21",
        "end": "2021/22",
        "levels": "Priority; Objective",
    }
    created = client.post("/plans/new/", new_plan)
    said = "A plan with the code &#39;Example-2019&#39; already exists; choose another code"
    assert created.status_code == 400 and said in created.content.decode()  # "Create a plan"'s words …
    response = client.post(URL, {"document": upload(SEED.name, SEED.read_bytes()), "code": "Example-2019"})
    assert response.status_code == 400
    page = response.content.decode()
    assert said in page and 'href="#code"' in page  # … are the document upload's, at its code
    assert 'value="Example-2019"' in page
    assert m.Plan.objects.count() == 1 and not m.PlanChange.objects.exists()


def test_a_code_made_from_the_files_name_is_refused_when_a_plan_has_it_in_another_case(plan):
    m.Plan.objects.filter(pk=plan.pk).update(code="Example-2019")
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    response = client.post(URL, {"document": upload("example-2019.txt", SEED.read_bytes()), "code": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "A plan with the code &#39;example-2019&#39; already exists; choose another code (the code is made from the "
        "file&#39;s name). Nothing was created." in page
    ), page[:3000]
    assert list(m.Plan.objects.values_list("code", flat=True)) == ["Example-2019"]
    assert not m.PlanChange.objects.exists()


@pytest.mark.parametrize("role", [None, roles.LEAD, roles.BOARD])
def test_only_those_who_may_create_a_plan_may_draft_one(plan, role):
    where = {"org_unit": plan.org_units.get(code="medical")} if role == roles.LEAD else {}
    client, _ = signed_in("viewer", role, **where)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"document": upload(SEED.name, SEED.read_bytes()), "code": "viewer-plan"})
    assert response.status_code == 403
    assert 'href="/plans/new/from-document/"' not in client.get("/").content.decode()
    assert m.Plan.objects.count() == 1 and not m.PlanChange.objects.exists()


def test_the_draft_becomes_the_plan_when_its_change_is_approved(plan):
    client, planner = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    assert (
        client.post(URL, {"document": upload(SEED.name, SEED.read_bytes()), "code": "nhsei-draft"}).status_code == 302
    )
    created = m.Plan.objects.get(code="nhsei-draft")
    change = changes.open_change(created)
    first = changes.working_plan(change).objectives[0]
    data = changes.element_data(change, "objectives", first.code) | {"title": "Better care and outcomes"}
    changes.save_element(change, "objectives", first.code, data, reason="Shorter title", user=planner, seen=None)
    page = client.get("/plans/nhsei-draft/change/").content.decode()
    assert "nhsuk-tag--green" in page and "Corrected" in page
    changes.submit(change, planner, in_force_label=f"{created.start} Q1", summary="The plan as drafted, checked")
    admin = get_user_model().objects.create_user("admin", is_staff=True, is_superuser=True)
    version = changes.approve(change, admin, "Agreed")
    assert version.number == 2
    live = export_plan("nhsei-draft")
    assert live.objectives[0].title == "Better care and outcomes"
    assert len(live.objectives) == len(changes.working_plan(change).objectives)


def test_a_document_over_the_upload_limit_is_refused_before_it_is_read(plan):
    client, _ = signed_in("planner", roles.PLANNING_TEAM, plan=plan)
    response = client.generic(
        "POST", URL, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(60 * MB)
    )
    assert response.status_code == 413
    assert "goldenthread takes files of at most 50 MB here" in response.content.decode()
    assert "draft it with `goldenthread plan draft` on the command line" in response.content.decode()
    assert m.Plan.objects.count() == 1
