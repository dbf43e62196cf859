"""Signing in and out, with a password and with the organisation's account (OpenID Connect, see
:mod:`goldenthread.access.sso`): the sign-in page, the start and return of the provider's
sign-in, and signing out (of the provider too, when it offers that). Every failure of the
provider's sign-in gets a page that says what happened and what to do — never a stack trace."""

from __future__ import annotations

import logging

import jwt
import requests
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from goldenthread.access import sso
from goldenthread.presenters import params

log = logging.getLogger("goldenthread.sso")

#: what the provider's error codes (OAuth 2.0 and OpenID Connect) mean for the person signing in
PROVIDER_ERRORS = {
    "access_denied": "You did not give consent, or your organisation did not allow you to use this service.",
    "consent_required": "Your organisation account needs consent to be given before you can use this service.",
    "login_required": "You need to sign in to your organisation account first.",
    "interaction_required": "Your organisation account needs you to do something before you can sign in.",
    "unauthorized_client": "Your organisation does not allow this service to use single sign-on.",
    "temporarily_unavailable": "The organisation sign-in service is busy or down for maintenance.",
    "server_error": "The organisation sign-in service had a problem.",
}


def sso_failed(request: HttpRequest, reason: str, *, status: int = 400) -> HttpResponse:
    return render(
        request,
        "registration/sso_failed.html",
        {"reason": reason, "password_sign_in": sso.password_sign_in()},
        status=status,
    )


class SignIn(LoginView):
    """The sign-in page: the organisation account's button when single sign-on is configured, and
    the password form unless ``GOLDENTHREAD_PASSWORD_SIGN_IN=0``."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sso_enabled=sso.config() is not None, password_sign_in=sso.password_sign_in())
        return context

    def post(self, request, *args, **kwargs):
        if not sso.password_sign_in():
            return sso_failed(
                request,
                "Signing in with a username and password is switched off here. Sign in with your organisation account.",
                status=403,
            )
        return super().post(request, *args, **kwargs)


class _WhenConfigured:
    """The provider's pages: mozilla-django-oidc's settings from ours, and a 404 when single
    sign-on is off."""

    get_settings = staticmethod(sso.library_setting)

    def dispatch(self, request, *args, **kwargs):
        if sso.config() is None:
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class Start(_WhenConfigured, OIDCAuthenticationRequestView):
    """Sends the browser to the provider (authorisation code flow with PKCE, state and nonce)."""

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.endpoints().authorization
        except sso.ProviderUnavailable as exc:
            return sso_failed(request, str(exc), status=503)
        return super().get(request)


class Callback(_WhenConfigured, OIDCAuthenticationCallbackView):
    """The provider's answer: signs the person in, or says clearly why not."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            log.warning("single sign-on refused: %s", exc)
            reason = getattr(request, sso.REFUSAL, None) or (
                "This sign-in link has expired or was already used, or it was started in another browser. "
                "Start again from the sign-in page."
            )
            return sso_failed(request, reason)
        except (requests.RequestException, jwt.PyJWTError, sso.ProviderUnavailable, ValueError, KeyError) as exc:
            log.warning("single sign-on failed: %s: %s", type(exc).__name__, exc)
            return sso_failed(
                request,
                "The organisation sign-in service did not confirm who you are (the sign-in may have taken "
                "too long, or the code was already used). Start again from the sign-in page.",
            )

    def login_failure(self):
        request = self.request
        error = params.of(request).text("error")
        if error:
            log.warning("single sign-on: the provider answered %s", error)
            reason = PROVIDER_ERRORS.get(error, f"The organisation sign-in service refused the sign-in ({error}).")
            return sso_failed(request, reason, status=403 if error == "access_denied" else 400)
        reason = getattr(request, sso.REFUSAL, None) or (
            "The sign-in did not complete: this link has expired or was already used, or it was started in "
            "another browser. Start again from the sign-in page."
        )
        return sso_failed(request, reason, status=403 if hasattr(request, sso.REFUSAL) else 400)


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, then at the provider too when the person signed in with it."""
    if request.method == "POST":
        after = request.build_absolute_uri(reverse("login"))
        destination = sso.end_session_url(request, after)
        logout(request)
        return redirect(destination)
    response = render(request, "registration/logout.html", {})
    provider = sso.end_session_origin(request)
    if provider:  # the sign-out form's redirect goes on to the provider: the policy's form-action allows it
        response._csp_update = {"form-action": [provider]}  # type: ignore[attr-defined]  # django-csp's per-response update
    return response
