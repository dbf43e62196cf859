"""The cycle's rules: periods, what each unit reports, saving and moving updates through
draft → submitted → approved (or returned → resubmitted), reviews, reminders and publishing.

Every write here happens in one transaction and is attributed to the acting user in the audit
trail. Saves are optimistic: the caller says which version the person started from, and a save
from an older version is refused with :class:`Conflict` — nobody's update is ever lost silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from goldenthread.access import roles, rules
from goldenthread.accounts.models import Membership
from goldenthread.audit.records import acting_as
from goldenthread.cycles.models import (
    RAG,
    AccountabilityReview,
    Action,
    ActivityUpdate,
    MetricReturn,
    ObjectiveUpdate,
    Publication,
    Reminder,
    ReportingPeriod,
    ReturnMetric,
    ReviewAttendee,
    ReviewDecision,
    RiskReview,
    Submission,
    SubmissionEvent,
)
from goldenthread.formatting import long_date
from goldenthread.planfile.periods import financial_year, financial_years, month, quarter
from goldenthread.plans import models as pm

S = Submission.Status
DAYS_TO_REPORT = 21  # updates are due three weeks after the period ends, unless the planning team says otherwise
NOT_STARTED = "not_started"
STATUS_LABELS = {NOT_STARTED: "Not started", **dict(S.choices)}


class CycleError(Exception):
    """A request the cycle's rules do not allow, with a message saying what to do instead."""


class Conflict(CycleError):
    """Someone else saved since this person started; ``current`` is what is stored now."""

    def __init__(self, current: Submission | AccountabilityReview | None, message: str):
        super().__init__(message)
        self.current = current


class Incomplete(CycleError):
    """The update cannot be submitted yet; ``problems`` are (field name, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(f"{len(problems)} thing(s) to complete before submitting")
        self.problems = problems


def display_name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


# --- periods ------------------------------------------------------------------------------------


def period_slug(label: str) -> str:
    return label.lower().replace("/", "-").replace(" ", "-")


def generate_periods(plan: pm.Plan, frequency: str = "quarterly", *, user=None) -> list[ReportingPeriod]:
    """Create the plan's reporting periods that do not exist yet: the quarters (or months, or years)
    of its financial years. Updates open on the first day and are due three weeks after the end."""
    span = financial_years(plan.start, plan.end)
    wanted = []
    year = span.start.year
    while financial_year(year).start <= span.end:
        if frequency == "quarterly":
            wanted.extend(quarter(year, q) for q in range(1, 5))
        elif frequency == "monthly":
            wanted.extend(month(year + (m < 4), m) for m in (*range(4, 13), *range(1, 4)))
        elif frequency == "annual":
            wanted.append(financial_year(year))
        else:
            raise CycleError(f"'{frequency}' is not a reporting frequency; choose quarterly, monthly or annual")
        year += 1
    with transaction.atomic(), acting_as(user):
        have = set(ReportingPeriod.objects.filter(plan=plan).values_list("label", flat=True))
        created = []
        for p in wanted:
            if p.label in have:
                continue
            period = ReportingPeriod(
                plan=plan,
                label=p.label,
                slug=period_slug(p.label),
                start=p.start,
                end=p.end,
                opens_on=p.start,
                closes_on=p.end + timedelta(days=DAYS_TO_REPORT),
            )
            period.save()
            created.append(period)
    return created


def update_period_dates(period: ReportingPeriod, opens_on: date, closes_on: date, *, user=None) -> None:
    if opens_on > closes_on:
        raise CycleError("The date updates open must be on or before the date they are due.")
    with transaction.atomic(), acting_as(user):
        period.opens_on, period.closes_on = opens_on, closes_on
        period.save()


# --- who reports what ---------------------------------------------------------------------------

_NON_REPORTING = (pm.OrgUnit.Kind.ORGANISATION, pm.OrgUnit.Kind.PARTNER, pm.OrgUnit.Kind.PROVIDER)


def reporting_units(plan: pm.Plan) -> list[pm.OrgUnit]:
    """The units that report each period: directorates, regions and teams that own objectives or activities."""
    owning = set(plan.objectives.exclude(org_unit=None).values_list("org_unit_id", flat=True))
    owning |= set(plan.activities.exclude(org_unit=None).values_list("org_unit_id", flat=True))
    return list(
        pm.OrgUnit.objects.filter(plan=plan, pk__in=owning).exclude(kind__in=_NON_REPORTING).order_by("position")
    )


@dataclass
class Scope:
    """What one unit reports on."""

    objectives: list[pm.Objective]
    activities: list[pm.Activity]
    metrics: list[pm.Metric]
    risks: list[pm.Risk]


def unit_scope(plan: pm.Plan, unit: pm.OrgUnit) -> Scope:
    objectives = list(plan.objectives.filter(org_unit=unit).select_related("level"))
    activities = list(
        plan.activities.filter(Q(org_unit=unit) | Q(org_unit=None, objective__org_unit=unit)).select_related(
            "objective"
        )
    )
    metrics = list(
        pm.Metric.objects.filter(plan=plan, collected_by_return__isnull=False, objectives__org_unit=unit)
        .distinct()
        .order_by("position")
    )
    risks = list(
        pm.Risk.objects.filter(plan=plan)
        .filter(Q(objective__org_unit=unit) | Q(owner__org_unit=unit))
        .distinct()
        .order_by("position")
    )
    return Scope(objectives, activities, metrics, risks)


def return_metric_ids(plan: pm.Plan) -> set[int]:
    return set(ReturnMetric.objects.filter(plan=plan).values_list("metric_id", flat=True))


def set_return_metrics(plan: pm.Plan, metric_ids: set[int], *, user=None) -> None:
    valid = set(plan.metrics.values_list("pk", flat=True))
    unknown = metric_ids - valid
    if unknown:
        raise CycleError("Some of the chosen metrics are not in this plan; reload the page and choose again.")
    with transaction.atomic(), acting_as(user):
        current = {r.metric_id: r for r in ReturnMetric.objects.filter(plan=plan)}
        for metric_id in metric_ids - current.keys():
            ReturnMetric(plan=plan, metric_id=metric_id).save()
        for metric_id in current.keys() - metric_ids:
            current[metric_id].delete()


# --- the update's content -----------------------------------------------------------------------


def key(prefix: str, pk: int, name: str) -> str:
    """The name of one field of an update, as forms and error messages use it: ``a12-status``."""
    return f"{prefix}{pk}-{name}"


@dataclass
class UpdateData:
    """What a person typed into an update, already checked for form (numbers are numbers)."""

    rag: str = ""
    rag_reason: str = ""
    commentary: str = ""
    objectives: dict[int, dict] = field(default_factory=dict)  # pk -> {rag, rag_reason}
    activities: dict[int, dict] = field(default_factory=dict)  # pk -> {status, commentary}
    metrics: dict[int, dict] = field(default_factory=dict)  # pk -> {value, numerator, denominator, note}
    risks: dict[int, dict] = field(default_factory=dict)  # pk -> {likelihood, impact, commentary, reviewed}


_CHILDREN = (
    # (model, data attribute, foreign key to the plan element, field names)
    (ObjectiveUpdate, "objectives", "objective", ("rag", "rag_reason")),
    (ActivityUpdate, "activities", "activity", ("status", "commentary")),
    (MetricReturn, "metrics", "metric", ("value", "numerator", "denominator", "note")),
    (RiskReview, "risks", "risk", ("likelihood", "impact", "commentary", "reviewed")),
)


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None) == (b is None) and (a is None or Decimal(a) == Decimal(b))
    return a == b


def _write_children(submission: Submission, data: UpdateData) -> None:
    """Create or change the per-element rows that differ from what is stored (history via save())."""
    for model, attr, fk, names in _CHILDREN:
        wanted: dict[int, dict] = getattr(data, attr)
        stored = {getattr(row, f"{fk}_id"): row for row in model.objects.filter(submission=submission)}
        for element_id, values in wanted.items():
            row = stored.get(element_id)
            if row is None:
                if not any(v not in (None, "", False) for v in values.values()):
                    continue
                row = model(submission=submission, **{f"{fk}_id": element_id})
            elif all(_same(getattr(row, n), values.get(n)) for n in names):
                continue
            for n in names:
                setattr(row, n, values.get(n))
            row.save()


def stored_data(submission: Submission | None) -> UpdateData:
    data = UpdateData()
    if submission is None:
        return data
    data.rag, data.rag_reason, data.commentary = submission.rag, submission.rag_reason, submission.commentary
    for model, attr, fk, names in _CHILDREN:
        target = getattr(data, attr)
        for row in model.objects.filter(submission=submission):
            target[getattr(row, f"{fk}_id")] = {n: getattr(row, n) for n in names}
    return data


def problems_before_submit(scope: Scope, data: UpdateData) -> list[tuple[str, str]]:
    """Everything missing before an update can go to the planning team, in page order."""
    problems = []
    if not data.rag:
        problems.append(("rag", "Choose an overall RAG rating: red, amber or green"))
    if not data.rag_reason.strip():
        problems.append(("rag_reason", "Give the reason for the overall RAG rating"))
    for o in scope.objectives:
        values = data.objectives.get(o.pk, {})
        if not values.get("rag"):
            problems.append((key("o", o.pk, "rag"), f"Choose a RAG rating for objective {o.code}"))
        if not (values.get("rag_reason") or "").strip():
            problems.append((key("o", o.pk, "rag_reason"), f"Give the reason for objective {o.code}'s rating"))
    for a in scope.activities:
        values = data.activities.get(a.pk, {})
        if not values.get("status"):
            problems.append((key("a", a.pk, "status"), f"Choose a status for activity {a.code}"))
        elif values["status"] == pm.Activity.Status.DELAYED and not (values.get("commentary") or "").strip():
            problems.append(
                (key("a", a.pk, "commentary"), f"Say why activity {a.code} is delayed and what is being done")
            )
    for x in scope.metrics:
        values = data.metrics.get(x.pk, {})
        has_value = values.get("value") is not None
        if not has_value and not (values.get("note") or "").strip():
            target = "numerator" if x.aggregation == "ratio" else "value"
            problems.append(
                (key("m", x.pk, target), f"Enter the value for metric {x.code}, or say in the note why there is none")
            )
    for r in scope.risks:
        if not data.risks.get(r.pk, {}).get("reviewed"):
            problems.append((key("r", r.pk, "reviewed"), f"Confirm you have reviewed risk {r.code}"))
    return problems


def save_update(
    period: ReportingPeriod, unit: pm.OrgUnit, data: UpdateData, *, based_on: int, user, submit: bool = False
) -> Submission:
    """Save a unit's update for a period — and, with ``submit``, send it for approval — as one
    transaction. ``based_on`` is the version the person started from (0 for a new update)."""
    if unit.plan_id != period.plan_id:
        raise CycleError(f"{unit.name} is not part of the plan this period belongs to.")
    if submit and not rules.may_submit(user, unit):
        raise CycleError(
            f"Only the lead for {unit.name} can submit this update. Save it as a draft and ask them to submit it."
        )
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        submission = Submission.objects.filter(period=period, org_unit=unit).first()
        if submission is None:
            if based_on != 0:
                raise Conflict(
                    None,
                    "This update has been removed since you opened it. Your text is kept below; "
                    "save again to start it afresh.",
                )
            submission = Submission(period=period, org_unit=unit, version=1)
            try:
                with transaction.atomic():
                    submission.save()
            except IntegrityError:
                current = Submission.objects.get(period=period, org_unit=unit)
                raise Conflict(current, _conflict_message(current)) from None
        else:
            if not submission.editable:
                raise CycleError(_not_editable_message(submission))
            if Submission.objects.filter(pk=submission.pk, version=based_on).update(version=F("version") + 1) != 1:
                submission.refresh_from_db()
                raise Conflict(submission, _conflict_message(submission))
            submission.version = based_on + 1
        submission.rag, submission.rag_reason, submission.commentary = data.rag, data.rag_reason, data.commentary
        submission.updated_at, submission.updated_by = now, user
        submission.save()
        _write_children(submission, data)
        if submit:
            problems = problems_before_submit(unit_scope(period.plan, unit), data)
            if problems:
                raise Incomplete(problems)
            _move(submission, S.SUBMITTED, user, now, "")
    return submission


def _conflict_message(current: Submission) -> str:
    when = timezone.localtime(current.updated_at).strftime("%H:%M on %d %B %Y") if current.updated_at else "just now"
    return (
        f"{display_name(current.updated_by)} saved this update at {when}, after you opened it, so your changes "
        "have not been saved. Your text is kept below, with theirs shown under each field that differs. "
        "Check both, then save again to keep yours."
    )


def _not_editable_message(submission: Submission) -> str:
    if submission.status == S.SUBMITTED:
        return (
            "This update has been submitted and is waiting for the planning team, so it cannot be changed now. "
            "If it needs changing, ask the planning team to return it to you."
        )
    return "This update has been approved, so it can no longer be changed."


_TRANSITIONS = {
    # action: (from statuses, to status)
    "submit": ((S.DRAFT, S.RETURNED), S.SUBMITTED),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "return": ((S.SUBMITTED,), S.RETURNED),
}


def _move(submission: Submission, to: str, user, now, comments: str) -> None:
    was = submission.status
    action = {S.SUBMITTED: "submit", S.APPROVED: "approve", S.RETURNED: "return"}[to]
    allowed_from, _ = _TRANSITIONS[action]
    if was not in allowed_from:
        done = {"submit": "submitted", "approve": "approved", "return": "returned"}[action]
        raise CycleError(f"An update that is {STATUS_LABELS[was].lower()} cannot be {done}.")
    submission.status = to
    if to == S.SUBMITTED:
        submission.submitted_at, submission.submitted_by = now, user
        event = SubmissionEvent.Action.RESUBMITTED if was == S.RETURNED else SubmissionEvent.Action.SUBMITTED
    else:
        submission.decided_at, submission.decided_by, submission.decision_comments = now, user, comments
        event = SubmissionEvent.Action.APPROVED if to == S.APPROVED else SubmissionEvent.Action.RETURNED
    submission.save()
    SubmissionEvent(
        submission=submission,
        action=event,
        at=now,
        by=user,
        by_name=display_name(user),
        comments=comments,
        version=submission.version,
    ).save()


def decide(submission: Submission, decision: str, *, comments: str, based_on: int, user) -> Submission:
    """Approve a submitted update, or return it with comments saying what to change."""
    if decision not in ("approve", "return"):
        raise CycleError("Choose whether to approve the update or return it with comments.")
    if not rules.may_decide(user, submission.period.plan):
        raise CycleError("Only the plan's planning team can approve or return updates.")
    comments = comments.strip()
    if decision == "return" and not comments:
        raise Incomplete([("comments", "Say what needs to change before the update can be approved")])
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        if Submission.objects.filter(pk=submission.pk, version=based_on).update(version=F("version") + 1) != 1:
            submission.refresh_from_db()
            raise Conflict(
                submission,
                f"This update changed after you opened it (it is now "
                f"{STATUS_LABELS[submission.status].lower()}). Read the latest version, then decide again.",
            )
        submission.version = based_on + 1
        _move(submission, S.APPROVED if decision == "approve" else S.RETURNED, user, now, comments)
        if decision == "approve":
            _returns_to_observations(submission, user)
    return submission


def _returns_to_observations(submission: Submission, user) -> None:
    """Approved values of quarterly metrics collected by return become the metric's data for the
    unit and period — a new revision where a different value is held — so nobody retypes them."""
    from goldenthread.performance.models import Observation

    period = submission.period
    now = timezone.now()
    for r in submission.metric_returns.select_related("metric"):
        if r.value is None or r.metric.frequency != "quarterly":
            continue
        current = Observation.objects.filter(
            metric=r.metric, org_unit=submission.org_unit, breakdown="", period_start=period.start, superseded_at=None
        ).first()
        if current is not None:
            if (
                _same(current.value, r.value)
                and _same(current.numerator, r.numerator)
                and _same(current.denominator, r.denominator)
            ):
                continue
            current.superseded_at = now
            current.save()
        Observation(
            metric=r.metric,
            org_unit=submission.org_unit,
            breakdown="",
            period_start=period.start,
            value=r.value,
            numerator=r.numerator,
            denominator=r.denominator,
            status=Observation.Status.FINAL,
            loaded_by=user,
            source=f"Quarterly return: {submission.org_unit.name}, {period.label} (approved)",
        ).save()


# --- accountability reviews ---------------------------------------------------------------------


@dataclass
class ReviewData:
    status: str
    held_on: date | None
    chair: str
    pack: str
    summary: str
    attendees: list[tuple[str, str]]  # (name, role)
    decisions: list[str]
    actions: dict[int, dict]  # existing open action pk -> {description, owner, due_on}
    new_actions: list[dict]  # {description, owner, due_on}


def save_review(
    period: ReportingPeriod, unit: pm.OrgUnit, data: ReviewData, *, based_on: int, user
) -> AccountabilityReview:
    if unit.plan_id != period.plan_id:
        raise CycleError(f"{unit.name} is not part of the plan this period belongs to.")
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        review = AccountabilityReview.objects.filter(period=period, org_unit=unit).first()
        if review is None:
            if based_on != 0:
                raise Conflict(
                    None, "This review has been removed since you opened it; save again to record it afresh."
                )
            review = AccountabilityReview(period=period, org_unit=unit, version=1)
            try:
                with transaction.atomic():
                    review.save()
            except IntegrityError:
                review = AccountabilityReview.objects.get(period=period, org_unit=unit)
                raise Conflict(review, _review_conflict(review)) from None
        elif AccountabilityReview.objects.filter(pk=review.pk, version=based_on).update(version=F("version") + 1) != 1:
            review.refresh_from_db()
            raise Conflict(review, _review_conflict(review))
        else:
            review.version = based_on + 1
        review.status, review.held_on, review.chair, review.pack, review.summary = (
            data.status,
            data.held_on,
            data.chair,
            data.pack,
            data.summary,
        )
        review.updated_at, review.updated_by = now, user
        review.save()
        _replace_rows(
            review.attendees.all(),
            [{"name": n, "role": r} for n, r in data.attendees],
            lambda i, v: ReviewAttendee(review=review, position=i, **v),
            ("name", "role"),
        )
        _replace_rows(
            review.decisions.all(),
            [{"text": t} for t in data.decisions],
            lambda i, v: ReviewDecision(review=review, position=i, **v),
            ("text",),
        )
        existing = {a.pk: a for a in review.actions.filter(status=Action.Status.OPEN)}
        for pk, values in data.actions.items():
            action = existing.get(pk)
            if action is None:
                continue
            if any(getattr(action, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(action, k, v)
                action.save()
        start = review.actions.count()
        for i, values in enumerate(data.new_actions):
            Action(review=review, position=start + i, **values).save()
    return review


def _replace_rows(queryset, wanted: list[dict], make, names) -> None:
    """Keep rows as they are when nothing changed; otherwise replace them (each change in the trail)."""
    rows = list(queryset)
    if [{n: getattr(r, n) for n in names} for r in rows] == wanted:
        return
    for row in rows:
        row.delete()
    for i, values in enumerate(wanted):
        make(i, values).save()


def _review_conflict(review: AccountabilityReview) -> str:
    return (
        f"{display_name(review.updated_by)} changed this review after you opened it, so your changes have not "
        "been saved. Your text is kept below; compare it with the latest version, then save again."
    )


def close_action(action: Action, note: str, *, user) -> Action:
    note = note.strip()
    if not note:
        raise Incomplete([("closure_note", "Say how the action was completed (or why it is closed)")])
    if action.status == Action.Status.CLOSED:
        raise CycleError("This action is already closed.")
    with transaction.atomic(), acting_as(user):
        action.status, action.closed_on, action.closed_by, action.closure_note = (
            Action.Status.CLOSED,
            timezone.now(),
            user,
            note,
        )
        action.save()
    return action


# --- who is behind, and reminding them ----------------------------------------------------------


@dataclass
class Outstanding:
    period: ReportingPeriod
    unit: pm.OrgUnit
    submission: Submission | None
    overdue: bool

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def outstanding(periods: list[ReportingPeriod], today: date, *, overdue_only: bool = False) -> list[Outstanding]:
    """Updates not yet with the planning team (not started, draft or returned), per period and unit."""
    if not periods:
        return []
    plans = {p.plan_id: p.plan for p in periods}
    units = {plan_id: reporting_units(plan) for plan_id, plan in plans.items()}
    submissions = {
        (s.period_id, s.org_unit_id): s
        for s in Submission.objects.filter(period__in=periods).select_related("updated_by")
    }
    out = []
    for period in periods:
        if not period.is_open(today):
            continue
        overdue = period.is_overdue(today)
        if overdue_only and not overdue:
            continue
        for unit in units[period.plan_id]:
            sub = submissions.get((period.pk, unit.pk))
            if sub is None or sub.status in Submission.EDITABLE:
                out.append(Outstanding(period, unit, sub, overdue))
    return out


def unit_people(unit_ids: set[int]) -> dict[int, list]:
    """The leads and contributors of each unit (directly a member), for reminders."""
    groups = [roles.GROUPS[roles.LEAD], roles.GROUPS[roles.CONTRIBUTOR]]
    out: dict[int, list] = {u: [] for u in unit_ids}
    for m in (
        Membership.objects.filter(org_unit_id__in=unit_ids, user__is_active=True, user__groups__name__in=groups)
        .select_related("user")
        .distinct()
        .order_by("user__username")
    ):
        if m.user not in out[m.org_unit_id]:
            out[m.org_unit_id].append(m.user)
    return out


@dataclass
class ReminderResult:
    period: ReportingPeriod
    unit: pm.OrgUnit
    status_label: str
    overdue: bool
    recipient: str
    email: str
    sent: bool
    note: str = ""


def base_url() -> str:
    return (
        getattr(settings, "GOLDENTHREAD_BASE_URL", "")
        or os.environ.get("GOLDENTHREAD_BASE_URL")
        or "http://127.0.0.1:8000"
    ).rstrip("/")


def send_reminders(
    period: ReportingPeriod, *, today: date, dry_run: bool = False, user=None, site: str | None = None
) -> list[ReminderResult]:
    """E-mail the leads and contributors of every unit whose update for ``period`` is not yet
    with the planning team. With ``dry_run`` nothing is sent or recorded."""
    rows = outstanding([period], today)
    people = unit_people({r.unit.pk for r in rows})
    site = (site or base_url()).rstrip("/")
    results, messages = [], []
    for row in rows:
        link = site + reverse("cycles:submission_edit", args=[period.plan.code, period.slug, row.unit.code])
        if not people[row.unit.pk]:
            results.append(
                ReminderResult(
                    period,
                    row.unit,
                    row.status_label,
                    row.overdue,
                    "",
                    "",
                    False,
                    f"nobody is a lead or contributor for {row.unit.name}; add a membership in the admin site",
                )
            )
            continue
        for person in people[row.unit.pk]:
            if not person.email:
                results.append(
                    ReminderResult(
                        period,
                        row.unit,
                        row.status_label,
                        row.overdue,
                        display_name(person),
                        "",
                        False,
                        "no e-mail address; add one in the admin site",
                    )
                )
                continue
            subject, body = _reminder_text(period, row, person, link)
            results.append(
                ReminderResult(
                    period, row.unit, row.status_label, row.overdue, display_name(person), person.email, not dry_run
                )
            )
            messages.append((row, person, subject, body))
    if dry_run or not messages:
        return results
    now = timezone.now()
    with transaction.atomic(), acting_as(user):
        connection = get_connection()
        connection.send_messages(
            [
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], connection=connection)
                for row, person, subject, body in messages
            ]
        )
        for row, person, subject, _body in messages:
            Reminder(
                period=period,
                org_unit=row.unit,
                recipient=person,
                email=person.email,
                subject=subject,
                overdue=row.overdue,
                sent_at=now,
                sent_by=user,
            ).save()
    return results


def _reminder_text(period: ReportingPeriod, row: Outstanding, person, link: str) -> tuple[str, str]:
    due = long_date(period.closes_on)
    state = "is overdue" if row.overdue else "is due"
    subject = f"{'Overdue' if row.overdue else 'Due'}: {row.unit.name} update for {period.label}"
    body = (
        f"Dear {display_name(person)},\n\n"
        f"The {row.unit.name} update for {period.label} of {period.plan.title} {state}: "
        f"it {'was' if row.overdue else 'is'} due by {due}. Its status is: {row.status_label}.\n"
        + (
            f"The planning team returned it with these comments:\n{row.submission.decision_comments}\n"
            if row.submission and row.submission.status == S.RETURNED and row.submission.decision_comments
            else ""
        )
        + f"\nOpen it here: {link}\n\n"
        "If you have already sent it, thank you — this reminder crossed with it.\n"
        "goldenthread, for the planning team\n"
    )
    return subject, body


# --- publishing -----------------------------------------------------------------------------------


def publish(plan: pm.Plan, period: ReportingPeriod | None = None, *, user) -> Publication:
    """Show the plan (or one of its periods) on the public pages; a period needs its plan published
    to be seen, and only its approved updates are shown."""
    if period is not None and period.plan_id != plan.pk:
        raise CycleError("That period belongs to another plan.")
    with transaction.atomic(), acting_as(user):
        live = Publication.objects.filter(plan=plan, period=period, withdrawn_at=None).first()
        if live is not None:
            return live
        publication = Publication(plan=plan, period=period, published_at=timezone.now(), published_by=user)
        publication.save()
    return publication


def withdraw(plan: pm.Plan, period: ReportingPeriod | None = None, *, user) -> None:
    with transaction.atomic(), acting_as(user):
        for publication in Publication.objects.filter(plan=plan, period=period, withdrawn_at=None):
            publication.withdrawn_at, publication.withdrawn_by = timezone.now(), user
            publication.save()


def rag_choices() -> list[tuple[str, str]]:
    return list(RAG.choices)
