"""A large plan's board pack is summarised, saying exactly what it leaves out and where to find it
(issue 15 finding 15: a 20 MB plan's pack took over 120 s — the HTML alone was 28 MB)."""

from __future__ import annotations

import io
import re

import docx
import pytest

from goldenthread.planfile.periods import parse_period
from goldenthread.reports import summarised
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack

from ..large_plans import load_large_plan

pytestmark = pytest.mark.django_db

PERIOD = parse_period("2018/19 Q4")


def test_a_large_plans_pack_is_summarised_and_says_what_it_left_out(monkeypatch):
    """Issue 15 finding 15: every exception, deliverable, objective and definition went into the pack."""
    monkeypatch.setattr(summarised, "SECTION_METRICS", 100)  # 450 objectives have 225 metrics: cut those too
    monkeypatch.setattr(summarised, "DEFINITIONS", 100)
    plan = load_large_plan(450)
    pack = board_pack(plan, PERIOD)
    html = render_pack(pack, "html").decode()

    assert len(pack.exceptions) == summarised.EXCEPTIONS_IN_FULL < pack.exception_count
    assert f'<span class="n">{pack.exception_count}</span> exceptions' in html  # the cover counts them all
    assert len(re.findall(r'<section class="exception"', html)) == summarised.EXCEPTIONS_IN_FULL
    sections = {x.section for x in pack.left_out}
    assert sections == {"exceptions", "objectives", "deliverables", "definitions"}
    address = "http://127.0.0.1:8000/plans/large/exceptions/?as_at=2018%2F19+Q4"
    (note,) = pack.left_out_of("exceptions")
    left = pack.exception_count - summarised.EXCEPTIONS_IN_FULL
    assert note.what.startswith(f"{left:,} of the {pack.exception_count:,} exceptions are counted here but not")
    assert note.href == address and address.replace("&", "&amp;") in html
    assert "This pack is summarised" in html and html.count("<strong>Summarised.</strong>") == len(pack.left_out)

    overdue = next(items for state, _, items in pack.deliverables if state == "overdue")
    assert len(overdue) == summarised.DELIVERABLES_LISTED < pack.overdue_count
    assert f"Overdue: the first {summarised.DELIVERABLES_LISTED} of {pack.overdue_count:,}" in html
    assert all(not s.children and s.children_summary for s in pack.objectives)
    assert re.search(r"\d+ objectives within A0: [\d,]+ ", html)
    assert all(not s.metrics and s.metrics_summary for s in pack.objectives)
    shown = {r.row.code for r in pack.scorecard} | {e.code for e in pack.exceptions if e.kind == "metric"}
    assert {d.code for d in pack.definitions} == shown
    assert len(html) < 1_000_000

    word = docx.Document(io.BytesIO(render_pack(pack, "docx")))  # the Word pack says the same
    text = "\n".join(p.text for p in word.paragraphs)
    assert "This pack is summarised" in text
    assert all(text.count(x.what) == 2 for x in pack.left_out)  # on the cover and at its section
    assert pack.objectives[0].children_summary in text


def test_a_pack_within_the_limits_is_not_summarised():
    plan = load_large_plan(30)
    pack = board_pack(plan, PERIOD)
    assert pack.left_out == [] and pack.exceptions_left_out == pack.overdue_left_out == 0
    assert "ummarised" not in render_pack(pack, "html").decode()
