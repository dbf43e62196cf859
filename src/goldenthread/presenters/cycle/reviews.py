"""Accountability reviews and the actions agreed at them: a unit's review page, and the actions a
person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse

from goldenthread.access import roles, rules
from goldenthread.audit.history import history_link
from goldenthread.cycles import services
from goldenthread.cycles.models import AccountabilityReview, Action, ReportingPeriod
from goldenthread.cycles.services.actions import ACTION_RELATIONS
from goldenthread.formatting import date_time, long_date
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import TAG_CLASSES, Tag, name_of, review_href, submission_href
from goldenthread.presenters.governance_links import meeting_href, meeting_name


@dataclass
class ActionRow:
    action: Action
    plan: pm.Plan
    period: ReportingPeriod | None  # the review's period (None for an action from a meeting)
    unit: pm.OrgUnit | None  # the review's unit (None for an action from a meeting)
    due: str
    overdue: bool
    status: Tag
    closed: str
    can_close: bool
    close_href: str
    review_href: str  # where it was agreed: the review's page, or the meeting's
    href: str
    where: str = ""  # "Medical, 2019/20 Q1" or "Joint Boards in Common, 27 June 2019, item 12"
    raised_at: str = ""  # the same, saying what it was: "Accountability review: …" or "Meeting: …"
    caption: str = ""  # above the action's page heading: "Medical · 2019/20 Q1"


def _agreed_at(action: Action) -> tuple[str, str, str, str]:
    """Where the action was agreed: (address, where, raised at, caption)."""
    review = action.review
    if review is not None:
        where = f"{review.org_unit.name}, {review.period.label}"
        caption = f"{review.org_unit.name} · {review.period.label}"
        return review_href(review.period, review.org_unit), where, f"Accountability review: {where}", caption
    item = action.agenda_item
    meeting = item.meeting  # type: ignore[union-attr]  # an action has a review or an agenda item
    where = f"{meeting_name(meeting)}, item {item.number}"  # type: ignore[union-attr]
    caption = f"{meeting.body.name} · {long_date(meeting.date)}"
    return meeting_href(meeting.plan, meeting), where, f"Meeting: {where}", caption


def action_row(action: Action, user, today: date) -> ActionRow:
    review = action.review
    status = "overdue" if action.is_overdue(today) else action.status
    href, where, raised_at, caption = _agreed_at(action)
    return ActionRow(
        action,
        action.plan,
        review.period if review is not None else None,
        review.org_unit if review is not None else None,
        long_date(action.due_on),
        action.is_overdue(today),
        Tag("Overdue" if status == "overdue" else action.get_status_display(), TAG_CLASSES[status]),
        f"{date_time(action.closed_on)} by {name_of(action.closed_by)}" if action.closed_on else "",
        action.is_open and rules.may_close_action(user, action),
        reverse("cycles:action_close", args=[action.pk]),
        href,
        reverse("cycles:action", args=[action.pk]),
        where,
        raised_at,
        caption,
    )


@dataclass
class ReviewPage:
    period: ReportingPeriod
    unit: pm.OrgUnit
    review: AccountabilityReview | None
    actions: list[ActionRow]
    carried: list[ActionRow]
    can_edit: bool
    edit_href: str
    submission_href: str
    history_href: str | None


def review_page(period: ReportingPeriod, unit: pm.OrgUnit, user, today: date) -> ReviewPage:
    review = AccountabilityReview.objects.filter(period=period, org_unit=unit).select_related("updated_by").first()
    actions = [action_row(a, user, today) for a in review.actions.select_related(*ACTION_RELATIONS)] if review else []
    carried = [action_row(a, user, today) for a in services.carried_into(unit, period)]
    return ReviewPage(
        period,
        unit,
        review,
        actions,
        carried,
        rules.may_run_cycle(user, period.plan),
        review_href(period, unit, edit=True),
        submission_href(period, unit),
        history_link(review) if review else None,
    )


def visible_actions(user) -> QuerySet[Action]:
    """The actions ``user`` may see (:func:`goldenthread.access.rules.may_view_action`): all for
    those who read everything, else their units' and those they own."""
    p = roles.person(user)
    actions = Action.objects.select_related(*ACTION_RELATIONS)
    if p.reads_everything:
        return actions
    if not p.signed_in:
        return actions.none()
    # an action from a governance body's meeting is open to whoever reads the meeting's page
    return actions.filter(
        Q(review__org_unit_id__in=p.unit_ids) | Q(owner_account_id=user.pk) | Q(agenda_item__isnull=False)
    )


@dataclass
class ActionsPage:
    open: list[ActionRow]
    closed: list[ActionRow]


def actions_page(user, today: date) -> ActionsPage:
    rows = [action_row(a, user, today) for a in visible_actions(user).order_by("due_on", "pk")]
    return ActionsPage(
        [r for r in rows if r.action.is_open],
        [r for r in rows if r.action.status == Action.Status.CLOSED],
    )
