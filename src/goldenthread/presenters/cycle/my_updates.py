"""The "My updates" page: the updates a person's units owe, and — for the planning team — those
waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from goldenthread.access import roles, rules
from goldenthread.cycles.models import Action, ReportingPeriod, Submission
from goldenthread.cycles.services import NOT_STARTED
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import S, Tag, status_tag, submission_href
from goldenthread.presenters.cycle.reviews import visible_actions

NEXT_STEP = {NOT_STARTED: "Start", S.DRAFT: "Continue", S.RETURNED: "Revise and resubmit"}


@dataclass
class UpdateRow:
    plan: pm.Plan
    period: ReportingPeriod
    unit: pm.OrgUnit
    status: Tag
    due: str
    overdue: bool
    href: str
    action: str
    state: str = ""  # the update's status (or not started), for the lists of My work


@dataclass
class MyUpdates:
    person: roles.Person
    mine: list[UpdateRow]
    awaiting_decision: list[UpdateRow]
    open_actions: int
    can_chase: bool


def mine(user, person: roles.Person, today: date) -> list[UpdateRow]:
    """Every open period's update of each unit the person leads or contributes to, latest first."""
    if not person.roles & {roles.LEAD, roles.CONTRIBUTOR}:
        return []
    units = list(pm.OrgUnit.objects.filter(memberships__user=user).select_related("plan").distinct())
    if not units:
        return []
    periods = list(
        ReportingPeriod.objects.filter(plan__in={u.plan_id for u in units}, opens_on__lte=today)
        .select_related("plan")
        .order_by("-start")
    )
    subs = {(s.period_id, s.org_unit_id): s for s in Submission.objects.filter(period__in=periods, org_unit__in=units)}
    rows = []
    for period in periods:
        for unit in units:
            if unit.plan_id != period.plan_id:
                continue
            sub = subs.get((period.pk, unit.pk))
            status = sub.status if sub else NOT_STARTED
            editable = status in (NOT_STARTED, *Submission.EDITABLE)
            rows.append(
                UpdateRow(
                    period.plan,
                    period,
                    unit,
                    status_tag(status),
                    long_date(period.closes_on),
                    editable and period.is_overdue(today),
                    submission_href(period, unit, edit=editable),
                    NEXT_STEP.get(status, "View"),
                    status,
                )
            )
    return rows


def awaiting_decision(person: roles.Person) -> list[UpdateRow]:
    """Submitted updates of the plans whose planning team the person is in, oldest first."""
    if not (person.is_admin or roles.PLANNING_TEAM in person.roles):
        return []
    subs = (
        Submission.objects.filter(status=S.SUBMITTED)
        .select_related("period__plan", "org_unit")
        .order_by("submitted_at")
    )
    if not person.is_admin:
        subs = subs.filter(period__plan_id__in=person.planning_plan_ids)
    return [
        UpdateRow(
            sub.period.plan,
            sub.period,
            sub.org_unit,
            status_tag(sub.status),
            long_date(sub.period.closes_on),
            False,
            submission_href(sub.period, sub.org_unit),
            "Review",
        )
        for sub in subs
    ]


def my_updates(user, today: date) -> MyUpdates:
    p = roles.person(user)
    actions = visible_actions(user).filter(status__in=Action.OPEN_STATUSES).count()
    return MyUpdates(p, mine(user, p, today), awaiting_decision(p), actions, rules.may_chase_updates(user))
