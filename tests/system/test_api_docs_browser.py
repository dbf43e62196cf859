"""The API tokens page and the API's interactive documentation in a real browser: a token made and
shown once on the page, then the documentation page (Swagger UI from django-ninja's own static
files) drawn with every operation — under the site's Content-Security-Policy, with no request to
another host (the ``outside_requests`` watch) and, for the tokens page, WCAG 2.2 AA."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.accounts.api_tokens import ApiToken

from .conftest import EVERY_IMPACT, WCAG22AA, assert_accessible, axe_violations, screenshot

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password"


def test_a_person_makes_a_token_and_reads_the_api_documentation(page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_user_model().objects.create_user("robin", password=PASSWORD)
    page.set_default_timeout(60000)  # the first page of a cold server on a loaded machine
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Power BI refresh")
    page.get_by_label("Read and write").check()
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"gt_[a-z0-9]{8}_[A-Za-z0-9_-]{43}", token), token
    stored = ApiToken.objects.get()
    assert (stored.name, stored.scope, token.startswith(f"gt_{stored.prefix}_")) == ("Power BI refresh", "write", True)
    screenshot(page, "api-token-made")
    assert_accessible(page)

    page.get_by_role("link", name="goldenthread API").click()
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    expect(page.locator(".swagger-ui .title").first).to_contain_text("goldenthread")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 2
    expect(page.get_by_text("/api/v1/plans/", exact=True).first).to_be_visible()
    screenshot(page, "api-docs")
    # Swagger UI is a third party's page, its colours and language put right here (api-docs.css); its
    # operations' headings are buttons holding a copy button, which only a change to Swagger UI
    # itself can undo (axe's nested-interactive), so that one rule is left out
    found = [v for v in axe_violations(page, impacts=EVERY_IMPACT, tags=WCAG22AA) if v["id"] != "nested-interactive"]
    assert not found, json.dumps(found, indent=1)

    page.goto("/accounts/api-tokens/")
    page.get_by_role("link", name="Revoke the token Power BI refresh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token 'Power BI refresh'?")
    assert_accessible(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("was revoked")).to_be_visible()
    assert ApiToken.objects.get().revoked is not None
