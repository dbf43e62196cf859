"""The pack's exceptions: the exceptions page's items, each once, newest first, with the metric
page's own chart and breakdowns, and what the cycle says about them (the latest commentary, the
actions agreed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from goldenthread.assurance.judgement import RATING_LABELS
from goldenthread.formatting import long_date
from goldenthread.performance.assessment import MetricAssessment, PlanAssessment
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.cycle_notes import agreed_actions, latest_commentary
from goldenthread.presenters.kept import metric_page
from goldenthread.progress import Progress
from goldenthread.reports.pack import Chart, ExceptionEntry, MetricRow, Scope, owner_text

#: an exception's key: (kind, code), kind being metric or activity
Key = tuple[str, str]


class _Found:
    """What the exceptions are about: the plan's objectives, assessed metrics and activities."""

    def __init__(self, plan: m.Plan, assessment: PlanAssessment, objectives: list[m.Objective]):
        self.objectives = objectives
        self.definitions = assessment.definitions  # the version of the plan in force, read once
        self.by_code = {o.code: o for o in objectives}
        self.by_line = {f"{o.code} {o.title}": o for o in objectives}  # as an entry names the objectives it serves
        self.metrics = {a.metric.code: a for a in assessment.metrics}
        live = plan.activities.select_related("owner__org_unit", "org_unit", "objective")
        planned = assessment.definitions.activities(live) if assessment.definitions else live
        self.activities = {a.code: a for a in planned}  # as the version in force plans them


def exception_entries(
    plan: m.Plan,
    period: Period,
    assessment: PlanAssessment,
    objectives: list[m.Objective],
    scope: Scope,
    metric_row: Callable[[MetricAssessment], MetricRow],
    progress: Progress,
    keep: Callable[[list[ExceptionEntry]], list[ExceptionEntry]] = lambda entries: entries,
) -> list[ExceptionEntry]:
    """The exceptions in ``scope``, with their charts, commentary and agreed actions; ``keep``
    chooses those shown in full (a large plan's pack: :func:`.summarised.exceptions`) before any
    is illustrated."""
    found = _Found(plan, assessment, objectives)
    entries, serves = _entries(ap.exceptions(plan, period, assessment=assessment), found)
    chosen = []
    for key, entry in entries.items():
        if _in_scope(entry, found, scope, metric_row):
            _serving(entry, serves[key])
            chosen.append(entry)
    chosen = keep(chosen)
    progress.start("Exception charts", total=sum(1 for e in chosen if e.kind == "metric") or 1)
    for entry in chosen:
        _illustrate(entry, plan, period, found, progress)
    if not chosen:
        progress.advance()
    return chosen


def _entries(
    found_page: ap.Exceptions, found: _Found
) -> tuple[dict[Key, ExceptionEntry], dict[Key, list[m.Objective]]]:
    """Each item (the page lists each once), and the objectives it serves."""
    entries: dict[Key, ExceptionEntry] = {}
    serves: dict[Key, list[m.Objective]] = defaultdict(list)
    for group in found_page.groups:
        for item in group.items:
            key = (item.kind, item.code)
            serves[key] += [found.by_code[code] for code, _ in item.objectives if code in found.by_code]
            label = RATING_LABELS.get(item.status, item.status)
            entries[key] = ExceptionEntry(item.kind, item.code, item.title, item.what, item.status, label)
    return entries, serves


def _in_scope(
    entry: ExceptionEntry, found: _Found, scope: Scope, metric_row: Callable[[MetricAssessment], MetricRow]
) -> bool:
    """Whether the pack covers the item; if so, its metric row or due date, and its owner."""
    if entry.kind == "metric":
        a = found.metrics[entry.code]
        if not scope.metric(a.metric.pk):
            return False
        entry.metric = metric_row(a)
        entry.owner = owner_text(a.metric.owner)
        return True
    activity = found.activities[entry.code]
    if not scope.activity(activity.pk):
        return False
    entry.owner = owner_text(activity.owner or activity.objective.owner)
    entry.due = activity.due_text or (long_date(activity.due_date) if activity.due_date else "")
    return True


def _serving(entry: ExceptionEntry, serves: list[m.Objective]) -> None:
    """The objectives the item serves, their directorates, and their owner when the item has none."""
    entry.objectives = [f"{o.code} {o.title}" for o in serves]
    entry.directorates = list(dict.fromkeys(o.org_unit.name for o in serves if o.org_unit))
    if not entry.owner:
        entry.owner = next((owner_text(o.owner) for o in serves if o.owner), "")


def _illustrate(entry: ExceptionEntry, plan: m.Plan, period: Period, found: _Found, progress: Progress) -> None:
    """The metric page's chart and breakdowns, and the latest commentary and agreed actions of the
    units that hold the item or the objectives it serves."""
    units: list[int | None] = []
    metric_ids: list[int] = []
    activity_ids: list[int] = []
    if entry.kind == "metric":
        metric = found.metrics[entry.code].metric
        page = metric_page(plan, entry.code, period, None, found.definitions)
        assert page is not None, f"metric {entry.code} has an exception but no page"
        entry.chart = Chart(page.chart_spec, page.chart_summary)
        entry.breakdowns = page.breakdowns
        entry.funnel = page.funnel
        units.append(metric.owner.org_unit_id if metric.owner else None)
        metric_ids.append(metric.pk)
        progress.advance()
    else:
        activity = found.activities[entry.code]
        units += [activity.org_unit_id, activity.owner.org_unit_id if activity.owner else None]
        activity_ids.append(activity.pk)
    objective_ids = []
    served = [found.by_line[line] for line in dict.fromkeys(entry.objectives) if line in found.by_line]
    for o in sorted(served, key=found.objectives.index) if len(served) > 1 else served:
        objective_ids.append(o.pk)
        units += [o.org_unit_id, o.owner.org_unit_id if o.owner else None]
    held = [u for u in units if u is not None]
    entry.commentary = latest_commentary(
        plan, period, held, objective_ids=objective_ids, metric_ids=metric_ids, activity_ids=activity_ids
    )
    entry.actions = agreed_actions(plan, period, held)
