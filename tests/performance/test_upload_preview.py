"""The upload page checks and previews a file before anything is written, holds it in the database,
and loads exactly what was previewed once the person confirms — once only, for them only; its
messages speak of the page's fields, never of command-line flags; each metric's frequency and a
template CSV for the plan are offered."""

from __future__ import annotations

import csv
import io

import pytest

from goldenthread.access import roles
from goldenthread.accounts.models import Membership
from goldenthread.performance import staging
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.storage.models import HeldUpload

from .test_upload import URL, preview_then_load, token_of, upload, words

pytestmark = pytest.mark.usefixtures("own_var_folder")

QUARTERS = (
    "metric,org_unit,period,value\n"
    "CNT,rx1,2016/17 Q1,5\nCNT,rx1,2016/17 Q2,6\nCNT,rx1,2016/17 Q3,7\nCNT,rx1,2016/17 Q4,8\n"
    "CNT,rx2,2016/17 Q4,3\nGBP,north,2016/17,1000\n"
)


def held_files() -> list[str]:
    """The files waiting for their confirmation (held in the database since issue 17)."""
    return list(HeldUpload.objects.filter(state=HeldUpload.HELD).values_list("name", flat=True))


def test_the_preview_names_rows_per_metric_and_unit_and_their_periods_and_writes_nothing(client, loader, plan):
    response = client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)})
    page = words(response.content.decode())
    assert response.status_code == 200
    assert "Check what will be loaded: nothing has been written yet" in page
    assert "CNT (quarterly) rx1 2016/17 Q1 to 2016/17 Q4 4 4 0 0" in page
    assert "CNT (quarterly) rx2 2016/17 Q4 1 1 0 0" in page
    assert "GBP (annual) north 2016/17 1 1 0 0" in page
    assert "6 rows would give 6 new, 0 revised and 0 unchanged values" in page
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0
    assert len(held_files()) == 1


def test_confirming_loads_what_was_previewed_once(client, loader, plan):
    _, result = preview_then_load(client, {"plan": "perf", "file": upload("q.csv", QUARTERS)})
    assert "Data loaded" in result and "q.csv: loaded into plan perf" in result
    assert Observation.objects.count() == 6
    batch = LoadBatch.objects.get()
    assert batch.loaded_by == loader and batch.rows_created == 6
    assert held_files() == []
    assert staging.loaded_file(batch.pk) == ("q.csv", QUARTERS.encode())


def test_a_second_confirmation_loads_nothing_again(client, loader, plan):
    preview = client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)}).content.decode()
    token = token_of(preview)
    first = client.post(URL, {"token": token, "action": "load"})
    second = client.post(URL, {"token": token, "action": "load"})
    assert first.status_code == 200 and second.status_code == 200
    text = words(second.content.decode())
    assert "This file was loaded already; nothing was loaded again" in text
    assert "q.csv: loaded into plan perf" in text
    assert LoadBatch.objects.count() == 1 and Observation.objects.count() == 6


def test_the_confirmation_loads_the_held_file_and_choices_not_what_is_posted_with_it(client, loader, plan):
    text = "org_code,period,value\nrx1,2016/17 Q4,5\n"
    preview = client.post(
        URL, {"plan": "perf", "metric": "CNT", "mapping": "org_code=org_unit", "file": upload("c.csv", text)}
    ).content.decode()
    client.post(
        URL,
        {"token": token_of(preview), "action": "load", "plan": "perf", "metric": "PCT", "file": upload("x.csv", "x")},
    )
    observation = Observation.objects.select_related("metric", "org_unit").get()
    assert (observation.metric.code, observation.org_unit.code, observation.value) == ("CNT", "rx1", 5)


def test_someone_elses_token_loads_nothing(client, loader, plan, django_user_model):
    token = token_of(client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)}).content.decode())
    colleague = django_user_model.objects.create_user("colleague", password="x" * 12)
    roles.grant(colleague, roles.PLANNING_TEAM, plan=plan)
    client.force_login(colleague)
    response = client.post(URL, {"token": token, "action": "load"})
    assert response.status_code == 400
    assert "This preview has expired or was not yours; upload the file again" in response.content.decode()
    assert Observation.objects.count() == 0 and len(held_files()) == 1


def test_a_planner_taken_off_the_plan_after_the_preview_is_refused(client, loader, plan):
    token = token_of(client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)}).content.decode())
    admin_plan = plan  # the planner loses their membership of the plan, keeping another role
    Membership.objects.filter(user=loader, plan=admin_plan).delete()
    roles.grant(loader, roles.PLANNING_TEAM, plan=_another_plan())
    response = client.post(URL, {"token": token, "action": "load"})
    assert response.status_code == 403
    assert "You do not have permission to load data into perf" in response.content.decode()
    assert Observation.objects.count() == 0


def _another_plan():
    from goldenthread.planfile import validate_file
    from goldenthread.plans.models import Plan
    from goldenthread.plans.store import load_plan

    from ..conftest import EXAMPLE

    load_plan(validate_file(EXAMPLE).plan)
    return Plan.objects.get(code="example-2019")


def test_not_loading_discards_the_held_file(client, loader, plan):
    token = token_of(client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)}).content.decode())
    response = client.post(URL, {"token": token, "action": "discard"})
    assert "q.csv was not loaded; nothing was written." in response.content.decode()
    assert held_files() == []
    assert client.post(URL, {"token": token, "action": "load"}).status_code == 400
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("token", ["", "../../secret_key", "a" * 40, "x/y"])
def test_made_up_tokens_find_nothing(client, loader, plan, token):
    response = client.post(URL, {"token": token, "action": "load"})
    assert response.status_code == 400 and Observation.objects.count() == 0


def test_a_bad_file_lists_its_problems_by_row_and_field_and_holds_nothing(client, loader, plan):
    text = "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\nCNT,rx9,2016/17 Q4,x\n"
    response = client.post(URL, {"plan": "perf", "file": upload("bad.csv", text)})
    page = words(response.content.decode())
    assert response.status_code == 400
    assert "The file has 2 problems: nothing was loaded" in page
    assert "3 org_unit &#39;rx9&#39; is not an org unit of plan perf" in page
    assert "3 value &#39;x&#39; is not a number" in page
    assert 'name="token"' not in page and held_files() == []
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_the_loaders_advice_on_the_page_names_the_pages_fields_not_flags(client, loader, plan):
    unknown_unit = client.post(
        URL, {"plan": "perf", "file": upload("u.csv", "metric,org_unit,period,value\nCNT,rx9,2016/17 Q4,5\n")}
    ).content.decode()
    assert "choose a kind of org unit in “Create org units the plan does not have?”" in unknown_unit
    no_metric = client.post(
        URL, {"plan": "perf", "file": upload("m.csv", "org_unit,period,value\nrx1,2016/17 Q4,5\n")}
    ).content.decode()
    assert "give the metric of every row in “Metric”" in no_metric
    both = client.post(
        URL,
        {
            "plan": "perf",
            "metric": "CNT",
            "mapping": "code=org_unit",
            "file": upload("b.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n"),
        },
    ).content.decode()
    assert "the file has a metric column and the metric CNT given in “Metric” was given" in both
    assert "code=org_unit (in “Column names to read as fields”) names a column the file does not have" in both
    wrong_metric = client.post(
        URL, {"plan": "perf", "metric": "CNX", "file": upload("w.csv", "org_unit,period,value\nrx1,2016/17 Q4,5\n")}
    ).content.decode()
    assert "the metric CNX given in “Metric” is not a metric of plan perf" in wrong_metric
    for page in (unknown_unit, no_metric, both, wrong_metric):
        assert "--add-units" not in page and "--metric" not in page and "--map" not in page


def test_the_page_shows_each_metrics_code_unit_and_frequency(client, loader, plan):
    page = words(client.get(URL).content.decode())
    assert "PCT Share seen in four hours percentage monthly (give months, e.g. 2016-04)" in page
    assert "CNT Attendances count quarterly (give quarters, e.g. 2016/17 Q1)" in page
    assert "GBP Surplus currency annual (give financial years, e.g. 2016/17)" in page
    assert 'href="/data/upload/perf/template.csv"' in client.get(URL).content.decode()


def template_rows(client) -> list[dict]:
    response = client.get("/data/upload/perf/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="perf-data-template.csv"' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_template_lists_the_plans_metrics_with_their_codes_units_and_frequencies(client, loader, plan):
    rows = template_rows(client)
    assert [(r["metric"], r["metric_unit"], r["metric_frequency"], r["period"]) for r in rows] == [
        ("PCT", "percentage", "monthly", "2016-04"),
        ("CNT", "count", "quarterly", "2016/17 Q1"),
        ("GBP", "currency", "annual", "2016/17"),
        ("SCORE", "score", "weekly", "2016-04-01"),
        ("CHPPD", "rate", "monthly", "2016-04"),
    ]
    assert {r["org_unit"] for r in rows} == {"england"}


def test_the_template_filled_in_loads_through_the_loader(client, loader, plan):
    from goldenthread.performance.loading import load_file

    rows = template_rows(client)
    for r in rows:
        r["value"] = "0.9" if r["metric"] == "PCT" else "3"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = load_file(out.getvalue().encode(), plan, name="filled.csv")
    assert report.ok, report.problem_lines()
    assert report.created == 5
    assert report.notes == ["column(s) not loaded, as they name no field: metric_title, metric_unit, metric_frequency"]
    empty = load_file(client.get("/data/upload/perf/template.csv").content, plan, name="empty.csv")
    assert {p.column for p in empty.problems} == {"value"}  # the header is right: only the values are missing


def test_the_template_is_for_the_plans_loaders_only(client, plan, django_user_model):
    other = _another_plan()
    stranger = django_user_model.objects.create_user("other-planner", password="x" * 12, is_staff=True)
    roles.grant(stranger, roles.PLANNING_TEAM, plan=other)
    client.force_login(stranger)
    assert client.get("/data/upload/perf/template.csv").status_code == 403
    assert client.get("/data/upload/example-2019/template.csv").status_code == 200
    client.logout()
    response = client.get("/data/upload/perf/template.csv")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_held_files_not_confirmed_are_swept_after_a_day(client, loader, plan):
    import time

    client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)})
    assert len(held_files()) == 1
    staging.sweep(now=time.time() + (staging.KEEP_HOURS + 1) * 3600)
    assert held_files() == []


def test_markup_in_a_file_is_shown_as_text_in_the_preview(client, loader, plan):
    """(Since issue 15 a code such as <b>rx9</b> is refused as a unit to add — the plan file's rule
    for codes — and the problem shows it as text.)"""
    text = "metric,org_unit,period,value\nCNT,<b>rx9</b>,2016/17 Q4,5\n"
    response = client.post(URL, {"plan": "perf", "add_units": "provider", "file": upload("<i>x</i>.csv", text)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be the code of an org unit" in page
    assert "&lt;b&gt;rx9&lt;/b&gt;" in page and "<b>rx9</b>" not in page
    assert "i&gt;.csv" in page and "<i>" not in page  # (Django keeps the name after its last slash)


def test_no_text_on_the_page_speaks_of_command_line_flags(client, loader, plan):
    import re

    pages = [
        client.get(URL),
        client.post(URL, {"plan": "perf", "file": upload("u.csv", "org_unit,period\nrx9,2016/17 Q4\n")}),
        client.post(URL, {"plan": "perf", "mapping": "x", "file": upload("u.csv", "metric\n")}),
        client.post(URL, {"plan": "perf", "file": upload("q.csv", QUARTERS)}),
    ]
    for response in pages:
        text = words(response.content.decode())
        assert not re.search(r"(?<![\w-])--[a-z]", text), text
