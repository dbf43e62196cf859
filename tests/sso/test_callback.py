"""The sign-in round trip against a real OpenID Connect provider on 127.0.0.1 (django-oauth-toolkit
in its own process), driven without a browser: the provider's pages with ``requests``, ours with
Django's test client. Refused and failed callbacks get a clear page, never a stack trace."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model

from goldenthread.access import roles
from goldenthread.access.sso_config import OIDCConfig, backends

from ..factories import plan_with_data
from .provider.server import running_provider

CALLBACK = "http://testserver/accounts/sso/callback/"
PASSWORD = "provider-pass-1234"
CLAIMS = {"pat": {"oid": "oid-pat", "roles": ["GT.Lead"], "units": ["t:north"]}}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(
        tmp_path_factory.mktemp("provider"),
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=["http://testserver/accounts/login/"],
        users=[{"username": "pat", "password": PASSWORD, "email": "pat@example.nhs.uk", "first_name": "Pat"}],
        claims=CLAIMS,
    ) as running:
        yield running


def configure(settings, provider, **more) -> OIDCConfig:
    config = OIDCConfig(
        provider.issuer,
        provider.client_id,
        provider.client_secret,
        username_claim="oid",
        role_claim="roles",
        role_map={"GT.Lead": "lead", "GT.Planning": "planning"},
        unit_claim="units",
        **more,
    )
    settings.GOLDENTHREAD_OIDC = config
    settings.AUTHENTICATION_BACKENDS = backends(list(settings.AUTHENTICATION_BACKENDS), True, config)
    return config


def start(client) -> str:
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlparse(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["redirect_uri"] == [CALLBACK]
    return location


def consent(authorize_url: str, *, allow: bool = True) -> str:
    """Sign in at the provider and answer its consent page; the callback URL it sends us to."""
    browser = requests.Session()
    page = browser.get(authorize_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    page = browser.post(page.url, data={"csrfmiddlewaretoken": token, "username": "pat", "password": PASSWORD})
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    if allow:
        fields["allow"] = "Authorize"
    answer = browser.post(page.url, data=fields, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def path_of(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.django_db
def test_sign_in_maps_claims_to_roles_and_units(client, settings, provider):
    plan = plan_with_data()
    configure(settings, provider)
    response = client.get(path_of(consent(start(client))))
    assert response.status_code == 302, response.content.decode()
    user = get_user_model().objects.get(username="oid-pat")
    assert not user.has_usable_password()
    assert (user.first_name, user.email) == ("Pat", "pat@example.nhs.uk")
    person = roles.person(user)
    assert person.roles == {roles.LEAD}
    assert plan.org_units.get(code="north").pk in person.led_unit_ids
    assert client.get("/").wsgi_request.user == user


@pytest.mark.django_db
def test_refused_consent_gets_a_clear_page(client, settings, provider):
    configure(settings, provider)
    response = client.get(path_of(consent(start(client), allow=False)))
    assert response.status_code == 403
    assert "You did not give consent" in response.content.decode()
    assert not get_user_model().objects.filter(username="oid-pat").exists()


@pytest.mark.django_db
def test_an_expired_or_forged_code_gets_a_clear_page(client, settings, provider):
    configure(settings, provider)
    state = parse_qs(urlparse(start(client)).query)["state"][0]
    response = client.get("/accounts/sso/callback/", {"code": "not-a-real-code", "state": state})
    assert response.status_code == 400
    assert "did not confirm who you are" in response.content.decode()


@pytest.mark.django_db
def test_a_bad_state_gets_a_clear_page(client, settings, provider):
    configure(settings, provider)
    start(client)
    response = client.get("/accounts/sso/callback/", {"code": "x", "state": "someone-elses"})
    assert response.status_code == 400
    assert "expired or was already used" in response.content.decode()
    fresh = type(client)().get("/accounts/sso/callback/", {"code": "x", "state": "y"})  # no sign-in started
    assert fresh.status_code == 400 and "Start again from the sign-in page" in fresh.content.decode()


@pytest.mark.django_db
def test_a_local_password_account_cannot_be_taken_over(client, settings, provider):
    get_user_model().objects.create_user("oid-pat", password="a-local-password")
    configure(settings, provider)
    response = client.get(path_of(consent(start(client))))
    assert response.status_code == 403
    assert "already exists here for password sign-in" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_an_unreachable_provider_gets_a_clear_page(client, settings):
    from .provider.server import free_port

    settings.GOLDENTHREAD_OIDC = OIDCConfig(f"http://127.0.0.1:{free_port()}/o", "c", "s", timeout=2)
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()


@pytest.mark.django_db
def test_sso_off_means_no_button_and_no_sso_pages(client, settings):
    settings.GOLDENTHREAD_OIDC = None
    assert "organisation account" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/start/").status_code == 404


@pytest.mark.django_db
def test_password_sign_in_switched_off(client, settings, provider):
    configure(settings, provider)
    settings.GOLDENTHREAD_PASSWORD_SIGN_IN = False
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your organisation account" in page and 'name="password"' not in page
    get_user_model().objects.create_user("local", password="a-local-password")
    response = client.post("/accounts/login/", {"username": "local", "password": "a-local-password"})
    assert response.status_code == 403
    assert "switched off" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
