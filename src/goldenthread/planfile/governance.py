"""Governance as data: the bodies that oversee a plan and the meetings they hold.

A body (a board, a committee, a review panel) has a chair and members (owners, the plan's named
roles), terms of reference, what it oversees and a cycle of business: what it takes, and how
often. A meeting is one of a body's meetings on a date, with its agenda; an agenda item names the
papers it considers (the plan, its board pack, directorate packs, ...), assembled as at the
meeting's date (:func:`goldenthread.planfile.periods.meeting_period`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from goldenthread.planfile.elements import (
    ADDED,
    AddedNotes,
    Code,
    Element,
    Noted,
    OptionalPeriodText,
    OptionalShortText,
    OptionalText,
    PeriodText,
    Title,
)

BodyType = Literal[
    "board", "committee", "sub_committee", "review_panel", "programme_board", "partnership_board", "other"
]
Meets = Literal["weekly", "fortnightly", "monthly", "bi_monthly", "quarterly", "half_yearly", "annual", "ad_hoc"]
#: the papers an agenda item or a body's business considers
PaperKind = Literal["plan", "board_pack", "directorate_packs", "exceptions", "plan_changes", "scorecard"]
Every = Literal["meeting", "month", "quarter", "half_year", "year"]
Purpose = Literal["decision", "approval", "assurance", "discussion", "information"]


class Oversees(Element):
    """What a body oversees: the plan as a whole, or some of its objectives, units and metrics."""

    plan: bool = Field(False, description="The plan as a whole")
    objectives: list[Code] = Field(default_factory=list)
    org_units: list[Code] = Field(default_factory=list)
    metrics: list[Code] = Field(default_factory=list)


class Business(Element):
    """One item of a body's cycle of business: what it takes, and how often."""

    title: Title = Field(description="e.g. 'Quarterly review of directorate performance dashboards'")
    considers: list[PaperKind] = Field(default_factory=list, description="The papers it takes")
    every: Every = Field("meeting", description="How often: every meeting, month, quarter, half year or year")
    source: OptionalShortText = None


class Body(Noted):
    """A board, committee or panel that oversees the plan."""

    code: Code
    name: Title
    type: BodyType = "committee"
    parent: Code | None = Field(None, description="The body it reports to (another body's code)")
    chair: Code | None = Field(None, description="An owner's code")
    members: list[Code] = Field(default_factory=list, description="Owners' codes")
    terms_of_reference: OptionalText = Field(None, description="The body's remit, as printed")
    terms_source: OptionalShortText = Field(None, description="Where the document describes the remit")
    oversees: Oversees | None = None
    meets: Meets | None = Field(None, description="How often it meets")
    public: bool = Field(False, description="Meets in public: its agendas and approved minutes are published")
    business: list[Business] = Field(default_factory=list, description="The cycle of business")
    source: OptionalShortText = None
    added: AddedNotes = ADDED

    @model_validator(mode="after")
    def _oversees_something(self) -> Body:
        oversees = self.oversees
        if oversees is not None and not (
            oversees.plan or oversees.objectives or oversees.org_units or oversees.metrics
        ):
            self.oversees = None  # `oversees: {}` says nothing: held as nothing named, as a workbook holds it
        return self


def _number_text(value: object) -> object:
    """An item number written bare (``number: 12``) is the text '12', as printed."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class AgendaItem(Element):
    """One item of a meeting's agenda."""

    number: Annotated[PeriodText, BeforeValidator(_number_text)] = Field(
        min_length=1, description="As printed, e.g. '12' or '4.1'; unique within the meeting"
    )
    title: Title
    purpose: Purpose | None = None
    presenter: Code | None = Field(None, description="An owner's code")
    considers: list[PaperKind] = Field(default_factory=list, description="The papers it considers")
    org_units: list[Code] = Field(
        default_factory=list, description="For directorate_packs: these units' packs (empty: every unit)"
    )
    objectives: list[Code] = Field(default_factory=list)
    metrics: list[Code] = Field(default_factory=list)
    period: OptionalPeriodText = Field(
        None, description="The period its packs are as at, when not the meeting date's, e.g. '2019/20 Q1'"
    )
    source: OptionalShortText = None


class Meeting(Noted):
    """A meeting of a body, on a date, with its agenda."""

    code: Code
    body: Code
    title: Title
    date: PeriodText = Field(min_length=1, description="The date, e.g. '2019-06-27' or '27 June 2019'")
    public: bool | None = Field(None, description="Meets in public; omit for the body's own setting")
    items: list[AgendaItem] = Field(default_factory=list, description="The agenda, in order")
    source: OptionalShortText = None
    added: AddedNotes = ADDED
