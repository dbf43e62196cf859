"""By directorate for plans that name owners or lead units but do not link their objectives:
seed 004's deliverables carry their accountable directors, seed 002's priorities and activities
their lead teams."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from goldenthread.planfile import validate_file
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    client.force_login(user)
    return client


def load(code: str) -> None:
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)


def sections(html: str) -> dict[str, str]:
    """The page's directorate sections: heading (without its caption) -> words."""
    out = {}
    for match in re.finditer(r'<section class="gt-reading"[^>]*>(.*?)</section>', html, re.S):
        body = match.group(1)
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", body, re.S).group(1)
        heading = re.sub(r'<span class="nhsuk-caption-m">.*?</span>', "", heading).strip()
        out[heading] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    return out


def test_nhse_2013_deliverables_are_under_their_accountable_directors_directorates(reader):
    load("nhse-2013")
    html = reader.get("/plans/nhse-2013/by-directorate/").content.decode()
    assert "does not link its objectives to one another" in html
    found = sections(html)
    for directorate in ("Medical", "Nursing", "Operations", "Patients &amp; Information", "Finance"):
        assert directorate in found, sorted(found)
    # a Mandate deliverable whose accountable director is the National Medical Director
    assert "Activities led by Medical" in found["Medical"]
    assert "Activities led by Operations" in found["Operations"]
    # objectives held by a directorate are listed with their metrics and activities
    assert "Offer" in found["Medical"]
    # activities naming no director, or the organisation as a whole, are counted, not listed
    assert re.search(r"The plan names no directorate, region or team for \d+ objectives, \d+ activities", html)
    assert "NHS England" not in found


def test_nhsi_2016_priorities_and_activities_are_under_their_lead_teams(reader):
    load("nhsi-2016")
    found = sections(reader.get("/plans/nhsi-2016/by-directorate/").content.decode())
    for unit in ("Patient Safety", "Operational Productivity", "Nursing Directorate", "Regulatory directorate"):
        assert unit in found, sorted(found)
    assert "Priority for 2016/17" in found["Patient Safety"]  # a priority the team leads
    assert "Activities led by Nursing Directorate" in found["Nursing Directorate"]
    assert " for " in found["Nursing Directorate"]  # each activity names the objective it delivers
