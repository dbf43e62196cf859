"""Synchronisation by code: one plan's rows of one table made to match what the file wants.

Rows whose fields already match are left alone (so a second load of the same file changes
nothing, not even a timestamp), changed rows are updated in place, new ones created, and rows
no longer wanted deleted with their links once every reference has moved. Queries are per
table, never per element. What a sync created and changed is kept for the audit trail, which
is written a table at a time once the load has settled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from goldenthread.audit import records as audit
from goldenthread.plans import models as m


class PlanLoadRefused(ValueError):
    """A load that would lose data a person loaded; raised before anything is deleted."""


@dataclass
class LoadReport:
    code: str
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_plan: bool = False
    version: int | None = None  # the version the load recorded, if it changed the plan

    @property
    def changed(self) -> bool:
        return self.new_plan or any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())

    def __str__(self) -> str:
        if not self.changed:
            return f"{self.code}: unchanged"

        def part(label: str, counts: dict[str, int]) -> str | None:
            items = [f"{n} {kind}" for kind, n in counts.items() if n]
            return f"{label} " + ", ".join(items) if items else None

        parts = [
            p
            for p in (part("created", self.created), part("updated", self.updated), part("deleted", self.deleted))
            if p
        ]
        verb = "loaded" if self.new_plan else "updated"
        version = f" (version {self.version})" if self.version else ""
        return f"{self.code}: {verb}{version} — " + "; ".join(parts)


def _differs(current: Any, value: Any) -> bool:
    if isinstance(current, Decimal) and value is not None:
        return current != Decimal(value)
    return bool(current != value)


def values_differ(obj: models.Model, values: dict[str, Any]) -> bool:
    return any(_differs(getattr(obj, name), value) for name, value in values.items())


def fields_differing(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """The names of ``values`` that differ from ``obj``'s: what an update has to write."""
    return [name for name, value in values.items() if _differs(getattr(obj, name), value)]


#: what people loaded or wrote that hangs off an element: model -> (reverse relation, what it is)
RECORDS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {
    m.Metric: (("observations", "loaded data"), ("returns", "values returned in quarterly updates")),
    m.Objective: (("updates", "quarterly updates"),),
    m.Activity: (("updates", "quarterly updates"),),
    # what people record at a meeting (goldenthread.cycles): its minutes, its items' decisions and actions
    m.Meeting: (
        ("minutes", "minutes"),
        ("items__decisions", "decisions recorded at it"),
        ("items__actions", "actions agreed at it"),
    ),
    m.AgendaItem: (("decisions", "decisions recorded"), ("actions", "actions agreed")),
}


def _labels(model: type[models.Model], rows: models.QuerySet) -> list[str]:
    """How a load's message names elements: by code; an agenda item by its number and meeting."""
    if model is m.AgendaItem:
        return sorted({f"{n} of meeting {code}" for n, code in rows.values_list("number", "meeting__code")})
    return sorted(set(rows.values_list("code", flat=True)))


def records_held(model: type[models.Model], pks: Iterable[int]) -> list[str]:
    """ "FOUR, which holds loaded data" for each of the elements that holds people's records (one
    query per kind of record)."""
    out = []
    for relation, what in RECORDS.get(model, ()):
        rows = model._default_manager.filter(pk__in=list(pks), **{f"{relation}__isnull": False})
        out += [f"{label}, which holds {what}" for label in _labels(model, rows)]
    return out


#: a table of one plan's elements by code, as a sync returns it
Elements = dict[str, Any]


class Syncer:
    """Creates, updates and deletes one plan's rows of one model, keyed by code."""

    def __init__(self, report: LoadReport, plan: m.Plan):
        self.report = report
        self.plan = plan
        self.stale: list[tuple[type[models.Model], list[int], str]] = []
        # for the audit trail: what this load created, and what it changed (fields, links or children)
        self.created: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.changed: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
        self.when = timezone.now()

    def mark_changed(self, model: type[models.Model], objs: Iterable[models.Model]) -> None:
        for obj in objs:
            self.changed[model][obj.pk] = obj

    def record_history(self) -> None:
        """One history row per element created or changed, as the load left it."""
        for model in list(dict.fromkeys([*self.created, *self.changed])):
            created = self.created.get(model, [])
            new = {obj.pk for obj in created}
            audit.record(model, created, "+", when=self.when)
            audit.record(
                model, [obj for pk, obj in self.changed.get(model, {}).items() if pk not in new], "~", when=self.when
            )

    def delete_stale(self) -> None:
        """Delete elements no longer in the file, dependents first, once every reference has moved;
        each deletion (and whatever cascades from it) is recorded in the audit trail. An element
        that holds what people loaded or wrote (a metric's data or returns, an objective's or
        activity's quarterly updates) is never deleted this way: the load is refused, so nothing is
        lost."""
        held = [
            f"{kind.replace('_', ' ')} {what}" for model, pks, kind in self.stale for what in records_held(model, pks)
        ]
        if held:
            raise PlanLoadRefused(
                f"{self.plan.code}: the plan no longer has {'; '.join(held)}; nothing was loaded. "
                "Put them back in the plan (an activity can be marked cancelled instead), or remove those records first"
            )
        for model, pks, kind in reversed(self.stale):
            audit.delete([model._default_manager.filter(pk__in=pks)], when=self.when)
            self.report.deleted[kind] += len(pks)

    def sync(
        self,
        model: type[m.PlanElement],
        kind: str,
        desired: list[dict[str, Any]],
        *,
        keep: Callable[[Any], bool] | None = None,
    ) -> Elements:
        """The plan's rows of ``model`` made to match ``desired`` (field values by code, in order)."""
        existing = {obj.code: obj for obj in model._default_manager.filter(plan=self.plan)}
        to_create: list[m.PlanElement] = []
        to_update: list[m.PlanElement] = []
        fields: set[str] = set()
        result: Elements = {}
        for position, wanted in enumerate(desired):
            values = _by_attname(model, {**wanted, "position": position})
            code = values.pop("code")
            obj = existing.pop(code, None)
            if obj is None:
                obj = model(plan=self.plan, code=code, **values)
                to_create.append(obj)
            elif differing := fields_differing(obj, values):
                for name in differing:
                    setattr(obj, name, values[name])
                fields.update(differing)  # bulk_update writes these of every row: only what changed
                to_update.append(obj)
            result[code] = obj
        self._create(model, to_create)
        self.created[model].extend(to_create)
        if to_update:
            model._default_manager.bulk_update(to_update, sorted(fields))
        self.mark_changed(model, to_update)
        stale = [obj.pk for obj in existing.values() if keep is None or not keep(obj)]
        if stale:
            self.stale.append((model, stale, kind))
        self.report.created[kind] += len(to_create)
        self.report.updated[kind] += len(to_update)
        return result

    def _create(self, model: type[m.PlanElement], objs: list[m.PlanElement]) -> None:
        if not objs:
            return
        model._default_manager.bulk_create(objs)
        if objs[0].pk is None:  # backends that cannot return ids from bulk inserts
            ids = dict(
                model._default_manager.filter(plan=self.plan, code__in=[o.code for o in objs]).values_list("code", "pk")
            )
            for obj in objs:
                obj.pk = ids[obj.code]

    def set_parents(
        self, model: type[m.Objective | m.OrgUnit | m.Body], objs: Elements, parents: dict[str, str | None]
    ) -> None:
        """Each element's parent, by code, once all of them exist (so order in the file does not matter)."""
        changed = []
        for code, obj in objs.items():
            parent = parents.get(code)
            wanted = objs[parent].pk if parent else None
            if obj.parent_id != wanted:
                obj.parent_id = wanted
                changed.append(obj)
        if changed:
            model._default_manager.bulk_update(changed, ["parent"])
        self.mark_changed(model, changed)

    def sync_children(
        self,
        model: type[models.Model],
        parent_field: str,
        parents: Elements,
        desired: dict[str, list[dict[str, Any]]],
        kind: str,
    ) -> None:
        """Child rows with no code of their own: replaced per parent when they differ."""
        current: dict[int, list[dict[str, Any]]] = defaultdict(list)
        names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", parent_field)]
        for row in (
            model._default_manager.filter(**{f"{parent_field}__plan": self.plan})
            .order_by(parent_field, "position")
            .values(f"{parent_field}_id", *names)
        ):
            current[row.pop(f"{parent_field}_id")].append(row)
        replace_for: list[int] = []
        rows: list[models.Model] = []
        for code, parent in parents.items():
            wanted = [{**r, "position": i} for i, r in enumerate(desired.get(code, []))]
            have = current.get(parent.pk, [])
            if _normalise(have) != _normalise(wanted):
                replace_for.append(parent.pk)
                rows.extend(model(**{parent_field: parent}, **r) for r in wanted)
                if have:
                    self.report.updated[kind] += 1
                else:
                    self.report.created[kind] += len(wanted)
        if replace_for:
            model._default_manager.filter(**{f"{parent_field}_id__in": replace_for}).delete()
            model._default_manager.bulk_create(rows)
            by_pk = {parent.pk: parent for parent in parents.values()}
            self.mark_changed(_related_model(model, parent_field), (by_pk[pk] for pk in replace_for))

    def sync_links(
        self,
        through: type[models.Model],
        ends: tuple[str, str],
        sources: Elements,
        targets: Elements,
        desired: dict[str, list[str]],
        kind: str,
        *,
        scope: str = "",
    ) -> None:
        """The rows of a many-to-many table between ``sources`` and ``targets`` (by their codes), in
        the order the file lists them: an element whose list changed, even only in its order, has
        its rows written again in that order (the export reads them in the order of their ids).
        ``scope`` is the lookup from a row to the plan when the source is not an element of it."""
        source_field, target_field = ends
        current: dict[int, list[int]] = defaultdict(list)
        for s, t in (
            through._default_manager.filter(**{scope or f"{source_field}__plan": self.plan})
            .order_by("pk")
            .values_list(f"{source_field}_id", f"{target_field}_id")
        ):
            current[s].append(t)
        wanted = {sources[s].pk: list(dict.fromkeys(targets[t].pk for t in ts)) for s, ts in desired.items()}
        redo = sorted(s for s in {*current, *wanted} if current.get(s, []) != wanted.get(s, []))
        if not redo:
            return
        through._default_manager.filter(**{f"{source_field}_id__in": redo}).delete()
        through._default_manager.bulk_create(
            [through(**{f"{source_field}_id": s, f"{target_field}_id": t}) for s in redo for t in wanted.get(s, [])]
        )
        for s in redo:
            was, now = set(current.get(s, [])), set(wanted.get(s, []))
            self.report.created[kind] += len(now - was)
            self.report.deleted[kind] += len(was - now)
            if was == now:  # the same links in another order
                self.report.updated[kind] += 1
        by_pk = {source.pk: source for source in sources.values()}
        self.mark_changed(_related_model(through, source_field), (by_pk[s] for s in redo if s in by_pk))


def _related_model(model: type[models.Model], name: str) -> type[models.Model]:
    related = model._meta.get_field(name).related_model
    assert isinstance(related, type), f"{model.__name__}.{name} is not a foreign key"
    return related


def _by_attname(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys as ``<name>_id`` = pk, so comparing a row never fetches the related row."""
    out = {}
    for name, value in values.items():
        f = model._meta.get_field(name)
        if isinstance(f, models.ForeignKey):
            out[f.attname] = value.pk if value is not None else None
        else:
            out[name] = value
    return out


def _normalise(rows: list[dict[str, Any]]) -> list[tuple[tuple[str, Any], ...]]:
    return [
        tuple(
            sorted(
                (k, Decimal(v) if isinstance(v, (Decimal, int, float)) and not isinstance(v, bool) else v)
                for k, v in row.items()
            )
        )
        for row in rows
    ]
