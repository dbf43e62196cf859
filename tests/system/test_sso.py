"""Single sign-on in a real browser against a real OpenID Connect provider on 127.0.0.1
(django-oauth-toolkit in its own process, tests/sso/provider): the organisation account's button,
sign-in and consent at the provider, back signed in with the role and unit the claims give, then
signing out here and at the provider."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access.sso_config import OIDCConfig, backends
from goldenthread.cycles import services
from goldenthread.planfile import validate_file
from goldenthread.plans import models as pm
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from ..sso.provider.server import running_provider

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "provider-pass-1234"
CLAIMS = {"mo": {"oid": "oid-mo-0001", "roles": ["GT.Lead"], "units": ["nhsei-2019:medical"]}}
Q1_UPDATE = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"


@pytest.fixture
def provider(live_server, tmp_path, settings):
    plan = validate_file(PROJECT / "plans" / "nhsei-2019.yaml")
    assert plan.ok, plan.problems
    load_plan(plan.plan)
    services.generate_periods(pm.Plan.objects.get(code="nhsei-2019"))
    with running_provider(
        tmp_path / "provider",
        redirect_uris=[f"{live_server.url}/accounts/sso/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/accounts/login/"],
        users=[{"username": "mo", "password": PASSWORD, "email": "mo@example.nhs.uk", "first_name": "Mo"}],
        claims=CLAIMS,
    ) as running:
        config = OIDCConfig(
            running.issuer,
            running.client_id,
            running.client_secret,
            username_claim="oid",
            role_claim="roles",
            role_map={"GT.Lead": "lead"},
            unit_claim="units",
        )
        settings.GOLDENTHREAD_OIDC = config
        settings.AUTHENTICATION_BACKENDS = backends(list(settings.AUTHENTICATION_BACKENDS), True, config)
        yield running


def test_sign_in_with_the_organisation_account_and_out(page, provider, live_server, outside_requests):
    outside_requests.allow(provider.issuer)  # the organisation's identity provider, run by the test
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with your organisation account").click()
    # at the provider: sign in, then consent
    page.get_by_label("Provider username").fill("mo")
    page.get_by_label("Provider password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.get_by_role("button", name="Authorize").click()
    # back here, signed in as the lead of Medical that the claims say
    page.wait_for_url(f"{live_server.url}/work/")  # My work
    expect(page.get_by_text("Mo", exact=True)).to_be_visible()
    user = get_user_model().objects.get(username="oid-mo-0001")
    assert not user.has_usable_password()
    page.goto(Q1_UPDATE)
    expect(page.get_by_role("heading", name="Medical update", level=1)).to_be_visible()
    page.goto("/plans/nhsei-2019/periods/2019-20-q1/units/nursing/update/")  # not Mo's unit
    expect(page.get_by_role("heading", name="You cannot use this page")).to_be_visible()

    # sign out here, then at the provider, and back to our sign-in page
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/accounts/login/"))
    expect(page.get_by_role("button", name="Sign in with your organisation account")).to_be_visible()
    page.goto(Q1_UPDATE)
    expect(page.get_by_role("heading", name="Sign in to goldenthread")).to_be_visible()
    # the provider's session ended too: signing in again asks for the provider password
    page.get_by_role("button", name="Sign in with your organisation account").click()
    expect(page.get_by_label("Provider password")).to_be_visible()
