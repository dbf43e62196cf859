"""Issue 12, findings 1 and 2: the access layer looks what an address names up once, exactly, and
the page uses the very object the rule was checked against; no page but the public ones lets a
visitor in who has not signed in.

Before: ``/plans/nhsei-2019/reports/directorate/Medical.html`` — no unit has the code "Medical"
(it is "medical"), so the rule fell back to "signed in", and the view then found Medical ignoring
case: any signed-in person read Medical's pack. ``/plans/nhsei-2019/cycle/`` was open to anonymous
visitors once the plan was published.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from goldenthread.access import policy
from goldenthread.cycles import services

from ..cycles.conftest import fast_passwords, login, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

COMMENTARY = "Medical commentary for its people and the board only"


@pytest.fixture
def medical_update(world):  # noqa: F811
    data = world.complete(commentary=COMMENTARY)
    sub = services.save_update(world.period(2), world.medical, data, based_on=0, user=world.users["lead"], submit=True)
    services.decide(sub, "approve", comments="", based_on=sub.version, user=world.users["planner"])
    return world


PACK = "/plans/nhsei-2019/reports/directorate/{unit}.{fmt}?period=2019/20 Q2"


@pytest.mark.parametrize("unit", ["Medical", "MEDICAL", "medical", "mEdIcAl", "%6Dedical", "Medical%20"])
@pytest.mark.parametrize("role", ["other_lead", "norole"])
def test_a_directorate_pack_is_refused_to_other_units_whatever_the_case(medical_update, login, role, unit):  # noqa: F811
    response = login(medical_update.users[role]).get(PACK.format(unit=unit, fmt="html"))
    assert response.status_code in (403, 404), (role, unit, response.status_code)
    assert COMMENTARY not in response.content.decode(errors="replace")


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_the_pack_in_every_format_other_cases_are_not_found(medical_update, login, fmt):  # noqa: F811
    client = login(medical_update.users["other_lead"])
    assert client.get(PACK.format(unit="Medical", fmt=fmt)).status_code == 404
    assert client.get(PACK.format(unit="medical", fmt=fmt)).status_code == 403


def test_the_units_own_lead_reads_the_pack_by_its_exact_code_only(medical_update, login):  # noqa: F811
    client = login(medical_update.users["lead"])
    response = client.get(PACK.format(unit="medical", fmt="html"))
    assert response.status_code == 200 and COMMENTARY in response.content.decode()
    assert client.get(PACK.format(unit="Medical", fmt="html")).status_code == 404
    assert client.get(PACK.format(unit="Medical Directorate", fmt="html")).status_code == 404


def test_another_plans_unit_is_not_found_in_this_plan(medical_update, login):  # noqa: F811
    response = login(medical_update.users["lead"]).get(
        "/plans/example-2019/reports/directorate/medical.html?period=2019/20 Q2"
    )
    assert response.status_code in (403, 404)
    assert COMMENTARY not in response.content.decode(errors="replace")


def test_the_view_uses_the_unit_the_rule_was_checked_against(medical_update, rf):  # noqa: F811
    """The policy looks the unit up and hands it to the view: no second, looser look-up."""
    request = rf.get("/plans/nhsei-2019/reports/directorate/medical.html")
    request.user = medical_update.users["lead"]
    found = policy.look_up(request, {"code": "nhsei-2019", "unit": "medical"})
    assert found.unit == medical_update.medical and found.plan == medical_update.plan
    assert policy.subject(request) is found
    with pytest.raises(policy.NotFound, match="no org unit 'Medical'"):
        policy.look_up(rf.get("/"), {"code": "nhsei-2019", "unit": "Medical"})


def test_a_rule_about_something_that_does_not_exist_refuses(medical_update):  # noqa: F811
    for kwargs in ({"code": "nhsei-2019", "unit": "Medical"}, {"code": "NHSEI-2019"}, {"pk": 999999}):
        for name in ("report-directorate", "cycles:plan_cycle", "cycles:action_close", "cycles:submission"):
            for user in (medical_update.users["other_lead"], medical_update.users["norole"], AnonymousUser()):
                assert not policy.allowed(user, name, kwargs), (name, kwargs, user)


def test_anonymous_visitors_cannot_read_the_cycle_of_a_published_plan(medical_update):  # noqa: F811
    services.publish(medical_update.plan, None, user=medical_update.users["planner"])
    response = Client().get("/plans/nhsei-2019/cycle/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_no_page_but_the_public_ones_lets_anonymous_in_whatever_its_rule(medical_update):  # noqa: F811
    """The class of finding 2: a read rule that says yes to the public (a published plan) is not
    enough; only :data:`policy.PUBLIC_PAGES` are open without signing in."""
    services.publish(medical_update.plan, None, user=medical_update.users["planner"])
    anonymous = AnonymousUser()
    kwargs = {"code": "nhsei-2019", "period": "2019-20-q2", "unit": "medical", "pk": 1}
    for name in policy.PAGES:
        if name not in policy.PUBLIC_PAGES:
            assert not policy.allowed(anonymous, name, kwargs), name
