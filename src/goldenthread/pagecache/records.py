"""The state of the quarterly cycle's records, as a short text that changes whenever any of them
does: for a kept result that quotes the cycle (the board pack: updates, approvals, reviews,
actions, publications, meetings' decisions and minutes), beside the data's and the plan's stamp
(:mod:`goldenthread.pagecache.store`).

Every model of the cycle keeps its history (django-simple-history, ADR 0003): each save and each
delete — a submission, an approval or a return, a review, an action and its notes, a publication,
a meeting's records — inserts a history row, on every write path. History rows are only ever
inserted, so the newest history row and the count of each history table say exactly which
changes are committed (the count as well as the newest: a transaction that took an earlier id
and commits after a later one still adds one to the count).

The pack also prints a person's name from their account (who reported a unit's update), which
has no history: the names of the accounts the cycle's updates name are read and added, so a
renamed person (signing in through single sign-on updates the name) gives a new stamp too.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from goldenthread.cycles.models import Submission


@cache
def _history_tables() -> tuple[str, ...]:
    """The history tables of every model of the cycle app, in a fixed order."""
    tables = []
    for model in apps.get_app_config("cycles").get_models():
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            tables.append(history.model._meta.db_table)
    return tuple(sorted(set(tables)))


@cache
def _sql() -> str:
    q = connection.ops.quote_name
    parts = [f"SELECT '{table}', MAX({q('history_id')}), COUNT(*) FROM {q(table)}" for table in _history_tables()]
    return " UNION ALL ".join(parts)


def cycle_state() -> str:
    """A digest of every committed change to the cycle's records and of the names of the accounts
    who reported updates: a new one after any change that could show on a page quoting them."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        cursor.execute(_sql())
        for table, newest, count in sorted(cursor.fetchall()):
            digest.update(f"{table}:{newest}:{count};".encode())
    reporters = Submission.objects.exclude(submitted_by=None).values("submitted_by")
    names = (
        get_user_model()
        .objects.filter(pk__in=reporters)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "username")
    )
    for row in names:
        digest.update(repr(row).encode())
    return digest.hexdigest()
