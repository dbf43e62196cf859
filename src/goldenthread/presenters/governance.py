"""The governance pages of a plan: its bodies (boards, committees, panels) as a tree, and a body's
page — what it oversees, who chairs it and sits on it, its terms of reference, its cycle of
business and its calendar: the meetings the plan records, and the quarters its cycle of business
expects a meeting in. Meetings have their own page (:mod:`.governance_meeting`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from goldenthread.access import rules
from goldenthread.formatting import long_date
from goldenthread.planfile.periods import Period, financial_years, quarter
from goldenthread.plans import models as pm
from goldenthread.presenters.governance_links import body_href, meeting_href, meeting_name

KINDS = dict(pm.Body.Kind.choices)
MEETS = {
    "weekly": "Weekly",
    "fortnightly": "Every two weeks",
    "monthly": "Monthly",
    "bi_monthly": "Every two months",
    "quarterly": "Quarterly",
    "half_yearly": "Every six months",
    "annual": "Once a year",
    "ad_hoc": "As needed",
}
EVERY = {
    "meeting": "At every meeting",
    "month": "Every month",
    "quarter": "Every quarter",
    "half_year": "Every six months",
    "year": "Once a year",
}
#: the paper kinds an agenda item or a body's business considers
PAPERS = {
    "plan": "The plan",
    "board_pack": "The board pack",
    "directorate_packs": "Directorate packs",
    "exceptions": "The exceptions report",
    "plan_changes": "Changes to the plan awaiting approval",
    "scorecard": "The scorecard",
}
#: the quarters (1 to 4) of a financial year in which business of each frequency is expected
EXPECTED_IN = {"month": (1, 2, 3, 4), "quarter": (1, 2, 3, 4), "half_year": (2, 4)}


@dataclass
class MeetingLink:
    name: str  # "Joint Boards in Common, 27 June 2019"
    href: str
    date: date
    public: bool


def meeting_link(plan: pm.Plan, meeting: pm.Meeting) -> MeetingLink:
    return MeetingLink(meeting_name(meeting), meeting_href(plan, meeting), meeting.date, meeting.is_public)


def owner_text(owner: pm.Owner | None) -> str:
    """An owner as pages name them: "Chief Executive (Simon Stevens)", or their role alone."""
    return str(owner) if owner is not None else ""


@dataclass
class BodyRow:
    body: pm.Body
    href: str
    depth: int
    kind: str
    chair: str
    meets: str
    next_meeting: MeetingLink | None
    last_meeting: MeetingLink | None


@dataclass
class GovernancePage:
    plan: pm.Plan
    bodies: list[BodyRow]
    upcoming: list[MeetingLink]
    past: list[MeetingLink]


def _meetings_by_body(plan: pm.Plan) -> dict[int, list[pm.Meeting]]:
    by_body: dict[int, list[pm.Meeting]] = defaultdict(list)
    for m in plan.meetings.select_related("body").order_by("date", "position"):
        by_body[m.body_id].append(m)
    return by_body


def in_tree_order(bodies: list[pm.Body]) -> list[tuple[pm.Body, int]]:
    """Each body followed by those under it (its committees), with its depth in the tree."""
    known = {b.pk for b in bodies}
    children: dict[int | None, list[pm.Body]] = defaultdict(list)
    for b in bodies:
        children[b.parent_id if b.parent_id in known else None].append(b)
    ordered: list[tuple[pm.Body, int]] = []
    seen: set[int] = set()

    def visit(b: pm.Body, depth: int) -> None:
        if b.pk in seen:  # the plan file refuses cycles; never loop on one all the same
            return
        seen.add(b.pk)
        ordered.append((b, min(depth, 3)))
        for child in children[b.pk]:
            visit(child, depth + 1)

    for root in children[None]:
        visit(root, 0)
    for b in bodies:  # in a cycle of parents (which the plan file refuses): shown all the same
        visit(b, 0)
    return ordered


def governance_page(plan: pm.Plan, today: date) -> GovernancePage:
    bodies = list(plan.bodies.select_related("chair").order_by("position"))
    by_body = _meetings_by_body(plan)
    rows = []
    for b, depth in in_tree_order(bodies):
        meetings = by_body[b.pk]
        upcoming = [m for m in meetings if m.date >= today]
        past = [m for m in meetings if m.date < today]
        rows.append(
            BodyRow(
                b,
                body_href(plan, b),
                depth,
                KINDS.get(b.kind, b.kind),
                owner_text(b.chair),
                MEETS.get(b.meets, b.meets),
                meeting_link(plan, upcoming[0]) if upcoming else None,
                meeting_link(plan, past[-1]) if past else None,
            )
        )
    meetings = [m for listed in by_body.values() for m in listed]
    meetings.sort(key=lambda m: (m.date, m.position))
    return GovernancePage(
        plan,
        rows,
        [meeting_link(plan, m) for m in meetings if m.date >= today],
        [meeting_link(plan, m) for m in reversed(meetings) if m.date < today],
    )


@dataclass
class Business:
    title: str
    considers: list[str]
    every: str
    source: str


@dataclass
class CalendarRow:
    """A quarter of the plan: the body's meetings in it and the business it expects then."""

    label: str
    dates: str
    meetings: list[MeetingLink]
    expected: list[str]
    state: str  # "held", "upcoming", "none recorded", ""
    current: bool


@dataclass
class Linked:
    text: str
    href: str = ""


@dataclass
class BodyPage:
    plan: pm.Plan
    body: pm.Body
    kind: str
    parent: Linked | None
    children: list[Linked]
    chair: str
    members: list[str]
    you: str  # how the person sits on the body, if they do
    oversees_plan: bool
    objectives: list[Linked]
    org_units: list[str]
    metrics: list[Linked]
    meets: str
    business: list[Business]
    yearly: list[str]  # business expected once a year (no quarter is named for it)
    calendar: list[CalendarRow]
    upcoming: list[MeetingLink]
    past: list[MeetingLink]
    added: list[str] = field(default_factory=list)


def _field_words(name: str, numbers: list[str]) -> str:
    """A dotted field of an ``added`` note in words: "items.0.purpose" is "item 12: purpose",
    "business.0.every" is "cycle of business, line 1: every"."""
    parts = str(name).split(".")
    if len(parts) >= 2 and parts[1].isdigit():
        n = int(parts[1])
        if parts[0] == "items":
            where = f"item {numbers[n]}" if n < len(numbers) else f"agenda item {n + 1}"
        else:
            where = f"{'cycle of business' if parts[0] == 'business' else parts[0].replace('_', ' ')}, line {n + 1}"
        rest = " ".join(p.replace("_", " ") for p in parts[2:])
        return f"{where}: {rest}" if rest else where
    return " ".join(p.replace("_", " ") for p in parts)


def added_notes(added: list | None, numbers: list[str] | None = None) -> list[str]:
    """An element's ``added`` notes, each as "fields: where they come from"."""
    lines = []
    for entry in added or []:
        if isinstance(entry, dict):
            fields = ", ".join(_field_words(f, numbers or []) for f in entry.get("fields") or [])
            lines.append(f"{fields}: {entry.get('note', '')}" if fields else str(entry.get("note", "")))
    return lines


def plan_quarters(plan: pm.Plan) -> list[Period]:
    """The quarters of the plan's financial years, in order."""
    span = financial_years(plan.start, plan.end)
    return [quarter(year, q) for year in range(span.start.year, span.end.year) for q in (1, 2, 3, 4)]


def business_of(body: pm.Body) -> list[Business]:
    return [
        Business(
            str(b.get("title", "")),
            [PAPERS.get(k, k) for k in b.get("considers") or []],
            EVERY.get(b.get("every") or "meeting", str(b.get("every"))),
            str(b.get("source") or ""),
        )
        for b in body.business or []
        if isinstance(b, dict)
    ]


def calendar(plan: pm.Plan, body: pm.Body, meetings: list[pm.Meeting], today: date) -> list[CalendarRow]:
    """The plan's quarters, each with the body's meetings in it and the business its cycle expects
    then: "held" when a meeting is recorded in it, "upcoming" for a quarter not yet over with none,
    "none recorded" for a quarter past that expected business and has no meeting."""
    rows = []
    for q in plan_quarters(plan):
        number = int(q.label[-1])
        expected = [
            str(b.get("title", ""))
            for b in body.business or []
            if isinstance(b, dict) and number in EXPECTED_IN.get(b.get("every") or "", ())
        ]
        held = [meeting_link(plan, m) for m in meetings if q.start <= m.date <= q.end]
        if held:
            state = "held" if any(m.date < today for m in held) else "upcoming"
        elif q.end >= today:
            state = "upcoming" if expected else ""
        else:
            state = "none recorded" if expected else ""
        rows.append(
            CalendarRow(
                q.label,
                f"{long_date(q.start)} to {long_date(q.end)}",
                held,
                expected,
                state,
                q.start <= today <= q.end,
            )
        )
    return rows


def _oversees(plan: pm.Plan, body: pm.Body) -> tuple[list[Linked], list[str], list[Linked]]:
    plan_href = reverse("plan", args=[plan.code])
    objectives = [
        Linked(f"{o.code} {o.title}", f"{plan_href}?{urlencode({'objective': o.code})}")
        for o in body.oversees_objectives.order_by("position")
    ]
    units = [u.name for u in body.oversees_org_units.order_by("position")]
    metrics = [
        Linked(f"{x.code} {x.title}", reverse("metric", args=[plan.code, x.code]))
        for x in body.oversees_metrics.order_by("position")
    ]
    return objectives, units, metrics


def _you(user, body: pm.Body) -> str:
    if rules.chairs_body(user, body):
        return "You chair this body"
    if rules.sits_on_body(user, body):
        return "You are a member of this body"
    return ""


def body_page(plan: pm.Plan, body: pm.Body, user, today: date) -> BodyPage:
    meetings = list(body.meetings.order_by("date", "position"))
    objectives, units, metrics = _oversees(plan, body)
    parent = body.parent
    return BodyPage(
        plan,
        body,
        KINDS.get(body.kind, body.kind),
        Linked(parent.name, body_href(plan, parent)) if parent is not None else None,
        [Linked(c.name, body_href(plan, c)) for c in body.children.order_by("position")],
        owner_text(body.chair),
        [owner_text(o) for o in body.members.order_by("position")],
        _you(user, body),
        body.oversees_plan,
        objectives,
        units,
        metrics,
        MEETS.get(body.meets, body.meets),
        business_of(body),
        [str(b.get("title", "")) for b in body.business or [] if isinstance(b, dict) and b.get("every") == "year"],
        calendar(plan, body, meetings, today),
        [meeting_link(plan, m) for m in meetings if m.date >= today],
        [meeting_link(plan, m) for m in reversed(meetings) if m.date < today],
        added_notes(body.added),
    )
