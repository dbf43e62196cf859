"""The API tokens page of one's account: a token made there is shown once and works; the list
shows prefixes, never secrets; revoking asks first and is one's own only; every action logged;
and the schema and its documentation page are for signed-in people and token holders."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from goldenthread.accounts.api_tokens import ApiToken, create_token, parse

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<code id="new-token">(gt_[a-z0-9]{8}_[A-Za-z0-9_-]+)</code>')


def test_a_token_made_on_the_page_is_shown_once_and_works(world, login, caplog):
    client = login(world.users["lead"])
    with caplog.at_level(logging.INFO, logger="goldenthread.security"):
        made = client.post("/accounts/api-tokens/", {"name": "Power BI", "scope": "read", "days": "30"})
    assert made.status_code == 200
    token = TOKEN.search(made.content.decode()).group(1)
    prefix, secret = parse(token)
    assert "API token created: username='lead'" in caplog.text and prefix in caplog.text
    assert secret not in caplog.text
    again = client.get("/accounts/api-tokens/").content.decode()
    assert "Power BI" in again and f"gt_{prefix}_…" in again and secret not in again
    assert "Never" in again  # not used yet
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/plans/").status_code == 200
    assert "127.0.0.1" in client.get("/accounts/api-tokens/").content.decode()  # its last use


@pytest.mark.parametrize(
    "form, field, words",
    [
        ({"name": "", "scope": "read", "days": "30"}, "name", "Enter a name"),
        ({"name": "x", "scope": "admin", "days": "30"}, "scope", "Choose whether"),
        ({"name": "x", "scope": "read", "days": "999"}, "days", "from 1 to 366 days"),
        ({"name": "x", "scope": "read", "days": "soon"}, "days", "whole number of days"),
    ],
)
def test_bad_input_is_refused_by_field_and_makes_nothing(world, login, form, field, words):
    response = login(world.users["lead"]).post("/accounts/api-tokens/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and f'href="#token-{field}"' in page
    assert ApiToken.objects.count() == 0


def test_revoking_asks_first_then_revokes_and_logs(world, login, caplog):
    new = create_token(world.users["lead"], name="old feed", scope="write")
    client = login(world.users["lead"])
    address = f"/accounts/api-tokens/{new.token.prefix}/revoke/"
    asked = client.get(address)
    assert asked.status_code == 200 and "Revoke the token" in asked.content.decode()
    assert ApiToken.objects.get(pk=new.token.pk).revoked is None
    with caplog.at_level(logging.INFO, logger="goldenthread.security"):
        done = client.post(address, follow=True)
    assert "was revoked" in done.content.decode()
    assert ApiToken.objects.get(pk=new.token.pk).revoked is not None
    assert "API token revoked: username='lead'" in caplog.text
    assert Client(headers={"Authorization": f"Bearer {new.text}"}).get("/api/v1/plans/").status_code == 401


def test_nobody_sees_or_revokes_another_persons_token(world, login):
    theirs = create_token(world.users["lead"], name="lead's feed", scope="read")
    client = login(world.users["other_lead"])
    assert "lead&#x27;s feed" not in client.get("/accounts/api-tokens/").content.decode()
    assert client.post(f"/accounts/api-tokens/{theirs.token.prefix}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked is None


def test_the_page_needs_signing_in(world):
    response = Client().get("/accounts/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_header_links_to_the_page(world, login):
    assert 'href="/accounts/api-tokens/"' in login(world.users["norole"]).get("/").content.decode()


def test_the_schema_is_for_signed_in_people_and_token_holders(world, login):
    assert Client().get("/api/v1/openapi.json").status_code == 401
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    schema = login(world.users["norole"]).get("/api/v1/openapi.json").json()
    token = create_token(world.users["norole"], name="schema", scope="read").text
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/openapi.json").json() == schema
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert any(s.get("in") == "cookie" and s.get("name") == "sessionid" for s in schemes.values())
    page = login(world.users["norole"]).get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.content
    assert b"https://" not in page.content  # nothing from another host


def test_a_session_waiting_for_its_second_factor_gets_json_401_from_the_api(world, login, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.GOLDENTHREAD_OTP = "optional"
    user = world.users["norole"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = login(user)  # signed in with the password only: no code given in this session
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert "authenticator app" in response.json()["detail"]
    assert client.get("/").status_code == 302  # a page still goes to the code page
