"""The assessment of a plan as at a period through the API: the scorecard's and the exceptions
page's judgements, read from what those pages kept (nothing is worked out again)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.performance.assessment import to_data
from goldenthread.planfile.periods import parse_period
from goldenthread.presenters import kept, reported
from goldenthread.presenters.exceptions import exceptions

from ..reports.conftest import ae_plan  # noqa: F401  (the fixture: nhsi-2016 with the real A&E data)

pytestmark = pytest.mark.django_db


def test_the_assessment_is_the_scorecards_and_exceptions_kept(ae_plan, login, monkeypatch):  # noqa: F811
    client = login(get_user_model().objects.create_user("reader", password="a-long-password"))
    assert client.get("/plans/nhsi-2016/scorecard/", {"as_at": "2016/17 Q4"}).status_code == 200  # kept by the page

    def not_again(*args, **kwargs):
        raise AssertionError("the assessment was worked out again")

    monkeypatch.setattr(reported, "assess", not_again)
    response = client.get("/api/v1/plans/nhsi-2016/assessment/", {"as_at": "2016/17 Q4"})
    assert response.status_code == 200, response.content
    body = response.json()
    monkeypatch.undo()

    as_at = parse_period("2016/17 Q4")
    assessment = kept.assess(ae_plan, as_at=as_at, where_code="england")
    data = to_data(assessment)
    assert body["as_at"] == "2016/17 Q4" and body["where"] == "england"
    assert body["objectives"] == data["objectives"] and body["metrics"] == data["metrics"]
    assert body["triggers"] == data["triggers"]
    assert {a["code"]: a["status"] for a in body["activities"]} == {
        code: s.rating for code, s in assessment.activities.items()
    }
    ae = next(x for x in body["metrics"] if x["code"] == "AE4HR")
    assert ae["status"] and ae["variation"] and ae["latest_value"] < 0.95
    listed = exceptions(ae_plan, as_at, assessment)
    assert [(e["kind"], e["code"], e["reasons"]) for e in body["exceptions"]] == [
        (i.kind, i.code, i.what) for g in listed.groups for i in g.items
    ]
    assert any(e["code"] == "AE4HR" and e["objective"] for e in body["exceptions"])
    assert client.get("/api/v1/plans/nhsi-2016/assessment/", {"as_at": "2016/17 Q9"}).status_code == 400
    assert client.get("/api/v1/plans/nhsi-2016/assessment/", {"where": "nowhere"}).status_code == 400
