"""A pack as data: what each section of the board's quarterly pack (and of a directorate's review
pack, which is the same pack narrowed to one unit) shows, worked out once so the HTML (and from
it the PDF) and the Word document print the same figures. :mod:`.board` fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from goldenthread.assurance.judgement import Status
from goldenthread.formatting import long_date
from goldenthread.performance.assessment import MetricAssessment
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters import icons
from goldenthread.presenters.cycle_notes import AgreedAction, Commentary, ReviewRecord
from goldenthread.presenters.deliverables import Deliverable
from goldenthread.presenters.funnel import FunnelView
from goldenthread.presenters.metric import Breakdown
from goldenthread.presenters.plan import BudgetTable
from goldenthread.presenters.reported import ObjectiveState
from goldenthread.presenters.unit_updates import UnitUpdate


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
    objectives: list[str] = field(default_factory=list)  # "5.1-1 Recover the standard"
    directorates: list[str] = field(default_factory=list)
    owner: str = ""
    metric: MetricRow | None = None
    chart: Chart | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    funnel: FunnelView | None = None  # the metric page's funnel plot of the units below
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
    reported: ObjectiveState | None = None  # its reported RAG rating and its activities rolled up
    children_summary: str = ""  # a large plan's pack: the objectives within it counted, not listed
    metrics_summary: str = ""  # a large plan's pack: its metrics counted, not listed


@dataclass
class Definition:
    code: str
    title: str
    fields: list[tuple[str, str]]  # (label, text), only those the plan gives


@dataclass
class BudgetSection:
    tables: list[BudgetTable] = field(default_factory=list)
    year: str = ""  # the financial year of the pack's period
    other_years: list[str] = field(default_factory=list)  # years the plan budgets for that the pack does not show
    spend_recorded: bool = False  # no actuals are held: always False, and the pack says so


#: the deliverables section: (state, heading, items) for overdue and due soon
DeliverableGroup = tuple[str, str, list[Deliverable]]


@dataclass
class LeftOut:
    """What a large plan's pack leaves out of a section, and where to find all of it."""

    section: str  # the section's id in the pack: exceptions, objectives, deliverables, definitions
    what: str  # exactly what is not shown here
    where: str  # where to find it, in words
    href: str  # and its address


@dataclass
class Pack:
    """The cover (what, whose, when) and then the sections, filled in one by one."""

    kind: str  # board or directorate
    title: str
    plan: m.Plan
    period: Period
    where: str  # whose figures the scorecard shows, e.g. "England"
    today: date  # the day the pack is produced
    unit: m.OrgUnit | None = None
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (rating, label, objectives with that rating)
    scorecard: list[MetricRow] = field(default_factory=list)
    scorecard_is_headline: bool = False
    exceptions: list[ExceptionEntry] = field(default_factory=list)
    objectives: list[ObjectiveSection] = field(default_factory=list)
    deliverables: list[DeliverableGroup] = field(default_factory=list)
    budget: BudgetSection = field(default_factory=BudgetSection)
    definitions: list[Definition] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)  # directorate pack: the unit's latest update
    review: ReviewRecord | None = None  # directorate pack: the latest accountability review
    actions: list[AgreedAction] = field(default_factory=list)
    updates: list[UnitUpdate] = field(default_factory=list)  # board pack: each unit's latest approved update
    open_actions: list[AgreedAction] = field(default_factory=list)  # board pack: every unit's open actions
    reporting_period: str = ""  # the plan's reporting period as at the pack's end, "" when it runs none
    version_line: str = ""  # which version of the plan the pack shows, when not the latest
    left_out: list[LeftOut] = field(default_factory=list)  # a large plan's pack is summarised: what and where
    exceptions_left_out: int = 0  # exceptions counted but not shown in full
    overdue_left_out: int = 0  # overdue deliverables counted but not listed

    def left_out_of(self, section: str) -> list[LeftOut]:
        """What the pack leaves out of ``section``."""
        return [x for x in self.left_out if x.section == section]

    @property
    def subtitle(self) -> str:
        return self.plan.title

    @property
    def organisation(self) -> str:
        return self.plan.organisation.name

    @property
    def period_text(self) -> str:
        """The period's span, e.g. "1 January to 31 March 2017"."""
        return f"{long_date(self.period.start)} to {long_date(self.period.end)}"

    @property
    def produced(self) -> str:
        return long_date(self.today)

    @property
    def heading(self) -> str:
        """The pack's title, with the unit's name for a directorate pack."""
        return f"{self.title}: {self.unit.name}" if self.unit is not None else self.title

    @property
    def exception_count(self) -> int:
        return len(self.exceptions) + self.exceptions_left_out

    @property
    def overdue_count(self) -> int:
        return sum(len(items) for state, _, items in self.deliverables if state == "overdue") + self.overdue_left_out

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


def owner_text(owner: m.Owner | None) -> str:
    return str(owner) if owner else ""


def icon_key() -> list[tuple[str, str, str]]:
    """The icon key printed in every pack: (kind, key, text) for each variation and assurance icon."""
    return [("variation", k, v[0]) for k, v in icons.VARIATION.items()] + [
        ("assurance", k, v[0]) for k, v in icons.ASSURANCE.items()
    ]
