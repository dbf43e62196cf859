"""The Upload data page: a plan's planning team and administrators only (a rule of the plan, not
the account's staff flag), CSRF-protected, every row's problem shown, nothing written on error;
a preview of what would be loaded before anything is written, then the load on confirmation, and
the summary on success."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from goldenthread.access import roles
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.plans.models import Plan

URL = "/data/upload/"

pytestmark = pytest.mark.usefixtures("own_var_folder")


def upload(name: str, text: str) -> io.BytesIO:
    f = io.BytesIO(text.encode("utf-8"))
    f.name = name
    return f


def words(page: str) -> str:
    """The page's text with its markup taken out and its white space run together."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def token_of(page: str) -> str:
    """The token of the preview's confirmation form."""
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def preview_then_load(client, form: dict) -> tuple[str, str]:
    """Post the form (the preview: nothing is written), then confirm it: (preview page, result page)."""
    from goldenthread.plans.models import OrgUnit

    def held() -> tuple[int, int, int]:
        return Observation.objects.count(), LoadBatch.objects.count(), OrgUnit.objects.count()

    before = held()
    preview = client.post(URL, form)
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "Check what will be loaded: nothing has been written yet" in page
    assert held() == before
    result = client.post(URL, {"token": token_of(page), "action": "load"})
    assert result.status_code == 200, result.content.decode()
    return page, result.content.decode()


def test_the_url_is_named():
    assert reverse("performance:upload") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("staff_flag", [False, True])
def test_users_outside_the_planning_team_are_refused_staff_flag_or_not(client, plan, django_user_model, staff_flag):
    """Issue 12, finding 9: the staff flag let anyone who had it load data into any plan."""
    user = django_user_model.objects.create_user("reader", password="x" * 12, is_staff=staff_flag)
    roles.grant(user, roles.LEAD, org_unit=plan.org_units.first())
    client.force_login(user)
    assert client.get(URL).status_code == 403
    response = client.post(
        URL, {"plan": "perf", "file": upload("d.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n")}
    )
    assert response.status_code == 403
    assert "You do not have permission to load performance data" in response.content.decode()
    assert Observation.objects.count() == 0


def test_the_view_checks_permission_itself(rf, plan, django_user_model):
    from goldenthread.web.views.upload import upload as view

    request = rf.get(URL)
    request.user = django_user_model.objects.create_user("reader2")
    request._dont_enforce_csrf_checks = True
    assert view(request).status_code == 403


def test_another_plans_planning_team_cannot_load_into_this_plan(client, plan, django_user_model):
    from goldenthread.planfile import validate_file
    from goldenthread.plans.store import load_plan

    from ..conftest import EXAMPLE

    load_plan(validate_file(EXAMPLE).plan)
    theirs = Plan.objects.get(code="example-2019")
    user = django_user_model.objects.create_user("other-analyst", password="x" * 12, is_staff=True)
    roles.grant(user, roles.PLANNING_TEAM, plan=theirs)
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert '<option value="example-2019"' in page and '<option value="perf"' not in page
    response = client.post(
        URL, {"plan": "perf", "file": upload("d.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n")}
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "You do not have permission to load data into perf" in text and "Nothing was loaded" in text
    assert "example-2019" in text
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_administrators_may_load_into_every_plan(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root2", password="x" * 12))
    assert '<option value="perf"' in client.get(URL).content.decode()


def test_the_planning_team_see_the_form_and_the_navigation_item(client, loader, plan):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and 'data-module="nhsuk-file-upload"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'href="{URL}"' in page and "Upload data" in page
    assert '<option value="perf"' in page


def test_posting_without_a_csrf_token_is_refused(plan, loader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(loader)
    response = client.post(
        URL, {"plan": "perf", "file": upload("d.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n")}
    )
    assert response.status_code == 403
    assert Observation.objects.count() == 0


def test_every_row_error_is_shown_and_nothing_is_written(client, loader, plan):
    text = "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\nCNT,rx2,2016/17 Q4,-5\nPCT,rx1,2017-01-15,0.5\n"
    response = client.post(URL, {"plan": "perf", "file": upload("returns.csv", text)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file has 2 problems: nothing was loaded" in page
    assert "2 problems in\n  2 rows" in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3</td>' in page
    assert "<code>value</code>" in page and "&#39;-5&#39; is negative; metric CNT is a count" in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">4</td>' in page
    assert "<code>period</code>" in page and "is not the first day of a month" in page
    assert Observation.objects.count() == 0 and LoadBatch.objects.count() == 0


def test_success_shows_the_summary_and_records_who(client, loader, plan):
    text = "org_code,period,numerator,denominator,type\nrx1,2017-01,90,100,1\nRF4,2017-01,40,50,1\n"

    def form() -> dict:
        return {
            "plan": "perf",
            "metric": "PCT",
            "mapping": "org_code=org_unit\ntype=breakdown.dept",
            "add_units": "provider",
            "source": "=cmd|' /C calc'!A0",
            "file": upload("returns.csv", text),
        }

    preview, page = preview_then_load(client, form())
    assert "2 rows would give 2 new, 0 revised and 0 unchanged values, and add 1 org unit (RF4)" in words(preview)
    assert "PCT (monthly) RF4 New Jan 2017 1 1 0 0" in words(preview)
    assert "PCT (monthly) rx1 Jan 2017 1 1 0 0" in words(preview)
    assert "Data loaded" in page and "returns.csv: loaded into plan perf" in page
    assert "2 rows: 2 new, 0 revised, 0 unchanged; 1 org unit(s) added" in page
    batch = LoadBatch.objects.get()
    assert (batch.loaded_by, batch.file_name, batch.rows_created) == (loader, "returns.csv", 2)
    assert set(Observation.objects.values_list("source", flat=True)) == {"=cmd|' /C calc'!A0"}
    assert set(Observation.objects.values_list("loaded_by", flat=True)) == {loader.pk}

    again = client.post(URL, form())
    assert again.status_code == 200 and "Nothing to load" in again.content.decode()
    assert 'name="token"' not in again.content.decode()
    assert LoadBatch.objects.count() == 1


def test_form_problems_are_summarised(client, loader, plan):
    response = client.post(URL, {"plan": "", "mapping": "type=dept", "file": upload("returns.pdf", "x")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Choose the plan the data belongs to" in page
    assert "The file returns.pdf is not a CSV (.csv) or Excel (.xlsx) file" in page
    assert "type=dept (in “Column names to read as fields”): &#39;dept&#39; is not a field" in page
    assert "--map" not in page


def test_an_xlsx_upload_loads(client, loader, plan):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["metric", "org_unit", "period", "value"])
    book.active.append(["CNT", "rx1", "2016/17 Q4", 7])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "returns.xlsx"
    preview_then_load(client, {"plan": "perf", "file": data})
    assert Observation.objects.get().value == 7


def test_admin_shows_loads_and_observations_read_only(client, plan, load, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    assert load("metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n").ok
    for model in ("loadbatch", "observation"):
        response = client.get(f"/admin/performance/{model}/")
        assert response.status_code == 200
        assert f"/admin/performance/{model}/add/" not in response.content.decode()
    observation = Observation.objects.get()
    assert client.get(f"/admin/performance/observation/{observation.pk}/change/").status_code == 200
    assert client.post(f"/admin/performance/observation/{observation.pk}/delete/", {"post": "yes"}).status_code == 403
