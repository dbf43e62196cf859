"""Who may read the API's schema (``/api/v1/openapi.json``) and its interactive page
(``/api/v1/docs``): anyone signed in, and anyone sending a valid API token — the people who may
call the API at all. The schema names every operation and field, which is no secret from a
caller, but there is no reason to publish the map of the service to everybody on the network.

The page is Swagger UI from django-ninja's own static files (no other host), started by its own
script file (no inline script), so the site's Content-Security-Policy holds unchanged. Someone
not signed in who opens the page is sent to sign in and back; the schema without credentials is
a 401 in JSON, as every API address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from ninja.errors import HttpError

from goldenthread.access.roles import signed_in
from goldenthread.api.auth import TokenAuth

#: how Swagger UI behaves: no call to the public validator service (another host), requests shown
#: with their duration, the schema's operations folded until opened
SWAGGER_SETTINGS = {
    "validatorUrl": None,
    "displayRequestDuration": True,
    "docExpansion": "list",
    "tryItOutEnabled": False,
}
NOT_SIGNED_IN = "Sign in, or send a personal API token as 'Authorization: Bearer <token>'."


def _with_token(request: HttpRequest) -> bool:
    try:
        return TokenAuth()(request) is not None
    except HttpError:
        return False


def schema_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and its page for signed-in people and token holders only."""

    @wraps(view)
    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if signed_in(request.user) or _with_token(request):
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-view":
            return HttpResponseRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
        response = JsonResponse({"detail": NOT_SIGNED_IN}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    return run
