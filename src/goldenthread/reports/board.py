"""The board's quarterly performance pack, as data: what each section shows, worked out once so the
HTML (and from it the PDF) and the Word document print the same figures.

Every judgement comes from one :func:`~goldenthread.performance.assessment.assess_plan` of the
plan as at the period, made exactly as the scorecard page makes it (same as-at period, same
"where"), and passed to the scorecard and exceptions presenters the web pages use; each
exception's chart is the metric page's own chart specification. So the figures on paper are the
figures on screen. The directorate review pack (:mod:`.directorate`) is this pack narrowed to one
org unit.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from goldenthread.assurance.judgement import RATING_LABELS, RATINGS, Status
from goldenthread.formatting import long_date
from goldenthread.performance.assessment import MetricAssessment, PlanAssessment, assess_plan
from goldenthread.planfile.periods import Period, parse_financial_year
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters import icons
from goldenthread.presenters.as_at import as_at_choice
from goldenthread.presenters.cycle_notes import AgreedAction, Commentary, agreed_actions, latest_commentary
from goldenthread.presenters.deliverables import Deliverable, deliverables
from goldenthread.presenters.metric import Breakdown, default_where, metric_page
from goldenthread.presenters.plan import BudgetTable, budget_tables
from goldenthread.progress import Progress, quiet


@dataclass
class MetricRow:
    """A metric as the scorecard page shows it, with the judgement it came from."""

    row: ap.ScorecardRow
    assessment: MetricAssessment

    @property
    def variation(self) -> str | None:
        return self.assessment.spc.variation if self.assessment.spc else None

    @property
    def assurance(self) -> str | None:
        return self.assessment.spc.assurance if self.assessment.spc else None

    @property
    def period_value(self) -> str:
        """The value over the pack's period (a quarter of monthly data aggregated as declared)."""
        a = self.assessment
        return ap.format_value(a.period_value, a.metric.unit) if a.period is not None else "–"


@dataclass
class Chart:
    """An SPC chart: the metric page's Vega-Lite specification and a text alternative."""

    spec: dict
    description: str


@dataclass
class ExceptionEntry:
    kind: str  # metric or activity
    code: str
    title: str
    what: list[str]
    status: str
    status_label: str
    objectives: list[str]  # "5.1-1 Recover the standard"
    directorates: list[str]
    owner: str
    metric: MetricRow | None = None
    chart: Chart | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    due: str = ""  # activities: the due date as written
    commentary: list[Commentary] = field(default_factory=list)
    actions: list[AgreedAction] = field(default_factory=list)


@dataclass
class ObjectiveLine:
    code: str
    title: str
    level: str
    depth: int
    status: Status | None


@dataclass
class ObjectiveSection:
    code: str
    title: str
    level: str
    owner: str
    directorate: str
    status: Status | None
    children: list[ObjectiveLine]
    metrics: list[MetricRow]
    activities: int


@dataclass
class Definition:
    code: str
    title: str
    fields: list[tuple[str, str]]  # (label, text), only those the plan gives


@dataclass
class BudgetSection:
    tables: list[BudgetTable]
    year: str  # the financial year of the pack's period
    other_years: list[str]  # years the plan budgets for that the pack does not show
    spend_recorded: bool = False  # no actuals are held: always False, and the pack says so


@dataclass
class Pack:
    kind: str  # board or directorate
    title: str
    subtitle: str
    plan: m.Plan
    organisation: str
    period: Period
    period_text: str  # "1 January to 31 March 2017"
    where: str  # whose figures the scorecard shows, e.g. "England"
    produced: str
    counts: list[tuple[str, str, int]]  # (rating, label, objectives with that rating)
    scorecard: list[MetricRow]
    scorecard_is_headline: bool
    exceptions: list[ExceptionEntry]
    objectives: list[ObjectiveSection]
    deliverables: list[tuple[str, str, list[Deliverable]]]  # (state, heading, items): overdue, due soon
    budget: BudgetSection
    definitions: list[Definition]
    unit: m.OrgUnit | None = None
    commentary: list[Commentary] = field(default_factory=list)  # directorate pack: the unit's latest update
    review: object | None = None  # directorate pack: the latest accountability review (cycle_notes.ReviewRecord)
    actions: list[AgreedAction] = field(default_factory=list)

    @property
    def exception_count(self) -> int:
        return len(self.exceptions)

    @property
    def overdue_count(self) -> int:
        return sum(len(items) for state, _, items in self.deliverables if state == "overdue")

    @property
    def file_stem(self) -> str:
        unit = f"-{self.unit.code}" if self.unit else ""
        name = f"{self.plan.code}-{self.kind}{unit}-{self.period.label}"
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")


@dataclass
class Scope:
    """What a pack covers: everything (the board pack) or one unit's share (a directorate pack)."""

    objective_ids: set[int] | None = None
    metric_ids: set[int] | None = None
    activity_ids: set[int] | None = None
    unit_ids: set[int] | None = None

    def objective(self, pk: int | None) -> bool:
        return self.objective_ids is None or pk in self.objective_ids

    def metric(self, pk: int) -> bool:
        return self.metric_ids is None or pk in self.metric_ids

    def activity(self, pk: int) -> bool:
        return self.activity_ids is None or pk in self.activity_ids


EVERYTHING = Scope()


def _owner_text(owner: m.Owner | None) -> str:
    return str(owner) if owner else ""


def assess_for_pack(plan: m.Plan, period: Period) -> PlanAssessment:
    """The assessment the scorecard page makes for ``?as_at=PERIOD`` (as at the period, figures for
    the plan's default "where"), with each metric's value over the period added."""
    where = default_where(plan)
    return assess_plan(plan, as_at=period, where_code=where.code if where else None, period=period)


def board_pack(plan: m.Plan, period: Period, *, progress: Progress = quiet, today: date | None = None) -> Pack:
    return build_pack(
        plan,
        period,
        kind="board",
        title="Quarterly performance report",
        scope=EVERYTHING,
        progress=progress,
        today=today,
    )


def build_pack(
    plan: m.Plan,
    period: Period,
    *,
    kind: str,
    title: str,
    scope: Scope,
    unit: m.OrgUnit | None = None,
    progress: Progress = quiet,
    today: date | None = None,
) -> Pack:
    today = today or date.today()
    progress.start("Assessing the plan", total=1)
    assessment = assess_for_pack(plan, period)
    progress.advance()
    by_metric = {a.metric.pk: a for a in assessment.metrics}
    by_code = {a.metric.code: a for a in assessment.metrics}
    links = ap.objective_links(plan)  # metric -> [(objective code, title)], as the scorecard shows them

    def metric_row(a: MetricAssessment) -> MetricRow:
        return MetricRow(ap.scorecard_row(a, links[a.metric.pk]), a)

    card = ap.scorecard(plan, period, assessment=assessment)
    if scope.metric_ids is None:  # the board: the scorecard page's rows
        scorecard_rows = [MetricRow(r, by_code[r.code]) for r in card.rows]
    else:  # a directorate: all of its metrics
        scorecard_rows = [metric_row(a) for a in assessment.metrics if scope.metric(a.metric.pk)]

    objectives = list(plan.objectives.select_related("level", "org_unit", "owner__org_unit").order_by("position"))
    exceptions = _exceptions(plan, period, assessment, objectives, scope, metric_row, progress)

    progress.start("Objectives", total=1)
    sections = _objective_sections(plan, assessment, objectives, by_metric, scope, metric_row)
    counts = Counter(s.status.rating for s in sections if s.status)
    progress.advance()

    progress.start("Deliverables and budget", total=1)
    due = _deliverables(plan, period, scope, today)
    budget = _budget(plan, period, scope)
    definitions = [_definition(a.metric) for a in assessment.metrics if scope.metric(a.metric.pk)]
    progress.advance()

    where = default_where(plan)
    return Pack(
        kind=kind,
        title=title,
        subtitle=plan.title,
        plan=plan,
        organisation=plan.organisation.name,
        period=period,
        period_text=f"{long_date(period.start)} to {long_date(period.end)}",
        where=where.name if where else "all data held",
        produced=long_date(today),
        counts=[(r, RATING_LABELS[r], counts[r]) for r in RATINGS if counts[r]],
        scorecard=scorecard_rows,
        scorecard_is_headline=card.headline_only,
        exceptions=exceptions,
        objectives=sections,
        deliverables=due,
        budget=budget,
        definitions=definitions,
        unit=unit,
    )


def _exceptions(
    plan: m.Plan,
    period: Period,
    assessment: PlanAssessment,
    objectives: list[m.Objective],
    scope: Scope,
    metric_row,
    progress: Progress,
) -> list[ExceptionEntry]:
    """The exceptions page's items, each once (the page lists an item under every objective it
    serves), newest first, with the metric page's chart and the cycle's commentary and actions."""
    found = ap.exceptions(plan, period, assessment=assessment)
    by_code = {o.code: o for o in objectives}
    metrics = {a.metric.code: a for a in assessment.metrics}
    activities = {a.code: a for a in plan.activities.select_related("owner__org_unit", "org_unit", "objective")}
    entries: dict[tuple[str, str], ExceptionEntry] = {}
    serves: dict[tuple[str, str], list[m.Objective]] = defaultdict(list)
    for group in found.groups:
        for item in group.items:
            key = (item.kind, item.code)
            if group.objective_code in by_code:
                serves[key].append(by_code[group.objective_code])
            if key in entries:
                continue
            entries[key] = ExceptionEntry(
                item.kind,
                item.code,
                item.title,
                item.what,
                item.status,
                RATING_LABELS.get(item.status, item.status),
                [],
                [],
                "",
            )
    chosen = []
    for key, entry in entries.items():
        if entry.kind == "metric":
            a = metrics[entry.code]
            if not scope.metric(a.metric.pk):
                continue
            entry.metric = metric_row(a)
            entry.owner = _owner_text(a.metric.owner)
        else:
            activity = activities[entry.code]
            if not scope.activity(activity.pk):
                continue
            entry.owner = _owner_text(activity.owner or activity.objective.owner)
            entry.due = activity.due_text or (long_date(activity.due_date) if activity.due_date else "")
        entry.objectives = [f"{o.code} {o.title}" for o in serves[key]]
        entry.directorates = list(dict.fromkeys(o.org_unit.name for o in serves[key] if o.org_unit))
        if not entry.owner:
            entry.owner = next((_owner_text(o.owner) for o in serves[key] if o.owner), "")
        chosen.append(entry)

    progress.start("Exception charts", total=sum(1 for e in chosen if e.kind == "metric") or 1)
    for entry in chosen:
        units: list[int | None] = []
        objective_ids: list[int] = []
        if entry.kind == "metric":
            a = metrics[entry.code]
            page = metric_page(plan, entry.code, period, None)
            entry.chart = Chart(json.loads(page.chart_json), _chart_description(page))
            entry.breakdowns = page.breakdowns
            units.append(a.metric.owner.org_unit_id if a.metric.owner else None)
            progress.advance()
        else:
            activity = activities[entry.code]
            units += [activity.org_unit_id, activity.owner.org_unit_id if activity.owner else None]
        for o in objectives:
            if f"{o.code} {o.title}" in entry.objectives:
                objective_ids.append(o.pk)
                units += [o.org_unit_id, o.owner.org_unit_id if o.owner else None]
        entry.commentary = latest_commentary(
            plan,
            period,
            units,
            objective_ids=objective_ids,
            metric_ids=[metrics[entry.code].metric.pk] if entry.kind == "metric" else [],
            activity_ids=[activities[entry.code].pk] if entry.kind == "activity" else [],
        )
        entry.actions = agreed_actions(plan, period, units)
    if not chosen:
        progress.advance()
    return chosen


def _chart_description(page) -> str:
    """The chart's text alternative: what a reader would take from it."""
    latest = page.latest
    unit = page.metric.unit
    parts = [
        f"Statistical process control chart of {page.metric.title} for {page.where.name if page.where else 'all data held'}, "
        f"{len(page.table)} points"
    ]
    if page.table:
        parts.append(f" from {page.table[0].period:%B %Y} to {page.table[-1].period:%B %Y}")
    parts.append(".")
    if latest:
        parts.append(f" Latest value {ap.format_value(latest[1], unit)} ({latest[0]:%B %Y}).")
    if page.table and page.table[-1].mean is not None:
        last = page.table[-1]
        parts.append(
            f" Mean {ap.format_value(last.mean, unit)}, process limits {ap.format_value(last.lpl, unit)} "
            f"to {ap.format_value(last.upl, unit)}."
        )
    if page.metric.target_value is not None:
        parts.append(f" Target {ap.format_target(page.metric)}.")
    parts.append(f" {page.variation_text}. {page.assurance_text}.")
    return "".join(parts)


def _descendants(objectives: list[m.Objective]) -> dict[int, list[tuple[m.Objective, int]]]:
    children: dict[int | None, list[m.Objective]] = defaultdict(list)
    for o in objectives:
        children[o.parent_id].append(o)
    out: dict[int, list[tuple[m.Objective, int]]] = {}

    def walk(o: m.Objective, depth: int, into: list) -> None:
        for child in children[o.pk]:
            into.append((child, depth))
            walk(child, depth + 1, into)

    for o in objectives:
        out[o.pk] = []
        walk(o, 1, out[o.pk])
    return out


def _objective_sections(
    plan: m.Plan,
    assessment: PlanAssessment,
    objectives: list[m.Objective],
    by_metric: dict[int, MetricAssessment],
    scope: Scope,
    metric_row,
) -> list[ObjectiveSection]:
    """A section per top-level objective (in a directorate pack: per objective of the unit whose
    parent is not also the unit's), with the objectives below it and their metrics."""
    below = _descendants(objectives)
    metric_links: dict[int, list[int]] = defaultdict(list)
    for metric_id, objective_id in (
        m.Metric.objectives.through.objects.filter(metric__plan=plan)
        .order_by("metric__position")
        .values_list("metric_id", "objective_id")
    ):
        metric_links[objective_id].append(metric_id)
    activity_count = Counter(plan.activities.values_list("objective_id", flat=True))
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
                owner=_owner_text(o.owner),
                directorate=o.org_unit.name if o.org_unit else "",
                status=assessment.objectives.get(o.code),
                children=[
                    ObjectiveLine(c.code, c.title, c.level.name, d, assessment.objectives.get(c.code))
                    for c, d in below[o.pk]
                ],
                metrics=[metric_row(by_metric[x]) for x in metric_ids if x in by_metric],
                activities=sum(activity_count[node.pk] for node, _ in tree),
            )
        )
    return sections


def _deliverables(plan: m.Plan, period: Period, scope: Scope, today: date) -> list[tuple[str, str, list[Deliverable]]]:
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


def _budget(plan: m.Plan, period: Period, scope: Scope) -> BudgetSection:
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
    from decimal import Decimal

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


def _definition(x: m.Metric) -> Definition:
    fields = [
        ("Definition", x.definition),
        ("Unit", x.unit),
        ("Polarity", POLARITY.get(x.polarity, x.polarity)),
        ("Aggregation", AGGREGATION.get(x.aggregation, x.aggregation)),
        ("Frequency", x.frequency.capitalize()),
        ("Target", ap.format_target(x) if x.target_value is not None else x.target_text),
        ("Target as written", x.target_text if x.target_value is not None else ""),
        ("Trigger for mitigating action", x.trigger),
        ("Owner", _owner_text(x.owner)),
        ("Review", " — ".join(v for v in (x.review_when, x.review_by) if v)),
        ("Data source", x.data_source),
        ("Source in the plan", x.source),
        ("Status", "To be confirmed" if x.to_be_confirmed else ""),
    ]
    return Definition(x.code, x.title, [(k, v) for k, v in fields if v])


#: the icon key printed in every pack
def icon_key() -> list[tuple[str, str, str]]:
    """(kind, key, text) for each variation and assurance icon."""
    return [("variation", k, v[0]) for k, v in icons.VARIATION.items()] + [
        ("assurance", k, v[0]) for k, v in icons.ASSURANCE.items()
    ]
