"""A lead's quarterly update through the API: read with its ETag, saved and submitted with
If-Match, by the same services, rules and messages as the update page; nothing changes on a
refusal, and two writers never overwrite each other unseen."""

from __future__ import annotations

import json

import pytest

from goldenthread.cycles.models import Submission

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"
SUBMIT = URL + "submit/"


def complete(world, **changes) -> dict:
    scope = world.scope()
    body = {
        "rag": "green",
        "rag_reason": "On track",
        "commentary": "A good quarter",
        "objectives": [{"code": o.code, "rag": "green", "rag_reason": f"{o.code} on track"} for o in scope.objectives],
        "activities": [{"code": a.code, "status": "in_progress"} for a in scope.activities],
        "metrics": [{"code": x.code, "numerator": 30, "denominator": 40} for x in scope.metrics],
        "risks": [{"code": r.code, "likelihood": 3, "impact": 4, "reviewed": True} for r in scope.risks],
    }
    body.update(changes)
    return body


def put(client, body, etag: str | None):
    headers = {"If-Match": etag} if etag is not None else {}
    return client.put(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def submit(client, etag: str | None):
    return client.post(SUBMIT, headers={"If-Match": etag} if etag is not None else {})


def test_a_new_update_reads_as_not_started_with_its_etag(world, login):
    response = login(world.users["lead"]).get(URL)
    assert response.status_code == 200
    update = response.json()
    assert update["status"] == "not_started" and update["version"] == 0 and update["may_submit"]
    assert [o["code"] for o in update["objectives"]] == [o.code for o in world.scope().objectives]
    assert [m["code"] for m in update["metrics"]] == ["MED-2-M1"]
    assert all(a["status"] for a in update["activities"])  # a new update starts from the plan's statuses
    assert response["ETag"].startswith('"') and response["ETag"] == login(world.users["lead"]).get(URL)["ETag"]


def test_a_save_needs_if_match_and_then_saves_the_draft(world, login):
    client = login(world.users["lead"])
    missing = put(client, complete(world), None)
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]
    assert not Submission.objects.exists()
    etag = client.get(URL)["ETag"]
    saved = put(client, complete(world), etag)
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "draft" and saved.json()["version"] == 1
    assert saved["ETag"] != etag and saved["ETag"] == client.get(URL)["ETag"]
    update = client.get(URL).json()
    assert update["commentary"] == "A good quarter"
    assert update["metrics"][0]["numerator"] == "30" and update["metrics"][0]["value"] is None
    assert update["risks"][0]["reviewed"] is True
    stored = Submission.objects.get()
    assert stored.updated_by == world.users["lead"] and stored.commentary == "A good quarter"


def test_a_stale_etag_is_412_and_keeps_the_other_persons_text(world, login):
    lead, contributor = login(world.users["lead"]), login(world.users["contributor"])
    seen = lead.get(URL)["ETag"]
    assert contributor.get(URL)["ETag"] == seen  # both read the same update
    assert put(lead, complete(world, commentary="the lead's text"), seen).status_code == 200
    late = put(contributor, complete(world, commentary="the contributor's text"), seen)
    assert late.status_code == 412
    assert "has changed since you read it" in late.json()["detail"]
    assert Submission.objects.get().commentary == "the lead's text"
    again = put(contributor, complete(world, commentary="the contributor's text"), contributor.get(URL)["ETag"])
    assert again.status_code == 200 and Submission.objects.get().version == 2


def test_the_pages_checks_and_messages_and_nothing_saved(world, login):
    client = login(world.users["lead"])
    etag = client.get(URL)["ETag"]
    body = complete(world, rag="purple", metrics=[{"code": "MED-2-M1", "numerator": "lots", "denominator": 40}])
    response = put(client, body, etag)
    assert response.status_code == 422
    problems = {p["column"]: p["message"] for p in response.json()["problems"]}
    assert problems["rag"] == "Choose red, amber or green for the overall rating"
    assert problems["metrics[MED-2-M1].numerator"] == "Enter the numerator for MED-2-M1 as a number, like 95 or 1,250.5"
    assert "nothing was saved" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_entries_must_name_what_the_unit_reports_on(world, login):
    client = login(world.users["lead"])
    body = complete(world, objectives=[{"code": "NUR-1", "rag": "green"}, {"code": "NUR-1", "rag": "red"}])
    response = put(client, body, client.get(URL)["ETag"])
    assert response.status_code == 422
    [unknown, twice] = response.json()["problems"]
    assert unknown["column"] == "objectives[0].code" and "'NUR-1' is not one of the objectives" in unknown["message"]
    assert twice["column"] == "objectives[1].code"
    shape = put(client, {"rag": 5, "objectives": "none"}, client.get(URL)["ETag"])
    assert shape.status_code == 422 and {p["column"] for p in shape.json()["problems"]} == {"rag", "objectives"}
    assert not Submission.objects.exists()


def test_hostile_text_is_held_as_text(world, login):
    client = login(world.users["lead"])
    text = '=HYPERLINK("http://x")<script>alert(1)</script>'
    assert put(client, complete(world, commentary=text), client.get(URL)["ETag"]).status_code == 200
    assert client.get(URL).json()["commentary"] == text


def test_only_the_lead_submits_and_only_a_complete_update(world, login):
    lead, contributor = login(world.users["lead"]), login(world.users["contributor"])
    body = complete(world, rag_reason="")
    assert put(contributor, body, contributor.get(URL)["ETag"]).status_code == 200
    refused = submit(contributor, contributor.get(URL)["ETag"])
    assert refused.status_code == 403 and "only its lead" in refused.json()["detail"]
    assert submit(lead, None).status_code == 428
    incomplete = submit(lead, lead.get(URL)["ETag"])
    assert incomplete.status_code == 422
    assert incomplete.json()["problems"] == [
        {"row": None, "column": "rag_reason", "message": "Give the reason for the overall RAG rating"}
    ]
    assert Submission.objects.get().status == "draft" and Submission.objects.get().version == 1
    assert put(lead, complete(world), lead.get(URL)["ETag"]).status_code == 200
    done = submit(lead, lead.get(URL)["ETag"])
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    stored = Submission.objects.get()
    assert stored.status == "submitted" and stored.submitted_by == world.users["lead"]
    closed = put(lead, complete(world, commentary="later"), lead.get(URL)["ETag"])
    assert closed.status_code == 409 and "waiting for the planning team" in closed.json()["detail"]
    assert Submission.objects.get().commentary == "A good quarter"


def test_submitting_nothing_saved_is_409(world, login):
    lead = login(world.users["lead"])
    response = submit(lead, lead.get(URL)["ETag"])
    assert response.status_code == 409 and "save it first" in response.json()["detail"]


@pytest.mark.parametrize(
    "who, read, write", [("other_lead", 403, 403), ("planner", 200, 403), ("board", 200, 403), ("norole", 403, 403)]
)
def test_who_may_read_and_save_a_units_update(world, login, who, read, write):
    client = login(world.users[who])
    assert client.get(URL).status_code == read
    etag = login(world.users["lead"]).get(URL)["ETag"]
    assert put(client, complete(world), etag).status_code == write
    assert submit(client, etag).status_code == 403
    assert not Submission.objects.exists()


def test_a_leads_token_writes_only_its_own_units_update_and_a_read_token_none(world):
    from django.test import Client

    from goldenthread.accounts.api_tokens import create_token

    def client(who: str, scope: str) -> Client:
        token = create_token(world.users[who], name="test", scope=scope).text
        return Client(headers={"Authorization": f"Bearer {token}"})

    other = client("other_lead", "write")
    etag = other.get(URL.replace("medical", "nursing"))["ETag"]
    assert other.get(URL).status_code == 403  # another directorate's update is not theirs to read
    assert put(other, complete(world), etag).status_code == 403
    read_only = client("lead", "read")
    refused = put(read_only, complete(world), read_only.get(URL)["ETag"])
    assert refused.status_code == 403 and "may only read" in refused.json()["detail"]
    assert not Submission.objects.exists()
    assert put(client("lead", "write"), complete(world), read_only.get(URL)["ETag"]).status_code == 200


def test_reading_takes_the_same_queries_for_every_unit(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.users["admin"])
    sizes, counts = {}, {}
    for unit in ("medical", "nursing"):  # units reporting on different numbers of things, both saved
        scope = world.scope(world.plan.org_units.get(code=unit))
        sizes[unit] = len(scope.objectives) + len(scope.activities) + len(scope.metrics) + len(scope.risks)
        url = URL.replace("medical", unit)
        body = {"rag": "green", "activities": [{"code": a.code, "status": "in_progress"} for a in scope.activities]}
        saved = client.put(
            url, json.dumps(body), content_type="application/json", headers={"If-Match": client.get(url)["ETag"]}
        )
        assert saved.status_code == 200
    for unit in ("medical", "nursing"):
        with CaptureQueriesContext(connection) as read:
            assert client.get(URL.replace("medical", unit)).status_code == 200
        counts[unit] = len(read.captured_queries)
    assert sizes["medical"] != sizes["nursing"]
    assert counts["medical"] == counts["nursing"] <= 25, counts


def test_a_save_that_loses_the_race_after_its_etag_matched_is_412(world, login):
    """Two saves that both matched the ETag: the service's version check (inside its transaction)
    refuses the second, and the API answers 412 saying who saved — never a silent overwrite."""
    from types import SimpleNamespace

    from ninja.errors import HttpError

    from goldenthread.api.updates import _write
    from goldenthread.cycles import services

    lead, contributor = login(world.users["lead"]), login(world.users["contributor"])
    assert put(lead, complete(world, commentary="first"), lead.get(URL)["ETag"]).status_code == 200
    as_read = SimpleNamespace(period=world.period(1), unit=world.medical, version=Submission.objects.get().version)
    assert put(contributor, complete(world, commentary="theirs"), contributor.get(URL)["ETag"]).status_code == 200
    with pytest.raises(HttpError) as lost:
        _write(as_read, services.stored_data(None), world.users["lead"], submit=False, names={})
    assert lost.value.status_code == 412 and "Contributor saved this update while yours was on its way" in str(
        lost.value
    )
    assert Submission.objects.get().commentary == "theirs"
