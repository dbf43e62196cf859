"""Through the pages, as people use them: the update submitted on its page mails the planning
team; returned with comments on its page, the lead (the comments as typed, in plain text)."""

from __future__ import annotations

import pytest

from goldenthread.cycles.models import Submission
from tests.cycles.conftest import World

pytestmark = pytest.mark.usefixtures("worker_in_this_process")

BASE = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/"


def filled_in(world: World) -> dict[str, str]:
    scope = world.scope()
    form = {"version": "0", "action": "submit", "rag": "green", "rag_reason": "On track", "commentary": "All good"}
    form |= {f"o{o.pk}-{k}": v for o in scope.objectives for k, v in (("rag", "green"), ("rag_reason", "fine"))}
    form |= {f"a{a.pk}-status": "in_progress" for a in scope.activities}
    form |= {f"m{x.pk}-{k}": v for x in scope.metrics for k, v in (("numerator", "9"), ("denominator", "10"))}
    return form | {f"r{r.pk}-reviewed": "yes" for r in scope.risks}


def test_submitted_and_returned_on_their_pages(world, login, commit, mailoutbox):
    lead, planner = login(world.users["lead"]), login(world.users["planner"])
    with commit():
        assert lead.post(BASE + "update/", filled_in(world)).status_code == 302
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["planner@example.org"], "To review: Medical update for 2019/20 Q1")
    ]
    version = str(Submission.objects.get().version)
    with commit():
        response = planner.post(BASE, {"version": version, "decision": "return", "comments": "More on <b>AMR</b>"})
    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mailoutbox[1:]] == [
        (["lead@example.org"], "Returned: Medical update for 2019/20 Q1")
    ]
    assert "with these comments:\n\nMore on <b>AMR</b>\n" in mailoutbox[1].body
    assert mailoutbox[1].content_subtype == "plain"
