"""Presenters: turn stored plans into exactly what a page shows, in a fixed number of queries.

Templates receive plain dataclasses and loop over them; all grouping, ordering and wording
decisions are made here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.urls import NoReverseMatch, reverse

from goldenthread.formatting import anchor, item_anchor
from goldenthread.performance.definitions import Definitions, definitions_in_force
from goldenthread.planfile.quality import check_plan, grouped
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, plan_summaries
from goldenthread.presenters.paging import Pager, page_holding, pager
from goldenthread.presenters.reported import ObjectiveState, PlanReports, plan_reports


def plan_list(plans=None) -> list[dict]:
    """Summaries of ``plans`` (a queryset of those the user may read), or of every plan."""
    summaries = plan_summaries()
    if plans is None:
        return summaries
    allowed = set(plans.values_list("code", flat=True))
    return [p for p in summaries if p["code"] in allowed]


#: (URL name, label) of the pages about one plan, in the order the plan navigation lists them;
#: pages whose URL is not installed are left out.
PLAN_PAGES = [
    ("plan", "Overview"),
    ("plan-by-priority", "By priority"),
    ("plan-by-directorate", "By directorate"),
    ("plan-matrix", "Matrix"),
    ("plan-deliverables", "Deliverables"),
    ("plan-budgets", "Budgets"),
    ("scorecard", "Scorecard"),
    ("exceptions", "Exceptions"),
    ("plan-governance", "Governance"),
    ("plan-versions", "Versions"),
]


@dataclass
class NavItem:
    name: str  # the URL name
    label: str
    href: str
    current: bool


def plan_nav(plan: m.Plan, as_at, current: str) -> list[NavItem]:
    """Links to every page about ``plan``, each keeping the as-at period (``as_at.link``)."""
    items = []
    for name, label in PLAN_PAGES:
        try:
            href = reverse(name, args=[plan.code])
        except NoReverseMatch:
            continue
        items.append(NavItem(name, label, as_at.link(href), name == current))
    return items


@dataclass
class Link:
    code: str
    title: str
    anchor: str
    page_href: str = ""  # the page of a paged overview that shows it, when not the page it is linked from


#: colours of the NHS.UK tag for each assurance rating (see goldenthread.assurance.judgement.RATINGS)
STATUS_COLOURS = {"concern": "red", "at_risk": "orange", "no_data": "grey", "on_track": "green", "complete": "blue"}


@dataclass
class StatusTag:
    """An objective's status as a page shows it: a tag and the reason in words."""

    label: str
    colour: str
    reason: str


def status_tag(status) -> StatusTag | None:
    """A tag for a :class:`goldenthread.assurance.judgement.Status` (or None for none)."""
    if status is None:
        return None
    return StatusTag(status.label, STATUS_COLOURS.get(status.rating, "grey"), status.reason)


@dataclass
class ObjectiveNode:
    code: str
    anchor: str
    level: str
    title: str
    description: str
    owner: str
    org_unit: str
    assessment: str
    source: str
    assessed_by: list[dict]
    framework_refs: list[str]
    contributes_to: list[Link] = field(default_factory=list)
    contributors: list[Link] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    children: list[ObjectiveNode] = field(default_factory=list)
    depth: int = 0
    status: StatusTag | None = None  # filled by the assurance side; the page shows a tag only when set
    reported: ObjectiveState | None = None  # its RAG rating reported in updates, and the roll-up of its activities


@dataclass
class BudgetTable:
    """Budget lines by org unit and category, totals computed from the lines, printed totals beside them."""

    period: str
    categories: list[tuple[str, str]]
    rows: list[dict]
    totals: dict[str, Decimal]
    grand_total: Decimal
    stated: list[dict]

    @property
    def differing(self) -> list[dict]:
        """Printed totals that the lines do not add up to."""
        return [t for t in self.stated if t["difference"]]

    @property
    def line_count(self) -> int:
        return sum(len(row["lines"]) for row in self.rows)


@dataclass
class BudgetsPage:
    tables: list[BudgetTable]
    spend_recorded: bool  # no actuals are held yet: always False, and the page says so


def budgets_page(plan: m.Plan) -> BudgetsPage:
    return BudgetsPage(budget_tables(plan), spend_recorded=False)


@dataclass
class PlanPage:
    plan: m.Plan
    levels: list[m.Level]
    org_units: list[dict]
    roots: list[ObjectiveNode]
    counts: dict[str, int]
    budgets: list[BudgetTable]
    quality: list[tuple[str, str, list]]
    level_counts: list[tuple[str, int]] = field(default_factory=list)
    reporting_period: str = ""  # the current reporting period, "" when the plan runs no updates yet
    reports: PlanReports | None = None  # what the approved updates report, as at the page's date
    pager: Pager | None = None  # which page of the objectives is shown (a large plan's), or None for all

    def shown(self) -> list[ObjectiveNode]:
        """The objectives this page of the overview shows, in the order of the tree."""
        nodes = self.walk()
        return nodes[self.pager.shown.start : self.pager.shown.stop] if self.pager else nodes

    def walk(self) -> list[ObjectiveNode]:
        out: list[ObjectiveNode] = []

        def visit(node: ObjectiveNode) -> None:
            out.append(node)
            for child in node.children:
                visit(child)

        for root in self.roots:
            visit(root)
        return out


def _framework_refs(plan: m.Plan) -> dict[int, list[str]]:
    refs: dict[int, list[str]] = defaultdict(list)
    for r in m.FrameworkReference.objects.filter(objective__plan=plan).order_by("objective_id", "position"):
        refs[r.objective_id].append(f"{r.framework} {r.ref}")
    return refs


def _activities_by_objective(
    plan: m.Plan, on: date, definitions: Definitions
) -> tuple[dict[int, list[dict]], PlanReports]:
    """Each objective's activities as the version in force on ``on`` plans them, with their status
    in force then; the plan's reports."""
    read = definitions.activities(plan.activities.select_related("owner", "org_unit", "objective__org_unit"))
    reports = plan_reports(plan, on, read)
    activities: dict[int, list[dict]] = defaultdict(list)
    for a in read:
        reported = reports.activities[a.pk]
        activities[a.objective_id].append(
            {
                "code": a.code,
                "anchor": item_anchor("activity", a.code),
                "title": a.title,
                "description": a.description,
                "kind": a.get_kind_display(),
                "owner": str(a.owner or ""),
                "org_unit": str(a.org_unit or ""),
                "due": a.due_text,
                "due_date": a.due_date,
                "status": reported.words,
                "status_source": reported.source,
                "missing": reported.missing,
            }
        )
    return activities, reports


def _metrics_by_objective(
    plan: m.Plan, metrics: dict[int, m.Metric], definitions: Definitions
) -> dict[int, list[dict]]:
    """Each objective's metrics, in the plan's order; a metric measuring several is under each —
    as the version of the plan shown links them."""
    links: dict[int, list[dict]] = defaultdict(list)
    for metric_id, objective_id in definitions.links():
        x = metrics.get(metric_id)
        if x is None:  # not in the version of the plan shown
            continue
        links[objective_id].append(
            {
                "code": x.code,
                "title": x.title,
                "href": reverse("metric", args=[plan.code, x.code]),
                "to_be_confirmed": x.to_be_confirmed,
                "target": x.target_text,
                "review": " — ".join(v for v in (x.review_when, x.review_by) if v),
                "trigger": x.trigger,
            }
        )
    return links


def _objective_nodes(
    plan: m.Plan,
    objectives: list[m.Objective],
    metrics: dict[int, m.Metric],
    definitions: Definitions,
    statuses: dict,
    on: date,
) -> tuple[dict[int, ObjectiveNode], PlanReports]:
    refs = _framework_refs(plan)
    activities, reports = _activities_by_objective(plan, on, definitions)
    metric_links = _metrics_by_objective(plan, metrics, definitions)
    nodes = {
        o.pk: ObjectiveNode(
            code=o.code,
            anchor=anchor(o.code),
            level=o.level.name,
            title=o.title,
            description=o.description,
            owner=str(o.owner or ""),
            org_unit=str(o.org_unit or ""),
            assessment=o.assessment,
            source=o.source,
            assessed_by=o.assessed_by,
            framework_refs=refs[o.pk],
            activities=activities[o.pk],
            metrics=metric_links[o.pk],
            status=status_tag(statuses.get(o.code)),
            reported=reports.objective(o.pk),
        )
        for o in objectives
    }
    return nodes, reports


def _objective_tree(
    plan: m.Plan, objectives: list[m.Objective], nodes: dict[int, ObjectiveNode]
) -> list[ObjectiveNode]:
    """Link the nodes: children under parents (with their depth), contributions both ways; the roots."""
    by_pk = {o.pk: o for o in objectives}
    for source, target in m.Objective.contributes_to.through.objects.filter(from_objective__plan=plan).values_list(
        "from_objective_id", "to_objective_id"
    ):
        if target not in by_pk or source not in by_pk:  # not in the version of the plan shown
            continue
        t, s = by_pk[target], by_pk[source]
        nodes[source].contributes_to.append(Link(t.code, t.title, anchor(t.code)))
        nodes[target].contributors.append(Link(s.code, s.title, anchor(s.code)))
    roots = []
    for o in objectives:
        if o.parent_id is None:
            roots.append(nodes[o.pk])
        else:
            nodes[o.parent_id].children.append(nodes[o.pk])

    def set_depth(node: ObjectiveNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return roots


def quality_check(plan: m.Plan) -> list[tuple[str, str, list]]:
    """The plan quality check's findings, grouped as the overview lists them."""
    return grouped(check_plan(export_plan(plan)))


def plan_page(
    plan: m.Plan,
    statuses: dict | None = None,
    on: date | None = None,
    definitions: Definitions | None = None,
    *,
    quality: bool = True,
    page_number: int | None = None,
    query: Mapping[str, str] | None = None,
    objective: str = "",
) -> PlanPage:
    """The plan tree; ``statuses`` (objective code -> judgement.Status) from the assessment;
    activities and objectives as reported in the approved updates as at ``on`` (default today), and
    metrics and activities as the version of the plan in force then defines them (``definitions``,
    by default those in force on ``on``). ``quality=False`` leaves out the plan's quality check, for
    a page that shows its own (the planning team's to-do list of the plan being edited). With
    ``page_number``, only that page of the objectives is shown (:mod:`.paging`; ``query`` the address's
    parameters, which the links to other pages keep); a plan that fits on one page shows no pager.
    ``objective``: a code whose page is shown instead (links from other pages to an objective)."""
    on = on or date.today()
    levels = list(plan.levels.all())
    # the units' table: four columns of each, read as values (a national plan has a thousand units)
    units = plan.org_units.filter(declared=True)
    kinds = dict(m.OrgUnit.Kind.choices)
    definitions = definitions or definitions_in_force(plan, on)
    objectives = definitions.objectives(plan.objectives.select_related("level", "org_unit", "owner"))
    metrics = {x.pk: x for x in definitions.metrics(plan.metrics.all())}
    nodes, reports = _objective_nodes(plan, objectives, metrics, definitions, statuses or {}, on)
    page = PlanPage(
        plan=plan,
        budgets=budget_tables(plan),
        quality=quality_check(plan) if quality else [],
        levels=levels,
        org_units=[
            {"code": code, "name": name, "kind": kinds.get(kind, kind), "parent": parent or ""}
            for code, name, kind, parent in units.values_list("code", "name", "kind", "parent__name")
        ],
        roots=_objective_tree(plan, objectives, nodes),
        counts={
            "objectives": len(objectives),
            "metrics": len(metrics),
            "activities": sum(len(node.activities) for node in nodes.values()),
        },
        level_counts=[(level.name, sum(1 for o in objectives if o.level_id == level.pk)) for level in levels],
        reporting_period=reports.period,
        reports=reports,
    )
    return shown_page(page, page_number, query or {}, objective)


def shown_page(page: PlanPage, page_number: int | None, query: Mapping[str, str], objective: str = "") -> PlanPage:
    """``page`` showing page ``page_number`` of its objectives (all of them for None; see
    :func:`plan_page`), with each metric's anchor on the first of its places shown."""
    if page_number is not None:
        _paged(page, page_number, query, objective)
    # a metric measuring several objectives is shown under each; its anchor goes on the first
    seen: set[str] = set()
    for node in page.shown():
        for metric in node.metrics:
            if metric["code"] not in seen:
                seen.add(metric["code"])
                metric["anchor"] = item_anchor("metric", metric["code"])
    return page


def _paged(page: PlanPage, page_number: int, query: Mapping[str, str], objective: str = "") -> None:
    """Show one page of the objectives, each weighing a row and a row per activity and metric — or,
    for ``objective`` (a plan's code), the page holding it; a link to an objective on another page
    leads to that page."""
    nodes = page.walk()
    weights = [1 + len(n.activities) + len(n.metrics) for n in nodes]
    codes = [n.code for n in nodes]
    if objective in codes:
        page_number = page_holding(weights, codes.index(objective))
    query = {k: v for k, v in query.items() if k != "objective"}
    paging = pager(weights, page_number, query, "objectives")
    if not paging.paged:
        return
    page.pager = paging
    on_page = {node.code: paging.page_of(i) for i, node in enumerate(nodes)}
    for node in page.shown():
        for link in node.contributes_to + node.contributors:
            if on_page.get(link.code, paging.number) != paging.number:
                link.page_href = paging.href(on_page[link.code])


def with_statuses(page: PlanPage, statuses: dict) -> PlanPage:
    """``page`` with each objective's status from the assessment (objective code -> judgement.Status)."""
    for node in page.walk():
        node.status = status_tag(statuses.get(node.code))
    return page


def budget_tables(plan: m.Plan) -> list[BudgetTable]:
    """One table per financial year. Totals are always sums of the lines as printed; a printed
    total that differs is shown with the difference, never reconciled by adjusting a line."""
    lines = list(plan.budget_lines.select_related("org_unit").order_by("period", "position"))
    stated_totals = list(plan.stated_totals.prefetch_related("org_units").order_by("period", "position"))
    labels = dict(m.BudgetLine.Category.choices)
    tables = []
    for period in sorted({x.period for x in lines} | {t.period for t in stated_totals}):
        in_period = [x for x in lines if x.period == period]
        used = [c for c in labels if any(x.category == c for x in in_period)]
        rows: dict[str, dict] = {}
        for x in in_period:
            key = x.org_unit.name if x.org_unit else x.title
            row = rows.setdefault(key, {"name": key, "amounts": defaultdict(Decimal), "total": Decimal(0), "lines": []})
            row["amounts"][x.category] += x.amount
            row["total"] += x.amount
            row["lines"].append(x)
        totals = {c: sum((x.amount for x in in_period if x.category == c), Decimal(0)) for c in used}
        stated = []
        for t in stated_totals:
            if t.period != period:
                continue
            units = {u.pk for u in t.org_units.all()}
            computed = sum(
                (
                    x.amount
                    for x in in_period
                    if (not t.category or x.category == t.category) and (not units or x.org_unit_id in units)
                ),
                Decimal(0),
            )
            stated.append(
                {
                    "code": t.code,
                    "title": t.title,
                    "stated": t.amount,
                    "computed": computed,
                    "difference": computed - t.amount,
                    "source": t.source,
                }
            )
        tables.append(
            BudgetTable(
                period,
                [(c, labels[c]) for c in used],
                list(rows.values()),
                totals,
                sum(totals.values(), Decimal(0)),
                stated,
            )
        )
    return tables
