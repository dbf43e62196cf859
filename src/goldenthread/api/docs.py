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
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger

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


class DocsPage(Swagger):
    """django-ninja's Swagger UI page with the page's language and goldenthread's contrast fixes
    (the template goldenthread/web/templates/api/swagger.html, goldenthread/api-docs.css)."""

    template = "api/swagger.html"


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


#: the answers every operation may give whatever it does: no (or a refused) caller, and too many requests
COMMON_RESPONSES = {
    "401": "Not signed in, or the API token is unknown, revoked or expired (the detail says which)",
    "429": "Too many requests from this token or person (GOLDENTHREAD_API_RATE): wait Retry-After seconds",
}
DETAIL_SCHEMA = {
    "title": "Detail",
    "description": "An error: what went wrong and what to do.",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}


def with_common_responses(schema: dict) -> dict:
    """Every operation's 401 and 429 stated in the schema (its own responses kept as they are)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("Detail", DETAIL_SCHEMA)
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_RESPONSES.items():
                if status not in responses and int(status) not in responses:  # ninja keys them by number
                    responses[status] = {"description": description, "content": body}
            retry = {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}
            too_many = responses.get("429") or responses[429]
            too_many.setdefault("headers", {"Retry-After": retry})
    return schema


class DocumentedAPI(NinjaAPI):
    """django-ninja's API whose schema states the answers every operation shares."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return with_common_responses(schema)
