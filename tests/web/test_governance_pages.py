"""The governance pages (issue 16): a plan's bodies, a body's page (what it oversees, chair and
members, cycle of business, calendar), a meeting's page (agenda with its papers as at the
meeting's period, decisions, actions, minutes) with the forms to record them for those allowed,
"My meetings" on My work and the public meetings on the public plan page.

A small plan of its own: the example plan with two bodies — a public board chaired by the
National Medical Director, and a committee of it chaired by the Chief Nursing Officer with the
National Medical Director as a member — and one meeting of each."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client

from goldenthread.access import roles
from goldenthread.cycles import services
from goldenthread.cycles.models import Action, ItemDecision, Minutes
from goldenthread.planfile import validate_text
from goldenthread.plans import models as pm
from goldenthread.plans.store import load_plan
from goldenthread.presenters.governance_links import meeting_name

from ..conftest import EXAMPLE

pytestmark = pytest.mark.django_db

GOVERNANCE = """
bodies:
  - code: BOARD
    name: Example Board
    type: board
    chair: nmd
    public: true
    meets: bi_monthly
    oversees: {plan: true}
    source: cover sheet
  - code: DQC
    name: Delivery and Quality Committee
    type: committee
    parent: BOARD
    chair: cno
    members: [nmd]
    terms_of_reference: Reviews the directorates' performance dashboards every quarter.
    terms_source: para 11
    oversees:
      objectives: ["1"]
      org_units: [medical]
    meets: quarterly
    business:
      - title: Quarterly review of directorate performance dashboards
        considers: [directorate_packs]
        every: quarter
        source: para 11
    source: para 11
meetings:
  - code: B-2019-06-27
    body: BOARD
    title: Example Board
    date: 27 June 2019
    items:
      - number: "12"
        title: Joint Work Programme 2019/20
        purpose: decision
        presenter: nmd
        considers: [plan, board_pack]
        source: cover sheet
  - code: DQC-2019-10-10
    body: DQC
    title: Delivery and Quality Committee
    date: 2019-10-10
    items:
      - number: "3"
        title: Directorate dashboards
        purpose: assurance
        considers: [directorate_packs, exceptions]
        org_units: [medical]
"""
PASSWORD = "a-long-password"
BOARD_MEETING = "/plans/example-2019/governance/meetings/B-2019-06-27/"
DQC_MEETING = "/plans/example-2019/governance/meetings/DQC-2019-10-10/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, role: str | None = None, plan=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, first_name=username)
    if role:
        roles.grant(user, role, plan=plan)
    return user


@pytest.fixture
def plan() -> pm.Plan:
    checked = validate_text(EXAMPLE.read_text(encoding="utf-8") + GOVERNANCE, "governance.yaml")
    assert checked.ok, checked.problems
    load_plan(checked.plan)
    return pm.Plan.objects.get(code="example-2019")


@pytest.fixture
def people(plan) -> dict:
    """A reader with no role, the plan's planner, and the two owners' accounts (no role): the
    National Medical Director (chairs the board, sits on the committee) and the Chief Nursing
    Officer (chairs the committee)."""
    found = {
        "reader": _user("reader"),
        "planner": _user("planner", roles.PLANNING_TEAM, plan),
        "nmd": _user("nmd"),
        "cno": _user("cno"),
    }
    for code in ("nmd", "cno"):
        pm.Owner.objects.filter(plan=plan, code=code).update(user=found[code])
    return found


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return unescape(response.content.decode())


def item(plan, meeting: str, number: str) -> pm.AgendaItem:
    return pm.AgendaItem.objects.get(meeting__plan=plan, meeting__code=meeting, number=number)


def test_the_governance_page_lists_the_bodies_as_a_tree(plan, people):
    page = text_of(client_of(people["reader"]).get("/plans/example-2019/governance/"))
    assert "Example Board" in page and "Delivery and Quality Committee" in page
    assert page.index("Example Board") < page.index("Delivery and Quality Committee")
    assert 'href="/plans/example-2019/governance/bodies/DQC/"' in page
    assert "Every two months" in page and "Quarterly" in page
    # the plan's navigation leads here
    assert 'href="/plans/example-2019/governance/"' in text_of(client_of(people["reader"]).get("/plans/example-2019/"))


def test_a_body_page_shows_what_it_oversees_its_people_business_and_calendar(plan, people):
    page = text_of(client_of(people["cno"]).get("/plans/example-2019/governance/bodies/DQC/"))
    assert "You chair this body" in page
    assert "Chief Nursing Officer" in page and "National Medical Director" in page
    assert "Reviews the directorates' performance dashboards every quarter." in page and "para 11" in page
    assert "Objective <a" in page and "1 Care Quality and Outcomes" in page and "Medical Directorate" in page
    assert "Quarterly review of directorate performance dashboards" in page and "Every quarter" in page
    assert 'href="/plans/example-2019/governance/bodies/BOARD/"' in page  # part of the board
    calendar = page[page.index('id="calendar"') :]
    rows = calendar.split("<tr")[2:6]
    assert "2019/20 Q1" in rows[0] and "No meeting recorded" in rows[0]
    assert "2019/20 Q3" in rows[2] and "Delivery and Quality Committee, 10 October 2019" in rows[2] and "Met" in rows[2]


def test_an_unknown_body_or_meeting_is_a_404(plan, people):
    reader = client_of(people["reader"])
    assert reader.get("/plans/example-2019/governance/bodies/dqc/").status_code == 404  # codes are exact
    assert reader.get("/plans/example-2019/governance/meetings/NOPE/").status_code == 404
    assert reader.get(BOARD_MEETING + "items/999999/decision/").status_code in (403, 404)


def test_the_meeting_page_lists_the_agenda_with_its_papers_as_at_the_meeting(plan, people):
    page = text_of(client_of(people["planner"]).get(BOARD_MEETING))
    assert "Item 12: Joint Work Programme 2019/20" in page and "For decision" in page
    assert "Presented by National Medical Director" in page
    # 27 June 2019: no quarter of the 2019/20 plan has ended, so its first quarter
    assert "Board pack as at 2019/20 Q1" in page
    assert "/plans/example-2019/reports/board.pdf?period=2019%2F20+Q1" in page
    assert "The plan: Example joint business plan 2019/20" in page and "/plans/example-2019/plan.yaml" in page
    committee = text_of(client_of(people["planner"]).get(DQC_MEETING))
    assert "Medical Directorate pack as at 2019/20 Q2" in committee and "Nursing" not in committee.split("Agenda")[1]
    assert "Exceptions as at 2019/20 Q2" in committee


def test_packs_are_linked_only_for_those_who_may_read_them(plan, people):
    page = text_of(client_of(people["reader"]).get(BOARD_MEETING))
    assert "Board pack as at 2019/20 Q1" in page and "reports/board.pdf" not in page
    assert "Only those who may read every unit's updates open this pack" in page


def test_who_may_record_a_meeting(plan, people):
    """The planning team and the body's chair and members record; anyone else reads."""
    decision = item(plan, "DQC-2019-10-10", "3")
    url = f"{DQC_MEETING}items/{decision.pk}/decision/"
    reader = client_of(people["reader"])
    assert "Record a decision" not in text_of(reader.get(DQC_MEETING))
    assert reader.get(url).status_code == 403
    assert reader.post(url, {"decision": "Noted"}).status_code == 403
    for name in ("planner", "cno", "nmd"):  # planning team, chair, member
        response = client_of(people[name]).post(url, {"decision": f"Noted by {name}"})
        assert response.status_code == 302, text_of(response)[:400]
    assert [d.text for d in decision.decisions.all()] == ["Noted by planner", "Noted by cno", "Noted by nmd"]
    board_item = item(plan, "B-2019-06-27", "12")
    board_url = f"{BOARD_MEETING}items/{board_item.pk}/decision/"
    assert client_of(people["cno"]).post(board_url, {"decision": "Approved"}).status_code == 403  # not on the board
    assert Client().get(url).status_code == 302  # not signed in: to the sign-in page


def test_a_decision_is_shown_as_text_and_a_bad_one_is_refused_at_its_field(plan, people):
    decision_item = item(plan, "B-2019-06-27", "12")
    url = f"{BOARD_MEETING}items/{decision_item.pk}/decision/"
    planner = client_of(people["planner"])
    refused = planner.post(url, {"decision": "Approved\x00"})
    assert refused.status_code == 400 and "The decision" in text_of(refused)
    empty = planner.post(url, {"decision": "  "})
    assert empty.status_code == 400 and "Write the decision as the meeting took it" in text_of(empty)
    assert not ItemDecision.objects.exists()
    planner.post(url, {"decision": "<script>alert(1)</script> The Boards approved the plan"})
    page = planner.get(BOARD_MEETING).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; The Boards approved the plan" in page and "<script>alert" not in page


def test_an_action_on_an_item_is_owned_mailed_on_my_work_and_closed(plan, people):
    action_item = item(plan, "DQC-2019-10-10", "3")
    url = f"{DQC_MEETING}items/{action_item.pk}/action/"
    cno = client_of(people["cno"])
    missing = cno.post(url, {"action-description": "", "action-owner_account": "", "action-owner": ""})
    assert missing.status_code == 400 and "Say what is to be done for the action" in text_of(missing)
    response = cno.post(
        url,
        {
            "action-description": "Bring the medical recovery plan to the next meeting",
            "action-owner_account": str(people["nmd"].pk),
            "action-owner": "",
            "action-due_on": "30 January 2020",
        },
    )
    assert response.status_code == 302, text_of(response)[:600]
    action = Action.objects.get()
    assert action.agenda_item == action_item and action.review is None and action.owner_account == people["nmd"]
    assert action.plan == plan and "item 3 of the Delivery and Quality Committee meeting of 10 October 2019" in (
        action.raised_at
    )
    meeting_page = text_of(cno.get(DQC_MEETING))
    assert "Bring the medical recovery plan to the next meeting" in meeting_page
    nmd = client_of(people["nmd"])
    work = text_of(nmd.get("/work/"))
    assert "My actions (1)" in work and "Delivery and Quality Committee, 10 October 2019, item 3" in work
    my_meetings = work[work.index("My meetings") :]
    assert "With your open actions" in my_meetings and "Delivery and Quality Committee, 10 October 2019" in my_meetings
    action_page = text_of(nmd.get(f"/actions/{action.pk}/"))
    assert "Meeting: Delivery and Quality Committee, 10 October 2019, item 3" in action_page
    assert text_of(client_of(people["reader"]).get(f"/actions/{action.pk}/")).count("Add a progress note") == 0
    closed = nmd.post(f"/actions/{action.pk}/close/", {"closure_note": "Presented on 9 January 2020"})
    assert closed.status_code == 302 and closed["Location"] == DQC_MEETING
    action.refresh_from_db()
    assert action.status == Action.Status.CLOSED
    from goldenthread.notices.models import Notification

    assert Notification.objects.filter(key__startswith=f"action-assigned:{action.pk}:").exists()


def test_an_action_needs_a_review_or_an_item_and_not_both(plan, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(description="Nowhere", owner="Someone")


def test_my_meetings_lists_the_bodies_meetings_by_the_owner_linked_to_the_account(plan, people):
    work = text_of(client_of(people["nmd"]).get("/work/"))
    mine = work[work.index("My meetings") :]
    assert "Example Board, 27 June 2019" in mine and "Chair" in mine
    assert "Delivery and Quality Committee, 10 October 2019" in mine and "Member" in mine
    reader = text_of(client_of(people["reader"]).get("/work/"))
    assert "You chair or sit on no governance body" in reader


def test_my_meetings_lists_the_meetings_where_you_present_an_item(plan, people):
    """The board's item 12 is presented by the National Medical Director (who also chairs the
    board): a meeting where someone presents is theirs even when they sit on no body."""
    mine = text_of(client_of(people["nmd"]).get("/work/"))
    assert "Chair; Presenting item 12" in mine[mine.index("My meetings") :]
    pm.Body.objects.filter(plan=plan).update(chair=None)
    pm.Body.members.through.objects.filter(body__plan=plan).delete()
    mine = text_of(client_of(people["nmd"]).get("/work/"))
    mine = mine[mine.index("My meetings") :]
    assert "Example Board, 27 June 2019" in mine and "Presenting item 12" in mine
    assert "Delivery and Quality Committee" not in mine  # no longer a member, and no item there is theirs


def test_minutes_drafted_approved_by_the_chair_and_published_for_a_public_meeting(plan, people):
    board = client_of(people["nmd"])  # chairs the board
    minutes_url = BOARD_MEETING + "minutes/"
    assert board.post(minutes_url, {"text": "Present: the Board.", "version": "0", "approve": "no"}).status_code == 302
    minutes = Minutes.objects.get()
    assert minutes.status == Minutes.Status.DRAFT and minutes.version == 1
    # a save from the version before is refused, the text kept and what is stored shown
    stale = client_of(people["planner"]).post(minutes_url, {"text": "Other text", "version": "0", "approve": "no"})
    assert stale.status_code == 409 and "Saved meanwhile by someone else" in text_of(stale)
    # a member who does not chair may write the draft but not approve it
    cno_on_board = client_of(people["cno"])
    assert cno_on_board.get(minutes_url).status_code == 403  # not on the board at all
    approved = board.post(
        minutes_url, {"text": "Present: the Board. Item 12 approved.", "version": "1", "approve": "yes"}
    )
    assert approved.status_code == 302
    minutes.refresh_from_db()
    assert minutes.approved and minutes.approved_by == people["nmd"]
    assert board.post(minutes_url, {"text": "Changed", "version": "2", "approve": "no"}).status_code == 409
    # published: on the public page once the plan is published
    services.publish(plan, user=people["planner"])
    public = text_of(Client().get("/public/plans/example-2019/"))
    assert "Meetings in public" in public and "12. Joint Work Programme 2019/20" in public
    assert "Item 12 approved" not in public and "The minutes are not published yet." in public
    assert board.post(BOARD_MEETING + "minutes/publish/", {"publish": "yes"}).status_code == 302
    public = text_of(Client().get("/public/plans/example-2019/"))
    assert "Present: the Board. Item 12 approved." in public
    assert "Delivery and Quality Committee" not in public  # does not meet in public


def test_only_a_public_meetings_approved_minutes_are_published(plan, people):
    cno = client_of(people["cno"])
    cno.post(DQC_MEETING + "minutes/", {"text": "Dashboards reviewed.", "version": "0", "approve": "yes"})
    assert Minutes.objects.get().approved
    cno.post(DQC_MEETING + "minutes/publish/", {"publish": "yes"})
    assert Minutes.objects.get().published_at is None
    assert "does not meet in public" in text_of(cno.get(DQC_MEETING))
    # a member who does not chair cannot approve
    member = client_of(people["nmd"])
    board_minutes = BOARD_MEETING + "minutes/"
    assert member.post(board_minutes, {"text": "x", "version": "0", "approve": "yes"}).status_code == 302  # chairs it
    nmd_on_dqc = member.post(DQC_MEETING + "minutes/publish/", {"publish": "yes"})
    assert nmd_on_dqc.status_code == 403


def test_every_seed_plans_governance_pages_open():
    """The five seed plans' bodies and meetings, each page as an administrator sees it (every
    paper linked, every form offered)."""
    from goldenthread.planfile import validate_file

    from ..conftest import PROJECT

    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = client_of(admin)
    opened = 0
    for path in sorted((PROJECT / "plans").glob("*.yaml")):
        checked = validate_file(path)
        assert checked.ok, checked.problems
        load_plan(checked.plan)
        plan = pm.Plan.objects.get(code=checked.plan.code)
        addresses = [f"/plans/{plan.code}/governance/"]
        addresses += [f"/plans/{plan.code}/governance/bodies/{b.code}/" for b in plan.bodies.all()]
        addresses += [f"/plans/{plan.code}/governance/meetings/{m.code}/" for m in plan.meetings.all()]
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200, f"{address}: {response.status_code}"
            opened += 1
        services.publish(plan, user=admin)
        public = Client().get(f"/public/plans/{plan.code}/")
        assert public.status_code == 200
        for meeting in plan.meetings.select_related("body"):
            if meeting.is_public:  # its agenda on the public page
                assert meeting_name(meeting) in text_of(public), meeting.code
    assert opened > 10


def test_a_load_that_drops_a_meeting_with_records_is_refused_and_a_changed_item_keeps_them(plan, people):
    """What people recorded hangs off the agenda item: reloading the plan with the item retitled
    keeps the item (and its decision and action); dropping the meeting is refused."""
    from goldenthread.cycles.services import meetings

    twelve = item(plan, "B-2019-06-27", "12")
    meetings.record_decision(twelve, "Approved", user=people["planner"])
    meetings.record_action(twelve, meetings.ActionData("Publish it", "Pat", None, None), user=people["planner"])
    retitled = validate_text(
        EXAMPLE.read_text(encoding="utf-8") + GOVERNANCE.replace("Joint Work Programme 2019/20", "Work Programme"),
        "governance.yaml",
    )
    load_plan(retitled.plan)
    kept = item(plan, "B-2019-06-27", "12")
    assert kept.pk == twelve.pk and kept.title == "Work Programme"
    assert kept.decisions.count() == 1 and kept.actions.count() == 1
    without = (
        GOVERNANCE[: GOVERNANCE.index("  - code: B-2019-06-27")] + GOVERNANCE[GOVERNANCE.index("  - code: DQC-2019") :]
    )
    dropped = validate_text(EXAMPLE.read_text(encoding="utf-8") + without, "governance.yaml")
    assert dropped.ok, dropped.problems
    from goldenthread.plans.store import PlanLoadRefused

    with pytest.raises(PlanLoadRefused, match="B-2019-06-27"):
        load_plan(dropped.plan)
    assert ItemDecision.objects.count() == 1 and Action.objects.count() == 1


def test_hostile_addresses_are_404s(plan, people):
    planner = client_of(people["planner"])
    for address in (
        BOARD_MEETING + "items/99999999999999999999999999/decision/",
        BOARD_MEETING + "items/0/action/",
        "/plans/example-2019/governance/meetings/" + "M" * 5000 + "/",
        "/plans/example-2019/governance/bodies/%00/",
        "/plans/example-2019/governance/bodies/BOARD%2F..%2F/",
    ):
        assert planner.get(address).status_code == 404, address


def test_a_decision_recorded_by_mistake_is_taken_back_by_those_who_record(plan, people):
    from goldenthread.cycles.services import meetings

    decision = meetings.record_decision(item(plan, "B-2019-06-27", "12"), "Approved twice", user=people["planner"])
    url = f"{BOARD_MEETING}decisions/{decision.pk}/take-back/"
    assert client_of(people["reader"]).post(url).status_code == 403
    assert client_of(people["cno"]).post(url).status_code == 403  # not on the board
    assert client_of(people["planner"]).get(url).status_code == 403  # a form's action, not a page
    assert "Take back" in text_of(client_of(people["nmd"]).get(BOARD_MEETING))
    assert client_of(people["nmd"]).post(url).status_code == 302  # chairs the board
    assert not ItemDecision.objects.exists()
    assert client_of(people["nmd"]).post(url).status_code == 404
    assert client_of(people["nmd"]).post(f"{DQC_MEETING}decisions/{decision.pk}/take-back/").status_code == 404


def test_my_meetings_download_is_the_persons_own_list(plan, people):
    import csv
    import io

    from openpyxl import load_workbook

    pm.Meeting.objects.filter(plan=plan, code="DQC-2019-10-10").update(title='=HYPERLINK("http://x")')
    nmd = client_of(people["nmd"])
    page = text_of(nmd.get("/work/"))
    assert '<a href="/work/?table=meetings&amp;format=csv" download>Download CSV' in nmd.get("/work/").content.decode()
    response = nmd.get("/work/?table=meetings&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-meetings-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    hostile = '\'=HYPERLINK("http://x"), 10 October 2019'  # held as text, never a formula
    assert rows == [
        ["List", "Meeting", "Plan", "Body", "You", "Your open actions"],
        ["Recent", hostile, "example-2019", "Delivery and Quality Committee", "Member", "None"],
        ["Recent", "Example Board, 27 June 2019", "example-2019", "Example Board", "Chair; Presenting item 12", "None"],
    ]
    mine = page[page.index("My meetings") :]
    for row in rows[1:]:
        assert row[1].lstrip("'") in mine and row[3] in mine and row[4] in mine
    sheet = load_workbook(io.BytesIO(nmd.get("/work/?table=meetings&format=xlsx").content)).active
    assert sheet.title == "My meetings" and sheet.cell(2, 2).data_type == "s"
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_col=5)] == [r[:5] for r in rows[1:]]
    assert sheet.cell(2, 6).value == 0  # a number in Excel; "None" as the page words it in the CSV
    reader = client_of(people["reader"])  # sits on no body: no link, and a file of no meetings
    assert "table=meetings" not in reader.get("/work/").content.decode()
    nothing = reader.get("/work/?table=meetings&format=csv").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(nothing))) == [rows[0]]
