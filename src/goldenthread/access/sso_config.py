"""Single sign-on with OpenID Connect: its settings read from the environment, and the mapping of
a provider's claims to a person here. Plain data and functions, no Django models, so the settings
module can read the environment at start-up and tests can map claims without a database.

The environment (see docs/security.md, "Single sign-on"):

GOLDENTHREAD_OIDC_ISSUER          the provider's issuer URL; unset: single sign-on is off
GOLDENTHREAD_OIDC_CLIENT_ID       this application's client id at the provider
GOLDENTHREAD_OIDC_CLIENT_SECRET   its client secret
GOLDENTHREAD_OIDC_SCOPES          default "openid email profile"
GOLDENTHREAD_OIDC_USERNAME_CLAIM  the stable claim that names the account (default "sub"; "oid"
                                  for Microsoft Entra ID)
GOLDENTHREAD_OIDC_ROLE_CLAIM      the claim listing roles or groups, e.g. "roles" or "groups"
GOLDENTHREAD_OIDC_ROLE_MAP        claim value=role pairs, comma-separated, e.g.
                                  "GoldenThread.Planning=planning,GoldenThread.Board=board"
GOLDENTHREAD_OIDC_UNIT_CLAIM      the claim listing org-unit memberships as plan:unit ("nhsei-2019:medical")
                                  or plan (the whole plan, for the planning team)
GOLDENTHREAD_OIDC_UNIT_MAP        optional claim value=plan:unit pairs (e.g. Entra group ids)
GOLDENTHREAD_OIDC_<ENDPOINT>      AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, USERINFO_ENDPOINT, JWKS_URI,
                                  END_SESSION_ENDPOINT: instead of discovery from
                                  <issuer>/.well-known/openid-configuration
GOLDENTHREAD_OIDC_SIGN_ALGO       the ID token's signing algorithm (default RS256)
GOLDENTHREAD_PASSWORD_SIGN_IN     0 to switch password sign-in off (needs the issuer set)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

#: the product's roles (goldenthread.access.roles; a test keeps the two lists the same)
ROLE_NAMES = ("administrator", "planning", "lead", "contributor", "board")
ENDPOINT_NAMES = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint")
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
SSO_BACKEND = "goldenthread.access.sso.Backend"
_PREFIX = "GOLDENTHREAD_OIDC_"


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    username_claim: str = "sub"
    role_claim: str = ""
    role_map: Mapping[str, str] = field(default_factory=dict)
    unit_claim: str = ""
    unit_map: Mapping[str, str] = field(default_factory=dict)
    endpoints: Mapping[str, str] = field(default_factory=dict)
    sign_algo: str = "RS256"
    timeout: float = 10.0


def _pairs(name: str, text: str) -> dict[str, str]:
    """``a=b,c=d`` as a dict; a pair without ``=`` is a configuration error that says where."""
    result = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(
                f"{name}: “{item.strip()}” is not a claim value=target pair; write e.g. "
                f"“GoldenThread.Planning=planning,GoldenThread.Board=board”."
            )
        result[key.strip()] = value.strip()
    return result


def _role_map(env: Mapping[str, str]) -> dict[str, str]:
    name = _PREFIX + "ROLE_MAP"
    mapping = _pairs(name, env.get(name, ""))
    for value, role in mapping.items():
        if role not in ROLE_NAMES:
            raise ImproperlyConfigured(
                f"{name}: “{value}={role}” names the role “{role}”, which does not exist; "
                f"use one of {', '.join(ROLE_NAMES)}."
            )
    return mapping


def from_environment(env: Mapping[str, str]) -> OIDCConfig | None:
    """The single sign-on settings, or None when ``GOLDENTHREAD_OIDC_ISSUER`` is unset (off)."""
    issuer = env.get(_PREFIX + "ISSUER", "").strip().rstrip("/")
    if not issuer:
        return None
    missing = [_PREFIX + n for n in ("CLIENT_ID", "CLIENT_SECRET") if not env.get(_PREFIX + n, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            f"Single sign-on is on (GOLDENTHREAD_OIDC_ISSUER={issuer}) but {' and '.join(missing)} "
            "not set: set them to the values your identity provider gave this application."
        )
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ImproperlyConfigured(
            f"GOLDENTHREAD_OIDC_ISSUER={issuer}: the issuer must be an https:// URL "
            "(plain http only on this machine, for tests)."
        )
    endpoints = {
        n: env[_PREFIX + n.upper()].strip() for n in ENDPOINT_NAMES if env.get(_PREFIX + n.upper(), "").strip()
    }
    return OIDCConfig(
        issuer=issuer,
        client_id=env[_PREFIX + "CLIENT_ID"].strip(),
        client_secret=env[_PREFIX + "CLIENT_SECRET"].strip(),
        scopes=env.get(_PREFIX + "SCOPES", "").strip() or "openid email profile",
        username_claim=env.get(_PREFIX + "USERNAME_CLAIM", "").strip() or "sub",
        role_claim=env.get(_PREFIX + "ROLE_CLAIM", "").strip(),
        role_map=_role_map(env),
        unit_claim=env.get(_PREFIX + "UNIT_CLAIM", "").strip(),
        unit_map=_pairs(_PREFIX + "UNIT_MAP", env.get(_PREFIX + "UNIT_MAP", "")),
        endpoints=endpoints,
        sign_algo=env.get(_PREFIX + "SIGN_ALGO", "").strip() or "RS256",
    )


def password_sign_in(env: Mapping[str, str], config: OIDCConfig | None) -> bool:
    """Whether password sign-in is on (``GOLDENTHREAD_PASSWORD_SIGN_IN``, default 1)."""
    on = env.get("GOLDENTHREAD_PASSWORD_SIGN_IN", "1").strip() != "0"
    if not on and config is None:
        raise ImproperlyConfigured(
            "GOLDENTHREAD_PASSWORD_SIGN_IN=0 switches password sign-in off, but single sign-on is not "
            "configured (GOLDENTHREAD_OIDC_ISSUER is unset), so nobody could sign in: set the issuer "
            "or leave password sign-in on."
        )
    return on


def backends(current: list[str], password: bool, config: OIDCConfig | None) -> list[str]:
    """``AUTHENTICATION_BACKENDS`` with single sign-on added and password sign-in taken out as
    configured (other backends, such as a throttling one, stay where they are)."""
    result = [b for b in current if password or b != PASSWORD_BACKEND]
    if config is not None and SSO_BACKEND not in result:
        result.append(SSO_BACKEND)
    return result


# --- claims -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who a provider's claims say someone is: their account, names, roles and memberships
    (plan code, unit code or None for the whole plan)."""

    username: str
    email: str
    first_name: str
    last_name: str
    roles: frozenset[str]
    units: frozenset[tuple[str, str | None]]
    ignored: tuple[str, ...] = ()


class ClaimsRefused(Exception):
    """The claims cannot make an account here; the message says why, for the person signing in."""


def _values(claims: Mapping, name: str) -> list[str]:
    if not name:
        return []
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _unit(reference: str) -> tuple[str, str | None]:
    plan, _, unit = reference.partition(":")
    return plan.strip(), (unit.strip() or None)


def _names(claims: Mapping) -> tuple[str, str]:
    first, last = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).rpartition(" ")
        if not first:
            first, last = last, ""
    return first[:150], last[:150]


def person_from_claims(claims: Mapping, config: OIDCConfig) -> Person:
    """The account, names, roles and memberships ``claims`` give; values the maps do not know are
    listed in ``ignored`` (never an error: the person signs in with the roles that are known)."""
    username = claims.get(config.username_claim)
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        raise ClaimsRefused(
            f"Your organisation account did not send the “{config.username_claim}” claim this service "
            "uses to recognise you. Ask your IT service desk to check the single sign-on set-up."
        )
    ignored = []
    roles = set()
    for value in _values(claims, config.role_claim):
        if value in config.role_map:
            roles.add(config.role_map[value])
        else:
            ignored.append(f"{config.role_claim}={value}")
    units = set()
    for value in _values(claims, config.unit_claim):
        reference = config.unit_map.get(value, value if not config.unit_map else "")
        if reference and _unit(reference)[0]:
            units.add(_unit(reference))
        else:
            ignored.append(f"{config.unit_claim}={value}")
    first, last = _names(claims)
    email = claims.get("email")
    return Person(
        username=username.strip(),
        email=email[:254] if isinstance(email, str) else "",
        first_name=first,
        last_name=last,
        roles=frozenset(roles),
        units=frozenset(units),
        ignored=tuple(ignored),
    )


def check_id_token(payload: Mapping, config: OIDCConfig) -> None:
    """The ID token was issued by our issuer, for us (OpenID Connect Core 3.1.3.7, 2 and 3)."""
    if str(payload.get("iss", "")).rstrip("/") != config.issuer:
        raise ClaimsRefused("The sign-in came from a different identity provider than the one configured.")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if config.client_id not in audiences:
        raise ClaimsRefused("The sign-in was issued for a different application.")
