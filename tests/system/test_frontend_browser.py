"""The NHS.UK front-end components started on every page (static/goldenthread/nhsuk.js) and no
request to any host but the product's own (issue 19): an error summary takes focus after a failed
submit, the skip link moves focus to the main content, the stylesheet names no other host and its
icons are the product's own files, and the request watch of every browser test
(conftest.outside_requests) sees a request to another host."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .test_cycle import PASSWORD, cycle  # noqa: F401 (a fixture)
from .test_upload_browser import planners  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

Q1_UPDATE = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"
FOCUSED_ERROR_SUMMARY = "() => document.activeElement.classList.contains('nhsuk-error-summary')"


def assert_error_summary_has_focus(page) -> None:
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate(FOCUSED_ERROR_SUMMARY)


def test_a_failed_sign_in_puts_focus_on_the_error_summary(page):
    get_user_model().objects.create_user("reader", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert_error_summary_has_focus(page)
    # its link leads to the field it names
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Username")).to_be_focused()


def test_a_failed_quarterly_update_puts_focus_on_the_error_summary(sign_in, cycle):  # noqa: F811
    lead = sign_in("medical-lead", PASSWORD)
    lead.goto(Q1_UPDATE)
    expect(lead.get_by_role("heading", name="Medical update", level=1)).to_be_visible()
    lead.get_by_label("Denominator for MED-2-M1").fill("none")
    lead.get_by_role("button", name="Save and submit").click()
    problem = "Enter the denominator for MED-2-M1 as a number, like 95 or 1,250.5"
    expect(lead.get_by_role("link", name=problem)).to_be_visible()
    assert_error_summary_has_focus(lead)


def test_a_failed_upload_puts_focus_on_the_error_summary(sign_in, planners):  # noqa: F811
    planner = sign_in("nhsi-planner", PASSWORD)
    planner.goto("/data/upload/")
    expect(planner.get_by_label("Data file")).to_have_attribute("type", "file")  # the browser's own file field
    planner.get_by_role("button", name="Check the file").click()
    expect(planner.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_error_summary_has_focus(planner)


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#maincontent")).to_be_focused()
    # and the next Tab goes on from there: the page's first field, not the header's links
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()


def test_the_stylesheet_names_no_other_host_and_its_icons_are_this_sites(page, live_server):
    page.goto("/accounts/login/")
    href = page.locator("link[rel=stylesheet][href*='nhsuk-frontend']").get_attribute("href")
    css = page.context.request.get(href)
    assert css.ok
    text = css.text()
    assert "@font-face" not in text and not re.findall(r"https?:|//[a-z]", text, re.IGNORECASE)
    icons = set(re.findall(r"url\(['\"]?([^'\")]+)", text))
    assert icons, "the stylesheet's icons"
    for icon in icons:  # relative to the stylesheet: the package's own images among the static files
        assert page.context.request.get(page.evaluate("([u, base]) => new URL(u, base).href", [icon, css.url])).ok, icon
    # the text is drawn in the NHS.UK stack's next font, with nothing fetched for it
    assert page.evaluate("() => document.fonts.size") == 0
    assert "arial" in page.evaluate("() => getComputedStyle(document.body).fontFamily").lower()


def test_a_request_to_another_host_is_caught(page, outside_requests):
    page.route("http://example.invalid/**", lambda route: route.fulfill(body="elsewhere", content_type="text/plain"))
    page.goto("/accounts/login/")
    page.evaluate("() => fetch('/accounts/login/')")  # the product's own: fine
    page.goto("data:text/html,<p>data: is fine</p>")
    assert outside_requests.seen == []

    page.goto("http://example.invalid/page")  # a navigation elsewhere
    page.set_content("<img src='http://example.invalid/pixel.png' alt=''>")  # a resource elsewhere
    page.wait_for_load_state()
    assert outside_requests.seen == ["http://example.invalid/page", "http://example.invalid/pixel.png"]
    with pytest.raises(AssertionError, match="example.invalid/pixel.png"):
        outside_requests.check()  # what fails the test at its end
    outside_requests.seen.clear()
