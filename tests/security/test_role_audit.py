"""Issue 12, finding 9: role changes are audited — who, when, before and after — and command-line
jobs are recorded by the operating-system user who ran them, not just "System".

Before: adding someone to a group (``user.groups.add``, ``access.roles.grant``, the admin site)
left no trace at all, and a plan loaded from the command line had no "who".
"""

from __future__ import annotations

import getpass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from goldenthread.access import roles
from goldenthread.accounts.models import Membership, RoleChange
from goldenthread.audit import records
from goldenthread.cli.main import main
from goldenthread.plans import models as pm

from ..conftest import EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    records.set_operator("")
    return pm.Plan.objects.get(code="example-2019")


@pytest.fixture
def people(django_user_model):
    return (
        django_user_model.objects.create_user("alice", password="x" * 12),
        django_user_model.objects.create_superuser("root", password="x" * 12),
    )


def changes(account: str) -> list[tuple[str, str, str, str]]:
    rows = RoleChange.objects.filter(account=account).order_by("when", "pk")
    return [(r.what, r.before, r.after, r.actor) for r in rows]


def test_granting_a_role_records_groups_and_membership_before_and_after(plan, people):
    alice, root = people
    unit = plan.org_units.first()
    with records.acting_as(root):
        roles.grant(alice, roles.LEAD, org_unit=unit)
    assert changes("alice") == [
        ("groups", "(none)", "Directorate and region leads", "root"),
        ("membership", "(none)", f"example-2019: {unit.code}", "root"),
    ]
    row = RoleChange.objects.filter(account="alice").first()
    assert row is not None and row.when is not None and row.account_number == alice.pk


def test_every_way_of_changing_groups_is_recorded(people):
    alice, root = people
    board, _ = Group.objects.get_or_create(name="Board members")
    planning, _ = Group.objects.get_or_create(name="Planning team")
    with records.acting_as(root):
        board.user_set.add(alice)  # the group's side of the relation
        alice.groups.add(planning)
        alice.groups.remove(board)
        planning.user_set.clear()
    assert changes("alice") == [
        ("groups", "(none)", "Board members", "root"),
        ("groups", "Board members", "Board members, Planning team", "root"),
        ("groups", "Board members, Planning team", "Planning team", "root"),
        ("groups", "Planning team", "(none)", "root"),
    ]


def test_account_flags_and_removed_memberships_are_recorded(plan, people):
    alice, root = people
    with records.acting_as(root):
        alice.is_superuser = alice.is_staff = True
        alice.save()
        membership = Membership.objects.create(user=alice, plan=plan)
        membership.delete()
    assert changes("alice") == [
        ("flags", "active", "administrator (superuser), staff, active", "root"),
        ("membership", "(none)", "example-2019 (whole plan)", "root"),
        ("membership", "example-2019 (whole plan)", "(none)", "root"),
    ]
    alice.last_login = alice.date_joined
    alice.save(update_fields=["last_login"])  # signing in is not a role change
    assert len(changes("alice")) == 3


def test_changes_made_on_the_admin_site_are_recorded_with_the_administrator(client, people):
    alice, root = people
    leads, _ = Group.objects.get_or_create(name="Directorate and region leads")
    client.force_login(root)
    url = f"/admin/auth/user/{alice.pk}/change/"
    form = {
        "username": "alice",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [str(leads.pk)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2020-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert changes("alice") == [("groups", "(none)", "Directorate and region leads", "root")]
    page = client.get(url).content.decode()
    assert "Role changes" in page and "Directorate and region leads" in page
    listing = client.get("/admin/accounts/rolechange/?q=alice").content.decode()
    assert "Directorate and region leads" in listing
    assert (
        client.post(
            f"/admin/accounts/rolechange/{RoleChange.objects.get(account='alice').pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert RoleChange.objects.filter(account="alice").count() == 1
    assert changes("root") == [("flags", "(new account)", "administrator (superuser), staff, active", "System")]


def test_command_line_jobs_are_recorded_by_the_operating_system_user(db):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    who = f"{getpass.getuser()} (command line)"
    history = pm.Plan.history.filter(code="example-2019")
    assert set(history.values_list("history_username", flat=True)) == {who}
    user = get_user_model().objects.create_user("bob")
    roles.grant(user, roles.BOARD)
    assert changes("bob") == [("groups", "(none)", "Board members", who)]
