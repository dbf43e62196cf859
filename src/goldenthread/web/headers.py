"""Responses no browser or proxy may keep: every page for a signed-in user and every download.

A shared computer's browser cache, or a proxy between an NHS site and the server, would otherwise
hold a signed-in person's pages, CSV and Excel tables and board packs after they sign out. Public
pages and static files (served by WhiteNoise before this middleware runs) keep normal caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "private, no-store"


def is_download(response: HttpResponseBase) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user and on every download."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        signed_in = request.user.is_authenticated  # before the view: signing out must not make it cacheable
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated or is_download(response):
            response["Cache-Control"] = NO_STORE
        return response
