"""Every page waits for the second factor (:mod:`goldenthread.accounts.second_factor`).

After a correct password, someone with an authenticator app set up is sent to enter its code
before any other page; with ``GOLDENTHREAD_OTP=required-for-admins`` an administrator (or a
superuser) who has none is sent to set one up. Only signing in and out, those two pages and the
single sign-on pages stay open meanwhile. Placed after django-otp's ``OTPMiddleware`` and before
the page policy's middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from goldenthread.access.policy import API_NAMESPACE
from goldenthread.access.roles import person
from goldenthread.accounts import second_factor

VERIFY = "otp-verify"
ENROL = "otp-enrol"
#: the pages open to a signed-in person who has not given their code yet
OPEN_MEANWHILE = frozenset({"login", "logout", "admin:logout", "sso-start", "sso-callback", VERIFY, ENROL})
#: the request attribute the page header reads (a link to set up the second factor when it is on)
MODE = "goldenthread_otp"


def is_admin(user) -> bool:
    return bool(user.is_superuser) or person(user).is_admin


def send_to(name: str, request: HttpRequest) -> HttpResponse:
    """To the code page or the set-up page, and back to the page asked for afterwards."""
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def api_refusal(match, step: str) -> HttpResponse | None:
    """For the API's operations and schema (not its documentation page, which a person opens in the
    browser): a 401 in JSON, not a redirect a script cannot follow."""
    if match is None or match.namespace != API_NAMESPACE or match.url_name == "openapi-view":
        return None
    detail = f"{step} in the browser to finish signing in, or send a personal API token instead."
    return JsonResponse({"detail": detail}, status=401)


class SecondFactorMiddleware:
    """Hold back every page but :data:`OPEN_MEANWHILE` until the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        setattr(request, MODE, second_factor.mode())
        user = request.user
        if not second_factor.takes_part(user) or second_factor.verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_MEANWHILE:
            return None
        if second_factor.confirmed_device(user) is not None:
            return api_refusal(match, "Enter the code from your authenticator app") or send_to(VERIFY, request)
        if second_factor.required_for_admins() and is_admin(user):
            return api_refusal(match, "Set up two-step sign-in") or send_to(ENROL, request)
        return None
