"""The API's rate limit: each token, and each person signed in with their browser, may make
``GOLDENTHREAD_API_RATE`` requests (default 600 a minute) in each window of time; beyond that a
429 with ``Retry-After`` (the seconds until the window ends) and a message saying so.

The counts are rows of :class:`goldenthread.accounts.api_tokens.ApiRequestCount`, in the database,
so every web server counts against the same limit (the web tier keeps no state of its own). Fixed
windows: simple, and a burst at a window's edge is at most twice the rate, which is what a limit
meant to stop a runaway script needs.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from goldenthread.accounts.api_tokens import count_request
from goldenthread.api.auth import Caller

_UNITS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}


def rate() -> tuple[int, int]:
    return settings.GOLDENTHREAD_API_RATE


def describe() -> str:
    """The rate in words, e.g. '600 requests a minute'."""
    requests, seconds = rate()
    return f"{requests} requests a {_UNITS.get(seconds, f'{seconds} seconds')}"


def caller_key(caller: Caller) -> str:
    return f"token:{caller.token_id}" if caller.token_id is not None else f"user:{caller.user.pk}"


class CallerRate(BaseThrottle):
    """Counts each authenticated request against its token (or its signed-in person)."""

    def __init__(self) -> None:
        self._local = threading.local()  # the wait of this thread's request (servers run threads)

    def allow_request(self, request: HttpRequest) -> bool:
        caller = getattr(request, "auth", None)
        if not isinstance(caller, Caller):  # refused before this (401), or open: nothing to count
            return True
        requests, seconds = rate()
        now = time.time()
        window = int(now // seconds) * seconds
        if count_request(caller_key(caller), window) <= requests:
            return True
        self._local.wait = max(1, math.ceil(window + seconds - now))
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
