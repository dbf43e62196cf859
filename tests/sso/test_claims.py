"""Single sign-on's configuration from the environment and the mapping of claims to roles and
memberships (granted and revoked to match, in the audit trail)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from goldenthread.access import roles, sso
from goldenthread.access.sso_config import (
    PASSWORD_BACKEND,
    ROLE_NAMES,
    SSO_BACKEND,
    ClaimsRefused,
    OIDCConfig,
    backends,
    check_id_token,
    from_environment,
    password_sign_in,
    person_from_claims,
)
from goldenthread.accounts.models import Membership
from goldenthread.audit.records import history_model

from ..factories import plan_with_data

ENV = {
    "GOLDENTHREAD_OIDC_ISSUER": "https://login.example.org/tenant/v2.0/",
    "GOLDENTHREAD_OIDC_CLIENT_ID": "client",
    "GOLDENTHREAD_OIDC_CLIENT_SECRET": "secret",
    "GOLDENTHREAD_OIDC_USERNAME_CLAIM": "oid",
    "GOLDENTHREAD_OIDC_ROLE_CLAIM": "roles",
    "GOLDENTHREAD_OIDC_ROLE_MAP": "GT.Planning=planning, GT.Lead=lead,GT.Board=board",
    "GOLDENTHREAD_OIDC_UNIT_CLAIM": "groups",
    "GOLDENTHREAD_OIDC_UNIT_MAP": "guid-north=t:north,guid-plan=t",
}
CONFIG = from_environment(ENV)


def test_the_role_names_are_the_products_roles():
    assert set(ROLE_NAMES) == set(roles.GROUPS)


def test_unset_issuer_is_off_and_changes_nothing():
    assert from_environment({}) is None
    assert password_sign_in({}, None) is True
    assert backends([PASSWORD_BACKEND], True, None) == [PASSWORD_BACKEND]


def test_configuration_from_the_environment():
    assert CONFIG is not None
    assert CONFIG.issuer == "https://login.example.org/tenant/v2.0"
    assert CONFIG.scopes == "openid email profile"
    assert CONFIG.role_map == {"GT.Planning": "planning", "GT.Lead": "lead", "GT.Board": "board"}
    assert CONFIG.unit_map == {"guid-north": "t:north", "guid-plan": "t"}
    env = {**ENV, "GOLDENTHREAD_PASSWORD_SIGN_IN": "0"}
    assert password_sign_in(env, CONFIG) is False
    assert backends(["axes.backends.AxesStandaloneBackend", PASSWORD_BACKEND], False, CONFIG) == [
        "axes.backends.AxesStandaloneBackend",
        SSO_BACKEND,
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"GOLDENTHREAD_OIDC_CLIENT_SECRET": ""}, "GOLDENTHREAD_OIDC_CLIENT_SECRET not set"),
        ({"GOLDENTHREAD_OIDC_ROLE_MAP": "GT.Admin=admin"}, "names the role “admin”, which does not exist"),
        ({"GOLDENTHREAD_OIDC_ROLE_MAP": "GT.Admin"}, "is not a claim value=target pair"),
        ({"GOLDENTHREAD_OIDC_ISSUER": "http://idp.example.org"}, "must be an https:// URL"),
    ],
)
def test_bad_configuration_says_what_to_set(change, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        from_environment({**ENV, **change})


def test_password_sign_in_cannot_be_switched_off_without_single_sign_on():
    with pytest.raises(ImproperlyConfigured, match="nobody could sign in"):
        password_sign_in({"GOLDENTHREAD_PASSWORD_SIGN_IN": "0"}, None)


def test_claims_map_to_roles_and_units():
    claims = {
        "oid": "00000000-aaaa",
        "email": "pat@example.nhs.uk",
        "name": "Pat Jones",
        "roles": ["GT.Lead", "Something.Else"],
        "groups": ["guid-north", "guid-unknown"],
    }
    person = person_from_claims(claims, CONFIG)
    assert person.username == "00000000-aaaa"
    assert (person.first_name, person.last_name, person.email) == ("Pat", "Jones", "pat@example.nhs.uk")
    assert person.roles == {"lead"}
    assert person.units == {("t", "north")}
    assert person.ignored == ("roles=Something.Else", "groups=guid-unknown")
    # without a unit map, the claim's values are plan:unit references themselves
    plain = OIDCConfig("https://i", "c", "s", unit_claim="units", role_claim="roles", role_map={"A": "board"})
    assert person_from_claims({"sub": "x", "units": "t:south", "roles": "A"}, plain).units == {("t", "south")}
    assert person_from_claims({"sub": "x", "units": ["t"], "roles": "A"}, plain).roles == {"board"}


def test_claims_without_the_username_claim_are_refused():
    with pytest.raises(ClaimsRefused, match="did not send the “oid” claim"):
        person_from_claims({"sub": "x"}, CONFIG)


def test_an_id_token_for_another_issuer_or_application_is_refused():
    check_id_token({"iss": CONFIG.issuer, "aud": ["client", "other"]}, CONFIG)
    with pytest.raises(ClaimsRefused, match="different identity provider"):
        check_id_token({"iss": "https://evil.example.org", "aud": "client"}, CONFIG)
    with pytest.raises(ClaimsRefused, match="different application"):
        check_id_token({"iss": CONFIG.issuer, "aud": "another-client"}, CONFIG)


@pytest.mark.django_db
def test_roles_and_memberships_are_granted_and_revoked_to_match_the_claims(caplog):
    plan = plan_with_data()
    north = plan.org_units.get(code="north")
    user = get_user_model().objects.create_user("00000000-aaaa")
    user.set_unusable_password()
    roles.grant(user, roles.BOARD)  # a role the claims no longer give
    first = {"oid": "00000000-aaaa", "roles": ["GT.Lead", "GT.Planning"], "groups": ["guid-north", "guid-plan"]}
    sso.apply(user, person_from_claims(first, CONFIG))
    person = roles.person(user)
    assert person.roles == {roles.LEAD, roles.PLANNING_TEAM}
    assert person.planning_plan_ids == {plan.pk}
    assert north.pk in person.unit_ids
    assert set(Membership.objects.filter(user=user).values_list("org_unit__code", flat=True)) == {"north", None}

    second = {"oid": "00000000-aaaa", "roles": ["GT.Board"], "groups": ["guid-plan", "t:nowhere"]}
    sso.apply(user, person_from_claims(second, CONFIG))
    person = roles.person(user)
    assert person.roles == {roles.BOARD}
    assert list(Membership.objects.filter(user=user).values_list("org_unit", flat=True)) == [None]
    # the trail: the north membership created and deleted, both by the person signing in
    trail = history_model(Membership).objects.filter(org_unit_id=north.pk).order_by("history_date")
    assert [(h.history_type, h.history_username) for h in trail] == [("+", user.username), ("-", user.username)]
    assert "roles ['Board members'] -> ['Directorate and region leads', 'Planning team']" in caplog.text
