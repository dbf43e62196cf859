"""The change page: a plan's open change with its edits and reasons, submitting it from a period,
the owner's approval into a version or rejection, withdrawing, the quality check of the plan as
changed as a to-do list, and who may do what — through Django's test client."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from goldenthread.access import roles
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan

pytestmark = pytest.mark.django_db

URL = "/plans/example-2019/change/"
REASON = "Target agreed by the board on 3 July"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str | None = None, **where) -> object:
    user = get_user_model().objects.create_user(username, first_name=username.title(), email=f"{username}@example.org")
    if role == roles.ADMINISTRATOR:
        user.is_superuser = user.is_staff = True
        user.save()
    if role:
        roles.grant(user, role, **where)
    return user


@pytest.fixture
def plan(example_plan) -> m.Plan:
    load_plan(example_plan)
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def people(plan) -> dict:
    """The planning team (planner), the plan's owner (also in its planning team, as the demo's
    director is), a directorate lead, a reader and an administrator."""
    owner = make_user("owner", roles.PLANNING_TEAM, plan=plan)
    plan.owner_account = owner
    plan.save(update_fields=["owner_account"])
    return {
        "planner": make_user("planner", roles.PLANNING_TEAM, plan=plan),
        "owner": owner,
        "lead": make_user("lead", roles.LEAD, org_unit=plan.org_units.get(code="medical")),
        "reader": make_user("reader"),
        "admin": make_user("admin", roles.ADMINISTRATOR),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_target(change: m.PlanChange, user, reason: str = REASON) -> None:
    data = dict(changes.element_data(change, "metrics", "AMR-PRESC") or {})
    data["target"] = {"value": "0.9", "comparison": ">="}
    changes.save_element(change, "metrics", "AMR-PRESC", data, reason=reason, user=user, seen=None)


@pytest.fixture
def draft(plan, people) -> m.PlanChange:
    """A draft change with one edit by the planner: a target for the metric that had none."""
    change = changes.draft_change(plan, people["planner"])
    set_target(change, people["planner"])
    change.refresh_from_db()
    return change


def form(change: m.PlanChange, action: str, **fields) -> dict:
    change.refresh_from_db()
    return {"action": action, "change": str(change.number), "revision": str(change.revision), **fields}


@pytest.fixture
def submitted(draft, people) -> m.PlanChange:
    changes.submit(draft, people["planner"], in_force_label="2019/20 Q3", summary="A target for AMR prescribing")
    draft.refresh_from_db()
    return draft


def text(response) -> str:
    return response.content.decode()


# --- the change and its edits -------------------------------------------------------------------


def test_the_change_page_lists_the_edits_with_their_reasons_and_before_and_after(draft, people):
    retire = changes.element_data(draft, "activities", "NUR-1-a")
    assert retire is not None
    changes.remove_element(draft, "activities", "NUR-1-a", reason="Survey dropped", user=people["owner"], seen=None)
    page = text(client_for(people["planner"]).get(URL))
    assert "Change 1 to the plan" in page and "Draft" in page and "Opened by" in page
    first, second = page.index('id="edit-1"'), page.index('id="edit-2"')
    assert first < second
    edit = page[first:second]
    assert "Changed: metric AMR-PRESC Reduction in inappropriate prescribing of antibiotics" in edit
    assert REASON in edit and "By Planner" in edit
    assert re.search(r">target</th><td[^>]*>\(none\)</td><td[^>]*>≥ 0\.9</td>", edit), edit
    assert "Retired: activity NUR-1-a Annual nursing workforce survey" in page[second:]
    assert "Survey dropped" in page[second:] and "By Owner" in page[second:]


def test_markup_in_a_reason_is_shown_as_text(plan, people):
    change = changes.draft_change(plan, people["planner"])
    set_target(change, people["planner"], reason="<script>alert('x')</script>")
    page = text(client_for(people["planner"]).get(URL))
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page


def test_with_no_open_change_the_page_says_so_and_offers_to_start_editing(plan, people):
    page = text(client_for(people["planner"]).get(URL))
    assert "There is no open change to this plan." in page
    for section in ("objectives", "metrics", "activities"):
        assert f'href="{reverse("plan-element-new", args=[plan.code, section])}"' in page


# --- submitting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the period the change is in force from"),
        ("soon", "is not a period"),
        ("2021/22 Q1", "outside the plan period (2019/20)"),
    ],
)
def test_submitting_with_a_bad_period_is_refused_with_a_message(draft, people, typed, message):
    client = client_for(people["planner"])
    response = client.post(URL, form(draft, "submit", in_force=typed, summary="My summary"))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert 'value="' + typed + '"' in page and "My summary" in page  # what was typed is kept
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.submitted_at is None


def test_submitting_needs_a_summary(draft, people):
    response = client_for(people["planner"]).post(URL, form(draft, "submit", in_force="2019/20 Q3", summary=" "))
    assert response.status_code == 400 and "Say in a sentence or two what the change does" in text(response)


def test_submitting_sends_the_change_for_approval(draft, people):
    response = client_for(people["planner"]).post(
        URL, form(draft, "submit", in_force="2019/20 Q3", summary="A target for AMR prescribing")
    )
    assert response.status_code == 302 and response["Location"] == URL
    draft.refresh_from_db()
    assert (draft.status, draft.in_force_label, draft.summary) == (
        "submitted",
        "2019/20 Q3",
        "A target for AMR prescribing",
    )
    page = text(client_for(people["planner"]).get(URL))
    assert "Awaiting approval" in page and "In force from" in page and 'name="action" value="approve"' not in page


def test_a_form_from_before_another_edit_is_refused_and_nothing_is_done(draft, people):
    stale = form(draft, "submit", in_force="2019/20 Q3", summary="Summary")
    data = dict(changes.element_data(draft, "metrics", "NUR-VAC") or {})
    changes.save_element(
        draft, "metrics", "NUR-VAC", {**data, "title": "Vacancies"}, reason="Shorter", user=people["owner"], seen=None
    )
    response = client_for(people["planner"]).post(URL, stale)
    assert response.status_code == 409 and "has changed since you opened this page" in text(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_withdrawing_leaves_the_plan_as_it_was(draft, people):
    response = client_for(people["planner"]).post(URL, form(draft, "withdraw"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    assert export_plan("example-2019").metrics[0].target is None
    assert "There is no open change" in text(client_for(people["planner"]).get(URL))


# --- deciding -------------------------------------------------------------------------------------


def test_the_owner_approves_and_the_plan_has_a_new_version(submitted, people):
    response = client_for(people["owner"]).post(URL, form(submitted, "approve", comment="Agreed"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-version", args=["example-2019", 2])
    submitted.refresh_from_db()
    assert submitted.status == "approved" and submitted.decision_comment == "Agreed"
    version = submitted.plan.versions.get(number=2)
    assert (version.how, version.in_force_label, version.change_id) == ("changed", "2019/20 Q3", submitted.pk)
    target = export_plan("example-2019").metrics[0].target
    assert target is not None and target.value == Decimal("0.9")
    page = text(client_for(people["planner"]).get(URL))
    assert "There is no open change" in page and "Earlier changes (1)" in page
    assert f'href="{reverse("plan-version", args=["example-2019", 2])}"' in page


def test_an_editor_of_the_change_cannot_approve_it_even_as_the_owner(plan, people):
    change = changes.draft_change(plan, people["owner"])
    set_target(change, people["owner"])
    changes.submit(change, people["planner"], in_force_label="2019/20 Q3", summary="Target")
    owner = client_for(people["owner"])
    assert "another person must approve or reject it" in text(owner.get(URL))
    response = owner.post(URL, form(change, "approve"))
    assert response.status_code == 409
    assert "You made or submitted edits in this change, so another person must approve it" in text(response)
    change.refresh_from_db()
    assert change.status == "submitted" and plan.versions.count() == 1


@pytest.mark.parametrize("who", ["planner", "lead", "reader"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_only_the_owner_and_administrators_decide(submitted, people, who, action):
    response = client_for(people[who]).post(URL, form(submitted, action, comment="No"))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.plan.versions.count() == 1


def test_an_administrator_may_approve(submitted, people):
    assert client_for(people["admin"]).post(URL, form(submitted, "approve")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved"


def test_rejecting_needs_a_comment_and_keeps_the_live_plan_unchanged(submitted, people):
    owner = client_for(people["owner"])
    refused = owner.post(URL, form(submitted, "reject", comment=""))
    assert refused.status_code == 400 and "Say why the change is rejected" in text(refused)
    response = owner.post(URL, form(submitted, "reject", comment="Target too low"))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "rejected" and submitted.decision_comment == "Target too low"
    assert export_plan("example-2019").metrics[0].target is None
    assert submitted.plan.versions.count() == 1
    page = text(client_for(people["planner"]).get(URL))
    assert "Change 1 was rejected" in page and "Target too low" in page
    earlier = page[page.index('id="earlier"') :]
    assert "Rejected" in earlier and "Owner on " in earlier and "1 edit: A target for AMR prescribing" in earlier


# --- the quality check as a to-do list ------------------------------------------------------------


def test_the_to_do_list_links_to_the_form_and_the_finding_goes_once_fixed_in_the_draft(plan, people):
    planner = client_for(people["planner"])
    href = reverse("plan-element-edit", args=["example-2019", "metrics", "AMR-PRESC"])
    for url in (URL, "/plans/example-2019/"):
        page = text(planner.get(url))
        assert 'id="to-do-metric_without_target"' in page and f'href="{href}"' in page, url
    change = changes.draft_change(plan, people["planner"])
    set_target(change, people["planner"])
    for url in (URL, "/plans/example-2019/"):
        page = text(planner.get(url))
        assert 'id="to-do-metric_without_target"' not in page, url
        assert 'id="to-do-metric_without_trigger"' in page, url  # the rest is still to do
    reader_page = text(client_for(people["reader"]).get("/plans/example-2019/"))
    assert "Metrics with no target" in reader_page and href not in reader_page  # the live plan, no links


def test_the_plan_page_has_an_edit_area_for_the_planning_team_only(draft, people):
    page = text(client_for(people["planner"]).get("/plans/example-2019/"))
    assert "Edit this plan" in page and "Change 1 is a draft with 1 edit" in page
    assert f'href="{URL}"' in page
    assert f'href="{reverse("plan-element-new", args=["example-2019", "metrics"])}"' in page
    for who in ("lead", "reader"):
        other = text(client_for(people[who]).get("/plans/example-2019/"))
        assert "Edit this plan" not in other and URL not in other, who


# --- permissions and My work ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "reader"])
def test_people_outside_the_planning_team_and_the_owner_are_refused(draft, people, who):
    client = client_for(people[who])
    assert client.get(URL).status_code == 403
    for action in ("submit", "withdraw"):
        response = client.post(URL, form(draft, action, in_force="2019/20 Q3", summary="x"))
        assert response.status_code == 403, action
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_owner_alone_may_not_submit_or_withdraw(plan, draft, people):
    """An owner outside the planning team reads the change and decides it, but does not draft."""
    chair = make_user("chair")
    plan.owner_account = chair
    plan.save(update_fields=["owner_account"])
    client = client_for(chair)
    assert client.get(URL).status_code == 200
    assert client.post(URL, form(draft, "withdraw")).status_code == 403


def test_my_work_shows_changes_awaiting_the_owner_and_the_editors_rejected_change(submitted, people):
    owner_page = text(client_for(people["owner"]).get("/work/"))
    assert "Plan changes awaiting your decision (1)" in owner_page and "Change 1 to Example joint" in owner_page
    assert "Plan changes awaiting your decision" not in text(client_for(people["planner"]).get("/work/"))
    changes.reject(submitted, people["owner"], "Not yet")
    planner_page = text(client_for(people["planner"]).get("/work/"))
    assert "Plan changes rejected (1)" in planner_page and "Not yet" in planner_page
    assert "Plan changes awaiting your decision" not in text(client_for(people["owner"]).get("/work/"))
