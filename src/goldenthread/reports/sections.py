"""The pack's sections after the exceptions: the objectives with the objectives and metrics below
each, the deliverables due or overdue, the budget, and the metric definitions — each as the
matching page shows it, narrowed to the pack's scope.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from goldenthread.performance.assessment import MetricAssessment, PlanAssessment
from goldenthread.performance.definitions import Definitions, definitions_in_force
from goldenthread.planfile.periods import Period, parse_financial_year
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.as_at import as_at_choice
from goldenthread.presenters.deliverables import deliverables
from goldenthread.presenters.plan import BudgetTable, budget_tables
from goldenthread.presenters.reported import plan_reports
from goldenthread.reports.pack import (
    BudgetSection,
    Definition,
    DeliverableGroup,
    MetricRow,
    ObjectiveLine,
    ObjectiveSection,
    Scope,
    owner_text,
)


def _descendants(objectives: list[m.Objective]) -> dict[int, list[tuple[m.Objective, int]]]:
    """For each objective, the objectives below it with their depth, in document order."""
    children: dict[int | None, list[m.Objective]] = defaultdict(list)
    for o in objectives:
        children[o.parent_id].append(o)
    out: dict[int, list[tuple[m.Objective, int]]] = {}

    def walk(o: m.Objective, depth: int, into: list[tuple[m.Objective, int]]) -> None:
        for child in children[o.pk]:
            into.append((child, depth))
            walk(child, depth + 1, into)

    for o in objectives:
        out[o.pk] = []
        walk(o, 1, out[o.pk])
    return out


def _metrics_by_objective(plan: m.Plan, definitions: Definitions) -> dict[int, list[int]]:
    """The metrics of each objective, as the version of the plan assessed links them."""
    links: dict[int, list[int]] = defaultdict(list)
    for metric_id, objective_id in definitions.links():
        links[objective_id].append(metric_id)
    return links


def objective_sections(
    plan: m.Plan,
    assessment: PlanAssessment,
    objectives: list[m.Objective],
    scope: Scope,
    metric_row: Callable[[MetricAssessment], MetricRow],
) -> list[ObjectiveSection]:
    """A section per top-level objective (in a directorate pack: per objective of the unit whose
    parent is not also the unit's), with the objectives below it and their metrics."""
    below = _descendants(objectives)
    definitions = assessment.definitions or definitions_in_force(plan, assessment.as_at.end)
    activities = definitions.activities(plan.activities.select_related("org_unit", "objective__org_unit"))
    reports = plan_reports(plan, assessment.as_at.end, activities)  # the activities the version in force plans
    metric_links = _metrics_by_objective(plan, definitions)
    by_metric = {a.metric.pk: a for a in assessment.metrics}
    activity_count = Counter(a.objective_id for a in activities)
    if scope.objective_ids is None:
        tops = [o for o in objectives if o.parent_id is None]
    else:
        tops = [o for o in objectives if o.pk in scope.objective_ids and o.parent_id not in scope.objective_ids]
    sections = []
    for o in tops:
        tree = [(o, 0)] + below[o.pk]
        metric_ids = list(dict.fromkeys(x for node, _ in tree for x in metric_links[node.pk]))
        sections.append(
            ObjectiveSection(
                code=o.code,
                title=o.title,
                level=o.level.name,
                owner=owner_text(o.owner),
                directorate=o.org_unit.name if o.org_unit else "",
                status=assessment.objectives.get(o.code),
                children=[
                    ObjectiveLine(c.code, c.title, c.level.name, d, assessment.objectives.get(c.code))
                    for c, d in below[o.pk]
                ],
                metrics=[metric_row(by_metric[x]) for x in metric_ids if x in by_metric],
                activities=sum(activity_count[node.pk] for node, _ in tree),
                reported=reports.objective(o.pk),
            )
        )
    return sections


def deliverable_groups(plan: m.Plan, period: Period, scope: Scope, today: date) -> list[DeliverableGroup]:
    """Overdue and due-soon deliverables as the deliverables page shows them as at the period."""
    page = deliverables(plan, as_at_choice(plan, period.label, today=today))
    codes = None
    if scope.activity_ids is not None:
        codes = set(plan.activities.filter(pk__in=scope.activity_ids).values_list("code", flat=True))
    return [
        (g.state, g.heading, [d for d in g.items if codes is None or d.code in codes])
        for g in page.groups
        if g.state in ("overdue", "due_soon")
    ]


def budget_section(plan: m.Plan, period: Period, scope: Scope) -> BudgetSection:
    """The budget for the period's financial year (or every year, when the plan budgets for none of
    it); in a directorate pack, the unit's lines."""
    tables = budget_tables(plan)
    try:
        year = parse_financial_year(period.label.split()[0]).label
    except ValueError:
        year = ""
    shown = [t for t in tables if t.period == year] or tables
    if scope.unit_ids is not None:
        shown = [_unit_table(t, scope.unit_ids) for t in shown]
        shown = [t for t in shown if t.rows]
    return BudgetSection(shown, year, [t.period for t in tables if t not in shown and t.period != year])


def _unit_table(table: BudgetTable, unit_ids: set[int]) -> BudgetTable:
    """The unit's lines of a year's table; totals are the sums of those lines (printed totals are
    the whole plan's, so they are not repeated here)."""
    rows = [r for r in table.rows if any(x.org_unit_id in unit_ids for x in r["lines"])]
    used = [(c, label) for c, label in table.categories if any(r["amounts"].get(c) for r in rows)]
    totals = {c: sum((r["amounts"].get(c, Decimal(0)) for r in rows), Decimal(0)) for c, _ in used}
    return BudgetTable(table.period, used, rows, totals, sum(totals.values(), Decimal(0)), [])


POLARITY = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "neutral": "Neither higher nor lower is better",
}
AGGREGATION = {
    "ratio": "Ratio of sums (numerators over denominators)",
    "sum": "Sum",
    "mean": "Mean",
    "latest": "Latest value",
}


def definition(x: m.Metric) -> Definition:
    """A metric's definition for the appendix: only what the plan gives."""
    fields = [
        ("Definition", x.definition),
        ("Unit", x.unit),
        ("Polarity", POLARITY.get(x.polarity, x.polarity)),
        ("Aggregation", AGGREGATION.get(x.aggregation, x.aggregation)),
        ("Frequency", x.frequency.capitalize()),
        ("Target", ap.format_target(x) if x.target_value is not None else x.target_text),
        ("Target as written", x.target_text if x.target_value is not None else ""),
        ("Trigger for mitigating action", x.trigger),
        ("Owner", owner_text(x.owner)),
        ("Review", " — ".join(v for v in (x.review_when, x.review_by) if v)),
        ("Data source", x.data_source),
        ("Source in the plan", x.source),
        ("Status", "To be confirmed" if x.to_be_confirmed else ""),
    ]
    return Definition(x.code, x.title, [(k, v) for k, v in fields if v])
