"""Single sign-on with OpenID Connect (authorisation code flow with PKCE) through
mozilla-django-oidc: the provider's endpoints (discovered once per issuer and kept), the
authentication backend, and setting a person's roles and memberships from their claims on every
sign-in. Configured from the environment by :mod:`goldenthread.access.sso_config`; off when
``settings.GOLDENTHREAD_OIDC`` is None.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from goldenthread.access import roles
from goldenthread.access.sso_config import ClaimsRefused, OIDCConfig, Person, check_id_token, person_from_claims
from goldenthread.accounts.models import Membership
from goldenthread.audit.records import acting_as
from goldenthread.plans import models as pm

log = logging.getLogger("goldenthread.sso")

CALLBACK_URL_NAME = "sso-callback"
#: the request attribute that carries why a sign-in was refused to the callback's error page
REFUSAL = "goldenthread_sso_refusal"


def config() -> OIDCConfig | None:
    return getattr(settings, "GOLDENTHREAD_OIDC", None)


def password_sign_in() -> bool:
    return bool(getattr(settings, "GOLDENTHREAD_PASSWORD_SIGN_IN", True))


# --- the provider's endpoints -----------------------------------------------------------------


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read; the message says what to do."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str
    end_session: str


_discovered: dict[str, dict] = {}
_discovery_lock = threading.Lock()


def _discover(cfg: OIDCConfig) -> dict:
    url = f"{cfg.issuer}/.well-known/openid-configuration"
    with _discovery_lock:
        if cfg.issuer in _discovered:
            return _discovered[cfg.issuer]
        try:
            response = requests.get(url, timeout=cfg.timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.error("single sign-on: could not read %s: %s", url, exc)
            raise ProviderUnavailable(
                "The organisation sign-in service could not be reached. Try again in a few minutes; "
                "if it keeps happening, tell your IT service desk."
            ) from exc
        if str(document.get("issuer", "")).rstrip("/") != cfg.issuer:
            log.error("single sign-on: %s names the issuer %r, not %r", url, document.get("issuer"), cfg.issuer)
            raise ProviderUnavailable(
                "The organisation sign-in service is not set up as this service expects (its issuer "
                "does not match GOLDENTHREAD_OIDC_ISSUER). Tell your IT service desk."
            )
        _discovered[cfg.issuer] = document
        return document


def endpoints(cfg: OIDCConfig | None = None) -> Endpoints:
    """The provider's endpoints: those set in the environment, the rest discovered (once)."""
    cfg = cfg or config()
    if cfg is None:
        raise ProviderUnavailable("Single sign-on is not configured here.")
    found = dict(cfg.endpoints)
    if not {"authorization_endpoint", "token_endpoint", "jwks_uri"} <= found.keys():
        found = {**_discover(cfg), **found}
    return Endpoints(
        authorization=found.get("authorization_endpoint", ""),
        token=found.get("token_endpoint", ""),
        userinfo=found.get("userinfo_endpoint", ""),
        jwks=found.get("jwks_uri", ""),
        end_session=found.get("end_session_endpoint", ""),
    )


def _endpoint(name: str) -> str:
    try:
        return getattr(endpoints(), name)
    except ProviderUnavailable:
        return ""  # the sign-in views show the problem when someone uses them


_ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization",
    "OIDC_OP_TOKEN_ENDPOINT": "token",
    "OIDC_OP_USER_ENDPOINT": "userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "jwks",
}


def library_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, from our configuration (read at call time, so a changed
    ``settings.GOLDENTHREAD_OIDC`` takes effect at once); anything else from Django's settings."""
    cfg = config()
    if cfg is None and (name in _ENDPOINT_SETTINGS or name.startswith("OIDC_RP_")):
        return ""  # single sign-on is off: its views answer 404 before using these
    if cfg is not None:
        if name in _ENDPOINT_SETTINGS:
            return _endpoint(_ENDPOINT_SETTINGS[name])
        fixed = {
            "OIDC_RP_CLIENT_ID": cfg.client_id,
            "OIDC_RP_CLIENT_SECRET": cfg.client_secret,
            "OIDC_RP_SCOPES": cfg.scopes,
            "OIDC_RP_SIGN_ALGO": cfg.sign_algo,
            "OIDC_TIMEOUT": cfg.timeout,
            "OIDC_USE_PKCE": True,
            "OIDC_STORE_ID_TOKEN": True,  # the hint for the provider's sign-out
            "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
            "OIDC_CREATE_USER": True,
        }
        if name in fixed:
            return fixed[name]
    return import_from_settings(name, *default)


# --- the backend ------------------------------------------------------------------------------


class Backend(OIDCAuthenticationBackend):
    """Signs people in with the provider's ID token and user info; the account is the one named by
    the configured stable claim, and its roles and memberships are set from the claims every time."""

    get_settings = staticmethod(library_setting)

    def authenticate(self, request, **kwargs):
        if config() is None or request is None or "code" not in request.GET:
            return None  # a password sign-in, or single sign-on is off
        return super().authenticate(request, **kwargs)

    def _refuse(self, reason: str) -> SuspiciousOperation:
        setattr(self.request, REFUSAL, reason)
        return SuspiciousOperation(reason)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        cfg = config()
        if kwargs.get("nonce") is not None and cfg is not None:  # the ID token, not signed user info
            try:
                check_id_token(payload, cfg)
            except ClaimsRefused as exc:
                raise self._refuse(str(exc)) from exc
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (where Entra ID puts roles, groups and oid), completed by the
        user info endpoint's when the provider has one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise self._refuse("The sign-in service returned details of a different person.")
            claims = {**info, **payload}
        return claims

    def verify_claims(self, claims) -> bool:
        cfg = config()
        assert cfg is not None
        try:
            self._person = person_from_claims(claims, cfg)
        except ClaimsRefused as exc:
            raise self._refuse(str(exc)) from exc
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._person.username)

    def create_user(self, claims):
        user = self.UserModel(username=self._person.username)
        user.set_unusable_password()  # an organisation account never signs in with a password
        user.save()
        log.info("single sign-on: new account %s", user.username)
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if user.has_usable_password():
            raise self._refuse(
                f"An account named “{user.username}” already exists here for password sign-in, so your "
                "organisation account cannot take it over. Ask an administrator to link the two."
            )
        if not user.is_active:
            raise self._refuse("Your account here has been switched off. Ask an administrator.")
        apply(user, self._person)
        return user


# --- roles and memberships from the claims ----------------------------------------------------


def _memberships(person: Person) -> tuple[set[tuple[int, int | None]], list[str]]:
    """The (plan id, unit id) pairs ``person``'s claims name, and the references that name no
    plan or unit here."""
    wanted, unknown = set(), []
    plans = {p.code: p for p in pm.Plan.objects.filter(code__in={plan for plan, _ in person.units})}
    for plan_code, unit_code in sorted(person.units, key=lambda pair: (pair[0], pair[1] or "")):
        plan = plans.get(plan_code)
        unit = pm.OrgUnit.objects.filter(plan=plan, code=unit_code).first() if plan and unit_code else None
        if plan is None or (unit_code and unit is None):
            unknown.append(f"{plan_code}:{unit_code}" if unit_code else plan_code)
            continue
        wanted.add((plan.pk, unit.pk if unit else None))
    return wanted, unknown


def apply(user, person: Person) -> None:
    """Make ``user``'s names, roles and memberships exactly what ``person`` (their claims) says:
    roles and memberships granted and revoked to match, each change in the audit trail (the
    memberships' history) and the log."""
    user.first_name, user.last_name, user.email = person.first_name, person.last_name, person.email
    user.is_staff = roles.ADMINISTRATOR in person.roles  # the administration site follows the role
    user.save()
    managed = set(roles.GROUPS.values())
    before = {g for g in user.groups.values_list("name", flat=True) if g in managed}
    after = {roles.GROUPS[r] for r in person.roles}
    wanted, unknown = _memberships(person)
    current = {(m.plan_id, m.org_unit_id): m for m in Membership.objects.filter(user=user)}
    with acting_as(user):
        for name in sorted(before - after):
            user.groups.remove(Group.objects.get(name=name))
        for role in sorted(person.roles):
            roles.grant(user, role)
        for key in sorted(current.keys() - wanted, key=str):
            current[key].delete()
        for plan_id, unit_id in sorted(wanted - current.keys(), key=str):
            Membership.objects.create(user=user, plan_id=plan_id, org_unit_id=unit_id)
    if before != after or wanted != current.keys():
        log.warning(
            "single sign-on: %s roles %s -> %s, memberships %s -> %s",
            user.username,
            sorted(before),
            sorted(after),
            sorted(current.keys(), key=str),
            sorted(wanted, key=str),
        )
    for reference in [*person.ignored, *unknown]:
        log.warning("single sign-on: %s: %s matches no role, plan or unit here", user.username, reference)
    if hasattr(user, "_goldenthread_person"):
        del user._goldenthread_person


def end_session_origin(request) -> str:
    """The origin (scheme://host:port) of the provider's sign-out, if signing out goes there."""
    url = end_session_url(request, "")
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def end_session_url(request, after: str) -> str:
    """Where to send someone signing out so the provider ends its session too (when it
    advertises an ``end_session_endpoint`` and they signed in with it); else ``after``."""
    cfg = config()
    id_token = request.session.get("oidc_id_token")
    if cfg is None or not id_token:
        return after
    try:
        end_session = endpoints(cfg).end_session
    except ProviderUnavailable:
        return after
    if not end_session:
        return after
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": cfg.client_id})
    return f"{end_session}?{query}"
