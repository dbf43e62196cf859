"""What the plan's elements stand at as at a date: the plan file keeps the plan, the approved
updates keep the year.

The *current period* is the plan's latest reporting period that has ended by the as-at date (the
quarter whose updates are due). For each element the latest **approved** update of a period
ending by then is its reported state — drafts, submitted and returned updates never count, since
they are not yet the unit's agreed word:

* an activity shows the status its update gives — with its RAG rating, per cent complete and
  forecast completion date where the update gives them ("Delayed · Amber · 60% complete ·
  forecast 31 March 2020", :attr:`Reported.words`) — labelled with the period and who reported
  (submitted) it; when that update is for an earlier period than the current one, the activity
  is also marked "Not reported for <current period>", and with no approved update at all it
  keeps the plan file's status (say "Not started") marked the same way — so "not reported"
  is never mistaken for "not started";
* an activity that no reporting unit reports on (its lead unit, else its objective's, is none,
  the organisation as a whole, a partner or a provider), or any activity of a plan with no
  reporting period ended by then, shows the plan file's status, said to be "as in the plan";
* an objective shows the RAG rating of its latest approved objective update, and a status
  **rolled up from its activities' statuses in force**: cancelled activities are left out; all
  of the rest complete → Complete; else any delayed → Delayed; else any in progress or
  complete → In progress; else Not started. An objective with no activities (or only
  cancelled ones) has no rolled-up status. The roll-up says how many of its activities are
  not reported for the current period;
* a metric collected by return shows each unit's latest approved value, with period and reporter
  (:mod:`goldenthread.presenters.returns`).

Everything is read in a fixed number of queries whatever the size of the plan: the current
period, the activities (none when the page has read them already), and with a period the
approved activity and objective updates; the metric returns apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from goldenthread.cycles.models import RAG, ActivityUpdate, ObjectiveUpdate, ReportingPeriod, Submission
from goldenthread.cycles.services import NON_REPORTING_KINDS, display_name
from goldenthread.formatting import long_date
from goldenthread.performance.assessment import PlanAssessment, assess_plan, default_as_at
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as pm

STATUS = pm.Activity.Status
STATUS_LABELS: dict[str, str] = dict(STATUS.choices)
RAG_LABELS = dict(RAG.choices)
APPROVED = Submission.Status.APPROVED
#: NHS.UK tag colours for activity statuses
STATUS_COLOURS: dict[str, str] = {
    STATUS.NOT_STARTED: "grey",
    STATUS.IN_PROGRESS: "blue",
    STATUS.COMPLETE: "green",
    STATUS.DELAYED: "red",
    STATUS.CANCELLED: "white",
}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green"}


@dataclass(frozen=True)
class Reported:
    """An activity's status in force, and where it comes from."""

    status: str  # an Activity.Status value
    label: str  # "Complete"
    colour: str
    period: str = ""  # the update's period, "" when the status is the plan file's
    by: str = ""  # who reported it (submitted the update)
    commentary: str = ""
    missing: str = ""  # "Not reported for 2019/20 Q4" when the current period's update is not approved
    progress: str = ""  # what the update says beyond the status, where given: "Amber · 60% complete · forecast …"

    @property
    def words(self) -> str:
        """The status with the update's progress where given: "Delayed · Amber · 60% complete"."""
        return " · ".join(w for w in (self.label, self.progress) if w)

    @property
    def source(self) -> str:
        """Where the status comes from, in words: "2019/20 Q4, reported by Ann Lead" or "as in the plan"."""
        if self.period:
            return f"{self.period}, reported by {self.by}"
        return "as in the plan"

    @property
    def brief(self) -> str:
        """The label alone when it is simply the plan's (no update reports on it), else :attr:`text`."""
        return self.text if self.period or self.missing else self.label

    @property
    def text(self) -> str:
        """One line for a pack or a table cell."""
        words = f"{self.words} ({self.source})"
        return f"{self.missing}; {words}" if self.missing else words


@dataclass(frozen=True)
class ObjectiveState:
    rag: str = ""  # "Amber"
    rag_colour: str = ""
    rag_reason: str = ""
    rag_period: str = ""
    rag_by: str = ""
    rolled: str = ""  # the status rolled up from its activities, e.g. "In progress"; "" with none
    rolled_colour: str = ""
    counts: str = ""  # "2 of 5 activities complete"
    missing: str = ""  # "3 activities not reported for 2019/20 Q4"

    @property
    def rag_source(self) -> str:
        return f"{self.rag_period}, reported by {self.rag_by}" if self.rag_period else ""


@dataclass
class PlanReports:
    """The reported state of every activity and objective of a plan as at a date."""

    period: str  # the current reporting period's label, "" when none has ended by then
    activities: dict[int, Reported] = field(default_factory=dict)
    by_objective: dict[int, list[Reported]] = field(default_factory=dict)
    objective_updates: dict[int, ObjectiveUpdate] = field(default_factory=dict)

    @property
    def runs_cycle(self) -> bool:
        return bool(self.period)

    def objective(self, pk: int) -> ObjectiveState:
        """The objective's reported RAG rating and the roll-up of its activities."""
        return _objective_state(self.objective_updates.get(pk), self.by_objective.get(pk, []), self.period)


def current_period(plan: pm.Plan, on: date, among: set[int] | None = None) -> ReportingPeriod | None:
    """The plan's latest reporting period ended by ``on`` (of the periods ``among``, when given)."""
    periods = ReportingPeriod.objects.filter(plan=plan, end__lte=on)
    if among is not None:
        periods = periods.filter(pk__in=among)
    return periods.order_by("-end").first()


def current_period_label(plan: pm.Plan, period: Period) -> str:
    """The label of the plan's reporting period in force at the end of ``period``, or ""."""
    current = current_period(plan, period.end)
    return current.label if current else ""


def approved_rows(model, plan: pm.Plan, on: date, key: str, among: set[int] | None = None):
    """The approved rows of ``model`` for periods ending by ``on`` (and ``among`` those, when
    given), latest period first."""
    rows = model.objects.filter(
        submission__period__plan=plan, submission__status=APPROVED, submission__period__end__lte=on
    )
    if among is not None:
        rows = rows.filter(submission__period_id__in=among)
    return rows.select_related("submission__period", "submission__submitted_by", "submission__org_unit").order_by(
        key, "-submission__period__end"
    )


def _latest(rows: Iterable, key: str) -> dict:
    latest: dict = {}
    for row in rows:
        latest.setdefault(getattr(row, key), row)
    return latest


def _activities(plan: pm.Plan, given: Iterable[pm.Activity] | None) -> dict[int, tuple[int, str, bool]]:
    """activity pk -> (objective pk, the plan file's status, whether a reporting unit reports on
    it), from ``given`` (activities with ``org_unit`` and ``objective__org_unit`` selected), or read."""
    if given is None:
        given = plan.activities.select_related("org_unit", "objective__org_unit")
    out = {}
    for a in given:
        unit = a.org_unit or a.objective.org_unit
        out[a.pk] = (a.objective_id, a.status, unit is not None and unit.kind not in NON_REPORTING_KINDS)
    return out


def _activity_state(
    planned: str, update: ActivityUpdate | None, current: ReportingPeriod | None, reports: bool
) -> Reported:
    if not reports or current is None:
        return Reported(planned, STATUS_LABELS[planned], STATUS_COLOURS[planned])
    missing = "" if update and update.submission.period_id == current.pk else f"Not reported for {current.label}"
    if update is None or not update.status:
        return Reported(planned, STATUS_LABELS[planned], STATUS_COLOURS[planned], missing=missing)
    s = update.submission
    return Reported(
        update.status,
        STATUS_LABELS[update.status],
        STATUS_COLOURS[update.status],
        s.period.label,
        display_name(s.submitted_by),
        update.commentary,
        missing,
        progress_words(update.rag, update.percent_complete, update.forecast_on),
    )


def progress_words(rag: str | None, percent: int | None, forecast: date | None, before: str = "") -> str:
    """What an activity's update says of its progress beyond its status, where given, after
    ``before`` (say the status): "Delayed · Amber · 60% complete · forecast 31 March 2020"."""
    words = (
        before,
        RAG_LABELS.get(rag or "", ""),
        f"{percent}% complete" if percent is not None else "",
        f"forecast {long_date(forecast)}" if forecast else "",
    )
    return " · ".join(w for w in words if w)


def roll_up(statuses: list[str]) -> str:
    """An objective's status from its activities' (see the module docstring); "" with none."""
    live = [s for s in statuses if s != STATUS.CANCELLED]
    if not live:
        return ""
    if all(s == STATUS.COMPLETE for s in live):
        return STATUS.COMPLETE
    if STATUS.DELAYED in live:
        return STATUS.DELAYED
    if any(s in (STATUS.IN_PROGRESS, STATUS.COMPLETE) for s in live):
        return STATUS.IN_PROGRESS
    return STATUS.NOT_STARTED


def _objective_state(update: ObjectiveUpdate | None, activities: list[Reported], period: str) -> ObjectiveState:
    rolled = roll_up([a.status for a in activities])
    live = [a for a in activities if a.status != STATUS.CANCELLED]
    done = sum(1 for a in live if a.status == STATUS.COMPLETE)
    missing = sum(1 for a in activities if a.missing)
    rag = update.rag if update else ""
    return ObjectiveState(
        rag=RAG_LABELS.get(rag, ""),
        rag_colour=RAG_COLOURS.get(rag, ""),
        rag_reason=update.rag_reason if update else "",
        rag_period=update.submission.period.label if update else "",
        rag_by=display_name(update.submission.submitted_by) if update else "",
        rolled=STATUS_LABELS.get(rolled, ""),
        rolled_colour=STATUS_COLOURS.get(rolled, ""),
        counts=f"{done} of {len(live)} activit{'y' if len(live) == 1 else 'ies'} complete" if live else "",
        missing=f"{missing} activit{'y' if missing == 1 else 'ies'} not reported for {period}" if missing else "",
    )


def plan_reports(
    plan: pm.Plan, on: date, activities: Iterable[pm.Activity] | None = None, among: set[int] | None = None
) -> PlanReports:
    """The reported state of the plan's activities and objectives as at ``on``; pass the plan's
    ``activities`` (with ``org_unit`` and ``objective__org_unit`` selected) when already read, and
    the reporting periods to read updates of (``among``; the public pages: the published ones)."""
    current = current_period(plan, on, among)
    planned = _activities(plan, activities)
    updates: dict = {}
    objective_updates: dict = {}
    if current is not None:
        updates = _latest(
            approved_rows(ActivityUpdate, plan, on, "activity_id", among).exclude(status=""), "activity_id"
        )
        objective_updates = _latest(
            approved_rows(ObjectiveUpdate, plan, on, "objective_id", among).exclude(rag=""), "objective_id"
        )
    states = {
        pk: _activity_state(status, updates.get(pk), current, reports) for pk, (_, status, reports) in planned.items()
    }
    by_objective: dict[int, list[Reported]] = defaultdict(list)
    for pk, (objective_id, _, _) in planned.items():
        by_objective[objective_id].append(states[pk])
    return PlanReports(current.label if current else "", states, dict(by_objective), objective_updates)


def assess(
    plan: pm.Plan, *, as_at: Period | None = None, reports: PlanReports | None = None, **options
) -> PlanAssessment:
    """The plan's assessment (:func:`goldenthread.performance.assessment.assess_plan`) with each
    activity judged by its status in force as at ``as_at``: the latest approved update's, else the
    plan file's — so an activity reported complete is no longer overdue. Pass the ``reports``
    when the page has them already."""
    as_at = as_at or default_as_at(plan)
    reports = reports or plan_reports(plan, as_at.end)
    # the updates' statuses; the others are the plan's, as the version in force then plans them
    statuses = {pk: r.status for pk, r in reports.activities.items() if r.period}
    return assess_plan(plan, as_at=as_at, activity_statuses=statuses, **options)
