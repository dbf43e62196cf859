"""Bodies and meetings have history pages like the other elements: a reload that changes a
meeting's agenda shows on the meeting's page as a change to its agenda."""

from __future__ import annotations

import pytest

from goldenthread.audit.history import history_page
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from tests.plans.test_store_governance import governed, plan_from

pytestmark = pytest.mark.django_db


def test_a_meetings_history_shows_its_agenda_changing(example_text):
    text = governed(example_text)
    load_plan(plan_from(text))
    meeting = m.Meeting.objects.get(code="BOARD-2019-06-27")
    load_plan(plan_from(text.replace("title: Joint business plan 2019/20", "title: Joint work programme 2019/20")))
    page = history_page("meeting", meeting.pk)
    assert page is not None and page.kind_label == "Meeting" and page.title == "Board meeting, 27 June 2019"
    changed, _created = page.entries
    agenda = next(c for c in changed.changes if c.label == "Agenda")
    assert "12 Joint business plan 2019/20 (plan, board_pack)" in agenda.before
    assert "12 Joint work programme 2019/20 (plan, board_pack)" in agenda.after
    body = m.Body.objects.get(code="DQPC")
    page = history_page("body", body.pk)
    assert page is not None and page.title == "Delivery, Quality and Performance Committee"
