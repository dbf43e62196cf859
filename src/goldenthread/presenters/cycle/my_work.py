"""The "My work" page, where everyone lands after signing in: the current period of each plan they
work on, their updates overdue, due and returned to them (with their deadlines), the updates
waiting for their decision, the actions they own and the reviews they take part in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse

from goldenthread.access import roles, rules
from goldenthread.cycles.models import AccountabilityReview, Action, ReportingPeriod
from goldenthread.cycles.services import NOT_STARTED
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm
from goldenthread.presenters.cycle.display import S, review_href
from goldenthread.presenters.cycle.my_updates import UpdateRow, awaiting_decision, mine
from goldenthread.presenters.cycle.reviews import ActionRow, action_row, visible_actions

TO_DO = (NOT_STARTED, S.DRAFT)


@dataclass
class CurrentPeriod:
    plan: pm.Plan
    period: ReportingPeriod
    closes: str
    state: str  # "open until …", "overdue since …", "opens on …"
    cycle_href: str
    period_href: str | None


@dataclass
class ReviewRow:
    review: AccountabilityReview
    held: str
    href: str
    taking_part: str  # how the person takes part: "Attendee", "Your directorate or region"


@dataclass
class MyWork:
    person: roles.Person
    current: list[CurrentPeriod]
    overdue: list[UpdateRow]
    due: list[UpdateRow]
    returned: list[UpdateRow]
    awaiting_decision: list[UpdateRow]
    actions: list[ActionRow]
    reviews: list[ReviewRow]
    can_chase: bool

    @property
    def nothing_to_do(self) -> bool:
        return not (self.overdue or self.due or self.returned or self.awaiting_decision or self.actions)


def plans_with_periods():
    return pm.Plan.objects.filter(reporting_periods__isnull=False).distinct().order_by("code")


def _plans(user, person: roles.Person) -> list[pm.Plan]:
    """The plans the person works on (their units' and planning teams'); all, for those who read
    everything; only plans that have reporting periods."""
    plans = plans_with_periods()
    if person.reads_everything:
        return list(plans)
    return list(plans.filter(Q(memberships__user=user)).distinct())


def current_period(plan: pm.Plan, today: date, periods: list[ReportingPeriod] | None = None) -> ReportingPeriod | None:
    """The period ``today`` falls in; else the latest that has opened; else the first (of
    ``periods``, the plan's in order, when the caller has them)."""
    if periods is None:
        periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("start"))
    inside = [p for p in periods if p.start <= today <= p.end]
    opened = [p for p in periods if p.is_open(today)]
    chosen = inside or opened[-1:] or periods[:1]
    return chosen[0] if chosen else None


def current_periods(user, plans: list[pm.Plan], today: date) -> list[CurrentPeriod]:
    """Each plan's current period (:func:`current_period`), with where its updates stand."""
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for p in ReportingPeriod.objects.filter(plan__in=plans).order_by("start"):  # every plan's, in one query
        periods[p.plan_id].append(p)
    reads_periods = rules.may_view_all_updates(user)
    rows = []
    for plan in plans:
        period = current_period(plan, today, periods[plan.pk])
        if period is None:
            continue
        if period.is_overdue(today):
            state = f"updates were due by {long_date(period.closes_on)}"
        elif period.is_open(today):
            state = f"updates are due by {long_date(period.closes_on)}"
        else:
            state = f"updates open on {long_date(period.opens_on)}"
        rows.append(
            CurrentPeriod(
                plan,
                period,
                long_date(period.closes_on),
                state,
                reverse("cycles:plan_cycle", args=[plan.code]),
                reverse("cycles:period", args=[plan.code, period.slug]) if reads_periods else None,
            )
        )
    return rows


def _reviews(user, person: roles.Person) -> list[ReviewRow]:
    """Reviews the person attended (by account) and those of the units they lead, latest first."""
    if not roles.signed_in(user):
        return []
    reviews = (
        AccountabilityReview.objects.filter(Q(attendees__account_id=user.pk) | Q(org_unit_id__in=person.led_unit_ids))
        .select_related("period__plan", "org_unit")
        .distinct()
        .order_by("-period__start", "org_unit__position")
    )
    attended = set(AccountabilityReview.objects.filter(attendees__account_id=user.pk).values_list("pk", flat=True))
    return [
        ReviewRow(
            r,
            long_date(r.held_on) if r.held_on else r.get_status_display(),
            review_href(r.period, r.org_unit),
            "Attendee" if r.pk in attended else "Your directorate or region",
        )
        for r in reviews
    ]


def my_work(user, today: date) -> MyWork:
    p = roles.person(user)
    updates = mine(user, p, today)
    owned = visible_actions(user).filter(owner_account_id=user.pk, status__in=Action.OPEN_STATUSES)
    return MyWork(
        p,
        current_periods(user, _plans(user, p), today),
        [r for r in updates if r.state in TO_DO and r.overdue],
        [r for r in updates if r.state in TO_DO and not r.overdue],
        [r for r in updates if r.state == S.RETURNED],
        awaiting_decision(p),
        [action_row(a, user, today) for a in owned.order_by("due_on", "pk")],
        _reviews(user, p),
        rules.may_chase_updates(user),
    )


def cycles_page(user, today: date) -> list[CurrentPeriod]:
    """The "Quarterly cycle" page: every plan that runs a cycle, with its current period."""
    return current_periods(user, list(plans_with_periods()), today)
