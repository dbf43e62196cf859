"""A meeting's page: its agenda, each item with links to the papers it considers — the plan, the
board pack and directorate packs as at the meeting's period, the exceptions report, the changes
to the plan awaiting approval, the scorecard — and the decisions and actions recorded against
it; the meeting's minutes; and, for those who may, the forms to record them.

The papers of a meeting are as at one period: the item's own ``period`` when the plan file gives
one, else the plan's latest quarter ended by the meeting's date
(:func:`goldenthread.planfile.periods.meeting_period`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse

from goldenthread.access import rules
from goldenthread.cycles import services
from goldenthread.cycles.models import Action, ItemDecision, Minutes
from goldenthread.cycles.services.actions import ACTION_RELATIONS
from goldenthread.formatting import date_time, long_date
from goldenthread.planfile.periods import Period, PeriodError, meeting_period, parse_period
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import name_of
from goldenthread.presenters.cycle.reviews import ActionRow, action_row
from goldenthread.presenters.governance import PAPERS, Linked, added_notes, owner_text
from goldenthread.presenters.governance_links import body_href, item_anchor, meeting_href, meeting_name

PURPOSES = {
    "decision": "For decision",
    "approval": "For approval",
    "assurance": "For assurance",
    "discussion": "For discussion",
    "information": "For information",
}


@dataclass
class Paper:
    title: str  # "Board pack as at 2019/20 Q1"
    links: list[Linked]  # the paper's formats or pages; empty when the person may not open it
    note: str = ""  # why there is no link, or what to know


@dataclass
class DecisionRow:
    decision: ItemDecision
    recorded: str  # "27 June 2019 at 14:05 by Pat Planner"
    take_back_href: str  # where the form to take it back posts (shown to those who may record)


@dataclass
class ItemView:
    item: pm.AgendaItem
    anchor: str
    purpose: str
    presenter: str
    period: Period
    period_note: str  # when the item's own period could not be read
    papers: list[Paper]
    objectives: list[Linked]
    metrics: list[Linked]
    org_units: list[str]
    decisions: list[DecisionRow]
    actions: list[ActionRow]
    decision_href: str
    action_href: str


@dataclass
class MinutesView:
    minutes: Minutes | None
    status: str  # "Not written yet", "Draft", "Approved"
    approved: str  # "27 June 2019 at 14:05 by …"
    published: str
    can_edit: bool  # a draft (or none yet) and the person may record the meeting
    can_approve: bool
    can_publish: bool  # approved, the meeting is public, and the person may publish
    can_withdraw: bool
    edit_href: str
    publish_href: str


@dataclass
class MeetingPage:
    plan: pm.Plan
    meeting: pm.Meeting
    name: str
    body: Linked
    date: str
    public: bool
    period: Period
    items: list[ItemView]
    minutes: MinutesView
    can_record: bool
    added: list[str]  # the meeting's details not from the document, and where they come from


def meeting_papers_period(plan: pm.Plan, meeting: pm.Meeting) -> Period:
    """The period the meeting's papers are as at (the items' default)."""
    return meeting_period(plan.start, plan.end, meeting.date)


def item_period(plan: pm.Plan, meeting: pm.Meeting, item: pm.AgendaItem) -> tuple[Period, str]:
    """The item's period — its own when the plan file gives one, else the meeting's — and a note
    when its own could not be read."""
    default = meeting_papers_period(plan, meeting)
    if not item.period:
        return default, ""
    try:
        return parse_period(item.period), ""
    except PeriodError as exc:
        return (
            default,
            f"The item's period '{item.period}' could not be read ({exc}); its papers are as at {default.label}.",
        )


def _with(href: str, **query: str) -> str:
    return f"{href}?{urlencode(query)}"


def _pack(title: str, href_of, allowed: bool) -> Paper:
    """A pack in its three formats (``href_of(fmt)``), or a note when the person may not open it."""
    if not allowed:
        return Paper(title, [], "Only those who may read every unit's updates open this pack")
    return Paper(
        title, [Linked(label, href_of(fmt)) for fmt, label in (("pdf", "PDF"), ("docx", "Word"), ("html", "Web page"))]
    )


def _directorate_packs(plan: pm.Plan, item: pm.AgendaItem, period: Period, user) -> list[Paper]:
    units = list(item.org_units.all()) or services.reporting_units(plan)
    papers = []
    for unit in units:
        title = f"{unit.name} pack as at {period.label}"
        allowed = rules.may_view_unit_updates(user, unit)
        papers.append(
            _pack(
                title,
                lambda fmt, u=unit: _with(
                    reverse("report-directorate", args=[plan.code, u.code, fmt]), period=period.label
                ),
                allowed,
            )
        )
    return papers


def papers(plan: pm.Plan, item: pm.AgendaItem, period: Period, user) -> list[Paper]:
    """The papers the item considers, in the order the plan file lists them, each linked as at ``period``."""
    out: list[Paper] = []
    as_at = {"as_at": period.label}
    for kind in item.considers or []:
        if kind == "plan":
            plan_links = [
                Linked("Overview", _with(reverse("plan", args=[plan.code]), **as_at)),
                Linked("Plan file (YAML)", reverse("plan-download", args=[plan.code, "yaml"])),
            ]
            out.append(Paper(f"The plan: {plan.title}", plan_links))
        elif kind == "board_pack":
            board = lambda fmt: _with(reverse("report-board", args=[plan.code, fmt]), period=period.label)  # noqa: E731
            out.append(_pack(f"Board pack as at {period.label}", board, rules.may_view_all_updates(user)))
        elif kind == "directorate_packs":
            out.extend(_directorate_packs(plan, item, period, user))
        elif kind == "exceptions":
            out.append(
                Paper(
                    f"Exceptions as at {period.label}",
                    [Linked("Exceptions", _with(reverse("exceptions", args=[plan.code]), **as_at))],
                )
            )
        elif kind == "scorecard":
            out.append(
                Paper(
                    f"Scorecard as at {period.label}",
                    [Linked("Scorecard", _with(reverse("scorecard", args=[plan.code]), **as_at))],
                )
            )
        elif kind == "plan_changes":
            out.append(_changes_paper(plan, user))
        else:
            out.append(Paper(PAPERS.get(kind, kind), []))
    return out


def _changes_paper(plan: pm.Plan, user) -> Paper:
    waiting = plan.changes.filter(status=pm.PlanChange.Status.SUBMITTED).count()
    title = "Changes to the plan awaiting approval"
    note = f"{waiting} change{'s' if waiting != 1 else ''} awaiting approval now"
    if rules.may_edit_plan(user, plan) or rules.may_approve_change(user, plan):
        return Paper(title, [Linked("The plan's change", reverse("plan-change", args=[plan.code]))], note)
    return Paper(title, [], note)


def _considered(plan: pm.Plan, item: pm.AgendaItem) -> tuple[list[Linked], list[Linked], list[str]]:
    plan_href = reverse("plan", args=[plan.code])
    objectives = [Linked(f"{o.code} {o.title}", _with(plan_href, objective=o.code)) for o in item.objectives.all()]
    metrics = [Linked(f"{x.code} {x.title}", reverse("metric", args=[plan.code, x.code])) for x in item.metrics.all()]
    return objectives, metrics, [u.name for u in item.org_units.all()]


def item_view(plan: pm.Plan, meeting: pm.Meeting, item: pm.AgendaItem, user, today: date) -> ItemView:
    period, note = item_period(plan, meeting, item)
    objectives, metrics, units = _considered(plan, item)
    decisions = [
        DecisionRow(
            d,
            f"{date_time(d.recorded_at)} by {name_of(d.recorded_by)}",
            reverse("plan-meeting-take-back", args=[plan.code, meeting.code, d.pk]),
        )
        for d in item.decisions.all()
    ]
    actions = [action_row(a, user, today) for a in item.actions.all()]
    return ItemView(
        item,
        item_anchor(item),
        PURPOSES.get(item.purpose, item.purpose),
        owner_text(item.presenter),
        period,
        note,
        papers(plan, item, period, user),
        objectives,
        metrics,
        units,
        decisions,
        actions,
        meeting_href(plan, meeting, "decision", item),
        meeting_href(plan, meeting, "action", item),
    )


def minutes_view(plan: pm.Plan, meeting: pm.Meeting, user) -> MinutesView:
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_by", "published_by").first()
    approved = minutes is not None and minutes.approved
    may_approve = rules.may_approve_minutes(user, meeting)
    return MinutesView(
        minutes,
        minutes.get_status_display() if minutes else "Not written yet",
        f"{date_time(minutes.approved_at)} by {name_of(minutes.approved_by)}"
        if minutes and minutes.approved_at
        else "",
        f"{date_time(minutes.published_at)} by {name_of(minutes.published_by)}"
        if minutes and minutes.published_at
        else "",
        not approved and rules.may_record_meeting(user, meeting),
        not approved and may_approve,
        approved and meeting.is_public and may_approve and minutes is not None and not minutes.published,
        may_approve and minutes is not None and minutes.published,
        meeting_href(plan, meeting, "minutes"),
        meeting_href(plan, meeting, "publish"),
    )


#: what each agenda item shows, read for the whole agenda at once (one query each, not per item);
#: the item views read them with ``.all()``, in these orders
_ITEM_ROWS = (
    Prefetch("objectives", queryset=pm.Objective.objects.order_by("position")),
    Prefetch("metrics", queryset=pm.Metric.objects.order_by("position")),
    Prefetch("org_units", queryset=pm.OrgUnit.objects.order_by("position")),
    Prefetch("decisions", queryset=ItemDecision.objects.select_related("recorded_by")),
    Prefetch("actions", queryset=Action.objects.select_related(*ACTION_RELATIONS).order_by("position", "pk")),
)


def meeting_page(plan: pm.Plan, meeting: pm.Meeting, user, today: date) -> MeetingPage:
    items = list(meeting.items.select_related("presenter").prefetch_related(*_ITEM_ROWS).order_by("position"))
    return MeetingPage(
        plan,
        meeting,
        meeting_name(meeting),
        Linked(meeting.body.name, body_href(plan, meeting.body)),
        long_date(meeting.date),
        meeting.is_public,
        meeting_papers_period(plan, meeting),
        [item_view(plan, meeting, i, user, today) for i in items],
        minutes_view(plan, meeting, user),
        rules.may_record_meeting(user, meeting),
        added_notes(meeting.added, [i.number for i in items]),
    )
