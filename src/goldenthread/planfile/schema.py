"""The plan file: one YAML document per plan, described by these pydantic models.

Elements are flat lists that refer to each other by code (an objective names its ``parent``, a
metric the ``objectives`` it measures), so a file reads in the order of the source document,
diffs line by line, and every reference can be checked. ``docs/plan-file.md`` is the reference
for authors; ``goldenthread plan schema`` prints the JSON Schema generated from these models.
The kinds of value (codes, texts, numbers) are in :mod:`elements`; governance (bodies and their
meetings) in :mod:`governance`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic.config import JsonDict

from goldenthread.planfile import fields
from goldenthread.planfile.charts import ANNOTATION_LENGTH, FIX_AFTER_MAX, REASON_LENGTH, ChartType
from goldenthread.planfile.elements import (
    ADDED,
    AddedNotes,
    Code,
    Element,
    FinancialYear,
    Noted,
    Number,
    OptionalPeriodText,
    OptionalPhrase,
    OptionalShortText,
    OptionalText,
    PeriodText,
    PlanCode,
    Text,
    Title,
    _Fits,
    _length,
    _money_fits,
)
from goldenthread.planfile.governance import Body, Meeting

__all__ = ["SECTIONS", "Body", "Code", "Meeting", "Plan", "parse_money"]


class Organisation(Element):
    code: Code
    name: Title


class SourceDocument(Element):
    title: Title
    date: OptionalPeriodText = Field(None, description="Publication date as printed, e.g. '2014-04' or '27 June 2019'")
    file: OptionalShortText = Field(None, description="File name of the source document")


class Level(Element):
    code: Code
    name: Title = Field(description="The plan's own name for the level, e.g. 'Stewardship function'")


OrgUnitType = Literal["organisation", "directorate", "region", "area_team", "team", "provider", "partner", "other"]


class OrgUnit(Noted):
    code: Code
    name: Title
    type: OrgUnitType = "directorate"
    parent: Code | None = None
    source: OptionalShortText = None
    added: AddedNotes = ADDED


class Owner(Noted):
    """An accountable person or role. A role title with no named person is normal."""

    code: Code
    title: Title = Field(description="Role title, e.g. 'National Medical Director'")
    name: OptionalShortText = Field(None, description="The person, where the document names one")
    org_unit: Code | None = None
    added: AddedNotes = ADDED


class AssessedBy(Element):
    text: Title
    bracketed: bool = Field(False, description="Printed in [brackets] in the source: provisional or to be confirmed")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value


class FrameworkRef(Element):
    framework: Title = Field(description="e.g. 'Accountability Framework', 'Mandate'")
    ref: Annotated[str, AfterValidator(_Fits(fields.FRAMEWORK_REF_LENGTH))] = Field(
        min_length=1,
        json_schema_extra=_length(fields.FRAMEWORK_REF_LENGTH),
        description="Paragraph or range as printed, e.g. '¶12–31 & 47'",
    )


class Objective(Noted):
    code: Code
    level: Code
    title: Title
    description: Text = ""
    parent: Code | None = None
    org_unit: Code | None = None
    owner: Code | None = None
    contributes_to: list[Code] = Field(default_factory=list)
    assessed_by: list[AssessedBy] = Field(default_factory=list)
    assessment: Text = Field("", description="The plan's own assessment, e.g. 'How are we doing?'")
    framework_refs: list[FrameworkRef] = Field(default_factory=list)
    source: OptionalShortText = Field(None, description="Where in the source document: paragraph, table or appendix")
    added: AddedNotes = ADDED


ActivityType = Literal["action", "deliverable", "key_activity", "milestone"]
ActivityStatus = Literal["not_started", "in_progress", "complete", "delayed", "cancelled"]


class Activity(Noted):
    code: Code
    objective: Code
    title: Title
    description: Text = ""
    type: ActivityType = "action"
    owner: Code | None = None
    org_unit: Code | None = Field(None, description="The unit that owns or leads the activity")
    partners: list[Code] = Field(default_factory=list, description="Other units that share the activity")
    start: OptionalShortText = Field(None, description="A date or period, e.g. 2014-04 or 2014/15 Q1")
    due: OptionalShortText = Field(
        None, description="A date, month, quarter or financial year, or free text such as 'Annual survey'"
    )
    status: ActivityStatus = "not_started"
    source: OptionalShortText = None
    added: AddedNotes = ADDED


MetricUnit = Literal["percentage", "count", "rate", "currency", "score", "days", "ratio", "other"]
Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
Aggregation = Literal["sum", "mean", "ratio"]
Frequency = Literal["weekly", "monthly", "quarterly", "annual", "ad_hoc"]
Comparison = Literal[">=", ">", "<=", "<", "="]


class Target(Element):
    value: Number = Field(description="Percentages as fractions: 95% is 0.95")
    comparison: Comparison = ">="
    by: OptionalPeriodText = Field(None, description="Date or period by which the target applies, e.g. '2016/17 Q4'")
    text: OptionalPhrase = Field(None, description="The target as printed, e.g. '>50% within two weeks'")


class TrajectoryPoint(Element):
    period: PeriodText
    value: Number


class Review(Element):
    when: OptionalPhrase = Field(None, description="Review date or frequency as printed, e.g. 'Quarterly'")
    by: OptionalPhrase = Field(None, description="Who reviews, as printed")


class StatedValue(Element):
    """A value the document itself quotes (a baseline or survey result), with its period."""

    period: PeriodText
    value: Number
    source: OptionalShortText = None


TriggerRuleName = Literal[
    "below_target_for",
    "special_cause_concern",
    "assurance_fail",
    "trajectory_missed_for",
    "no_data_since",
]


class TriggerRule(Element):
    """A machine-readable trigger for mitigating action, evaluated against the metric's data.

    below_target_for N       the target was missed in each of the last N periods
    special_cause_concern    the latest point is special cause of concern (SPC)
    assurance_fail           the process limits say the target will consistently be missed
    trajectory_missed_for N  actuals missed the planned trajectory in each of the last N periods
    no_data_since N          no value for the last N periods up to the assessment date
    """

    rule: TriggerRuleName
    periods: int | None = Field(None, ge=1, le=120, description="N, for the rules that count periods")

    @model_validator(mode="after")
    def _periods(self) -> TriggerRule:
        counted = self.rule in ("below_target_for", "trajectory_missed_for", "no_data_since")
        if counted and self.periods is None:
            raise ValueError(f"rule '{self.rule}' needs 'periods', e.g. {{rule: {self.rule}, periods: 3}}")
        if not counted and self.periods is not None:
            raise ValueError(f"rule '{self.rule}' takes no 'periods'")
        return self


class ActivityRule(Element):
    """A machine-readable trigger for activities: overdue by more than ``grace_days``."""

    rule: Literal["activity_overdue"]
    grace_days: int = Field(0, ge=0, le=365)


class _Said:
    """Text that must say something: blank is refused with ``message``."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, text: str) -> str:
        if not text.strip():
            raise ValueError(self.message)
        return text


def _required(length: int, message: str) -> tuple[JsonDict, AfterValidator, AfterValidator]:
    """The schema and checks of a required text of at most ``length`` characters: blank is
    refused with ``message``."""
    return {"minLength": 1, "maxLength": length}, AfterValidator(_Said(message)), AfterValidator(_Fits(length))


_REASON = _required(
    REASON_LENGTH, "a rebase needs its reason: say what changed in the process, e.g. 'New triage model'"
)
_EVENT = _required(ANNOTATION_LENGTH, "an annotation needs its text: say what happened, e.g. 'Winter escalation'")
#: why a metric's limits are recalculated: required, at most REASON_LENGTH characters
Reason = Annotated[str, Field(json_schema_extra=_REASON[0]), _REASON[1], _REASON[2]]
#: what happened, shown on a metric's charts: required, at most ANNOTATION_LENGTH characters
Event = Annotated[str, Field(json_schema_extra=_EVENT[0]), _EVENT[1], _EVENT[2]]


class Rebase(Element):
    """A date the metric's process limits are recalculated from, and why (a change to the process)."""

    date: PeriodText = Field(description="The period the new limits start with, e.g. 2017-04 or 2017/18 Q1")
    reason: Reason = Field(description="What changed in the process, e.g. 'New triage model from April 2017'")


class Annotation(Element):
    """A dated event shown on the metric's charts and in the packs."""

    date: PeriodText = Field(description="When it happened, e.g. 2017-01 or 2017-01-09")
    text: Event = Field(description="The event, e.g. 'Winter pressures: escalation level 4'")


class Metric(Noted):
    code: Code
    title: Title
    objectives: list[Code] = Field(default_factory=list)
    definition: Text = ""
    unit: MetricUnit = "count"
    scale_min: Number | None = None
    scale_max: Number | None = None
    polarity: Polarity = "neutral"
    aggregation: Aggregation = "sum"
    frequency: Frequency = "quarterly"
    target: Target | None = None
    trajectory: list[TrajectoryPoint] = Field(default_factory=list)
    review: Review | None = None
    trigger: OptionalText = Field(None, description="Trigger for mitigating action, as printed")
    trigger_rules: list[TriggerRule] = Field(default_factory=list, description="The trigger as machine rules")
    data_source: OptionalPhrase = None
    owner: Code | None = None
    to_be_confirmed: bool = Field(False, description="The document has not yet defined this metric")
    headline: bool = Field(False, description="On the plan's scorecard (e.g. seed 004's 11-point scorecard)")
    stated_values: list[StatedValue] = Field(default_factory=list)
    chart: ChartType | None = Field(
        None, description="xmr, p, pp (p′), u, up (u′), c, g, t or run; left out, chosen from unit and aggregation"
    )
    rebase: list[Rebase] = Field(default_factory=list, description="Dates the process limits are recalculated from")
    fix_after_n: int | None = Field(
        None, ge=1, le=FIX_AFTER_MAX, description="Limits fixed after the first n points of each segment"
    )
    annotations: list[Annotation] = Field(default_factory=list, description="Dated events shown on charts")
    source: OptionalShortText = None
    added: AddedNotes = ADDED

    @model_validator(mode="after")
    def _scale(self) -> Metric:
        if self.scale_min is not None and self.scale_max is not None and self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        if self.review is not None and self.review.when is None and self.review.by is None:
            self.review = None  # `review: {}` says nothing: held as no review, as it is stored
        return self


Money = Annotated[
    Decimal,
    BeforeValidator(lambda value: parse_money(value) if isinstance(value, str) else value),
    AfterValidator(_money_fits),
    Field(description="Pounds; '£78.7m', '£1.2bn', '£350k' and '(0.5)' (negative) are accepted too"),
]
BudgetCategory = Literal["running", "discretionary_running", "programme", "other"]


class BudgetLine(Noted):
    code: Code
    title: Title
    org_unit: Code | None = None
    category: BudgetCategory
    amount: Money
    period: FinancialYear = Field(description="Financial year, e.g. 2013/14")
    source: OptionalShortText = None
    added: AddedNotes = ADDED


class StatedTotal(Noted):
    """A total as the document prints it, kept beside the total computed from the lines."""

    code: Code
    title: Title
    amount: Money
    period: FinancialYear
    category: BudgetCategory | None = Field(None, description="The category it totals; omit for all categories")
    org_units: list[Code] = Field(default_factory=list, description="Units it totals; empty for all lines")
    source: OptionalShortText = None
    added: AddedNotes = ADDED


class Risk(Noted):
    code: Code
    title: Title = Field(description="The risk as described")
    objective: Code | None = None
    owner: Code | None = None
    likelihood: int | None = Field(None, ge=1, le=5)
    impact: int | None = Field(None, ge=1, le=5)
    mitigation: Text = ""
    source: OptionalShortText = None
    added: AddedNotes = ADDED


PlanStatus = Literal["draft", "agreed", "published"]


class Plan(Element):
    code: PlanCode
    title: Title
    organisation: Organisation
    start: FinancialYear = Field(description="First financial year, e.g. 2016/17")
    end: FinancialYear = Field(description="Last financial year, e.g. 2016/17")
    status: PlanStatus = "draft"
    description: Text = ""
    source_document: SourceDocument | None = None
    levels: list[Level] = Field(min_length=1)
    org_units: list[OrgUnit] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    budget_lines: list[BudgetLine] = Field(default_factory=list)
    stated_totals: list[StatedTotal] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list, description="Boards, committees and panels that oversee the plan")
    meetings: list[Meeting] = Field(default_factory=list, description="Meetings of the bodies, each with its agenda")
    activity_rules: list[ActivityRule] = Field(
        default_factory=list, description="Triggers for every activity of the plan"
    )


_MONEY_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def parse_money(text: str) -> Decimal:
    """'£78.7m' -> Decimal('78700000.0'); '(0.5)' is negative, as accountants print it."""
    raw = text.strip().replace(",", "").replace("£", "").replace(" ", "")
    negative = raw.startswith("(") and raw.endswith(")")
    raw = raw.strip("()")
    lowered = raw.lower()
    for suffix in ("bn", "m", "k"):
        if lowered.endswith(suffix):
            number, factor = raw[: -len(suffix)], _MONEY_SUFFIX[suffix]
            break
    else:
        number, factor = raw, 1
    try:
        value = Decimal(number) * factor
    except ArithmeticError:
        shown = text if len(text) <= 40 else f"{text[:40]}…"
        raise ValueError(f"'{shown}' is not an amount of money; write pounds, e.g. 78700000 or '£78.7m'") from None
    return -value if negative else value


#: Element lists of a plan and the kind each holds, in file order.
SECTIONS: dict[str, str] = {
    "org_units": "org_unit",
    "owners": "owner",
    "objectives": "objective",
    "activities": "activity",
    "metrics": "metric",
    "budget_lines": "budget_line",
    "stated_totals": "stated_total",
    "risks": "risk",
    "bodies": "body",
    "meetings": "meeting",
}
