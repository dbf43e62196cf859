"""The audit trail: who changed what, when, and the values before and after — on every write path.

django-simple-history records ordinary ``save()`` and ``delete()`` through model signals. Bulk
writes (a plan load, a data load) bypass those signals, so they call :func:`record`,
:func:`bulk_create`, :func:`bulk_update` and :func:`delete` here, which write the same history
rows a table at a time: one query per table, never one per row.

Who: the user set with :func:`acting_as`, else the signed-in user of the current request
(simple_history's ``HistoryRequestMiddleware``), else nobody — a command-line job, recorded by the
operating-system user who ran it (:func:`set_operator`, called by the ``goldenthread`` command) as
"alice (command line)". The name is kept as text beside the foreign key, so the trail still says
who after an account is deleted.

Each historical row also carries ``related``: a snapshot of the element's dependent rows that
have no history of their own — an objective's "contributes to" links and framework references,
a metric's linked objectives, trajectory and stated values — so its history shows those
changes as before → after too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_acting_user: ContextVar = ContextVar("goldenthread_audit_user", default=None)
_signals_off: ContextVar[bool] = ContextVar("goldenthread_audit_signals_off", default=False)
_reason: ContextVar[str | None] = ContextVar("goldenthread_audit_reason", default=None)

#: model -> function(list of pks) -> {pk: snapshot dict}; filled by audit.models
SNAPSHOTS: dict[type[models.Model], Callable[[list[int]], dict[int, dict]]] = {}
#: model without history rows -> function(queryset of the rows about to be deleted, user, when)
#: that keeps their last state elsewhere (observations: audit.models.DeletedObservation)
TOMBSTONES: dict[type[models.Model], Callable[[models.QuerySet, Any, datetime], int]] = {}


@contextmanager
def because(reason: str):
    """Give every history row written inside the block this reason (e.g. "Plan change 3"); the
    trail's column is short, so the reason names where the full account is kept."""
    token = _reason.set(reason[:100] or None)
    try:
        yield
    finally:
        _reason.reset(token)


@contextmanager
def acting_as(user):
    """Attribute every change made inside the block to ``user`` (None: the system)."""
    token = _acting_user.set(user if user is not None and getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _acting_user.reset(token)


def current_reason() -> str | None:
    """The reason given to the changes made now (:func:`because`), if any."""
    return _reason.get()


def current_user():
    """The person changes are attributed to now, or None for the system."""
    user = _acting_user.get()
    if user is not None:
        return user
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


#: the operating-system user running this process's command-line job, if it is one (set once by
#: the ``goldenthread`` command when it sets Django up); "" in the web server
_operator = ""


def set_operator(name: str) -> None:
    """Attribute changes made without a signed-in user to ``name``, an operating-system user."""
    global _operator
    _operator = name.strip()


def actor_name(user) -> str:
    """Who, as the trail keeps it in text: the user's name, else the command line's operator."""
    if user is not None:
        return user.get_username()
    return f"{_operator} (command line)" if _operator else ""


class AuditExtra(models.Model):
    """Fields every historical table carries beyond simple_history's own."""

    history_username = models.CharField(max_length=150, blank=True, help_text="Who, kept as text")
    related = models.JSONField(default=dict, blank=True, help_text="Dependent rows at the time")

    class Meta:
        abstract = True


class AuditedRecords(HistoricalRecords):
    """simple_history's recorder with our extra fields, our notion of the acting user, and a
    switch that lets :func:`delete` write the deletion rows itself, set-based."""

    def __init__(self, **kwargs):
        kwargs.setdefault("bases", [AuditExtra])
        super().__init__(**kwargs)

    def get_history_user(self, instance):
        return getattr(instance, "_history_user", None) or current_user()

    def pre_delete(self, instance, **kwargs):
        if _signals_off.get():
            return
        super().pre_delete(instance, **kwargs)
        snapshot = SNAPSHOTS.get(type(instance))
        if snapshot is not None and instance.pk is not None:
            instance._audit_related = snapshot([instance.pk]).get(instance.pk, {})

    def post_delete(self, instance, using=None, **kwargs):
        if _signals_off.get():
            return
        super().post_delete(instance, using=using, **kwargs)

    def post_save(self, instance, created, using=None, **kwargs):
        if _signals_off.get():
            return
        super().post_save(instance, created, using=using, **kwargs)


def _fill_extra(sender, instance, history_instance, history_user=None, **kwargs):
    """Signal path: the user's name and the dependent-rows snapshot on each new history row."""
    history_instance.history_username = actor_name(history_user)
    if (reason := _reason.get()) is not None:
        history_instance.history_change_reason = reason
    if hasattr(instance, "_audit_related"):
        history_instance.related = instance._audit_related
    else:
        snapshot = SNAPSHOTS.get(type(instance))
        if snapshot is not None and instance.pk is not None:
            history_instance.related = snapshot([instance.pk]).get(instance.pk, {})


pre_create_historical_record.connect(_fill_extra, dispatch_uid="goldenthread-audit-extra")


#: what simple_history adds to the options of a model it tracks: the name of its history manager
_HISTORY_MANAGER = "simple_history_manager_attribute"


def is_audited(model: type[models.Model]) -> bool:
    return hasattr(model._meta, _HISTORY_MANAGER)


def history_model(model: type[models.Model]) -> type[Any]:
    """The historical model simple_history made for ``model``: its fields and ``history_*`` ones,
    made at run time, so typed loosely."""
    return getattr(model, getattr(model._meta, _HISTORY_MANAGER)).model


def record(
    model: type[models.Model],
    objs: Iterable[models.Model],
    kind: str,
    *,
    user=None,
    when: datetime | None = None,
    related: dict[int, dict] | None = None,
) -> int:
    """Write one history row per object, as it is now: ``kind`` is "+" created, "~" changed,
    "-" deleted. One snapshot query per dependent table and one insert, whatever the count."""
    objs = list(objs)
    if not objs or not is_audited(model):
        return 0
    if any(o.pk is None for o in objs):
        raise ValueError(f"cannot record history for unsaved {model._meta.verbose_name_plural}")
    user = user if user is not None else current_user()
    when = when or timezone.now()
    if related is None:
        snapshot = SNAPSHOTS.get(model)
        related = snapshot([o.pk for o in objs]) if snapshot else {}
    hist = history_model(model)
    fields = hist.tracked_fields
    rows = [
        hist(
            history_date=when,
            history_type=kind,
            history_user_id=user.pk if user is not None else None,
            history_username=actor_name(user),
            history_change_reason=_reason.get(),
            related=related.get(o.pk, {}),
            **{f.attname: getattr(o, f.attname) for f in fields},
        )
        for o in objs
    ]
    hist.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def bulk_create(model: type[models.Model], objs: list[models.Model], *, user=None, batch_size: int | None = None):
    """``Model.objects.bulk_create`` that also records "created" history rows."""
    with transaction.atomic():
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        record(model, created, "+", user=user)
    return created


def bulk_update(
    model: type[models.Model], objs: list[models.Model], fields: list[str], *, user=None, batch_size: int | None = None
) -> int:
    """``Model.objects.bulk_update`` that also records "changed" history rows."""
    if not objs:
        return 0
    with transaction.atomic():
        count = model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        record(model, objs, "~", user=user)
    return count


def delete(querysets: Iterable[models.QuerySet], *, user=None, when: datetime | None = None) -> Counter:
    """Delete the rows of ``querysets`` and everything that cascades from them, recording a
    "deleted" history row for each audited row (with its dependent rows as they were) and a
    "changed" row for each audited row whose reference is set to null. Set-based: Django's
    collector finds the cascade a table at a time; history is written per table."""
    querysets = [qs for qs in querysets if qs is not None]
    if not querysets:
        return Counter()
    using = router.db_for_write(querysets[0].model)
    user = user if user is not None else current_user()
    when = when or timezone.now()
    collector = Collector(using=using, origin=None)
    for qs in querysets:
        collector.collect(qs)
    deleting: dict[type, set] = {model: {o.pk for o in objs} for model, objs in collector.data.items()}
    counts: Counter = Counter()
    with transaction.atomic(using=using):
        for model, objs in collector.data.items():
            if is_audited(model):
                counts[model._meta.label] += record(model, objs, "-", user=user, when=when)
        for qs in _tombstoned(collector):
            counts[qs.model._meta.label] += TOMBSTONES[qs.model](qs, user, when)
        nulled = _nulled(collector, deleting)
        token = _signals_off.set(True)
        try:
            collector.delete()
        finally:
            _signals_off.reset(token)
        for model, rows in nulled.items():
            record(model, rows.values(), "~", user=user, when=when)
    return counts


def _tombstoned(collector: Collector) -> list[models.QuerySet]:
    """The rows the deletion removes of models that keep tombstones, as querysets."""
    out = [qs for qs in collector.fast_deletes if isinstance(qs, models.QuerySet) and qs.model in TOMBSTONES]
    for model, objs in collector.data.items():
        if model in TOMBSTONES:
            out.append(model._base_manager.filter(pk__in=[o.pk for o in objs]))
    return out


def _nulled(collector: Collector, deleting: dict[type, set]) -> dict[type, dict[int, models.Model]]:
    """Audited rows that stay but whose reference the deletion sets to null (or a default), as
    they will be: the collector updates them in the database without saving them."""
    nulled: dict[type, dict[int, models.Model]] = defaultdict(dict)
    for (field, value), batches in collector.field_updates.items():
        if not is_audited(field.model):
            continue
        for batch in batches:
            # evaluated once; the collector then updates these pks (each entry is a batch of rows,
            # a queryset or a list, which django-stubs types as one row)
            rows = list(batch)  # type: ignore[call-overload]
            for row in rows:
                if row.pk in deleting.get(type(row), ()):
                    continue
                setattr(row, field.attname, value.pk if isinstance(value, models.Model) else value)
                nulled[type(row)][row.pk] = row
    return nulled


def normal(value):
    """A value as a snapshot stores it: Decimals as plain strings without trailing zeros."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
