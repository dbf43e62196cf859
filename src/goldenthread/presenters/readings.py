"""The two readings of a plan with "contributes to" links, and the matrix that joins them.

Seed 001 (NHS England and NHS Improvement, 2019/20) says its single business plan "can be viewed
by either organisational priority or by directorate", and draws the two together in the
Appendix Two matrix: directorates down the side, organisational priorities across the top, and
in each cell the directorate priorities with their metrics and key activities.

Here the *priorities* are the objectives at the plan's first level together with any objective
another one contributes to; the *directorates* are the org units that hold a contributing
objective (its own org unit, or its owner's). Everything is read in five queries whatever the
size of the plan, and grouped here so the templates only loop.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.urls import reverse

from goldenthread.formatting import anchor, item_anchor
from goldenthread.plans import models as m
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.paging import Pager, pager
from goldenthread.presenters.plan import StatusTag
from goldenthread.presenters.reported import ObjectiveState, PlanReports, Reported, plan_reports

NO_UNIT = "Directorate not named in the plan"


def plural(name: str) -> str:
    """A level's name in the plural for a sentence: "Directorate priority" -> "directorate
    priorities", "Priority for 2016/17" -> "priorities for 2016/17"."""
    name = name.lower().strip()
    if not name:
        return "objectives"
    match = re.match(r"(.+?)( (?:for|of|in|to|under) .*| \(.*)$", name)
    head, tail = (match.group(1), match.group(2)) if match else (name, "")
    if not head[-1:].isalpha():
        return f"objectives at the level “{name}”"
    if head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    elif not head.endswith("s"):
        head += "s"
    return head + tail


@dataclass
class Ref:
    code: str
    title: str
    href: str


@dataclass
class MetricLine:
    code: str
    title: str
    href: str
    to_be_confirmed: bool  # tagged "To be confirmed" (unless that is already its title)
    target: str


@dataclass
class ActivityLine:
    code: str
    title: str
    href: str
    due: str
    reported: Reported | None = None  # its status in force (see goldenthread.presenters.reported)
    objective: Ref | None = None  # the objective it delivers, when listed apart from it


@dataclass
class Entry:
    """An objective as a reading shows it: where it sits, what measures it, what delivers it."""

    code: str
    title: str
    href: str
    level: str
    unit: str
    owner: str
    metrics: list[MetricLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    activities_heading: str = "Activities"
    contributes_to: list[Ref] = field(default_factory=list)
    status: StatusTag | None = None  # filled by the assurance side when it assesses objectives
    reported: ObjectiveState | None = None  # reported RAG rating and its activities rolled up


@dataclass
class UnitGroup:
    name: str
    entries: list[Entry]


@dataclass
class PriorityReading:
    priority: Entry
    description: str
    groups: list[UnitGroup]


@dataclass
class ByPriority:
    linked: bool
    names: dict[str, str]  # priority_level, contributor_level and their plurals for the page's sentences
    priorities: list[PriorityReading]
    uncovered: list[Entry]  # first-level objectives nothing contributes to yet


@dataclass
class DirectorateReading:
    name: str
    kind: str
    entries: list[Entry]
    activities: list[ActivityLine] = field(default_factory=list)  # led here, for objectives held elsewhere
    metrics: list[MetricLine] = field(default_factory=list)  # owned here, for objectives held elsewhere


@dataclass
class ByDirectorate:
    linked: bool
    names: dict[str, str]  # priority_level, contributor_level and their plurals for the page's sentences
    directorates: list[DirectorateReading]
    unnamed: list[str] = field(default_factory=list)  # unlinked plans: "44 activities" naming no unit
    pager: Pager | None = None  # a large plan's directorates a page at a time (:func:`paged_directorates`)

    def href(self, index: int) -> str:
        """The link to the ``index``-th directorate's section (from 0): on this page, or another."""
        page = self.pager.href(self.pager.page_of(index)) if self.pager else ""
        return f"{page}#directorate-{index + 1}"

    def shows(self, index: int) -> bool:
        """Whether this page shows the ``index``-th directorate (from 0)."""
        return self.pager is None or index in self.pager.shown


def paged_directorates(page: ByDirectorate, number: int, query: Mapping[str, str]) -> None:
    """A large plan's directorates a page at a time, each never split: its objectives with their
    metrics and activities, and the activities and metrics it leads, a row each."""
    weights = [
        sum(1 + len(e.metrics) + len(e.activities) for e in d.entries) + len(d.activities) + len(d.metrics) + 1
        for d in page.directorates
    ]
    paging = pager(weights, number, query, "directorates")
    page.pager = paging if paging.paged else None


@dataclass
class MatrixCell:
    column: str  # the priority's title, shown above the cell when the table is stacked on a phone
    entries: list[Entry]


@dataclass
class MatrixRow:
    name: str
    cells: list[MatrixCell]  # one per column, in column order


@dataclass
class Matrix:
    linked: bool
    names: dict[str, str]  # priority_level, contributor_level and their plurals for the page's sentences
    columns: list[Entry]
    rows: list[MatrixRow]


@dataclass
class _Graph:
    objectives: list[m.Objective]
    entries: dict[int, Entry]
    contributes_to: dict[int, list[int]]
    contributors: dict[int, list[int]]
    priorities: list[m.Objective]  # in plan order
    unit_of: dict[int, m.OrgUnit | None]
    priority_level: str  # the plan's name for its first level, e.g. "Organisational priority"
    contributor_level: str  # the level most contributing objectives are at, e.g. "Directorate priority"
    activities: list[tuple[m.Activity, ActivityLine]] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        return {
            "priority_level": self.priority_level,
            "contributor_level": self.contributor_level,
            "priorities": plural(self.priority_level),
            "contributors": plural(self.contributor_level),
        }

    @property
    def linked(self) -> bool:
        return bool(self.contributes_to)

    def directorates(self) -> list[m.OrgUnit | None]:
        """Units holding a contributing objective, in the plan's order; None (no unit named) last."""
        units = {self.unit_of[pk] for pk in self.contributes_to}
        named = sorted((u for u in units if u is not None), key=lambda u: u.position)
        return named + ([None] if None in units else [])


def _graph(plan: m.Plan, as_at: AsAt) -> _Graph:
    plan_href = as_at.link(reverse("plan", args=[plan.code]))
    read = list(
        plan.activities.select_related("org_unit", "owner__org_unit", "objective__org_unit").order_by("position")
    )
    reports = plan_reports(plan, as_at.date, read)
    first_level, priority_level = plan.levels.order_by("position").values_list("pk", "name").first() or (None, "")
    objectives = list(plan.objectives.select_related("level", "org_unit", "owner__org_unit").order_by("position"))
    by_pk = {o.pk: o for o in objectives}
    contributes_to: dict[int, list[int]] = defaultdict(list)
    contributors: dict[int, list[int]] = defaultdict(list)
    for source, target in m.Objective.contributes_to.through.objects.filter(from_objective__plan=plan).values_list(
        "from_objective_id", "to_objective_id"
    ):
        contributes_to[source].append(target)
        contributors[target].append(source)
    for pks in (*contributes_to.values(), *contributors.values()):
        pks.sort(key=lambda pk: by_pk[pk].position)

    unit_of = {o.pk: o.org_unit or (o.owner.org_unit if o.owner else None) for o in objectives}
    entries = {
        o.pk: Entry(
            code=o.code,
            title=o.title,
            href=f"{plan_href}#{anchor(o.code)}",
            level=o.level.name,
            unit=unit.name if (unit := unit_of[o.pk]) else "",
            owner=str(o.owner or ""),
            reported=reports.objective(o.pk),
        )
        for o in objectives
    }
    for source, targets in contributes_to.items():
        entries[source].contributes_to = [Ref(by_pk[t].code, by_pk[t].title, entries[t].href) for t in targets]
    for link in (
        m.Metric.objectives.through.objects.filter(metric__plan=plan)
        .select_related("metric")
        .order_by("metric__position")
    ):
        entries[link.objective_id].metrics.append(_metric_line(link.metric, plan_href))
    activities = _activity_lines(read, plan_href, reports)
    _add_activities(entries, activities)
    priorities = [o for o in objectives if o.level_id == first_level or o.pk in contributors]
    if any(by_pk[pk].level_id != first_level for pk in contributors):
        priority_level = "Priority"  # some links point below the first level: name no single level
    levels = Counter(by_pk[pk].level.name for pk in contributes_to)
    contributor_level = levels.most_common(1)[0][0] if levels else ""
    return _Graph(
        objectives,
        entries,
        contributes_to,
        contributors,
        priorities,
        unit_of,
        priority_level,
        contributor_level,
        activities,
    )


def _metric_line(x: m.Metric, plan_href: str) -> MetricLine:
    return MetricLine(
        x.code,
        x.title,
        f"{plan_href}#{item_anchor('metric', x.code)}",
        x.to_be_confirmed and x.title.strip().lower() != "to be confirmed",
        x.target_text if x.target_text.strip() != x.title.strip() else "",
    )


def _add_activities(entries: dict[int, Entry], activities: list[tuple[m.Activity, ActivityLine]]) -> None:
    """Each activity under its objective's entry, headed "Key activities" when they all are."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for a, line in activities:
        entries[a.objective_id].activities.append(line)
        kinds[a.objective_id].add(a.kind)
    for pk, seen in kinds.items():
        entries[pk].activities_heading = "Key activities" if seen == {m.Activity.Kind.KEY_ACTIVITY} else "Activities"


def _activity_lines(
    read: list[m.Activity], plan_href: str, reports: PlanReports
) -> list[tuple[m.Activity, ActivityLine]]:
    """The plan's activities in order, each with its line (status in force included)."""
    return [
        (
            a,
            ActivityLine(
                a.code,
                a.title,
                f"{plan_href}#{item_anchor('activity', a.code)}",
                a.due_text,
                reports.activities.get(a.pk),
            ),
        )
        for a in read
    ]


def _grouped(g: _Graph, pks: list[int]) -> list[UnitGroup]:
    groups: dict[m.OrgUnit | None, list[Entry]] = defaultdict(list)
    for pk in pks:
        groups[g.unit_of[pk]].append(g.entries[pk])
    order = sorted(groups, key=lambda u: (u is None, u.position if u else 0))
    return [UnitGroup(u.name if u else NO_UNIT, groups[u]) for u in order]


def by_priority(plan: m.Plan, as_at: AsAt) -> ByPriority:
    """Each priority with the objectives contributing to it, grouped by their directorate."""
    g = _graph(plan, as_at)
    readings = [
        PriorityReading(g.entries[p.pk], p.description, _grouped(g, g.contributors[p.pk]))
        for p in g.priorities
        if g.contributors.get(p.pk)
    ]
    uncovered = [g.entries[p.pk] for p in g.priorities if not g.contributors.get(p.pk)]
    return ByPriority(g.linked, g.names, readings, uncovered)


def by_directorate(plan: m.Plan, as_at: AsAt) -> ByDirectorate:
    """Each unit the plan names as holding an objective, leading an activity or owning a metric,
    with those elements (:func:`_by_unit`) — every unit, so a plan that links few objectives, or
    none, is still read by directorate. With links, a directorate's objectives that are
    themselves priorities are left to the by-priority reading unless they also contribute to
    something, and contributing objectives naming no unit are listed last under
    :data:`NO_UNIT`."""
    g = _graph(plan, as_at)
    if not g.linked:
        return _by_unit(plan, as_at, g, lambda o: True)
    priorities = {p.pk for p in g.priorities}

    def shown(o: m.Objective) -> bool:
        return o.pk in g.contributes_to or o.pk not in priorities

    page = _by_unit(plan, as_at, g, shown)
    page.linked = True
    if None in g.directorates():
        entries = [g.entries[o.pk] for o in g.objectives if g.unit_of[o.pk] is None and shown(o)]
        page.directorates.append(DirectorateReading(NO_UNIT, "", entries))
    return page


def matrix(plan: m.Plan, as_at: AsAt) -> Matrix:
    """Directorates × priorities; each cell the directorate's objectives contributing to that priority."""
    g = _graph(plan, as_at)
    columns = [p for p in g.priorities if g.contributors.get(p.pk)]
    rows = []
    for unit in g.directorates():
        cells = [
            MatrixCell(p.title, [g.entries[pk] for pk in g.contributors[p.pk] if g.unit_of[pk] == unit])
            for p in columns
        ]
        rows.append(MatrixRow(unit.name if unit else NO_UNIT, cells))
    return Matrix(g.linked, g.names, [g.entries[p.pk] for p in columns], rows)


def _by_unit(plan: m.Plan, as_at: AsAt, g: _Graph, shown: Callable[[m.Objective], bool]) -> ByDirectorate:
    """Each unit the plan names as holding an objective (its own unit, or its owner's), leading
    an activity (its own unit, or its owner's) or owning a metric (its owner's), in the plan's
    order, with those elements. An activity or metric is listed under its objective's entry when
    that objective is the same unit's, and apart from it otherwise. Elements naming no unit are
    counted, not listed (they are on the plan overview), and so are those of the organisation as
    a whole. Only objectives ``shown`` are listed."""
    plan_href = as_at.link(reverse("plan", args=[plan.code]))
    objectives: dict[m.OrgUnit, list[Entry]] = defaultdict(list)
    activities: dict[m.OrgUnit, list[ActivityLine]] = defaultdict(list)
    metrics: dict[m.OrgUnit, list[MetricLine]] = defaultdict(list)
    unnamed: Counter[str] = Counter()
    for o in g.objectives:
        if (unit := _part(g.unit_of[o.pk])) is not None and shown(o):
            objectives[unit].append(g.entries[o.pk])
    for a, line in g.activities:
        unit = _part(a.org_unit or (a.owner.org_unit if a.owner else None))
        held_by = _part(g.unit_of[a.objective_id])
        if unit is None and held_by is None:
            unnamed["activities"] += 1
        elif unit is not None and unit != held_by:
            held = g.entries[a.objective_id]
            line.objective = Ref(held.code, held.title, held.href)
            activities[unit].append(line)
    for x in plan.metrics.select_related("owner__org_unit").order_by("position"):
        unit = _part(x.owner.org_unit if x.owner else None)
        if unit is None:
            unnamed["metrics"] += 1
        elif not any(x.code == line.code for e in objectives[unit] for line in e.metrics):
            metrics[unit].append(_metric_line(x, plan_href))
    unnamed["objectives"] = sum(1 for o in g.objectives if _part(g.unit_of[o.pk]) is None)
    units = sorted(set(objectives) | set(activities) | set(metrics), key=lambda u: u.position)
    readings = [
        DirectorateReading(u.name, u.get_kind_display(), objectives[u], activities[u], metrics[u]) for u in units
    ]
    singular = {"objectives": "objective", "activities": "activity", "metrics": "metric"}
    counted = [f"{n} {kind if n != 1 else singular[kind]}" for kind in singular if (n := unnamed[kind])]
    return ByDirectorate(False, g.names, readings, counted)


def _part(unit: m.OrgUnit | None) -> m.OrgUnit | None:
    """The unit, unless it is none or the organisation as a whole (which is no directorate)."""
    return None if unit is None or unit.kind == m.OrgUnit.Kind.ORGANISATION else unit
