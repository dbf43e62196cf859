"""An observation's history, read from the observations themselves (ADR 0012).

Observations are never changed but to be superseded: a new value for a key (metric, org unit,
breakdown, period) is a new row, and the row it replaces gets ``superseded_at``. So every revision
of a key, who loaded it, when, in which load batch, and when it was superseded, is in the table
already; a deleted observation's last state is in :class:`~goldenthread.audit.models.DeletedObservation`.

This module gives the history page the rows it would have read from a history table — for each
revision of the key, "+" when it was loaded (by whom), "~" when it was superseded (by whoever
loaded the next revision) and "-" when it was deleted — so the page shows, as for any other
element, each change with its fields before → after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from goldenthread.audit.models import DeletedObservation
from goldenthread.performance.models import Observation

#: the fields a revision carries, as the history page reads them
_FIELDS = [f.attname for f in Observation._meta.concrete_fields]


@dataclass
class Row:
    """A row as a history table would hold it: the observation's fields as they were, and the
    change (``history_type``), when, by whom."""

    id: int
    history_type: str
    history_date: datetime
    history_id: int
    history_user: Any
    history_username: str
    values: dict[str, Any]
    history_change_reason: str | None = None
    related: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def _key(pk: int) -> tuple[dict[str, Any], bool] | None:
    """The key (metric, org unit, breakdown, period) of observation ``pk``, and whether it is
    still held (else deleted)."""
    names = ["metric_id", "org_unit_id", "breakdown", "period_start"]
    live = Observation.objects.filter(pk=pk).values(*names).first()
    if live is not None:
        return live, True
    gone = DeletedObservation.objects.filter(observation_id=pk).values(*names).order_by("-deleted_at").first()
    return (gone, False) if gone is not None else None


def exists(pk: int) -> bool:
    return _key(pk) is not None


def revisions(pk: int) -> tuple[list[Row], bool] | None:
    """Every change of every revision of observation ``pk``'s key, and whether ``pk`` is still
    held; None when there never was such an observation."""
    found = _key(pk)
    if found is None:
        return None
    key, held = found
    live = list(
        Observation.objects.filter(Q(superseded_at=None) | Q(superseded_at__isnull=False), **key)
        .order_by("loaded_at", "id")
        .values(*_FIELDS)
    )
    gone: list[dict[str, Any]] = [
        {**g, "id": g["observation_id"]}
        for g in DeletedObservation.objects.filter(**key).order_by("deleted_at", "id").values()
    ]
    people = _people([r["loaded_by_id"] for r in live + gone] + [g["deleted_by_id"] for g in gone])
    everything = sorted(live + gone, key=lambda r: (r["loaded_at"], r["id"]))
    rows: list[Row] = []
    for k, r in enumerate(everything):
        values = {name: r[name] for name in _FIELDS}
        user = people.get(r["loaded_by_id"])
        rows.append(_row(values, "+", r["loaded_at"], 0, user, superseded_at=None))
        if r["superseded_at"] is not None:
            nxt = everything[k + 1] if k + 1 < len(everything) else None
            by = people.get(nxt["loaded_by_id"]) if nxt is not None else None
            rows.append(_row(values, "~", r["superseded_at"], 1, by))
        if "deleted_at" in r:
            rows.append(
                _row(values, "-", r["deleted_at"], 2, people.get(r["deleted_by_id"]), name=r["deleted_by_name"])
            )
            rows[-1].history_change_reason = r["reason"]
    return rows, held


def title(row: Row) -> str:
    """What the page calls the observation: as ``str(observation)`` (metric and unit codes,
    breakdown, period), a metric or unit deleted since by its id."""
    from goldenthread.plans.models import Metric, OrgUnit

    metric = Metric.objects.filter(pk=row.metric_id).values_list("code", flat=True).first()
    unit = OrgUnit.objects.filter(pk=row.org_unit_id).values_list("code", flat=True).first()
    return f"{metric or f'#{row.metric_id}'} {unit or f'#{row.org_unit_id}'} {row.breakdown} {row.period_start}"


def _row(values: dict, kind: str, when: datetime, order: int, user, *, name: str | None = None, **changed) -> Row:
    shown = {**values, **changed}
    username = name if name is not None else (user.get_username() if user is not None else "")
    return Row(values["id"], kind, when, values["id"] * 3 + order, user, username, shown)


def _people(ids: list[int | None]) -> dict[int, Any]:
    wanted = {i for i in ids if i is not None}
    return {u.pk: u for u in get_user_model()._default_manager.filter(pk__in=wanted)} if wanted else {}
