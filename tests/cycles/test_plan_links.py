"""A plan's overview leads into its quarterly cycle: the cycle page, its periods and the
directorate packs the person may read."""

from __future__ import annotations

import re
from datetime import date

import pytest

pytestmark = pytest.mark.django_db

OVERVIEW = "/plans/nhsei-2019/"


@pytest.fixture
def in_q3(monkeypatch):
    monkeypatch.setattr("goldenthread.web.views.plans.timezone.localdate", lambda: date(2019, 11, 15))


def cycle_section(client) -> str:
    page = client.get(OVERVIEW).content.decode()
    return page.split('id="plan-cycle"', 1)[1].split("</section>", 1)[0]


def test_the_planner_is_led_to_the_cycle_every_period_and_every_pack(world, login, in_q3):
    part = cycle_section(login(world.users["planner"]))
    assert 'href="/plans/nhsei-2019/cycle/"' in part and "the current period is 2019/20 Q3" in part
    for q in range(1, 5):
        assert f'href="/plans/nhsei-2019/periods/2019-20-q{q}/"' in part
    assert 'href="/plans/nhsei-2019/reports/directorate/medical.pdf?period=2019%2F20+Q3"' in part
    assert 'href="/plans/nhsei-2019/reports/directorate/nursing.pdf?period=2019%2F20+Q3"' in part


def test_a_lead_is_offered_only_what_they_may_open(world, login, in_q3):
    client = login(world.users["lead"])
    part = cycle_section(client)
    assert 'href="/plans/nhsei-2019/cycle/"' in part
    assert "2019/20 Q2" in part and "/periods/" not in part, "the period pages are for those who read every update"
    packs = re.findall(r'href="(/plans/nhsei-2019/reports/directorate/[^"]+)"', part)
    assert packs == ["/plans/nhsei-2019/reports/directorate/medical.pdf?period=2019%2F20+Q3"]
    html = client.get(packs[0].replace(".pdf", ".html"))
    assert html.status_code == 200 and "Medical" in html.content.decode()


def test_a_plan_without_periods_says_so(world, login):
    page = login(world.users["board"]).get("/plans/example-2019/").content.decode()
    assert "No reporting periods have been set up for this plan." in page
    assert 'href="/plans/example-2019/cycle/"' in page
