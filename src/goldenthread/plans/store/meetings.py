"""Load a plan's governance: its bodies (with their parents, members and what they oversee), its
meetings, and each meeting's agenda.

Bodies and meetings are synchronised by code like the other elements. Agenda items have no code:
they are found again by their number within their meeting and updated in place, never deleted
and recreated, because what people record at a meeting (decisions, actions) hangs off its items.
An item the file no longer has is deleted once the rest of the load has settled — unless it holds
such records, when the whole load is refused (:data:`.syncing.RECORDS`). A change to a meeting's
agenda is recorded in the meeting's history.
"""

from __future__ import annotations

from typing import Any

from goldenthread.planfile import schema
from goldenthread.planfile.governance import AgendaItem
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import mapping as fields
from goldenthread.plans.store.mapping import BODIES, OWNERS, Link
from goldenthread.plans.store.syncing import Elements, Syncer


def item_key(meeting: str, number: str) -> str:
    """How an agenda item is known in a load: its meeting's code and its number."""
    return f"{meeting}\n{number}"


def load_governance(sync: Syncer, spec: schema.Plan, tables: dict[str, Elements]) -> None:
    """The plan's bodies, meetings and agenda items made to match the file."""
    bodies = sync.sync(
        m.Body,
        "body",
        [{**fields.BODY.stored(b, tables), "oversees_plan": bool(b.oversees and b.oversees.plan)} for b in spec.bodies],
    )
    tables[BODIES] = bodies
    sync.set_parents(m.Body, bodies, {b.code: b.parent for b in spec.bodies})
    _link(sync, fields.MEMBERS, bodies, tables, {b.code: b.members for b in spec.bodies})
    for link in fields.OVERSEES:
        desired = {b.code: getattr(b.oversees, link.name) if b.oversees else [] for b in spec.bodies}
        _link(sync, link, bodies, tables, desired)
    meetings = sync.sync(
        m.Meeting,
        "meeting",
        [{**fields.MEETING.stored(x, tables), "date": parse_period(x.date).start} for x in spec.meetings],
    )
    items = _sync_items(sync, meetings, spec.meetings, tables[OWNERS])
    for link in fields.ITEM_LINKS:
        desired = {item_key(x.code, i.number): getattr(i, link.name) for x in spec.meetings for i in x.items}
        _link(sync, link, items, tables, desired)
    # an agenda changed: its meeting's history shows the agenda as the load left it
    changed = {
        item.meeting_id for item in sync.changed.pop(m.AgendaItem, {}).values() if isinstance(item, m.AgendaItem)
    }
    by_pk = {meeting.pk: meeting for meeting in meetings.values()}
    sync.mark_changed(m.Meeting, [by_pk[pk] for pk in sorted(changed)])


def _link(sync: Syncer, link: Link, sources: Elements, tables: dict[str, Elements], desired: dict[str, Any]) -> None:
    sync.sync_links(link.through, link.ends, sources, tables[link.table], desired, link.kind, scope=link.plan_path)


def _item_values(item: AgendaItem, owners: Elements, position: int) -> dict[str, Any]:
    presenter = owners.get(item.presenter) if item.presenter else None
    return {
        "title": item.title,
        "purpose": item.purpose or "",
        "presenter_id": presenter.pk if presenter is not None else None,
        "considers": list(item.considers),
        "period": item.period or "",
        "source": item.source or "",
        "position": position,
    }


def _sync_items(sync: Syncer, meetings: Elements, specs: list[schema.Meeting], owners: Elements) -> Elements:
    """Every meeting's agenda items, found by number within their meeting and updated in place.
    Items of a meeting the file no longer has go with their meeting; other items no longer in the
    file are deleted with the plan's other stale elements (or the load refused)."""
    existing = {(i.meeting_id, i.number): i for i in m.AgendaItem.objects.filter(meeting__plan=sync.plan)}
    result: Elements = {}
    to_create: list[m.AgendaItem] = []
    to_update: list[m.AgendaItem] = []
    for x in specs:
        meeting = meetings[x.code]
        for position, item in enumerate(x.items):
            values = _item_values(item, owners, position)
            obj = existing.pop((meeting.pk, item.number), None)
            if obj is None:
                obj = m.AgendaItem(meeting=meeting, number=item.number, **values)
                to_create.append(obj)
            elif any(getattr(obj, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(obj, name, value)
                to_update.append(obj)
            result[item_key(x.code, item.number)] = obj
    _create_items(to_create)
    if to_update:
        m.AgendaItem.objects.bulk_update(
            to_update, ["title", "purpose", "presenter", "considers", "period", "source", "position"]
        )
    kept = {meeting.pk for meeting in meetings.values()}
    stale = [item for (meeting_pk, _), item in existing.items() if meeting_pk in kept]
    if stale:
        sync.stale.append((m.AgendaItem, [item.pk for item in stale], "agenda_item"))
    sync.mark_changed(m.AgendaItem, [*to_create, *to_update, *stale])
    sync.report.created["agenda_item"] += len(to_create)
    sync.report.updated["agenda_item"] += len(to_update)
    return result


def _create_items(items: list[m.AgendaItem]) -> None:
    if not items:
        return
    m.AgendaItem.objects.bulk_create(items)
    if items[0].pk is None:  # backends that cannot return ids from bulk inserts
        meetings = {item.meeting_id for item in items}
        ids = {
            (meeting, number): pk
            for pk, meeting, number in m.AgendaItem.objects.filter(meeting_id__in=meetings).values_list(
                "pk", "meeting_id", "number"
            )
        }
        for item in items:
            item.pk = ids[(item.meeting_id, item.number)]
