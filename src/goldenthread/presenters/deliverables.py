"""Deliverables against their due dates, as at a date.

Each activity gets a state from its due date, its reported status and the as-at date. The
reported status is the latest approved update's as at that date, else the plan file's (see
:mod:`goldenthread.presenters.reported`):

* complete — reported complete;
* overdue — due before the as-at date and not complete;
* due soon — due within :data:`DUE_SOON_DAYS` days of the as-at date;
* on track — due later than that;
* no date — the plan gives no date, or a timeline that is not one ("Ongoing", "Annual
  survey"); the timeline is shown as printed;
* cancelled — reported cancelled (listed only when there are any).

Filters narrow the list by directorate (an activity's own org unit, its owner's, else its
objective's or the objective owner's; a directorate includes the units within it), by owner
(the activity's, else its objective's) and by the level of the objective it delivers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.urls import reverse

from goldenthread.formatting import anchor, due_words, item_anchor
from goldenthread.performance.definitions import Definitions, definitions_in_force
from goldenthread.plans import models as m
from goldenthread.plans.tree import Tree
from goldenthread.presenters.as_at import AsAt, Option
from goldenthread.presenters.paging import Pager
from goldenthread.presenters.plan_version import version_line
from goldenthread.presenters.reported import plan_reports

DUE_SOON_DAYS = 30

#: state -> (heading, NHS.UK tag colour), in the order the page lists them
STATES = {
    "overdue": ("Overdue", "red"),
    "due_soon": ("Due soon", "orange"),
    "on_track": ("On track", "green"),
    "no_date": ("No date", "grey"),
    "complete": ("Complete", "blue"),
    "cancelled": ("Cancelled", "white"),
}


@dataclass
class Deliverable:
    code: str
    title: str
    href: str
    objective: str
    objective_href: str
    level: str
    unit: str
    owner: str
    due_text: str
    due_date: date | None
    # the status in force, with RAG, % complete and forecast where given: the latest approved
    # update's, else the plan file's
    reported: str
    reported_source: str  # "2019/20 Q4, reported by Ann Lead" or "as in the plan"
    missing: str  # "Not reported for 2019/20 Q4", or ""
    state: str
    state_label: str
    colour: str
    when: str  # "overdue by 12 days", "due in 3 days"; empty with no date (the due column says so)


@dataclass
class StateGroup:
    state: str
    heading: str
    colour: str
    items: list[Deliverable]
    page_items: list[Deliverable] | None = None  # a large plan's: those on the page shown (paging.page_groups)
    list_href: str = ""  # and where its list starts

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def shown_items(self) -> list[Deliverable]:
        """The items the page lists: all of them, or those on this page of a large plan's list."""
        return self.items if self.page_items is None else self.page_items


@dataclass
class Filter:
    name: str
    label: str
    options: list[Option]
    error: str = ""


@dataclass
class DeliverablesPage:
    as_at: AsAt
    total: int
    shown: int
    groups: list[StateGroup]  # every state in STATES order (cancelled only when the plan has any)
    filters: list[Filter]
    filtered: bool
    due_soon_days: int = DUE_SOON_DAYS
    keep: dict[str, str] = field(default_factory=dict)  # the filters, for the period form to keep
    version_line: str = ""  # which version of the plan's dates are shown, when not the latest
    pager: Pager | None = None  # a large plan's activities a page at a time


def state_of(status: str, due: date | None, as_at: date) -> str:
    if status == m.Activity.Status.COMPLETE:
        return "complete"
    if status == m.Activity.Status.CANCELLED:
        return "cancelled"
    if due is None:
        return "no_date"
    if due < as_at:
        return "overdue"
    if due <= as_at + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "on_track"


def _when(state: str, due: date | None, as_at: date) -> str:
    if due is None:  # the due column already reads "No date given" or the timeline as printed
        return ""
    days = (due - as_at).days
    if state == "overdue":
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if state in ("due_soon", "on_track"):
        return "due today" if days == 0 else f"due in {days} day{'s' if days != 1 else ''}"
    return ""


class _Row(NamedTuple):
    deliverable: Deliverable
    unit_id: int | None  # the org unit responsible (see the module docstring)
    owner_id: int | None
    level_id: int


def _responsible_unit(a: m.Activity, owners: dict[int, m.Owner]) -> int | None:
    """The activity's own unit, its owner's, else its objective's or the objective owner's."""
    o = a.objective
    for owner_id, unit in ((a.owner_id, a.org_unit_id), (o.owner_id, o.org_unit_id)):
        if unit:
            return unit
        if owner_id and owners[owner_id].org_unit_id:
            return owners[owner_id].org_unit_id
    return None


def _rows(
    plan: m.Plan, as_at: AsAt, unit_names: dict[int, str], owners: dict[int, m.Owner], definitions: Definitions
) -> list[_Row]:
    """Each activity as the version of the plan in force at the as-at date plans it."""
    plan_href = as_at.link(reverse("plan", args=[plan.code]))
    read = definitions.activities(
        plan.activities.select_related("objective__level", "org_unit", "objective__org_unit").order_by("position")
    )
    reports = plan_reports(plan, as_at.date, read)
    rows = []
    for a in read:
        o = a.objective
        owner_id = a.owner_id or o.owner_id
        unit_id = _responsible_unit(a, owners)
        reported = reports.activities[a.pk]
        state = state_of(reported.status, a.due_date, as_at.date)
        heading, colour = STATES[state]
        deliverable = Deliverable(
            code=a.code,
            title=a.title,
            href=f"{plan_href}#{item_anchor('activity', a.code)}",
            objective=f"{o.code} {o.title}",
            objective_href=f"{plan_href}#{anchor(o.code)}",
            level=o.level.name,
            unit=unit_names.get(unit_id, "") if unit_id is not None else "",
            owner=str(owners[owner_id]) if owner_id else "",
            due_text=due_words(a.due_text, a.due_date) or "No date given",
            due_date=a.due_date,
            reported=reported.words,
            reported_source=reported.source,
            missing=reported.missing,
            state=state,
            state_label=heading,
            colour=colour,
            when=_when(state, a.due_date, as_at.date),
        )
        rows.append(_Row(deliverable, unit_id, owner_id, o.level_id))
    return rows


def _filters(
    rows: list[_Row],
    units: list[m.OrgUnit],
    tree: Tree,
    owners: dict[int, m.Owner],
    levels: list[m.Level],
    chosen: dict[str, str],
) -> tuple[list[Filter], dict[str, dict[str, int]]]:
    """The filter options — only what the plan's activities use (a directorate also when a unit
    within it does) — and, per filter, its codes to ids; a code the plan does not use is shown
    as an error on its filter and ignored."""
    used_units = tree.with_ancestors(r.unit_id for r in rows if r.unit_id is not None)
    known = {
        "directorate": {u.code: u.pk for u in units if u.pk in used_units},
        "owner": {owners[pk].code: pk for pk in {r.owner_id for r in rows if r.owner_id}},
        "level": {lv.code: lv.pk for lv in levels if any(r.level_id == lv.pk for r in rows)},
    }
    choices = {
        "directorate": ("Directorate", "All directorates", [(u.code, u.name) for u in units if u.pk in used_units]),
        "owner": ("Owner", "All owners", [(o.code, str(o)) for o in owners.values() if o.code in known["owner"]]),
        "level": ("Level", "All levels", [(lv.code, lv.name) for lv in levels if lv.code in known["level"]]),
    }
    filters = []
    for name, (label, everything, options) in choices.items():
        value = chosen[name]
        f = Filter(name, label, [Option("", everything, not value)] + [Option(c, t, c == value) for c, t in options])
        if value and value not in known[name]:
            f.error = f"This plan has no {label.lower()} with code “{value[:40]}” among its activities; showing all."
            f.options[0].selected = True
        filters.append(f)
    return filters, known


def _groups(rows: list[_Row], shown: list[_Row]) -> list[StateGroup]:
    """Every state in order, each with the shown deliverables by due date; cancelled only when the plan has any."""
    in_plan = {r.deliverable.state for r in rows}
    by_state: dict[str, list[Deliverable]] = defaultdict(list)
    for r in shown:
        by_state[r.deliverable.state].append(r.deliverable)
    return [
        StateGroup(state, heading, colour, sorted(by_state[state], key=lambda d: (d.due_date or date.max,)))
        for state, (heading, colour) in STATES.items()
        if state != "cancelled" or state in in_plan
    ]


def deliverables(
    plan: m.Plan, as_at: AsAt, directorate: str = "", owner: str = "", level: str = ""
) -> DeliverablesPage:
    units = list(plan.org_units.order_by("position"))
    tree = Tree({u.pk: u.parent_id for u in units})
    owners = {o.pk: o for o in plan.owners.order_by("position")}
    levels = list(plan.levels.order_by("position"))
    definitions = definitions_in_force(plan, as_at.date)
    rows = _rows(plan, as_at, {u.pk: u.name for u in units}, owners, definitions)
    chosen = {"directorate": directorate, "owner": owner, "level": level}
    filters, known = _filters(rows, units, tree, owners, levels, chosen)
    keep = {name: value if value in known[name] else "" for name, value in chosen.items()}
    shown = rows
    if keep["directorate"]:
        within = tree.subtree(known["directorate"][directorate])
        shown = [r for r in shown if r.unit_id in within]
    if keep["owner"]:
        shown = [r for r in shown if r.owner_id == known["owner"][owner]]
    if keep["level"]:
        shown = [r for r in shown if r.level_id == known["level"][level]]
    return DeliverablesPage(
        as_at=as_at,
        total=len(rows),
        shown=len(shown),
        groups=_groups(rows, shown),
        filters=filters,
        filtered=any(keep.values()),
        keep=keep,
        version_line=version_line(as_at.period, definitions.version),
    )
