"""A metric's chart settings edited in the browser's form, through Django's test client (issue 18):
shown as the plan holds them, saved into the draft change, each problem at its field with what
was typed kept, and markup held as text."""

from __future__ import annotations

import re

import pytest

from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from tests.chart_settings import example_with_settings
from tests.web.test_plan_edit import BASE, _element, _form, _summary, _user

pytestmark = pytest.mark.django_db

URL = f"{BASE}/metrics/NUR-VAC/"


@pytest.fixture
def plan() -> m.Plan:
    from goldenthread.planfile import validate_text

    result = validate_text(example_with_settings(), "charts.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def planner(client, plan):
    from goldenthread.access import roles

    client.force_login(_user("planner", plan, roles.PLANNING_TEAM, first_name="Priya"))
    return client


def test_the_form_shows_the_settings_the_plan_holds(planner):
    form = _form(planner, URL)
    assert form["chart"] == "p" and form["fix_after_n"] == "12"
    assert (form["rebase[0].date"], form["rebase[0].reason"]) == ("2019/20 Q2", "New recruitment drive")
    assert form["rebase[1].reason"] == "Establishment re-counted: <script>alert(1)</script>"
    assert (form["annotations[1].date"], form["annotations[1].text"]) == ("2019/20 Q3", "Agency cap")
    page = planner.get(URL).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    chart = page[page.index('name="chart"') : page.index("</select>", page.index('name="chart"'))]
    assert chart.count("<option") == 10
    assert ">Chosen from the unit and aggregation: p′ chart (Laney&#39;s proportions)</option>" in chart
    assert ">p′ chart (Laney&#39;s proportions)<" in chart
    other_page = planner.get(f"{BASE}/metrics/AMR-PRESC/").content.decode()  # a rate summed: xmr
    assert re.search(r'<option value=""\s*selected\s*>Chosen from the unit and aggregation: XmR chart', other_page)
    other = _form(planner, f"{BASE}/metrics/AMR-PRESC/")
    assert other["chart"] == "" and other["fix_after_n"] == "" and other["rebase[0].date"] == ""


def test_settings_are_saved_into_the_draft_change(planner, plan):
    form = _form(planner, URL)
    form.update(
        {
            "chart": "",  # back to the default
            "fix_after_n": "20",
            "rebase[0].date": "2019-10",
            "rebase[0].reason": "Bank staff counted <i>as</i> filled",
            "rebase[1].date": "",
            "rebase[1].reason": "",
            "annotations[2].date": "2019-12-02",
            "annotations[2].text": '=HYPERLINK("http://example.com")',
            "reason": "Limits agreed at the workforce committee",
        }
    )
    response = planner.post(URL, form)
    assert response.status_code == 302, _summary(response)
    saved = _element(plan, "metrics", "NUR-VAC")
    assert "chart" not in saved and saved["fix_after_n"] == 20
    assert saved["rebase"] == [{"date": "2019-10", "reason": "Bank staff counted <i>as</i> filled"}]
    assert saved["annotations"][2] == {"date": "2019-12-02", "text": '=HYPERLINK("http://example.com")'}
    assert m.Metric.objects.get(code="NUR-VAC").chart == "p"  # the plan itself waits for approval
    form = _form(planner, URL)
    assert form["chart"] == "" and form["rebase[0].reason"] == "Bank staff counted <i>as</i> filled"


def test_each_problem_is_at_its_field_with_what_was_typed_kept(planner, plan):
    form = _form(planner, URL)
    form.update(
        {
            "chart": "c",
            "fix_after_n": "0",
            "annotations[1].date": "2019/20 Q7",
            "rebase[1].date": "2019-07",  # the same quarter as row 1's 2019/20 Q2
            "rebase[1].reason": "   ",
            "annotations[0].text": "",
            "reason": "Try",
        }
    )
    response = planner.post(URL, form)
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index("nhsuk-error-summary") : page.index("</ul>", page.index("nhsuk-error-summary"))]
    assert 'href="#f-fix_after_n"' in summary and "greater than or equal to 1" in summary
    assert "Rebase dates, row 2, Reason: &#39;reason&#39; is required" in summary
    assert "Annotations, row 1, Event: &#39;text&#39; is required" in summary
    assert 'value="2019/20 Q7"' in page and 'value="0"' in page
    assert changes.open_change(plan) is None
    form.update({"fix_after_n": "12", "rebase[1].reason": "Re-count", "annotations[0].text": "x"})
    response = planner.post(URL, form)
    assert response.status_code == 400  # the shape is right now: the chart and the dates are checked
    summary = _summary(response)
    assert "Chart: a c chart (counts) is for a metric of unit count, but this metric&#39;s unit is" in summary
    assert "Annotations, row 2, Date: &#39;2019/20 Q7&#39; is not a period" in summary, summary
    assert "Rebase dates, row 2, Period: &#39;2019-07&#39; rebases the same period as" in summary, summary
    page = response.content.decode()
    assert 'id="f-chart-error"' in page  # the message at the field too
