"""What each page of the cycle shows, worked out here so templates only loop and print.

Every presenter that offers an action asks :mod:`goldenthread.access.rules` whether the person may take
it; the views check again before acting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.urls import reverse

from goldenthread.access import roles, rules
from goldenthread.audit.records import normal
from goldenthread.cycles import services
from goldenthread.cycles.models import (
    RAG,
    AccountabilityReview,
    Action,
    Publication,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from goldenthread.cycles.services import NOT_STARTED, STATUS_LABELS
from goldenthread.formatting import date_time, long_date
from goldenthread.plans import models as pm

S = Submission.Status
RAG_LABELS = dict(RAG.choices)
TAG_CLASSES = {
    NOT_STARTED: "nhsuk-tag--grey",
    S.DRAFT: "nhsuk-tag--white",
    S.SUBMITTED: "nhsuk-tag--blue",
    S.RETURNED: "nhsuk-tag--orange",
    S.APPROVED: "nhsuk-tag--green",
    "red": "nhsuk-tag--red",
    "amber": "nhsuk-tag--yellow",
    "green": "nhsuk-tag--green",
    "open": "nhsuk-tag--blue",
    "closed": "nhsuk-tag--grey",
    "overdue": "nhsuk-tag--red",
}


def name_of(user) -> str:
    return services.display_name(user) if user is not None else ""


@dataclass
class Tag:
    text: str
    classes: str


def status_tag(status: str) -> Tag:
    return Tag(STATUS_LABELS.get(status, status), TAG_CLASSES.get(status, ""))


def rag_tag(rag: str) -> Tag | None:
    return Tag(RAG_LABELS[rag], TAG_CLASSES[rag]) if rag else None


def submission_href(period: ReportingPeriod, unit: pm.OrgUnit, edit: bool = False) -> str:
    name = "cycles:submission_edit" if edit else "cycles:submission"
    return reverse(name, args=[period.plan.code, period.slug, unit.code])


def review_href(period: ReportingPeriod, unit: pm.OrgUnit, edit: bool = False) -> str:
    return reverse("cycles:review_edit" if edit else "cycles:review", args=[period.plan.code, period.slug, unit.code])


def metric_value_text(metric: pm.Metric, value, numerator=None, denominator=None) -> str:
    if value is None:
        return ""
    if metric.unit == "percentage":
        text = f"{Decimal(value) * 100:.1f}%"
    elif metric.unit == "currency":
        text = f"£{Decimal(value):,.2f}"
    else:
        text = f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")
    if numerator is not None and denominator is not None:
        text += f" ({normal(numerator)} of {normal(denominator)})"
    return text


# --- my updates ---------------------------------------------------------------------------------


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


@dataclass
class MyUpdates:
    person: roles.Person
    mine: list[UpdateRow]
    awaiting_decision: list[UpdateRow]
    open_actions: int
    can_chase: bool


def my_updates(user, today: date) -> MyUpdates:
    p = roles.person(user)
    units = (
        list(pm.OrgUnit.objects.filter(memberships__user=user).select_related("plan").distinct())
        if p.roles & {roles.LEAD, roles.CONTRIBUTOR}
        else []
    )
    mine: list[UpdateRow] = []
    if units:
        periods = list(
            ReportingPeriod.objects.filter(plan__in={u.plan_id for u in units}, opens_on__lte=today)
            .select_related("plan")
            .order_by("-start")
        )
        subs = {
            (s.period_id, s.org_unit_id): s for s in Submission.objects.filter(period__in=periods, org_unit__in=units)
        }
        for period in periods:
            for unit in units:
                if unit.plan_id != period.plan_id:
                    continue
                sub = subs.get((period.pk, unit.pk))
                status = sub.status if sub else NOT_STARTED
                editable = status in (NOT_STARTED, *Submission.EDITABLE)
                mine.append(
                    UpdateRow(
                        period.plan,
                        period,
                        unit,
                        status_tag(status),
                        long_date(period.closes_on),
                        editable and period.is_overdue(today),
                        submission_href(period, unit, edit=editable),
                        {NOT_STARTED: "Start", S.DRAFT: "Continue", S.RETURNED: "Revise and resubmit"}.get(
                            status, "View"
                        ),
                    )
                )
    awaiting: list[UpdateRow] = []
    if p.is_admin or roles.PLANNING_TEAM in p.roles:
        subs = (
            Submission.objects.filter(status=S.SUBMITTED)
            .select_related("period__plan", "org_unit")
            .order_by("submitted_at")
        )
        if not p.is_admin:
            subs = subs.filter(period__plan_id__in=p.planning_plan_ids)
        for sub in subs:
            awaiting.append(
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
            )
    actions = visible_actions(user).filter(status=Action.Status.OPEN).count()
    return MyUpdates(p, mine, awaiting, actions, rules.may_chase_updates(user))


# --- a plan's cycle -------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    period: ReportingPeriod
    counts: list[tuple[Tag, int]]
    published: bool
    open: bool
    overdue: bool
    href: str


@dataclass
class PlanCycle:
    plan: pm.Plan
    periods: list[PeriodRow]
    units: list[pm.OrgUnit]
    metrics: list[tuple[pm.Metric, bool]]
    published: bool
    can_run: bool


def published_periods(plan: pm.Plan) -> set[int]:
    return set(
        Publication.objects.filter(plan=plan, period__isnull=False, withdrawn_at=None).values_list(
            "period_id", flat=True
        )
    )


def plan_cycle(plan: pm.Plan, user, today: date) -> PlanCycle:
    periods = list(ReportingPeriod.objects.filter(plan=plan))
    units = services.reporting_units(plan)
    counts: dict[int, Counter] = defaultdict(Counter)
    for period_id, status in Submission.objects.filter(period__plan=plan).values_list("period_id", "status"):
        counts[period_id][status] += 1
    live = published_periods(plan)
    rows = []
    for period in periods:
        c = counts[period.pk]
        c[NOT_STARTED] = max(0, len(units) - sum(c.values()))
        rows.append(
            PeriodRow(
                period,
                [(status_tag(s), c[s]) for s in (NOT_STARTED, S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED) if c[s]],
                period.pk in live,
                period.is_open(today),
                period.is_overdue(today),
                reverse("cycles:period", args=[plan.code, period.slug]),
            )
        )
    chosen = services.return_metric_ids(plan)
    metrics = [(x, x.pk in chosen) for x in plan.metrics.all()]
    return PlanCycle(plan, rows, units, metrics, rules.is_published(plan), rules.may_run_cycle(user, plan))


# --- a period -------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: pm.OrgUnit
    status: Tag
    rag: Tag | None
    submitted: str
    decided: str
    href: str
    review: str
    review_href: str


@dataclass
class PeriodPage:
    period: ReportingPeriod
    rows: list[UnitRow]
    published: bool
    plan_published: bool
    outstanding: int
    overdue: bool
    can_run: bool
    approved: int


def period_page(period: ReportingPeriod, user, today: date) -> PeriodPage:
    units = services.reporting_units(period.plan)
    subs = {
        s.org_unit_id: s for s in Submission.objects.filter(period=period).select_related("submitted_by", "decided_by")
    }
    reviews = {r.org_unit_id: r for r in AccountabilityReview.objects.filter(period=period)}
    rows = []
    for unit in units:
        sub = subs.get(unit.pk)
        review = reviews.get(unit.pk)
        rows.append(
            UnitRow(
                unit,
                status_tag(sub.status if sub else NOT_STARTED),
                rag_tag(sub.rag) if sub else None,
                date_time(sub.submitted_at) if sub and sub.submitted_at else "",
                date_time(sub.decided_at) if sub and sub.decided_at else "",
                submission_href(period, unit),
                review.get_status_display() if review else "Not recorded",
                review_href(period, unit),
            )
        )
    outstanding = sum(1 for u in units if u.pk not in subs or subs[u.pk].status in Submission.EDITABLE)
    approved = sum(1 for s in subs.values() if s.status == S.APPROVED)
    return PeriodPage(
        period,
        rows,
        period.pk in published_periods(period.plan),
        rules.is_published(period.plan),
        outstanding,
        period.is_overdue(today),
        rules.may_run_cycle(user, period.plan),
        approved,
    )


# --- one submission -------------------------------------------------------------------------------


@dataclass
class Line:
    code: str
    title: str
    tag: Tag | None
    text: str
    extra: str = ""


@dataclass
class EventRow:
    action: str
    when: str
    by: str
    comments: str


@dataclass
class SubmissionPage:
    period: ReportingPeriod
    unit: pm.OrgUnit
    submission: Submission | None
    status: Tag
    rag: Tag | None
    objectives: list[Line]
    activities: list[Line]
    metrics: list[Line]
    risks: list[Line]
    events: list[EventRow]
    can_edit: bool
    can_decide: bool
    edit_href: str
    history_href: str | None
    review_href: str


def submission_content(period: ReportingPeriod, unit: pm.OrgUnit, submission: Submission | None) -> tuple:
    scope = services.unit_scope(period.plan, unit)
    data = services.stored_data(submission)
    objectives = [
        Line(
            o.code,
            o.title,
            rag_tag(data.objectives.get(o.pk, {}).get("rag", "")),
            data.objectives.get(o.pk, {}).get("rag_reason", ""),
        )
        for o in scope.objectives
    ]
    activities = []
    for a in scope.activities:
        v = data.activities.get(a.pk, {})
        status = v.get("status") or ""
        activities.append(
            Line(
                a.code,
                a.title,
                Tag(dict(pm.Activity.Status.choices)[status], "nhsuk-tag--white") if status else None,
                v.get("commentary", ""),
                f"Due {a.due_text}" if a.due_text else "",
            )
        )
    metrics = []
    for x in scope.metrics:
        v = data.metrics.get(x.pk, {})
        metrics.append(
            Line(
                x.code,
                x.title,
                None,
                v.get("note", ""),
                metric_value_text(x, v.get("value"), v.get("numerator"), v.get("denominator")) or "No value",
            )
        )
    risks = []
    for r in scope.risks:
        v = data.risks.get(r.pk, {})
        score = f"Likelihood {v.get('likelihood') or '–'}, impact {v.get('impact') or '–'}"
        risks.append(
            Line(
                r.code,
                r.title,
                Tag("Reviewed", "nhsuk-tag--green") if v.get("reviewed") else None,
                v.get("commentary", ""),
                score,
            )
        )
    return objectives, activities, metrics, risks


def submission_page(period: ReportingPeriod, unit: pm.OrgUnit, user) -> SubmissionPage:
    from goldenthread.audit.history import history_link

    submission = (
        Submission.objects.filter(period=period, org_unit=unit)
        .select_related("submitted_by", "decided_by", "updated_by")
        .first()
    )
    objectives, activities, metrics, risks = submission_content(period, unit, submission)
    events = (
        [
            EventRow(e.get_action_display(), date_time(e.at), e.by_name, e.comments)
            for e in SubmissionEvent.objects.filter(submission=submission)
        ]
        if submission
        else []
    )
    status = submission.status if submission else NOT_STARTED
    return SubmissionPage(
        period,
        unit,
        submission,
        status_tag(status),
        rag_tag(submission.rag) if submission else None,
        objectives,
        activities,
        metrics,
        risks,
        events,
        can_edit=rules.may_edit_submission(user, unit) and status in (NOT_STARTED, *Submission.EDITABLE),
        can_decide=rules.may_decide(user, period.plan) and status == S.SUBMITTED,
        edit_href=submission_href(period, unit, edit=True),
        history_href=history_link(submission) if submission else None,
        review_href=review_href(period, unit),
    )


# --- reviews and actions --------------------------------------------------------------------------


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
        action.status == Action.Status.OPEN and rules.may_close_action(user, action),
        reverse("cycles:action_close", args=[action.pk]),
        review_href(review.period, review.org_unit),
    )


@dataclass
class ReviewPage:
    period: ReportingPeriod
    unit: pm.OrgUnit
    review: AccountabilityReview | None
    actions: list[ActionRow]
    can_edit: bool
    edit_href: str
    submission_href: str
    history_href: str | None


def review_page(period: ReportingPeriod, unit: pm.OrgUnit, user, today: date) -> ReviewPage:
    from goldenthread.audit.history import history_link

    review = AccountabilityReview.objects.filter(period=period, org_unit=unit).select_related("updated_by").first()
    actions = (
        [
            action_row(a, user, today)
            for a in review.actions.select_related("review__period__plan", "review__org_unit", "closed_by")
        ]
        if review
        else []
    )
    return ReviewPage(
        period,
        unit,
        review,
        actions,
        rules.may_run_cycle(user, period.plan),
        review_href(period, unit, edit=True),
        submission_href(period, unit),
        history_link(review) if review else None,
    )


def visible_actions(user):
    p = roles.person(user)
    actions = Action.objects.select_related("review__period__plan", "review__org_unit", "closed_by")
    if p.reads_everything:
        return actions
    return actions.filter(review__org_unit_id__in=p.unit_ids)


@dataclass
class ActionsPage:
    open: list[ActionRow]
    closed: list[ActionRow]


def actions_page(user, today: date) -> ActionsPage:
    rows = [action_row(a, user, today) for a in visible_actions(user).order_by("due_on", "pk")]
    return ActionsPage(
        [r for r in rows if r.action.status == Action.Status.OPEN],
        [r for r in rows if r.action.status == Action.Status.CLOSED],
    )


# --- overdue --------------------------------------------------------------------------------------


@dataclass
class OverdueGroup:
    period: ReportingPeriod
    rows: list[services.Outstanding]
    can_remind: bool
    remind_href: str
    period_href: str
    due: str


def overdue_page(user, today: date) -> list[OverdueGroup]:
    p = roles.person(user)
    periods = ReportingPeriod.objects.select_related("plan").filter(closes_on__lt=today)
    if not p.is_admin:
        periods = periods.filter(plan_id__in=p.planning_plan_ids)
    periods = list(periods.order_by("plan__code", "start"))
    grouped: dict[int, list] = defaultdict(list)
    for row in services.outstanding(periods, today, overdue_only=True):
        grouped[row.period.pk].append(row)
    return [
        OverdueGroup(
            period,
            grouped[period.pk],
            rules.may_run_cycle(user, period.plan),
            reverse("cycles:remind", args=[period.plan.code, period.slug]),
            reverse("cycles:period", args=[period.plan.code, period.slug]),
            long_date(period.closes_on),
        )
        for period in periods
        if grouped.get(period.pk)
    ]


# --- public pages ---------------------------------------------------------------------------------


@dataclass
class PublicObjective:
    code: str
    title: str
    level: str
    org_unit: str
    depth: int
    activities: list[pm.Activity] = field(default_factory=list)
    metrics: list[pm.Metric] = field(default_factory=list)


@dataclass
class PublicPlan:
    plan: pm.Plan
    objectives: list[PublicObjective]
    periods: list[ReportingPeriod]


def public_plan(plan: pm.Plan) -> PublicPlan:
    objectives = list(plan.objectives.select_related("level", "org_unit"))
    by_pk = {o.pk: o for o in objectives}
    activities: dict[int, list] = defaultdict(list)
    for a in plan.activities.all():
        activities[a.objective_id].append(a)
    metrics: dict[int, list] = defaultdict(list)
    metric_by_pk = {x.pk: x for x in plan.metrics.all()}
    for metric_id, objective_id in pm.Metric.objectives.through.objects.filter(metric__plan=plan).values_list(
        "metric_id", "objective_id"
    ):
        metrics[objective_id].append(metric_by_pk[metric_id])

    def depth(o) -> int:
        d, seen = 0, set()
        while o.parent_id and o.parent_id in by_pk and o.pk not in seen:
            seen.add(o.pk)
            o, d = by_pk[o.parent_id], d + 1
        return d

    children: dict[int | None, list] = defaultdict(list)
    for o in objectives:
        children[o.parent_id if o.parent_id in by_pk else None].append(o)
    ordered: list[PublicObjective] = []

    def visit(o) -> None:
        ordered.append(
            PublicObjective(
                o.code,
                o.title,
                o.level.name,
                o.org_unit.name if o.org_unit else "",
                min(depth(o), 3),
                activities[o.pk],
                sorted(metrics[o.pk], key=lambda x: x.position),
            )
        )
        for child in children[o.pk]:
            visit(child)

    for root in children[None]:
        visit(root)
    periods = list(ReportingPeriod.objects.filter(pk__in=published_periods(plan)).order_by("start"))
    return PublicPlan(plan, ordered, periods)


@dataclass
class PublicUnit:
    unit: pm.OrgUnit
    rag: Tag | None
    rag_reason: str
    commentary: str
    objectives: list[Line]
    activities: list[Line]
    metrics: list[Line]


@dataclass
class PublicPeriod:
    period: ReportingPeriod
    units: list[PublicUnit]
    not_shown: int


def public_period(period: ReportingPeriod) -> PublicPeriod:
    """Only approved updates are shown; risks and the planning team's comments never are."""
    units = []
    subs = {s.org_unit_id: s for s in Submission.objects.filter(period=period)}
    reporting = services.reporting_units(period.plan)
    for unit in reporting:
        sub = subs.get(unit.pk)
        if sub is None or sub.status != S.APPROVED:
            continue
        objectives, activities, metrics, _ = submission_content(period, unit, sub)
        units.append(
            PublicUnit(unit, rag_tag(sub.rag), sub.rag_reason, sub.commentary, objectives, activities, metrics)
        )
    return PublicPeriod(period, units, len(reporting) - len(units))
