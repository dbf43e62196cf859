"""The "API tokens" page of one's account: make a token (shown once), see one's tokens with their
last use, revoke one after a confirmation. Each action goes to the security log.

A person sees and revokes only their own tokens here: the revoke address names a token by its
prefix and is a 404 for anyone else's. Administrators list and revoke anyone's on the admin site
(``accounts/admin.py``) or with ``goldenthread token list`` and ``goldenthread token revoke``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goldenthread.accounts.api_tokens import (
    DEFAULT_EXPIRY_DAYS,
    MAX_EXPIRY_DAYS,
    ApiToken,
    Scope,
    TokenError,
    create_token,
    expiry_days,
)
from goldenthread.accounts.signin import record
from goldenthread.formatting import date_time

TOKENS_TEMPLATE = "accounts/api_tokens.html"
REVOKE_TEMPLATE = "accounts/api_token_revoke.html"


def _row(token: ApiToken) -> dict:
    used = date_time(token.last_used) if token.last_used else "Never"
    if token.last_used and token.last_used_from:
        used += f" from {token.last_used_from}"
    return {
        "token": token,
        "shown": f"gt_{token.prefix}_…",
        "scope": token.get_scope_display(),
        "created": date_time(token.created),
        "expires": date_time(token.expires) if token.expires else "Never",
        "last_used": used,
        "state": token.state(),
        "revoke": reverse("api-token-revoke", kwargs={"prefix": token.prefix}) if token.state() == "active" else "",
    }


def _read_form(request: HttpRequest) -> tuple[dict, dict[str, str]]:
    """What was sent, and a message for each field that cannot be used (by field name)."""
    sent = {key: request.POST.get(key, "").strip() for key in ("name", "scope", "days")}
    errors: dict[str, str] = {}
    if not sent["name"]:
        errors["name"] = "Enter a name that says what the token is for, for example 'Power BI refresh'"
    elif len(sent["name"]) > 100:
        errors["name"] = f"The name is {len(sent['name'])} characters; use at most 100"
    if sent["scope"] not in Scope.values:
        errors["scope"] = "Choose whether the token may only read, or read and write"
    try:
        expiry_days(sent["days"])
    except TokenError as exc:
        errors["days"] = str(exc).rstrip(".")
    return sent, errors


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The list and the form; a token made is shown once, on the page that answers the form."""
    user: Any = request.user
    sent: dict = {"name": "", "scope": Scope.READ, "days": str(DEFAULT_EXPIRY_DAYS)}
    errors: dict[str, str] = {}
    new = None
    if request.method == "POST":
        sent, errors = _read_form(request)
        if not errors:
            new = create_token(user, name=sent["name"], scope=sent["scope"], days=int(sent["days"]))
            record("API token created", user.get_username(), request, token=new.token.prefix, scope=new.token.scope)
            sent = {"name": "", "scope": Scope.READ, "days": str(DEFAULT_EXPIRY_DAYS)}
    context = {
        "rows": [_row(token) for token in ApiToken.objects.filter(user=user)],
        "new": new,
        "new_row": _row(new.token) if new else None,
        "sent": sent,
        "errors": errors,
        "max_days": MAX_EXPIRY_DAYS,
        "scopes": Scope.choices,
    }
    return render(request, TOKENS_TEMPLATE, context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Are you sure? (GET); revoke it (POST), then back to the list with a message."""
    user: Any = request.user
    token = ApiToken.objects.filter(user=user, prefix=prefix).first()
    if token is None:
        raise Http404(f"You have no API token gt_{prefix}_…; it may belong to someone else or never have existed.")
    if request.method == "POST":
        if token.revoke():
            record("API token revoked", request.user.get_username(), request, token=token.prefix)
            messages.success(request, f"The token '{token.name}' (gt_{token.prefix}_…) was revoked.")
        return redirect("api-tokens")
    return render(request, REVOKE_TEMPLATE, {"row": _row(token)})
