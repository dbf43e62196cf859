"""Keep a computed result (a plan's assessment, a metric page) in the database, under a key that
names everything that could change it, so a page reads it instead of computing it again — on any
web server, and filled by the task worker after a load — and never shows a stale figure.

A result is kept in a *slot* — a digest of the code that computes it (the package's source, so a
new release never reads an old one's results), the plan, what it is and the page's options (as
at, where, …) — at a *stamp*: the state of everything a figure is computed from, read **before**
computing, so a result is never older than its stamp:

* how many load batches the plan has: every write of a plan's data records one — the loader
  (files, the upload page, the API, the demo) for every load that changed anything, also one that
  only added org units, and an approved update's returned values. A count, not the newest id:
  ids are handed out when rows are written, not when they are committed (and on PostgreSQL a
  thousand at a time to each session, migration performance 0005), so a write committed after
  the stamp was read can hold an id below the newest one; it cannot leave the count as it was.
  Nor does the count read the observations, which on PostgreSQL are a partition per metric
  (ADR 0013): the newest of them was planned over every partition on every page;
* the plan's newest version and how many it has (a plan load that changed it, an approved
  change, a plan created in the browser), the plan row's last save, and the newest org unit.

The approved updates' activity statuses are not in the stamp: the caller puts them in the
options (:func:`goldenthread.presenters.kept.assess`), as it reads them anyway. The stamp and the
slot's result are read in one query, and a result is stored in one more, replacing the slot's
result of an older stamp; a plan's results beyond :data:`LIMIT` (slots no page asks for any
more) are removed then, the oldest first, and :func:`tidy` removes those of an older stamp.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import django
import numpy
from django.db import connection
from django.utils import timezone

from goldenthread.pagecache.models import Kept
from goldenthread.performance.models import LoadBatch
from goldenthread.plans import models as m

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: the most results kept per plan (as-at periods × options × metric pages); the oldest go first
LIMIT = 1000
#: the files of the package whose text shapes a kept result: code, templates, styles, scripts
SOURCES = {".py", ".html", ".css", ".js", ".csv", ".txt", ".svg"}


@cache
def code_digest() -> str:
    """A digest of the package's source (its Python, and the templates and styles a kept rendering
    is made with) and the versions of the libraries whose objects a result holds (Django's models,
    NumPy's arrays): results computed by other code are never read."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"django {django.get_version()} numpy {numpy.__version__}".encode())
    for path in sorted(p for p in root.rglob("*") if p.suffix in SOURCES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sql() -> str:
    """The stamp, the slot's result at that stamp, and how many results the plan has: parameters
    the plan (four times), the extra stamp, the slot, the plan."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def text(sql: str) -> str:
        return f"COALESCE(CAST(({sql}) AS TEXT), '-')"

    versions, plan_id, newest = table(m.PlanVersion), q("plan_id"), f"MAX({q('id')})"
    parts = [
        text(f"SELECT COUNT(*) FROM {table(LoadBatch)} WHERE {plan_id} = %s"),
        text(f"SELECT {newest} FROM {versions} WHERE {plan_id} = %s"),
        text(f"SELECT COUNT(*) FROM {versions} WHERE {plan_id} = %s"),
        text(f"SELECT {q('loaded_at')} FROM {table(m.Plan)} WHERE {q('id')} = %s"),
        text(f"SELECT {newest} FROM {table(m.OrgUnit)}"),
    ]
    kept, stamp, joined = table(Kept), q("stamp"), " || '/' || ".join(parts)
    return (
        f"WITH now_ AS (SELECT {joined} || CAST(%s AS TEXT) AS {stamp}) "
        f"SELECT now_.{stamp}, "
        f"(SELECT k.{q('value')} FROM {kept} k WHERE k.{q('slot')} = %s AND k.{stamp} = now_.{stamp}), "
        f"(SELECT COUNT(*) FROM {kept} k WHERE k.{plan_id} = %s) "
        "FROM now_"
    )


def slot_of(plan: m.Plan, what: str, options: str) -> str:
    return hashlib.sha256("\x1f".join((code_digest(), str(plan.pk), what, options)).encode()).hexdigest()


def look(plan: m.Plan, slot: str, more: Callable[[], str] | None = None) -> tuple[str, bytes | None, bool]:
    """The plan's stamp now (with a digest of ``more()``, read first, after a ``|``), the slot's
    result at it (None when none is kept), and whether the plan has LIMIT results kept."""
    extra = f"|{hashlib.sha256(more().encode()).hexdigest()[:32]}" if more is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [plan.pk, plan.pk, plan.pk, plan.pk, extra, slot, plan.pk])
        stamp, held, count = cursor.fetchone()
    return stamp, (bytes(held) if held is not None else None), count >= LIMIT


def kept(plan: m.Plan, what: str, options: str, compute: Callable[[], T], more: Callable[[], str] | None = None) -> T:
    """The result kept for ``plan``, ``what`` and ``options`` (a text naming every option that
    shapes it) at the current stamp, or ``compute()``'s, kept for the next request. ``more`` gives
    the state of anything else the result is made from (the cycle's records, the day), read with
    the stamp before computing and added to it: the slot's result is replaced when it changes."""
    slot = slot_of(plan, what, options)
    stamp, held, full = look(plan, slot, more)  # before computing: the result is at least as new as its stamp
    if held is not None:
        try:
            return pickle.loads(held)
        except Exception:  # unreadable (written by other code under the same digest): computed again
            logger.warning("A kept %s of plan %s could not be read; computing it again", what, plan.pk)
    value = compute()
    if full:
        newest = Kept.objects.filter(plan=plan).order_by("-made_at", "-pk").values("pk")[: LIMIT - 1]
        Kept.objects.filter(plan=plan).exclude(pk__in=newest).delete()
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    Kept.objects.bulk_create(
        [Kept(plan=plan, slot=slot, stamp=stamp, what=what, value=data, made_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["slot"],
        update_fields=["stamp", "what", "value", "made_at"],
    )
    return value


def tidy(plan: m.Plan) -> int:
    """Remove the plan's results of an older stamp (the task worker, after a load); how many.
    Results with more to their stamp (:func:`kept`'s ``more``) stay while the first part is current:
    their slot's result is replaced when the rest changes."""
    stamp, _, _ = look(plan, "")
    return Kept.objects.filter(plan=plan).exclude(stamp=stamp).exclude(stamp__startswith=stamp + "|").delete()[0]
