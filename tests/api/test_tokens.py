"""Personal API tokens: made by ``goldenthread token create`` (printed once, only its hash kept),
accepted as a bearer token with the owner's access rules, refused when unknown, revoked, expired
or its owner inactive, read-only unless made read-write; and the rate limit per token."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from goldenthread.accounts.api_tokens import ApiToken, create_token, digest, parse
from goldenthread.cli.main import main

from ..conftest import PROJECT

pytestmark = pytest.mark.django_db


def cli_token(capsys, *args: str) -> str:
    """A token made by the real command, captured from its standard output (only the token)."""
    assert main(["token", "create", *args]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip()


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_command_made_token_lists_the_plans_and_only_its_hash_is_kept(world, capsys):
    token = cli_token(capsys, "norole", "--scope", "read", "--name", "Power BI")
    prefix, secret = parse(token)
    stored = ApiToken.objects.get(prefix=prefix)
    assert (stored.user, stored.name, stored.scope) == (world.users["norole"], "Power BI", "read")
    assert stored.secret_hash == digest(secret) and secret not in stored.secret_hash
    assert timedelta(days=89) < stored.expires - timezone.now() <= timedelta(days=90)
    response = bearer(token).get("/api/v1/plans/")
    assert response.status_code == 200, response.content
    assert sorted(p["code"] for p in response.json()["items"]) == sorted([world.plan.code, world.other_plan.code])
    stored.refresh_from_db()
    assert stored.last_used is not None and stored.last_used_from == "127.0.0.1"


def test_without_a_token_401_with_what_to_do(world):
    response = Client().get("/api/v1/plans/")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"] and response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "spoil, words",
    [
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "not valid"),  # a wrong secret
        (lambda t: "gt_zzzzzzzz_" + t.rpartition("_")[2], "not valid"),  # an unknown prefix
        (lambda t: "not-a-token", "not valid"),
    ],
)
def test_a_wrong_or_unknown_token_is_401(world, spoil, words):
    new = create_token(world.users["norole"], name="script", scope="read")
    response = bearer(spoil(new.text)).get("/api/v1/plans/")
    assert response.status_code == 401
    assert words in response.json()["detail"]


def test_a_revoked_token_is_401_and_says_so(world, capsys, caplog):
    token = cli_token(capsys, "norole", "--scope", "read")
    prefix = parse(token)[0]
    with caplog.at_level(logging.INFO, logger="goldenthread.security"):
        assert main(["token", "revoke", prefix]) == 0
    assert "API token revoked: username='norole'" in caplog.text and prefix in caplog.text
    response = bearer(token).get("/api/v1/plans/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"] and prefix in response.json()["detail"]


def test_an_expired_token_is_401_and_says_so(world):
    new = create_token(world.users["norole"], name="script", scope="read", days=1)
    ApiToken.objects.filter(pk=new.token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    response = bearer(new.text).get("/api/v1/plans/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_an_inactive_owners_token_is_401(world):
    user = world.users["norole"]
    new = create_token(user, name="script", scope="read")
    user.is_active = False
    user.save()
    assert bearer(new.text).get("/api/v1/plans/").status_code == 401


def test_a_read_token_cannot_post_a_write_token_passes_the_scope_check(world, capsys):
    url = f"/api/v1/plans/{world.plan.code}/observations/?dry_run=true"
    read = cli_token(capsys, "admin", "--scope", "read")
    response = bearer(read).post(url, [], content_type="application/json")
    assert response.status_code == 403, response.content
    assert "read-write" in response.json()["detail"]
    write = cli_token(capsys, "admin", "--scope", "write")
    response = bearer(write).post(url, [], content_type="application/json")
    assert response.status_code != 403 and "read-write" not in response.json().get("detail", ""), response.content


def test_a_token_sees_what_its_owner_sees(world):
    lead = create_token(world.users["lead"], name="lead's script", scope="read").text
    assert bearer(lead).get(f"/api/v1/plans/{world.other_plan.code}/").status_code in (200, 403)
    mine = bearer(lead).get("/api/v1/plans/").json()["items"]
    signed_in = Client()
    signed_in.force_login(world.users["lead"])
    assert mine == signed_in.get("/api/v1/plans/").json()["items"]


def test_last_use_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    new = create_token(world.users["norole"], name="script", scope="read")
    client = bearer(new.text)
    client.get("/api/v1/plans/")
    first = ApiToken.objects.get(pk=new.token.pk).last_used
    client.get("/api/v1/plans/")
    assert ApiToken.objects.get(pk=new.token.pk).last_used == first


@pytest.mark.parametrize(
    "args, words",
    [
        (["token", "create", "nobody-here", "--scope", "read"], "there is no user 'nobody-here'"),
        (["token", "create", "norole", "--scope", "read", "--expires", "400"], "from 1 to 366 days"),
        (["token", "revoke", "zzzzzzzz"], "no token with the prefix 'zzzzzzzz'"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_2(world, capsys, args, words):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert words in captured.err and captured.out == ""
    assert ApiToken.objects.count() == 0


def test_a_bad_scope_is_refused_by_the_command_line(world, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["token", "create", "norole", "--scope", "admin"])
    assert exit.value.code == 2
    assert "invalid choice: 'admin'" in capsys.readouterr().err


def test_token_list_shows_prefixes_never_secrets(world, capsys):
    token = cli_token(capsys, "lead", "--scope", "write", "--name", "Warehouse feed")
    prefix, secret = parse(token)
    assert main(["token", "list", "lead"]) == 0
    out = capsys.readouterr().out
    assert prefix in out and "Warehouse feed" in out and "write" in out and secret not in out


def test_the_rate_limit_is_429_with_retry_after(world, settings):
    settings.GOLDENTHREAD_API_RATE = (3, 60)
    client = bearer(create_token(world.users["norole"], name="busy", scope="read").text)
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/plans/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "3 requests a minute" in refused.json()["detail"]
    # another token, and the same person signed in, count separately
    other = bearer(create_token(world.users["norole"], name="other", scope="read").text)
    assert other.get("/api/v1/plans/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_with_the_demo_a_command_made_token_lists_the_five_seed_plans(monkeypatch, capsys):
    monkeypatch.setenv("GOLDENTHREAD_DEMO_PASSWORD", "demo-password-123")
    assert main(["demo"]) == 0
    capsys.readouterr()
    token = cli_token(capsys, "admin", "--scope", "read", "--name", "demo check")
    body = bearer(token).get("/api/v1/plans/?limit=100").json()
    seeds = sorted(path.stem for path in (PROJECT / "plans").glob("*.yaml"))
    assert len(seeds) == 5
    assert body["count"] == 5
    assert sorted(plan["code"] for plan in body["items"]) == seeds
    assert Client().get("/api/v1/plans/").status_code == 401
