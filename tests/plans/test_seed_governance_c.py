"""Seed 004 (plans/nhse-2013.yaml): the last gaps closed, its governance and its printed facts.

Every figure asserted here is read off the source document, ../shared/seeds/004_96e7cce5e524196b.txt.
"""

from __future__ import annotations

import pytest

from goldenthread.planfile import validate_file
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT

pytestmark = pytest.mark.django_db

PLAN_FILE = PROJECT / "plans" / "nhse-2013.yaml"


@pytest.fixture
def plan() -> m.Plan:
    result = validate_file(PLAN_FILE)
    assert result.ok, [str(p) for p in result.problems]
    load_plan(result.plan)
    return m.Plan.objects.get(code="nhse-2013")


def test_all_five_offers_of_the_offers_table(plan):
    offers = plan.objectives.filter(level__code="offer").order_by("code")
    assert list(offers.values_list("code", "title")) == [
        ("offer-1", "NHS will move towards routine services being available 7 days a week."),
        ("offer-2", "More transparency, more choice"),
        ("offer-3", "Listening to patients and increasing their participation"),
        ("offer-4", "Better data, informed commissioning, driving improved outcomes"),
        ("offer-5", "Higher standards, safer care"),
    ]
    # Key activities and measures per offer, as the table prints them (3, 2, 6, 3 and 4).
    counts = {o.code: o.activities.filter(kind="key_activity").count() for o in offers}
    assert counts == {"offer-1": 3, "offer-2": 2, "offer-3": 6, "offer-4": 3, "offer-5": 4}


def test_offer_5_its_four_key_activities_and_its_lead(plan):
    offer = plan.objectives.get(code="offer-5")
    # Lead printed "National Director: Policy/ Chief Nursing Officer/National Medical Director":
    # the first named leads, the other two directorates are partners of each activity.
    assert offer.owner.title == "National Director: Policy"
    assert offer.org_unit.code == "policy-corporate"
    assert "National Director: Policy/ Chief Nursing Officer/National Medical Director" in offer.description
    activities = offer.activities.order_by("code")
    assert [(a.code, a.title, a.due_text) for a in activities] == [
        ("offer-5-1", "The concordat agreement in response to Winterbourne View will be implemented in full.", ""),
        (
            "offer-5-2",
            "Quality Surveillance Groups will be operational in all regions and areas from April 2013.",
            "From April 2013",
        ),
        (
            "offer-5-3",
            "Findings from the review of the 14 high mortality hospital trusts will be published by June 2013.",
            "June 2013",
        ),
        (
            "offer-5-4",
            "We will deliver 70% of the actions set out in Compassion in Practice by April 2014.",
            "April 2014",
        ),
    ]
    for activity in activities:
        assert activity.owner.code == "nd-policy", activity.code
        assert sorted(activity.partners.values_list("code", flat=True)) == ["medical", "nursing"], activity.code
        assert activity.source.startswith("Annex 2, offers table, Offer 5"), activity.code
