"""The second factor's pages: entering the code after the password, and setting up an
authenticator app (:mod:`goldenthread.accounts.second_factor`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from goldenthread.accounts import second_factor
from goldenthread.accounts.otp_config import OFF
from goldenthread.presenters import params
from goldenthread.web.second_factor import ENROL, VERIFY, is_admin


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the page asked for, if it is on this site; else the home page."""
    wanted = request.POST.get("next") or params.of(request).raw("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return str(settings.LOGIN_REDIRECT_URL)


def _to(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code page, after the password: "Enter the 6-digit code from your authenticator app"."""
    user = request.user
    device = second_factor.confirmed_device(user) if second_factor.takes_part(user) else None
    if device is None:
        return _to(ENROL, request) if _must_enrol(user) else redirect(_next(request))
    if second_factor.verified(user):
        return redirect(_next(request))
    return _code_page(request, device, "sign-in", second_factor.mark_verified, "registration/otp_verify.html", dict)


def _must_enrol(user) -> bool:
    return second_factor.required_for_admins() and second_factor.takes_part(user) and is_admin(user)


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its secret as text and as a QR code, then a first code."""
    user: Any = request.user
    if second_factor.mode() == OFF:
        raise Http404("The second factor at sign-in is switched off here.")
    template = "registration/otp_enrol.html"
    if not user.has_usable_password():  # single sign-on: the organisation's provider asks for it
        return render(request, template, {"organisation_account": True})
    if second_factor.confirmed_device(user) is not None:
        if not second_factor.verified(user):
            return _to(VERIFY, request)
        return render(request, template, {"set_up": True})
    device = second_factor.pending_device(user)

    def showing_the_key() -> dict:
        uri = device.config_url
        qr = second_factor.qr_data_uri(uri)
        return {"secret": second_factor.secret(device), "uri": uri, "qr": qr, "required": _must_enrol(user)}

    return _code_page(request, device, "set-up", second_factor.confirm, template, showing_the_key)


def _code_page(
    request: HttpRequest, device, purpose: str, accept: Callable, template: str, context: Callable[[], dict]
) -> HttpResponse:
    """A page that asks for a code: a right one is ``accept``-ed and the person goes on to the page
    they asked for; otherwise the page (again, with what was wrong)."""
    problem = ""
    if request.method == "POST":
        outcome = second_factor.check(request, device, request.POST.get("code", ""), purpose=purpose)
        if outcome.accepted:
            accept(request, device)
            return redirect(_next(request))
        problem = outcome.problem
    shown = {**context(), "problem": problem, "next": _next(request)}
    return render(request, template, shown, status=400 if problem else 200)
