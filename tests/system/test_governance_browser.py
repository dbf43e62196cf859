"""Governance in a real browser, on seed 001 (nhsei-2019) under the Content-Security-Policy (issue
16's "Done when"): the page of the Delivery, Quality and Performance Committee in Common shows the
quarterly review of the 2019/20 work programme in its cycle of business and calendar; the Joint
Boards in Common meeting of 27 June 2019 lists item 12 with the nhsei-2019 plan and its board
pack as at the meeting; the planning team records a decision and an action on item 12, writes
and approves the minutes and publishes them, and the public plan page shows the agenda and the
minutes. The pages have no serious or critical accessibility problems."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from goldenthread.cycles import services
from goldenthread.cycles.models import Action, ItemDecision, Minutes

from .conftest import assert_accessible, screenshot
from .test_cycle import PASSWORD, cycle  # noqa: F401  (the fixture: seed 001, its periods, the people)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


def test_the_dqpcic_page_and_the_27_june_2019_board_meeting(sign_in, cycle):  # noqa: F811
    planner = sign_in("planner", PASSWORD)
    planner.goto("/plans/nhsei-2019/")
    planner.get_by_role("navigation", name="Pages about this plan").get_by_role("link", name="Governance").click()
    expect(planner.get_by_role("heading", name="Governance", level=1)).to_be_visible()
    assert_accessible(planner)

    # the committee: its cycle of business and its calendar of the plan's quarters
    planner.get_by_role("link", name="Delivery, Quality and Performance Committee in Common").first.click()
    expect(
        planner.get_by_role("heading", name="Delivery, Quality and Performance Committee in Common", level=1)
    ).to_be_visible()
    review = "Quarterly review of the performance dashboards of the 2019/20 work programme"
    business = planner.get_by_role("table", name="What the body takes, and how often")
    expect(business.get_by_role("row").filter(has_text=review)).to_contain_text("Every quarter")
    calendar = planner.locator("#calendar")
    for quarter in ("2019/20 Q1", "2019/20 Q2", "2019/20 Q3", "2019/20 Q4"):
        expect(calendar.get_by_role("row").filter(has_text=quarter)).to_contain_text(review)
    expect(calendar.get_by_role("row").filter(has_text="2019/20 Q1")).to_contain_text(
        "Delivery, Quality and Performance Committee in Common, 2 May 2019"
    )
    expect(planner.get_by_text("Part of")).to_be_visible()
    assert_accessible(planner)
    screenshot(planner, "governance-dqpcic")

    # the board meeting of 27 June 2019: item 12, the plan and its board pack as at the meeting
    planner.get_by_role("link", name="Joint Boards in Common", exact=True).click()
    planner.get_by_role("link", name="Joint Boards in Common, 27 June 2019").first.click()
    expect(planner.get_by_role("heading", name="Joint Boards in Common, 27 June 2019", level=1)).to_be_visible()
    item = planner.locator("#item-12")
    expect(
        item.get_by_role("heading", name="Item 12: NHS England and NHS Improvement Joint Work Programme")
    ).to_be_visible()
    expect(item).to_contain_text("The plan: NHS England and NHS Improvement Joint Work Programme")
    expect(item).to_contain_text("Board pack as at 2019/20 Q1")
    board_pack = item.get_by_role("link", name="Web page of Board pack as at 2019/20 Q1")
    assert "period=2019%2F20+Q1" in (board_pack.get_attribute("href") or "")
    assert_accessible(planner)
    screenshot(planner, "governance-bic-2019-06-27")

    # the pack (a download) is the board pack as at 2019/20 Q1
    pack = planner.request.get(board_pack.get_attribute("href") or "")
    assert pack.ok and "2019/20 Q1" in pack.text()

    # a decision and an action on item 12
    planner.get_by_role("link", name="Record a decision on item 12").click()
    planner.get_by_label("Decision").fill("The Boards agreed the single work programme for 2019/20.")
    planner.get_by_role("button", name="Record the decision").click()
    expect(planner.locator("#item-12")).to_contain_text("The Boards agreed the single work programme for 2019/20.")
    planner.get_by_role("link", name="Record an action on item 12").click()
    planner.get_by_label("What is to be done").fill("Bring the 2020/21 business plan in the autumn")
    planner.get_by_label("Owner", exact=True).select_option(label="Priya Planner")
    planner.get_by_label("Due by").fill("30 November 2019")
    planner.get_by_role("button", name="Record the action").click()
    expect(planner.locator("#item-12")).to_contain_text("Bring the 2020/21 business plan in the autumn")
    assert ItemDecision.objects.count() == 1 and Action.objects.get().agenda_item.number == "12"

    # minutes: written, approved, published
    planner.get_by_role("link", name="Write the minutes").click()
    planner.get_by_label("Minutes").fill("Item 12: the Boards agreed the single work programme.")
    planner.get_by_role("button", name="Save and approve the minutes").click()
    planner.get_by_role("button", name="Publish the minutes").click()
    expect(planner.get_by_text("The minutes are published on the plan's public page.")).to_be_visible()
    assert Minutes.objects.get().published_at is not None
    assert_accessible(planner)

    services.publish(cycle, user=None)
    public = Client().get("/public/plans/nhsei-2019/").content.decode()
    assert "Joint Boards in Common, 27 June 2019" in public
    assert "Item 12: the Boards agreed the single work programme." in public
    assert "Delivery, Quality and Performance Committee in Common, 2 May 2019" not in public  # not in public
