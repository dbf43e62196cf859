"""PostgreSQL read replicas serving the pages (issue 17; docs/scaling.md).

``GOLDENTHREAD_REPLICA_URLS`` lists replicas as database URLs, comma-separated; each becomes a
database alias (``replica1``, ``replica2``, …). With none, nothing here is installed and every
query goes to the one database, as before. With some:

- a request by a safe method (GET, HEAD, OPTIONS) reads from one replica, chosen when it starts
  and kept for the whole request, so its pages are drawn from one consistent snapshot;
- every write goes to the primary (``default``), and once a request has written, its reads go to
  the primary too (read-after-write in the same request); a request by any other method (POST …)
  reads and writes only the primary;
- a response to a request that wrote sets a short-lived cookie, and a request carrying it reads
  from the primary (``GOLDENTHREAD_REPLICA_PIN_SECONDS``, 30 by default): the page a form
  redirects to shows what the form just saved, whatever the replicas' lag;
- sessions, sign-in throttling, second factors and the task queue are always read on the primary;
  their writes (a session's last activity, say) do not count as the request having written; nor do
  the pages' kept assessments (a stale read there is a miss, recomputed, never a stale figure);
- migrations run only on the primary; management commands and the task worker, outside any
  request, use only the primary.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dj_database_url
from django.conf import settings

if TYPE_CHECKING:  # settings import this module: it imports nothing that reads them
    from django.http import HttpRequest, HttpResponse

#: requests that may read from a replica
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: apps read only on the primary, whose writes do not pin the request to it
PRIMARY_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "django_q"})
#: apps whose writes do not pin the request to the primary, though read from replicas
UNPINNING_APPS = PRIMARY_APPS | {"pagecache"}
PIN_COOKIE = "goldenthread_primary"


def urls(environ: Mapping[str, str]) -> list[str]:
    """The replicas' database URLs named by ``GOLDENTHREAD_REPLICA_URLS``."""
    return [url.strip() for url in environ.get("GOLDENTHREAD_REPLICA_URLS", "").split(",") if url.strip()]


def databases(replica_urls: list[str], conn_max_age: int = 60) -> dict[str, Any]:
    """The replicas as ``DATABASES`` entries; under test each mirrors the primary's test database."""
    found: dict[str, Any] = {}
    for number, url in enumerate(replica_urls, start=1):
        entry: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
        entry["TEST"] = {"MIRROR": "default"}
        found[f"replica{number}"] = entry
    return found


@dataclass
class _Request:
    """What the router knows of the request under way: the replica it reads from (None: the
    primary) and whether it has written."""

    replica: str | None
    wrote: bool = False


_current: ContextVar[_Request | None] = ContextVar("goldenthread_replica_request", default=None)


def _replicas() -> list[str]:
    return list(getattr(settings, "GOLDENTHREAD_REPLICAS", []))


class ReplicaRouter:
    """Reads of a safe request that has not written go to its replica; everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        request = _current.get()
        if request is None or request.replica is None or request.wrote or model._meta.app_label in PRIMARY_APPS:
            return "default"
        return request.replica

    def db_for_write(self, model: Any, **hints: Any) -> str:
        request = _current.get()
        if request is not None and model._meta.app_label not in UNPINNING_APPS:
            request.wrote = True
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"


class ReplicaMiddleware:
    """Chooses the request's replica (or the primary) and pins the person's next requests to the
    primary for a few seconds after one that wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replicas = _replicas()
        reads_replica = replicas and request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        state = _Request(random.choice(replicas) if reads_replica else None)
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        seconds = int(getattr(settings, "GOLDENTHREAD_REPLICA_PIN_SECONDS", 30))
        if state.wrote and seconds > 0:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=request.is_secure()
            )
        return response
