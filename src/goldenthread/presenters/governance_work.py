"""Governance on the pages people live on: "My meetings" on My work — the meetings of the bodies
someone chairs or sits on and the meetings where they present an item (through an owner of a plan
linked to their account), upcoming and recent, and the meetings whose actions they own and have not
closed — and a published plan's
public meetings, with their agendas and published minutes, on its public page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from goldenthread.access import roles
from goldenthread.cycles.models import Action, Minutes
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm
from goldenthread.presenters.governance_links import meeting_href, meeting_name
from goldenthread.presenters.governance_meeting import PURPOSES

UPCOMING = 10  # the next meetings shown on My work
RECENT = 5  # the latest past meetings shown


@dataclass
class MyMeetingRow:
    meeting: pm.Meeting
    name: str
    href: str
    plan: pm.Plan
    body: str
    role: str  # "Chair", "Member", "" (only your actions)
    open_actions: int


@dataclass
class MyMeetings:
    upcoming: list[MyMeetingRow]
    recent: list[MyMeetingRow]
    with_actions: list[MyMeetingRow]

    @property
    def anything(self) -> bool:
        return bool(self.upcoming or self.recent or self.with_actions)


def _roles(user) -> dict[int, str]:
    """Body pk -> how ``user`` sits on it ("Chair" wins over "Member"), through owners linked to them."""
    owners = pm.Owner.objects.filter(user_id=user.pk)
    found: dict[int, str] = {}
    for pk in pm.Body.objects.filter(members__in=owners).values_list("pk", flat=True):
        found[pk] = "Member"
    for pk in pm.Body.objects.filter(chair__in=owners).values_list("pk", flat=True):
        found[pk] = "Chair"
    return found


def _presenting(user) -> dict[int, str]:
    """Meeting pk -> "Presenting item 12" (or "items 4 and 12") for the agenda items presented by
    an owner linked to ``user``."""
    numbers: dict[int, list[str]] = {}
    rows = pm.AgendaItem.objects.filter(presenter__user_id=user.pk).order_by("meeting_id", "position")
    for meeting, number in rows.values_list("meeting_id", "number"):
        numbers.setdefault(meeting, []).append(number)
    return {
        meeting: "Presenting item " + n[0] if len(n) == 1 else f"Presenting items {', '.join(n[:-1])} and {n[-1]}"
        for meeting, n in numbers.items()
    }


def my_meetings(user, today: date) -> MyMeetings:
    if not roles.signed_in(user):
        return MyMeetings([], [], [])
    sits_on = _roles(user)
    presenting = _presenting(user)
    actions = Counter(
        Action.objects.filter(
            owner_account_id=user.pk, status__in=Action.OPEN_STATUSES, agenda_item__isnull=False
        ).values_list("agenda_item__meeting_id", flat=True)
    )
    meetings = pm.Meeting.objects.filter(
        Q(body_id__in=sits_on) | Q(pk__in=presenting) | Q(pk__in=actions)
    ).select_related("body", "plan")

    def row(m: pm.Meeting) -> MyMeetingRow:
        role = "; ".join(r for r in (sits_on.get(m.body_id, ""), presenting.get(m.pk, "")) if r)
        return MyMeetingRow(m, meeting_name(m), meeting_href(m.plan, m), m.plan, m.body.name, role, actions[m.pk])

    mine = [m for m in meetings if m.body_id in sits_on or m.pk in presenting]
    upcoming = sorted((m for m in mine if m.date >= today), key=lambda m: (m.date, m.pk))[:UPCOMING]
    recent = sorted((m for m in mine if m.date < today), key=lambda m: (m.date, m.pk), reverse=True)[:RECENT]
    with_actions = sorted((m for m in meetings if actions[m.pk]), key=lambda m: (m.date, m.pk))
    return MyMeetings([row(m) for m in upcoming], [row(m) for m in recent], [row(m) for m in with_actions])


@dataclass
class PublicItem:
    number: str
    title: str
    purpose: str


@dataclass
class PublicMeeting:
    name: str
    body: str
    date: str
    anchor: str
    items: list[PublicItem]
    minutes: str  # the published minutes ("" when none are published)
    minutes_approved: str = ""


def public_meetings(plan: pm.Plan) -> list[PublicMeeting]:
    """The plan's meetings held in public, latest first: each agenda, and its minutes once approved
    and published (drafts and unpublished minutes are never shown; nor are decisions or actions)."""
    meetings = [m for m in plan.meetings.select_related("body").order_by("-date", "position") if m.is_public]
    minutes = {
        x.meeting_id: x
        for x in Minutes.objects.filter(
            meeting__in=meetings, published_at__isnull=False, status=Minutes.Status.APPROVED
        )
    }
    out = []
    for m in meetings:
        published = minutes.get(m.pk)
        out.append(
            PublicMeeting(
                meeting_name(m),
                m.body.name,
                long_date(m.date),
                "meeting-" + "".join(c if c.isalnum() else "-" for c in m.code),
                [
                    PublicItem(i.number, i.title, PURPOSES.get(i.purpose, i.purpose))
                    for i in m.items.order_by("position")
                ],
                published.text if published else "",
                long_date(timezone.localdate(published.approved_at)) if published and published.approved_at else "",
            )
        )
    return out
