"""The board's quarterly performance pack, built section by section (:class:`~.pack.Pack`).

Every judgement comes from one :func:`~goldenthread.presenters.reported.assess` of the
plan as at the period, made exactly as the scorecard page makes it (same as-at period, same
"where"), and passed to the scorecard and exceptions presenters the web pages use; each
exception's chart is the metric page's own chart specification (:mod:`.exceptions`). So the
figures on paper are the figures on screen. The directorate review pack (:mod:`.directorate`) is
this pack narrowed to one org unit.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from goldenthread.assurance.judgement import RATING_LABELS, RATINGS
from goldenthread.performance.assessment import MetricAssessment, PlanAssessment
from goldenthread.performance.definitions import Definitions
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.kept import assess
from goldenthread.presenters.metric import default_where
from goldenthread.presenters.reported import current_period_label
from goldenthread.presenters.unit_updates import open_actions, unit_updates
from goldenthread.progress import Progress, quiet
from goldenthread.reports import summarised
from goldenthread.reports.exceptions import exception_entries
from goldenthread.reports.pack import EVERYTHING, MetricRow, Pack, Scope
from goldenthread.reports.sections import budget_section, definition, deliverable_groups, objective_sections


def assess_for_pack(plan: m.Plan, period: Period) -> PlanAssessment:
    """The assessment the scorecard page makes for ``?as_at=PERIOD`` (as at the period, figures for
    the plan's default "where"), with each metric's value over the period added."""
    where = default_where(plan)
    return assess(plan, as_at=period, where_code=where.code if where else None, period=period)


def new_pack(
    kind: str, title: str, plan: m.Plan, period: Period, *, unit: m.OrgUnit | None = None, today: date | None = None
) -> Pack:
    """A pack's cover: its sections are still to fill in (:func:`fill_pack`)."""
    where = default_where(plan)
    return Pack(kind, title, plan, period, where.name if where else "all data held", today or date.today(), unit)


def board_pack(plan: m.Plan, period: Period, *, progress: Progress = quiet, today: date | None = None) -> Pack:
    """The whole plan's pack, with every directorate's latest approved update and the open actions."""
    pack = new_pack("board", "Quarterly performance report", plan, period, today=today)
    fill_pack(pack, EVERYTHING, progress)
    pack.updates = unit_updates(plan, period)
    pack.open_actions = open_actions(plan, period)
    return pack


class _MetricRows:
    """Metrics as the scorecard shows them, each with the objectives it measures."""

    def __init__(self, plan: m.Plan, as_at: Period, definitions: Definitions | None = None):
        self.links = ap.objective_links(plan, definitions)
        self.as_at = as_at

    def __call__(self, a: MetricAssessment) -> MetricRow:
        return MetricRow(ap.scorecard_row(a, self.links[a.metric.pk], self.as_at), a)


def fill_pack(pack: Pack, scope: Scope, progress: Progress = quiet) -> Pack:
    """Every section of ``pack`` for what ``scope`` covers, from one assessment of the plan."""
    plan, period = pack.plan, pack.period
    progress.start("Assessing the plan", total=1)
    assessment = assess_for_pack(plan, period)
    progress.advance()
    metric_row = _MetricRows(plan, period, assessment.definitions)
    card = ap.scorecard(plan, period, assessment=assessment)
    if scope.metric_ids is None:  # the board: the scorecard page's rows
        by_code = {a.metric.code: a for a in assessment.metrics}
        pack.scorecard = [MetricRow(r, by_code[r.code]) for r in card.rows]
    else:  # a directorate: all of its metrics
        pack.scorecard = [metric_row(a) for a in assessment.metrics if scope.metric(a.metric.pk)]
    pack.scorecard_is_headline = card.headline_only
    pack.version_line = card.version_line  # the version of the plan in force at the period's end

    live = plan.objectives.select_related("level", "org_unit", "owner__org_unit").order_by("position")
    objectives = assessment.definitions.objectives(live) if assessment.definitions else list(live)
    pack.exceptions = exception_entries(
        plan, period, assessment, objectives, scope, metric_row, progress, keep=lambda e: summarised.exceptions(pack, e)
    )

    progress.start("Objectives", total=1)
    pack.objectives = objective_sections(plan, assessment, objectives, scope, metric_row)
    counts = Counter(s.status.rating for s in pack.objectives if s.status)
    pack.counts = [(r, RATING_LABELS[r], counts[r]) for r in RATINGS if counts[r]]
    summarised.objectives(pack)  # a large plan's: counted, not listed
    progress.advance()

    progress.start("Deliverables and budget", total=1)
    pack.deliverables = deliverable_groups(plan, period, scope, pack.today)
    pack.reporting_period = current_period_label(plan, period)
    pack.budget = budget_section(plan, period, scope)
    pack.definitions = [definition(a.metric) for a in assessment.metrics if scope.metric(a.metric.pk)]
    summarised.deliverables(pack)
    summarised.definitions(pack)
    progress.advance()
    return pack
