"""Version 1 of the API: every router, its authentication, the OpenAPI schema and its page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, Throttled

from goldenthread.access.policy import API_NAMESPACE
from goldenthread.api import (
    assessment,
    cycle,
    elements,
    observations,
    planfiles,
    plans,
    rate,
    reviews,
    series,
    tables,
    updates,
)
from goldenthread.api.auth import BrowserSession, TokenAuth
from goldenthread.api.docs import NOT_SIGNED_IN, SWAGGER_SETTINGS, DocsPage, DocumentedAPI, schema_readers

api = DocumentedAPI(
    title="goldenthread",
    version="1",
    description=(
        "Plans, their measures and judgements, and the quarterly cycle, under the same access rules "
        "as the pages. Authenticate with your browser session or a personal API token "
        "(Authorization: Bearer <token>), made on your account's API tokens page. See docs/api.md."
    ),
    urls_namespace=API_NAMESPACE,  # left by the access middleware to api/guard.py
    auth=[TokenAuth(), BrowserSession()],  # a token sent is decisive; else the browser's session
    throttle=[rate.CallerRate()],  # GOLDENTHREAD_API_RATE per token and per signed-in person
    docs=DocsPage(settings=SWAGGER_SETTINGS),
    docs_decorator=schema_readers,  # the schema and its page: signed-in people and token holders
)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": NOT_SIGNED_IN}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def too_many(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = f" Wait {int(exc.wait)} seconds (Retry-After) and try again." if exc.wait else " Wait and try again."
    detail = f"Too many requests: each token (or signed-in person) may make {rate.describe()}.{wait}"
    return api.create_response(request, {"detail": detail}, status=429)


api.add_router("/plans/", planfiles.router)  # before plans: /plans/validate/ and /plans/new/ name no plan
api.add_router("/plans/", plans.router)
api.add_router("/plans/", series.router)  # before elements: /metrics/{metric}/series is not a metric's code
api.add_router("/plans/", elements.router)
api.add_router("/plans/", assessment.router)
api.add_router("/plans/", cycle.router)
api.add_router("/plans/", reviews.router)
api.add_router("/plans/", observations.router)  # batches of observations, through the loader
api.add_router("/plans/", tables.router)  # the pages' tables as JSON, CSV and Excel
api.add_router("/plans/", updates.router)  # a unit's quarterly update: read, save, submit (ETags)
