"""Everyone's API tokens on the admin site: listed by their prefix (the secret's hash never
shown), revoked by an administrator with the list's action (recorded in the security log), and
not by a staff member who may only view them."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from goldenthread.accounts.api_tokens import ApiToken, create_token

pytestmark = pytest.mark.django_db

LIST = "/admin/accounts/apitoken/"


@pytest.fixture
def tokens():
    users = get_user_model().objects
    alice = users.create_user("alice", password="a-long-password")
    return [create_token(alice, name=name, scope="read").token for name in ("Power BI", "<b>nightly</b>")]


def test_an_administrator_lists_everyones_tokens_without_their_hashes(client, tokens):
    root = get_user_model().objects.create_superuser("root", password="a-long-password")
    client.force_login(root)
    page = client.get(LIST).content.decode()
    for token in tokens:
        assert f"gt_{token.prefix}_…" in page and token.secret_hash not in page
    assert "&lt;b&gt;nightly&lt;/b&gt;" in page and "<b>nightly</b>" not in page
    detail = client.get(f"{LIST}{tokens[0].pk}/change/").content.decode()
    assert tokens[0].secret_hash not in detail
    assert client.post(f"{LIST}{tokens[0].pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_administrator_revokes_selected_tokens_and_the_log_says_who(client, tokens, caplog):
    root = get_user_model().objects.create_superuser("root", password="a-long-password")
    client.force_login(root)
    chosen = [str(tokens[0].pk)]
    with caplog.at_level(logging.INFO):
        response = client.post(LIST, {"action": "revoke", "_selected_action": chosen}, follow=True)
    assert "1 token revoked" in response.content.decode()
    states = {t.prefix: t.state() for t in ApiToken.objects.all()}
    assert states == {tokens[0].prefix: "revoked", tokens[1].prefix: "active"}
    logged = [r.getMessage() for r in caplog.records if "API token revoked" in r.getMessage()]
    assert len(logged) == 1 and "'alice'" in logged[0] and "by='root'" in logged[0], logged
    again = client.post(LIST, {"action": "revoke", "_selected_action": chosen}, follow=True)
    assert "0 tokens revoked" in again.content.decode()


def test_staff_who_may_only_view_tokens_cannot_revoke_them(client, tokens):
    staff = get_user_model().objects.create_user("clerk", password="a-long-password", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(staff)
    page = client.get(LIST)
    assert page.status_code == 200 and "Revoke the selected tokens" not in page.content.decode()
    client.post(LIST, {"action": "revoke", "_selected_action": [str(tokens[0].pk)]})
    assert ApiToken.objects.get(pk=tokens[0].pk).state() == "active"
