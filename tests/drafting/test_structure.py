"""The structure the drafting reads: from Word styles, PDF fonts and plain-text layout."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document as WordDocument

from goldenthread.planfile.drafting import UnreadableDocument, draft, draft_text, read_document
from goldenthread.planfile.drafting.layout import cells_of, clean
from goldenthread.planfile.drafting.outline import outline

PLAN_TEXT = """# Business plan 2024/25

## 1. Introduction

This plan sets out what the Example Trust will do in 2024/25.

## 2. Better care

### Priorities for 2024/25

Our 2024/25 priorities are to:

- **reduce waiting times so that 92% of patients start treatment within 18 weeks by March 2025**
- improve the experience of carers

### Actions for 2024/25

Publish a new carers' charter with the Carers Forum Directorate.
Review the booking service and report to the Quality Committee Board.

Metric\tTarget\tLead
Patients seen within 18 weeks\t92%\tChief Operating Officer
"""


def _word_plan() -> bytes:
    word = WordDocument()
    word.add_heading("Business plan 2024/25", level=1)
    word.add_heading("Priorities for 2024/25", level=2)
    word.add_heading("Better care", level=3)
    word.add_paragraph("Actions for the year:")
    word.add_paragraph("We will publish a new carers' charter by March 2025.", style="List Bullet")
    word.add_paragraph("We will open two community hubs.", style="List Bullet")
    table = word.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Priority", "Metric", "Target"], strict=True):
        cell.text = text
    merged = table.cell(1, 0).merge(table.cell(2, 0))
    merged.text = "Better care"
    table.cell(1, 1).text = "Patients seen within 18 weeks"
    table.cell(1, 2).text = "92%"
    table.cell(2, 1).text = "Carers reporting a good experience"
    table.cell(2, 2).text = "at least 80%"
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_a_word_documents_structure_comes_from_its_styles(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(_word_plan())
    document = read_document(path)
    headings = [(b.text, b.level) for b in document.blocks if b.kind == "heading"]
    assert headings == [("Business plan 2024/25", 1), ("Priorities for 2024/25", 2), ("Better care", 3)]
    bullets = [b.text for b in document.blocks if b.kind == "bullet"]
    assert bullets == ["We will publish a new carers' charter by March 2025.", "We will open two community hubs."]
    rows = [b for b in document.blocks if b.kind == "row"]
    assert [r.row for r in rows] == [1, 2, 3] and {r.table for r in rows} == {1}
    # the cell merged down two rows is held once, in the first row it spans
    assert rows[1].cells[0] == "Better care" and rows[2].cells[0] == ""
    result = draft(path)
    plan = result.plan
    assert [o.title for o in plan.objectives] == ["Better care"]
    assert {a.title for a in plan.activities} == {
        "We will publish a new carers' charter by March 2025.",
        "We will open two community hubs.",
    }
    targets = {m.title: m.target.value for m in plan.metrics if m.target is not None}
    assert targets == {
        "Patients seen within 18 weeks": Decimal("0.92"),
        "Carers reporting a good experience": Decimal("0.8"),
        # a deliverable that sets a number to reach is measured by it too
        "We will open two community hubs.": Decimal("2"),
    }
    assert all(e.source and e.source.startswith("paragraph ") for e in [*plan.objectives, *plan.metrics])


def test_a_pdfs_structure_comes_from_its_fonts_and_positions(tmp_path):
    from weasyprint import HTML

    html = (
        "<h1>Business plan 2024/25</h1><h2>Priorities for 2024/25</h2><h3>Better care</h3>"
        "<p>Actions for the year:</p><ul><li>We will publish a new carers' charter by March 2025.</li></ul>"
        "<ul style='page-break-before: always'><li>We will open two community hubs in 2024/25.</li></ul>"
    )
    path = tmp_path / "plan.pdf"
    HTML(string=html).write_pdf(path)
    document = read_document(path)
    headings = [(b.text, b.level) for b in document.blocks if b.kind == "heading"]
    assert headings == [("Business plan 2024/25", 1), ("Priorities for 2024/25", 2), ("Better care", 3)]
    assert {line.page for line in document.lines} == {1, 2}
    plan = draft(path).plan
    assert [o.title for o in plan.objectives] == ["Better care"]
    assert "We will publish a new carers' charter by March 2025." in [a.title for a in plan.activities]
    assert any(a.source and a.source.startswith("page 2, line") for a in plan.activities)


def test_plain_text_structure_comes_from_its_layout():
    result = draft_text(PLAN_TEXT, "plan.txt")
    document = result.document
    kinds = [(b.kind, b.text[:20]) for b in document.blocks]
    assert ("heading", "Better care") in kinds and ("bullet", "improve the experien") in kinds
    levels = {h.block.text: h.level for h in outline(document.blocks).values()}
    assert levels["Business plan 2024/25"] == 1 and levels["Better care"] == 2
    plan = result.plan
    titles = [o.title for o in plan.objectives]
    assert titles[0] == "Better care" and "improve the experience of carers" in titles
    assert "Introduction" not in titles  # document furniture is not an objective
    assert {a.title for a in plan.activities} >= {"Publish a new carers' charter with the Carers Forum Directorate."}
    metric = next(m for m in plan.metrics if m.title == "Patients seen within 18 weeks")
    assert metric.target is not None and metric.target.value == Decimal("0.92")
    assert plan.start == "2024/25"


def test_a_bare_list_after_a_lead_in_is_read_by_what_the_lead_in_announces():
    text = (
        "Quality\n\nOur actions are:\n\n- Publish the review\n- Train every ward manager\n\n"
        "Finance\n\nOur actions are:\n\n- Balance the books\n"
    )
    plan = draft_text(text).plan
    assert [o.title for o in plan.objectives] == ["Quality", "Finance"]
    assert [(a.title, a.objective) for a in plan.activities] == [
        ("Publish the review", "O1"),
        ("Train every ward manager", "O1"),
        ("Balance the books", "O2"),
    ]


def test_cells_and_markup():
    assert cells_of("a\tb\t\t") == ["a", "b"]
    assert cells_of("| a | b |") == ["a", "b"]
    assert cells_of("a | b | c") == ["a", "b", "c"]
    assert cells_of("no cells here") is None
    assert clean("**Bold** <sup>2</sup> [link](http://x)") == "Bold link"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.doc", b"x", "must be .txt, .docx or .pdf"),
        ("plan.txt", b"caf\xe9", "not UTF-8"),
        ("plan.docx", b"not a zip", "not a Word document"),
        ("plan.pdf", b"not a pdf", "not a PDF"),
    ],
)
def test_unreadable_documents_are_refused_with_what_to_do(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableDocument, match=message):
        read_document(path)


def test_a_matrix_cell_of_labelled_parts_gives_a_priority_its_measures_and_activities():
    text = (
        "Business plan 2019/20\n\nThe plan for 2019/20.\n\n"
        "Priorities\n\nOur priorities are:\n\n- Better care\n- Workforce\n\n"
        "Directorate\tBetter care\tWorkforce\n"
        "Medical\tDirectorate Priority: Safer prescribing Metric(s): • Antibiotic prescribing down 10% by March 2020 "
        "Key Activities (sample): • Publish the prescribing guide\tDirectorate Priority: Medical Examiners "
        "Metric(s): To be confirmed\n"
    )
    plan = draft_text(text).plan
    by_title = {o.title: o for o in plan.objectives}
    assert by_title["Safer prescribing"].parent == by_title["Better care"].code
    assert by_title["Medical Examiners"].parent == by_title["Workforce"].code
    metric = next(m for m in plan.metrics if m.title.startswith("Antibiotic"))
    assert metric.target is not None and metric.target.value == Decimal("0.1") and metric.target.by == "2020-03"
    assert metric.objectives == [by_title["Safer prescribing"].code]
    assert [a.title for a in plan.activities] == ["Publish the prescribing guide"]


def test_targets_are_read_with_their_direction_and_date_one_a_clause():
    from goldenthread.planfile.drafting.language import target_in, targets_in

    target = target_in("recover the 95% threshold by Quarter 4 of 2016/17")
    assert target is not None and (target.value, target.comparison, target.by) == (Decimal("0.95"), ">=", "2016/17 Q4")
    target = target_in("reduce falls to fewer than 20 patients by March 2015")
    assert target is not None and (target.value, target.comparison, target.by) == (Decimal(20), "<=", "2015-03")
    assert target_in("support a quarter of providers to exit").value == Decimal("0.25")
    assert target_in("the 2012 Act") is None and target_in("in March 2014 we met") is None
    several = targets_in("so that 95% of trusts use the number, 75% of practices send data by March 2015")
    assert [(t.value, t.by) for t in several] == [(Decimal("0.95"), "2015-03"), (Decimal("0.75"), "2015-03")]
