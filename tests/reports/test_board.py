"""The board's quarterly pack: the same figures as the web pages, in PDF, Word and HTML."""

from __future__ import annotations

import re

import pytest

from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import metric_page
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack

from .conftest import PERIOD, docx, docx_text, headings, page_count, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

SECTIONS = [
    "1. Summary and scorecard",
    "2. Exceptions",
    "3. Directorates' updates and open actions",
    "4. Objectives",
    "5. Deliverables due or overdue",
    "6. Budget against spend",
    "Appendix: metric definitions",
]


def test_pack_figures_are_the_scorecard_and_exceptions_pages_figures(plan):
    pack = board_pack(plan, PERIOD)
    web = ap.scorecard(plan, PERIOD)  # a fresh assessment, as the scorecard page makes it
    assert [
        (
            r.row.code,
            r.row.latest_value,
            r.row.latest_period,
            r.row.target,
            r.row.variation_text,
            r.row.assurance_text,
            r.row.status,
            r.row.reason,
        )
        for r in pack.scorecard
    ] == [
        (r.code, r.latest_value, r.latest_period, r.target, r.variation_text, r.assurance_text, r.status, r.reason)
        for r in web.rows
    ]
    page = ap.exceptions(plan, PERIOD)
    assert pack.exception_count == page.count
    web_items = {(i.kind, i.code): i.what for g in page.groups for i in g.items}
    assert {(e.kind, e.code): e.what for e in pack.exceptions} == web_items


def test_exception_chart_is_the_metric_pages_chart(plan):
    pack = board_pack(plan, PERIOD)
    four = next(e for e in pack.exceptions if e.code == "FOUR")
    page = metric_page(plan, "FOUR", PERIOD, None)
    assert four.chart.spec == page.chart_spec
    assert four.metric.row.latest_value == ap.format_value(page.latest[1], "percentage")
    assert "special cause" in " ".join(four.what) or any("target" in w for w in four.what)
    assert four.objectives == ["S1 Recover the standard"] and four.directorates == ["North"]
    activity = next(e for e in pack.exceptions if e.kind == "activity")
    assert activity.code == "A1" and activity.due


def test_pack_counts_objectives_and_overdue_deliverables(plan):
    pack = board_pack(plan, PERIOD)
    assert [s.code for s in pack.objectives] == ["P1"]
    assert [c.code for c in pack.objectives[0].children] == ["S1", "S2"]
    assert [m.row.code for m in pack.objectives[0].metrics] == ["FOUR"]
    overdue = dict((state, items) for state, _, items in pack.deliverables)["overdue"]
    assert [d.code for d in overdue] == ["A1"]
    assert pack.overdue_count == 1
    assert pack.budget.tables == [] and not pack.budget.spend_recorded


def test_pdf_opens_has_the_sections_and_renders(plan, tmp_path):
    data = render_pack(board_pack(plan, PERIOD), "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for heading in SECTIONS:
        assert heading in text, heading
    flat = re.sub(r"\s+", " ", text)
    web = ap.scorecard(plan, PERIOD).rows[0]
    assert web.latest_value in flat and web.target in flat  # the scorecard page's figures
    assert "Four-hour performance — England" in flat  # the chart's own title, drawn in the PDF
    assert "No spend recorded" in flat
    assert "Page 2 of" in flat
    pages = pdf_pages(data, tmp_path)
    assert len(pages) == page_count(data, tmp_path) >= 5
    assert all(p.stat().st_size > 2000 for p in pages)


def test_word_file_has_headings_tables_and_pictures(plan):
    document = docx(render_pack(board_pack(plan, PERIOD), "docx"))
    found = headings(document)
    for heading in SECTIONS:
        assert heading in found, heading
    assert any(h.startswith("FOUR Four-hour performance") for h in found)
    score = document.tables[1]  # after the cover's facts
    assert [c.text for c in score.rows[0].cells] == ["Metric", "Latest", "Target", "Variation", "Assurance", "Status"]
    web = ap.scorecard(plan, PERIOD).rows[0]
    assert score.rows[1].cells[1].text.startswith(web.latest_value)
    assert len(document.inline_shapes) >= 3  # the chart and the icons
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert all(descriptions) and any(d.startswith("Statistical process control chart") for d in descriptions)
    assert "No spend recorded" in docx_text(document)


def test_html_is_self_contained_with_inline_chart(plan):
    html = render_pack(board_pack(plan, PERIOD), "html").decode()
    assert "<style>" in html and 'role="img"' in html and "<svg" in html
    assert not re.search(r'<(link|script)\b|src="http|href="http', html)
    assert 'aria-label="Statistical process control chart of Four-hour performance for England' in html


def test_markup_in_titles_stays_text(marked_plan, tmp_path):
    pack = board_pack(marked_plan, PERIOD)
    html = render_pack(pack, "html").decode()
    assert "<script>" not in html and "<b>four</b>" not in html and "<i>Recover</i>" not in html
    assert "Plan &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;b&gt;four&lt;/b&gt;-hour" in html
    text = re.sub(r"\s+", " ", pdf_text(render_pack(pack, "pdf"), tmp_path))
    assert "Plan <script>alert(1)</script> & co" in text
    assert "<i>Recover</i> the standard" in text
    word = docx_text(docx(render_pack(pack, "docx")))
    assert "<b>four</b>-hour" in word


def test_cycle_commentary_and_actions_appear_with_the_exception(plan):
    from datetime import date

    from django.contrib.auth import get_user_model

    from goldenthread.cycles import services
    from goldenthread.cycles.models import AccountabilityReview, Submission

    user = get_user_model().objects.create_user("planner")
    periods = {p.label: p for p in services.generate_periods(plan, user=user)}
    north = plan.org_units.get(code="north")
    q4 = periods["2016/17 Q4"]
    sub = Submission.objects.create(
        period=q4,
        org_unit=north,
        status=Submission.Status.SUBMITTED,
        rag="amber",
        rag_reason="Winter pressures",
        commentary="Escalation plans in place.",
    )
    sub.objective_updates.create(objective=plan.objectives.get(code="S1"), rag="red", rag_reason="Below 95% all winter")
    Submission.objects.create(
        period=periods["2016/17 Q3"],
        org_unit=north,
        status=Submission.Status.DRAFT,
        commentary="draft: not to be quoted",
    )
    review = AccountabilityReview.objects.create(period=q4, org_unit=north, status="held", held_on=date(2017, 4, 20))
    review.actions.create(description="Agree a recovery trajectory", owner="Regional director", due_on=date(2017, 3, 1))

    pack = board_pack(plan, PERIOD)
    four = next(e for e in pack.exceptions if e.code == "FOUR")
    [c] = four.commentary
    assert (c.unit, c.period, c.status, c.rag) == ("North", "2016/17 Q4", "Submitted", "Amber")
    notes = {n.label: n.text for n in c.notes}
    assert notes == {
        "Overall": "Amber — Winter pressures",
        "Commentary": "Escalation plans in place.",
        "Objective S1": "Red — Below 95% all winter",
    }
    [action] = four.actions
    assert action.description == "Agree a recovery trajectory" and action.status == "Overdue"
    html = render_pack(pack, "html").decode()
    assert "Escalation plans in place." in html and "Agree a recovery trajectory" in html
    assert "not to be quoted" not in html


def test_no_cycle_data_means_no_commentary(plan):
    pack = board_pack(plan, PERIOD)
    assert all(e.commentary == [] and e.actions == [] for e in pack.exceptions)
    assert "No update commenting on this has been submitted" in render_pack(pack, "html").decode()
