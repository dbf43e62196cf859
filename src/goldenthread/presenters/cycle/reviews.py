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
from goldenthread.formatting import date_time, long_date
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import TAG_CLASSES, Tag, name_of, review_href, submission_href

ACTION_RELATIONS = ("review__period__plan", "review__org_unit", "closed_by", "owner_account")


@dataclass
class ActionRow:
    action: Action
    plan: pm.Plan
    period: ReportingPeriod
    unit: pm.OrgUnit
    due: str
    overdue: bool
    status: Tag
    closed: str
    can_close: bool
    close_href: str
    review_href: str
    href: str


def action_row(action: Action, user, today: date) -> ActionRow:
    review = action.review
    status = "overdue" if action.is_overdue(today) else action.status
    return ActionRow(
        action,
        review.period.plan,
        review.period,
        review.org_unit,
        long_date(action.due_on),
        action.is_overdue(today),
        Tag("Overdue" if status == "overdue" else action.get_status_display(), TAG_CLASSES[status]),
        f"{date_time(action.closed_on)} by {name_of(action.closed_by)}" if action.closed_on else "",
        action.is_open and rules.may_close_action(user, action),
        reverse("cycles:action_close", args=[action.pk]),
        review_href(review.period, review.org_unit),
        reverse("cycles:action", args=[action.pk]),
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
    return actions.filter(Q(review__org_unit_id__in=p.unit_ids) | Q(owner_account_id=getattr(user, "pk", None)))


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
