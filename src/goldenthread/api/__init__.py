"""The REST API, version 1, under ``/api/v1/`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``).

A thin layer like the pages (``goldenthread.web``): each operation reads through the presenters
and writes through the same services as the pages, under the same access rules
(:mod:`goldenthread.access.policy`), checked by :func:`goldenthread.api.guard.guarded` on every
operation — deny by default, tested by walking every operation of :data:`goldenthread.api.v1.api`.
Callers are people: signed in with their browser session, or with a personal API token
(:mod:`goldenthread.api.auth`).
"""
