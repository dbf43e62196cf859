"""Editing the plan in the browser, through Django's test client: every kind of element added and
edited into the draft change, problems at their fields with the person's values kept, the
concurrent edit refused with nothing lost, moving and retiring, and only the planning team let in."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

pytestmark = pytest.mark.django_db

BASE = "/plans/example-2019/edit"


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


def _user(name: str, plan: m.Plan, role: str | None, unit: str | None = None, first_name: str = ""):
    user = get_user_model().objects.create_user(name, password="a-long-password", first_name=first_name)
    if role is not None:
        org_unit = plan.org_units.get(code=unit) if unit else None
        roles.grant(user, role, plan=None if org_unit else plan, org_unit=org_unit)
    return user


@pytest.fixture
def planner(client, plan):
    client.force_login(_user("planner", plan, roles.PLANNING_TEAM, first_name="Priya"))
    return client


def _form(client, url: str) -> dict[str, str | list[str]]:
    """What the form at ``url`` would post as shown: every field's value (a ticked box's value,
    a select's chosen option), as a browser would send it untouched."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:400]
    html = page.content.decode()
    form = html[html.index('id="edit-form"') :]
    out: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input\s[^>]*>", form):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None or 'type="hidden"' in tag and name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                out.setdefault(name.group(1), []).append(value.group(1))  # type: ignore[union-attr]
            continue
        out[name.group(1)] = _unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        out[name] = _unescape(chosen.group(1)) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        out[name] = _unescape(body.strip())
    return out


def _summary(response) -> str:
    """The error summary's items, to say why a save failed."""
    page = response.content.decode()
    return " | ".join(
        re.findall(r'<a href="#[^"]*"\s*>\s*(.*?)\s*</a>', page[page.find("nhsuk-error-summary") :], re.S)[:10]
    )


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _working(plan: m.Plan) -> dict:
    change = changes.open_change(plan)
    assert change is not None
    return change.document


def _element(plan: m.Plan, section: str, code: str) -> dict:
    return next(x for x in _working(plan)[section] if x["code"] == code)


# --- what there is to edit ------------------------------------------------------------------------


def test_the_edit_page_lists_every_element_of_the_working_plan_with_its_form(planner, plan):
    page = planner.get(f"{BASE}/").content.decode()
    assert f'href="{BASE}/plan/"' in page
    for section, code in (("objectives", "MED-1"), ("metrics", "NUR-VAC"), ("risks", "R1"), ("levels", "org-priority")):
        assert f'href="{BASE}/{section}/{code}/"' in page and f'href="{BASE}/{section}/new/"' in page
    assert 'class="gt-depth-0">\n      <a href="/plans/example-2019/edit/objectives/1/"' in page
    url = f"{BASE}/owners/new/"
    planner.post(url, {**_form(planner, url), "code": "cfo", "title": "Finance <i>Director</i>", "reason": "New"})
    page = planner.get(f"{BASE}/").content.decode()
    assert f'href="{BASE}/owners/cfo/"' in page and "Finance &lt;i&gt;Director&lt;/i&gt;" in page
    assert "You are editing draft change 1" in page


def test_the_plan_page_leads_the_planning_team_to_it_and_nobody_else(client, planner, plan):
    assert f'href="{BASE}/"' in planner.get("/plans/example-2019/").content.decode()
    client.force_login(_user("lead", plan, roles.LEAD, unit="medical"))
    assert f'href="{BASE}/' not in client.get("/plans/example-2019/").content.decode()


# --- adding --------------------------------------------------------------------------------------


def test_a_metric_is_added_with_its_target_trajectory_and_trigger_rules(planner, plan):
    form = _form(planner, f"{BASE}/metrics/new/?objective=NUR-1")
    assert form["objectives"] == ["NUR-1"] and form["frequency"] == "quarterly"
    form.update(
        {
            "code": "NUR-TURN",
            "title": "Nursing turnover",
            "unit": "percentage",
            "polarity": "lower_is_better",
            "target.value": "12%",
            "target.comparison": "<=",
            "target.by": "2019/20 Q4",
            "trajectory[0].period": "2019/20 Q1",
            "trajectory[0].value": "14%",
            "trajectory[1].period": "2019/20 Q2",
            "trajectory[1].value": "0.13",
            "trigger_rules[0].rule": "below_target_for",
            "trigger_rules[0].periods": "2",
            "headline": "yes",
            "reason": "Turnover agreed as a measure at the March board",
        }
    )
    response = planner.post(f"{BASE}/metrics/new/", form)
    assert response.status_code == 302, _summary(response)
    assert response["Location"] == f"{BASE}/metrics/NUR-TURN/"
    saved = _element(plan, "metrics", "NUR-TURN")
    assert saved["target"] == {"value": "0.12", "comparison": "<=", "by": "2019/20 Q4"}
    assert saved["trajectory"] == [{"period": "2019/20 Q1", "value": "0.14"}, {"period": "2019/20 Q2", "value": "0.13"}]
    assert saved["trigger_rules"] == [{"rule": "below_target_for", "periods": 2}]
    assert saved["objectives"] == ["NUR-1"] and saved["headline"] is True
    edit = changes.open_change(plan).edits.get()
    assert (edit.action, edit.reason, edit.made_by.username) == ("added", form["reason"], "planner")
    page = planner.get(response["Location"]).content.decode()
    assert "Metric NUR-TURN saved in draft change 1" in page


def test_an_objective_is_added_under_a_parent_at_the_level_below(planner, plan):
    form = _form(planner, f"{BASE}/objectives/new/?parent=1")
    assert (form["parent"], form["level"]) == ("1", "dir-priority")
    form.update({"code": "MED-9", "title": "Genomics", "org_unit": "medical", "reason": "New priority"})
    assert planner.post(f"{BASE}/objectives/new/", form).status_code == 302
    assert _element(plan, "objectives", "MED-9") == {
        "code": "MED-9",
        "level": "dir-priority",
        "title": "Genomics",
        "parent": "1",
        "org_unit": "medical",
    }


def test_an_objective_is_moved_under_another_parent(planner, plan):
    url = f"{BASE}/objectives/NUR-1/"
    form = _form(planner, url)
    page = planner.get(url).content.decode()
    for link in ("objectives/new/?parent=NUR-1", "activities/new/?objective=NUR-1", "metrics/new/?objective=NUR-1"):
        assert f'href="{BASE}/{link}"' in page
    assert _form(planner, f"{BASE}/activities/new/?objective=NUR-1")["objective"] == "NUR-1"
    select = page.split('name="parent"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "1", "3", "MED-1"]  # not itself
    form.update({"parent": "3", "reason": "Sits under workforce"})
    assert planner.post(url, form).status_code == 302
    assert _element(plan, "objectives", "NUR-1")["parent"] == "3"


NEW = {
    "org_units": {"code": "south", "name": "South", "type": "region"},
    "owners": {"code": "cfo", "title": "Chief Financial Officer", "org_unit": "medical"},
    "activities": {
        "code": "MED-1-b",
        "objective": "MED-1",
        "title": "Publish the AMR plan",
        "type": "deliverable",
        "owner": "nmd",
        "partners": ["nursing"],
        "due": "2019/20 Q3",
    },
    "budget_lines": {
        "code": "NR-RUN",
        "title": "North West",
        "category": "running",
        "amount": "£1.5m",
        "period": "2019/20",
    },
    "stated_totals": {"code": "ALL", "title": "All", "amount": "20600000", "period": "2019/20"},
    "risks": {"code": "R2", "title": "Funding <b>cut</b>", "objective": "MED-1", "likelihood": "2", "impact": "5"},
    "levels": {"code": "team", "name": "Team priority"},
}


@pytest.mark.parametrize("section", sorted(NEW))
def test_each_kind_of_element_is_added(planner, plan, section):
    form = _form(planner, f"{BASE}/{section}/new/")
    form.update({**NEW[section], "reason": f"New {section}"})
    response = planner.post(f"{BASE}/{section}/new/", form)
    assert response.status_code == 302, _summary(response)
    saved = _element(plan, section, NEW[section]["code"])
    for key, value in NEW[section].items():
        if key not in ("amount", "likelihood", "impact"):
            assert saved[key] == value, key
    if section == "budget_lines":
        assert Decimal(saved["amount"]) == Decimal("1500000")
    if section == "risks":
        assert (saved["likelihood"], saved["impact"]) == (2, 5)


EDITS = {
    "org_units": ("north-west", {"parent": "medical", "name": "North West region"}),
    "owners": ("cno", {"name": "Ruth May"}),
    "objectives": ("NUR-1", {"title": "Nursing supply", "owner": "", "contributes_to": ["1", "3"]}),
    "activities": ("NUR-1-a", {"status": "complete", "due": "2019-12-31", "org_unit": "nursing"}),
    "metrics": ("AMR-PRESC", {"to_be_confirmed": [], "definition": "Items per 1,000\r\nSTAR-PU"}),
    "budget_lines": ("MED-RUN", {"amount": "£13m"}),
    "stated_totals": ("TOTAL-RUN", {"org_units": ["medical", "nursing"], "category": ""}),
    "risks": ("R1", {"impact": "", "mitigation": "Expand recruitment"}),
    "levels": ("dir-priority", {"name": "Directorate objective"}),
}
EXPECTED = {
    "org_units": {"parent": "medical", "name": "North West region"},
    "owners": {"name": "Ruth May"},
    "objectives": {"title": "Nursing supply", "owner": None, "contributes_to": ["1", "3"]},
    "activities": {"status": "complete", "due": "2019-12-31", "org_unit": "nursing"},
    "metrics": {"to_be_confirmed": None, "definition": "Items per 1,000\nSTAR-PU"},
    "budget_lines": {"amount": Decimal("13000000")},
    "stated_totals": {"org_units": ["medical", "nursing"], "category": None},
    "risks": {"impact": None, "mitigation": "Expand recruitment"},
    "levels": {"name": "Directorate objective"},
}


@pytest.mark.parametrize("section", sorted(EDITS))
def test_each_kind_of_element_is_edited_and_keeps_what_the_form_does_not_show(planner, plan, section):
    code, changed = EDITS[section]
    url = f"{BASE}/{section}/{code}/"
    form = _form(planner, url)
    form.update({**changed, "reason": "Corrected"})
    response = planner.post(url, form)
    assert response.status_code == 302, _summary(response)
    saved = _element(plan, section, code)
    for key, value in EXPECTED[section].items():
        assert (Decimal(saved[key]) if isinstance(value, Decimal) else saved.get(key)) == value, key
    before = changes.open_change(plan).edits.get().before
    kept = {k: v for k, v in before.items() if k not in EXPECTED[section]}
    assert {k: saved.get(k) for k in kept} == kept  # the rest of the element as it was


def test_the_plans_own_fields_are_edited(planner, plan):
    form = _form(planner, f"{BASE}/plan/")
    assert form["title"] == "Example joint business plan 2019/20"
    assert (form["activity_rules[0].rule"], form["activity_rules[0].grace_days"]) == ("activity_overdue", "14")
    form.update({"title": "Joint business plan 2019/20 (revised)", "source_document.date": "", "reason": "Renamed"})
    form["activity_rules[0].grace_days"] = "7"
    assert planner.post(f"{BASE}/plan/", form).status_code == 302
    document = _working(plan)
    assert document["title"] == "Joint business plan 2019/20 (revised)"
    assert document["source_document"] == {"title": form["source_document.title"], "file": form["source_document.file"]}
    assert document["activity_rules"] == [{"rule": "activity_overdue", "grace_days": 7}]
    assert document["code"] == "example-2019" and document["organisation"]["code"] == "nhsei"


def test_every_element_saved_as_shown_changes_nothing(planner, plan):
    """The forms show every element exactly as the plan file holds it: sent back untouched, no
    edit is made (a line break in a title is kept too)."""
    version = changes.latest_version(plan)
    document = version.document
    document["objectives"][0]["title"] = "Care Quality\nand Outcomes"
    m.PlanVersion.objects.filter(pk=version.pk).update(document=document)
    assert re.search(r'<textarea[^>]*name="title"', planner.get(f"{BASE}/objectives/1/").content.decode())
    urls = [f"{BASE}/plan/"] + [
        f"{BASE}/{section}/{item['code']}/" for section in (*changes.LISTS,) for item in document.get(section, [])
    ]
    for url in urls:
        response = planner.post(url, {**_form(planner, url), "reason": "Checked"})
        assert response.status_code == 302, (url, _summary(response))
    assert changes.open_change(plan).edits.count() == 0


# --- problems ------------------------------------------------------------------------------------


def test_a_problem_is_shown_at_its_field_and_in_the_summary_with_the_values_kept(planner, plan):
    url = f"{BASE}/metrics/NUR-VAC/"
    form = _form(planner, url)
    form.update(
        {"title": "Vacancy rate (nursing)", "target.value": "eight", "trajectory[1].value": "", "reason": "Tidy"}
    )
    form["trajectory[1].period"] = "2031/32 Q1"
    response = planner.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Nothing has been saved" in page
    summary = page[page.index("nhsuk-error-summary") : page.index("</ul>", page.index("nhsuk-error-summary"))]
    assert 'href="#f-target-value"' in summary and "Target value: Input should be a valid decimal" in summary
    assert 'href="#f-trajectory-1--value"' in summary or 'href="#f-trajectory-1--period"' in summary
    assert 'id="f-target-value-error"' in page  # the message at the field
    assert 'value="eight"' in page and 'value="Vacancy rate (nursing)"' in page  # what was typed, kept
    assert 'value="2031/32 Q1"' in page
    assert changes.open_change(plan) is None  # nothing saved, no change opened


def test_a_reason_is_required_and_asked_for_with_every_other_problem(planner, plan):
    url = f"{BASE}/risks/R1/"
    form = {**_form(planner, url), "likelihood": "", "owner": "nobody", "reason": "  "}
    response = planner.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#f-reason"' in page and "Say why this is changing" in page
    assert 'href="#f-owner"' in page and "nobody" in page
    assert changes.open_change(plan) is None


def test_a_problem_elsewhere_in_the_plan_is_named_in_the_summary(planner, plan):
    url = f"{BASE}/objectives/MED-1/"
    response = planner.post(url, {**_form(planner, url), "code": "MED-01", "reason": "Renumbered"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Activity MED-1-a, objective:" in page and "Metric AMR-PRESC, objectives[0]:" in page
    assert 'value="MED-01"' in page


def test_markup_in_a_title_is_held_and_shown_as_text(planner, plan):
    form = {**_form(planner, f"{BASE}/objectives/new/"), "code": "X1", "level": "org-priority"}
    form.update({"title": "<script>alert('x')</script>", "reason": "<b>test</b>"})
    assert planner.post(f"{BASE}/objectives/new/", form).status_code == 302
    assert _element(plan, "objectives", "X1")["title"] == "<script>alert('x')</script>"
    page = planner.get(f"{BASE}/objectives/X1/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


# --- two people, one element ---------------------------------------------------------------------


def test_a_concurrent_edit_is_refused_with_nothing_lost(client, plan, planner):
    url = f"{BASE}/metrics/NUR-VAC/"
    mine = _form(planner, url)  # opened by me …
    dee = _user("dee", plan, roles.PLANNING_TEAM, first_name="Dee")
    other = type(client)()
    other.force_login(dee)
    theirs = {**_form(other, url), "target.value": "0.07", "reason": "Board lowered the target"}
    assert other.post(url, theirs).status_code == 302  # … saved meanwhile by Dee
    mine.update({"target.value": "0.09", "data_source": "NHS Digital", "reason": "Looser target"})
    response = planner.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Your changes have not been saved" in page and "Dee changed it at" in page
    assert 'value="0.09"' in page and 'value="NHS Digital"' in page  # my values kept
    assert "Their version, saved meanwhile" in page and "0.07" in page  # theirs beside mine
    assert _element(plan, "metrics", "NUR-VAC")["target"]["value"] == "0.07"  # theirs not overwritten
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert planner.post(url, {**mine, "seen": seen}).status_code == 302  # checked, saved again
    assert _element(plan, "metrics", "NUR-VAC")["target"]["value"] == "0.09"


def test_a_concurrent_edit_of_the_plans_details_is_refused_too(client, plan, planner):
    url = f"{BASE}/plan/"
    mine = {**_form(planner, url), "title": "Mine", "reason": "Retitled"}
    other = type(client)()
    other.force_login(_user("dee", plan, roles.PLANNING_TEAM, first_name="Dee"))
    assert other.post(url, {**_form(other, url), "title": "Theirs", "reason": "Retitled"}).status_code == 302
    response = planner.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409 and 'value="Mine"' in page and "Their version, saved meanwhile" in page
    assert _working(plan)["title"] == "Theirs"


def test_a_submitted_change_refuses_edits_with_a_clear_message(planner, plan):
    url = f"{BASE}/owners/cno/"
    assert planner.post(url, {**_form(planner, url), "name": "Ruth May", "reason": "Named"}).status_code == 302
    change = changes.open_change(plan)
    changes.submit(change, None, in_force_label="2019/20 Q3", summary="Named the CNO")
    page = planner.get(url).content.decode()
    assert "Change 1 to this plan is with the plan&#39;s owner for a decision" in page
    response = planner.post(url, {**_form(planner, url), "name": "Someone else", "reason": "Renamed"})
    assert response.status_code == 409 and 'value="Someone else"' in response.content.decode()
    assert _element(plan, "owners", "cno")["name"] == "Ruth May"


# --- moving and retiring -------------------------------------------------------------------------


def _act_form(client, url: str) -> dict[str, str]:
    page = client.get(url).content.decode()
    return {"seen": re.search(r'name="seen" value="([^"]+)"', page).group(1)}


def test_an_element_is_moved_in_its_list(planner, plan):
    url = f"{BASE}/objectives/NUR-1/move/"
    assert "It is number 4 of 4" in planner.get(url).content.decode()
    bad = planner.post(url, {**_act_form(planner, url), "position": "9", "reason": "Order"})
    assert bad.status_code == 400 and "Enter a position from 1 to 4" in bad.content.decode()
    response = planner.post(url, {**_act_form(planner, url), "position": "3", "reason": "Nursing first"})
    assert response.status_code == 302 and response["Location"] == "/plans/example-2019/change/"
    assert [o["code"] for o in _working(plan)["objectives"]] == ["1", "3", "NUR-1", "MED-1"]


def test_retiring_an_objective_others_name_is_refused_and_an_activity_is_retired(planner, plan):
    refused = planner.get(f"{BASE}/objectives/MED-1/retire/").content.decode()
    assert "MED-1 cannot be retired yet" in refused and "activity MED-1-a" in refused and "metric AMR-PRESC" in refused
    assert 'id="act-form"' not in refused
    seen = changes.fingerprint(changes.latest_version(plan).document["objectives"][2])
    posted = planner.post(f"{BASE}/objectives/MED-1/retire/", {"seen": seen, "reason": "Done"})
    assert posted.status_code == 409 and "cannot be retired while other elements name it" in posted.content.decode()
    url = f"{BASE}/activities/MED-1-a/retire/"
    no_reason = planner.post(url, {**_act_form(planner, url), "reason": ""})
    assert no_reason.status_code == 400 and "Say why this is changing" in no_reason.content.decode()
    assert planner.post(url, {**_act_form(planner, url), "reason": "Delivered"}).status_code == 302
    assert "MED-1-a" not in [a["code"] for a in _working(plan)["activities"]]
    assert changes.open_change(plan).edits.get().action == "removed"


# --- who may ---------------------------------------------------------------------------------------


URLS = [
    f"{BASE}/",
    f"{BASE}/plan/",
    f"{BASE}/metrics/new/",
    f"{BASE}/metrics/NUR-VAC/",
    f"{BASE}/objectives/MED-1/move/",
    f"{BASE}/activities/MED-1-a/retire/",
]


@pytest.mark.parametrize("url", URLS)
def test_a_lead_is_refused_on_get_and_post(client, plan, url):
    client.force_login(_user("lead", plan, roles.LEAD, unit="medical"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked", "reason": "Because", "position": "1"}).status_code == 403
    assert changes.open_change(plan) is None


def test_unknown_sections_and_elements_are_not_found(planner):
    assert planner.get(f"{BASE}/widgets/new/").status_code == 404
    assert planner.get(f"{BASE}/metrics/NOPE/").status_code == 404
