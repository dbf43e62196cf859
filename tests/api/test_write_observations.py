"""Observations in batches through the API: the same loader as the command and the upload page,
all or nothing, problems at their row and column, idempotent on retry, only for those who may
load data into the plan."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from goldenthread.performance.models import LoadBatch, Observation

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/nhsei-2019/observations/"
METRIC = "MED-2-M1"  # a percentage held as numerator over denominator


def quarter(i: int) -> str:
    """The i-th quarter from 2019/20 Q1."""
    year = 2019 + i // 4
    return f"{year}/{(year + 1) % 100:02d} Q{i % 4 + 1}"


def rows(n: int = 3, **changes) -> list[dict]:
    out = [
        {"metric": METRIC, "org_unit": "medical", "period": quarter(i), "numerator": 30 + i, "denominator": 60}
        for i in range(n)
    ]
    for i, values in changes.items():
        out[int(i.removeprefix("row"))].update(values)
    return out


def post(client: Client, body, *, headers: dict | None = None, query: str = "", content_type="application/json"):
    data = json.dumps(body) if content_type == "application/json" and not isinstance(body, (str, bytes)) else body
    return client.post(URL + query, data=data, content_type=content_type, headers=headers or {})


def held() -> list[tuple]:
    return sorted(Observation.objects.values_list("period_start", "numerator", "denominator", "superseded_at"))


def test_a_batch_with_one_bad_row_is_refused_at_that_row_and_column_and_writes_nothing(world, login):
    client = login(world.users["planner"])
    response = post(client, {"rows": rows(3, row1={"denominator": "sixty"})})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["problem_count"] == 1 and body["bad_rows"] == 1
    [problem] = body["problems"]
    assert problem["row"] == 2 and problem["column"] == "denominator"
    assert "'sixty'" in problem["message"]  # the loader's own message, unchanged
    assert "nothing was loaded" in body["detail"]
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_the_good_batch_loads_and_posting_it_again_changes_nothing(world, login):
    client = login(world.users["planner"])
    first = post(client, {"rows": rows(3)})
    assert first.status_code == 200, first.content
    loaded = first.json()
    assert (loaded["new"], loaded["revised"], loaded["unchanged"]) == (3, 0, 0)
    batch = LoadBatch.objects.get()
    assert loaded["batch"] == batch.pk and batch.loaded_by == world.users["planner"]
    before = held()
    again = post(client, {"rows": rows(3)})
    assert again.status_code == 200
    assert (again.json()["new"], again.json()["revised"], again.json()["unchanged"]) == (0, 0, 3)
    assert again.json()["batch"] is None
    assert held() == before and LoadBatch.objects.count() == 1


def test_a_batch_another_load_overtook_is_a_409_to_send_again(world, login, monkeypatch):
    """Nothing is wrong with the batch: another load wrote the same keys while it ran. A conflict,
    which a client answers by sending it again — not a 422 to correct."""
    from goldenthread.performance.loading import writing

    client = login(world.users["planner"])
    assert post(client, {"rows": rows(1)}).status_code == 200
    real = writing._current  # as if another load wrote the first quarter after this one read it
    monkeypatch.setattr(writing, "_current", lambda spans: real([(m, -1, -1) for m, _, _ in spans]))
    before = held()
    response = post(client, {"rows": rows(2, row0={"numerator": 45})})
    assert response.status_code == 409, response.content
    assert response.json()["detail"].endswith("nothing was loaded. Send it again.")
    assert held() == before and LoadBatch.objects.count() == 1
    monkeypatch.setattr(writing, "_current", real)
    assert post(client, {"rows": rows(2, row0={"numerator": 45})}).status_code == 200


def test_a_changed_value_supersedes_the_one_held(world, login):
    client = login(world.users["planner"])
    post(client, {"rows": rows(2)})
    response = post(client, {"rows": rows(2, row0={"numerator": 50})})
    assert (response.json()["new"], response.json()["revised"], response.json()["unchanged"]) == (0, 1, 1)
    assert Observation.objects.count() == 3 and Observation.objects.filter(superseded_at__isnull=False).count() == 1


def test_a_csv_body_is_the_data_file_with_the_loaders_line_numbers(world, login):
    client = login(world.users["planner"])
    csv = (
        "metric,org_unit,period,numerator,denominator\n"
        "MED-2-M1,medical,2019/20 Q1,30,60\n"
        "MED-2-M1,medical,2019/20 Q2,=A1,60\n"
    )
    response = post(client, csv, content_type="text/csv")
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (3, "numerator")  # the header is line 1, as for a file
    assert Observation.objects.count() == 0
    good = post(client, csv.replace("=A1", "31"), content_type="text/csv")
    assert good.status_code == 200 and good.json()["new"] == 2


def test_problems_of_the_batch_as_a_whole_have_no_row(world, login):
    client = login(world.users["planner"])
    response = post(client, {"rows": [{"metric": METRIC, "period": "2019/20 Q1", "value": 0.5}]})
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["row"] is None and problem["column"] == "org_unit"
    assert "?map=" in problem["message"]  # the fix worded for the API, not for the command line


def test_a_duplicate_key_names_the_first_row_by_the_same_numbers(world, login):
    client = login(world.users["planner"])
    batch = rows(2)
    batch.append(dict(batch[0]))
    [problem] = post(client, {"rows": batch}).json()["problems"]
    assert problem["row"] == 3 and "row 1 has the same metric" in problem["message"]


@pytest.mark.parametrize(
    "body, column, words",
    [
        ({"rows": []}, "rows", "no rows"),
        ([{"metric": METRIC}], "rows", "is a list of rows"),
        ({"rows": [{}]}, "rows", "name no fields"),
        ({"rows": [{"metric": ["a"]}]}, "metric", "is a list"),
        ({"rows": [{"metric": True}]}, "metric", "is true"),
    ],
)
def test_a_body_of_the_wrong_shape_is_422_at_its_place(world, login, body, column, words):
    response = post(login(world.users["planner"]), body)
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["column"] == column and words in problem["message"]
    assert Observation.objects.count() == 0


def test_a_body_that_is_not_json_or_of_another_type_is_refused(world, login):
    client = login(world.users["planner"])
    broken = post(client, '{"rows": [', content_type="application/json")
    assert broken.status_code == 400 and "not JSON (line 1" in broken.json()["detail"]
    other = post(client, "<rows/>", content_type="application/xml")
    assert other.status_code == 415 and "text/csv" in other.json()["detail"]


def test_hostile_text_is_held_as_text(world, login):
    client = login(world.users["planner"])
    batch = rows(1, row0={"source": '=HYPERLINK("http://x")<script>'})
    assert post(client, {"rows": batch}).status_code == 200
    assert Observation.objects.get().source == '=HYPERLINK("http://x")<script>'


def test_options_are_the_commands(world, login):
    client = login(world.users["planner"])
    batch = [{"org": "medical", "quarter": "2019/20 Q1", "value": "0.5"}]
    response = post(
        client, {"rows": batch}, query=f"?metric={METRIC}&map=org=org_unit&map=quarter=period&source=warehouse"
    )
    assert response.status_code == 200, response.content
    assert Observation.objects.get().source == "warehouse"
    bad = post(client, {"rows": batch}, query="?map=org")
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "map"
    kind = post(client, {"rows": batch}, query=f"?metric={METRIC}&add_units=planet")
    assert kind.status_code == 422 and "not a kind of org unit" in kind.json()["problems"][0]["message"]


def test_a_dry_run_counts_and_writes_nothing(world, login):
    response = post(login(world.users["planner"]), {"rows": rows(2)}, query="?dry_run=true")
    assert response.status_code == 200 and response.json()["new"] == 2 and response.json()["dry_run"]
    assert Observation.objects.count() == 0


def test_an_idempotency_key_answers_a_retry_with_what_the_batch_did(world, login):
    client = login(world.users["planner"])
    key = {"Idempotency-Key": "3f6c2a52-8a37-4a3e-9d1e-6b1b2c3d4e5f"}
    first = post(client, {"rows": rows(2)}, headers=key)
    assert first.status_code == 200 and not first.json()["replayed"]
    # someone else revises a value meanwhile; the retry does not put the old one back
    post(login(world.users["admin"]), {"rows": rows(2, row0={"numerator": 55})})
    retry = post(client, {"rows": rows(2)}, headers=key)
    assert retry.status_code == 200 and retry.json()["replayed"] and retry.json()["batch"] == first.json()["batch"]
    assert (retry.json()["new"], retry.json()["revised"]) == (2, 0)
    assert Observation.objects.filter(superseded_at=None, period_start__month=4).get().numerator == 55
    other = post(client, {"rows": rows(3)}, headers=key)
    assert other.status_code == 422 and "different batch" in other.json()["problems"][0]["message"]
    bad = post(client, {"rows": rows(3)}, headers={"Idempotency-Key": "a/b"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "Idempotency-Key"


@pytest.mark.parametrize("who", ["lead", "contributor", "board", "norole", "other_planner"])
def test_only_those_who_may_load_data_into_the_plan_may_send_a_batch(world, login, who):
    response = post(login(world.users[who]), {"rows": rows(1)})
    assert response.status_code == 403
    assert "load data into this plan" in response.json()["detail"]
    assert Observation.objects.count() == 0


def test_the_permission_is_checked_before_the_body_is_read(world, login):
    response = post(login(world.users["lead"]), "not json at all", content_type="application/json")
    assert response.status_code == 403


def token_client(user, scope: str) -> Client:
    from goldenthread.accounts.api_tokens import create_token

    return Client(headers={"Authorization": f"Bearer {create_token(user, name='test', scope=scope).text}"})


def test_with_tokens_a_lead_cannot_write_to_a_plan_and_a_read_only_token_cannot_write(world):
    lead = post(token_client(world.users["lead"], "write"), {"rows": rows(1)})
    assert lead.status_code == 403 and "load data into this plan" in lead.json()["detail"]
    read_only = post(token_client(world.users["planner"], "read"), {"rows": rows(1)})
    assert read_only.status_code == 403 and "may only read" in read_only.json()["detail"]
    assert Observation.objects.count() == 0
    loaded = post(token_client(world.users["planner"], "write"), {"rows": rows(1)})
    assert loaded.status_code == 200 and Observation.objects.count() == 1


def test_an_unknown_plan_is_404(world, login):
    response = login(world.users["admin"]).post(
        "/api/v1/plans/nope/observations/", data="{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_the_queries_do_not_grow_with_the_rows(world, login, django_assert_max_num_queries):
    client = login(world.users["planner"])
    post(client, {"rows": rows(1)})  # the first load creates what every later one reads
    with django_assert_max_num_queries(40) as few:
        post(client, {"rows": rows(2)})
    small = len(few.captured_queries)
    Observation.objects.all().delete()
    LoadBatch.objects.all().delete()
    post(client, {"rows": rows(1)})
    with django_assert_max_num_queries(small) as many:
        post(client, {"rows": rows(9)})
    assert len(many.captured_queries) <= small
