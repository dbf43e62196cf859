"""The addresses of the governance pages: a plan's bodies, a body, a meeting (and what its forms
post to), and how a meeting is named in a line."""

from __future__ import annotations

from django.urls import reverse

from goldenthread.formatting import long_date
from goldenthread.plans import models as pm


def governance_href(plan: pm.Plan) -> str:
    return reverse("plan-governance", args=[plan.code])


def body_href(plan: pm.Plan, body: pm.Body) -> str:
    return reverse("plan-body", args=[plan.code, body.code])


def meeting_href(plan: pm.Plan, meeting: pm.Meeting, act: str = "", item: pm.AgendaItem | None = None) -> str:
    """The meeting's page, or with ``act`` the address one of its forms posts to: "minutes",
    "publish", or an item's "decision" or "action"."""
    if item is not None:
        return reverse(f"plan-meeting-{act}", args=[plan.code, meeting.code, item.pk])
    return reverse(f"plan-meeting-{act}" if act else "plan-meeting", args=[plan.code, meeting.code])


def item_anchor(item: pm.AgendaItem) -> str:
    """The id of an agenda item on its meeting's page: ``item-12`` for item 12."""
    return "item-" + "".join(c if c.isalnum() else "-" for c in item.number)


def meeting_name(meeting: pm.Meeting) -> str:
    """ "Joint Boards in Common, 27 June 2019": the meeting's title (else its body's name) and date."""
    return f"{meeting.title or meeting.body.name}, {long_date(meeting.date)}"
