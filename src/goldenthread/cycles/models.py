"""The quarterly cycle: reporting periods, submissions and their approval, accountability reviews
(QCARs) with decisions and actions, reminders, and what is published.

A submission is one org unit's update for one period: a RAG rating with its reason and a
commentary; per objective a RAG rating and reason; per activity a status and commentary; values
for the metrics the plan collects by return; and the unit's risks reviewed. It moves
draft → submitted → approved, or submitted → returned (with comments) → submitted again.
``version`` counts saves, so a save based on an older version is refused instead of silently
overwriting someone else's (see :mod:`goldenthread.cycles.services`).

Every model keeps its history (django-simple-history), so who changed what, and when, is always
on record; the application offers no way to edit that record.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from goldenthread.audit.records import AuditedRecords
from goldenthread.cycles.meeting_records import ItemDecision, Minutes  # noqa: F401  (so Django finds them)
from goldenthread.formatting import long_date
from goldenthread.plans.models import Activity, Metric, Objective, OrgUnit, Plan, Risk

USER = settings.AUTH_USER_MODEL


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ReportingPeriod(models.Model):
    """A period a plan reports on, with the dates updates are collected between."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    label = models.CharField(max_length=40, help_text="As plans write it, e.g. 2019/20 Q1")
    slug = models.SlugField(max_length=40, help_text="The label as it appears in addresses, e.g. 2019-20-q1")
    start = models.DateField()
    end = models.DateField()
    opens_on = models.DateField(help_text="First day updates can be submitted")
    closes_on = models.DateField(help_text="Updates are due by the end of this day; after it they are overdue")
    history = AuditedRecords()

    class Meta:
        ordering = ["plan__code", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="period_label_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "slug"], name="period_slug_unique_in_plan"),
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="period_starts_before_it_ends"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")), name="period_opens_before_it_closes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.label}"

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today

    def is_overdue(self, today: date) -> bool:
        return today > self.closes_on


class ReturnMetric(models.Model):
    """A metric whose values are collected in the quarterly return rather than loaded from data."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    metric = models.OneToOneField(Metric, on_delete=models.CASCADE, related_name="collected_by_return")
    history = AuditedRecords()

    class Meta:
        ordering = ["metric__position"]

    def __str__(self) -> str:
        return f"{self.metric.code} (collected by return)"


class Submission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="submissions")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="submissions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rag = models.CharField("RAG rating", max_length=8, choices=RAG.choices, blank=True)
    rag_reason = models.TextField("reason for the rating", blank=True)
    commentary = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts saves; a save based on an older version is refused"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_comments = models.TextField(blank=True, help_text="Why it was returned, or notes on approval")
    history = AuditedRecords()

    class Meta:
        ordering = ["period__start", "org_unit__position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "org_unit"], name="one_submission_per_unit_and_period")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit.name} {self.period.label}"

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE


class ObjectiveUpdate(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="objective_updates")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="updates")
    rag = models.CharField("RAG rating", max_length=8, choices=RAG.choices, blank=True)
    rag_reason = models.TextField("reason for the rating", blank=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["objective__position"]
        constraints = [models.UniqueConstraint(fields=["submission", "objective"], name="one_update_per_objective")]


class ActivityUpdate(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="activity_updates")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=32, choices=Activity.Status.choices, blank=True)
    commentary = models.TextField(blank=True)
    rag = models.CharField("RAG rating", max_length=8, choices=RAG.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField("per cent complete", null=True, blank=True)
    forecast_on = models.DateField(
        "forecast completion date", null=True, blank=True, help_text="When the lead now expects it to be done"
    )
    history = AuditedRecords()

    class Meta:
        ordering = ["activity__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "activity"], name="one_update_per_activity"),
            models.CheckConstraint(
                condition=models.Q(percent_complete__isnull=True) | models.Q(percent_complete__lte=100),
                name="activity_percent_complete_at_most_100",
            ),
        ]


class MetricReturn(models.Model):
    """A metric's value for the period, as the unit reports it. Ratio metrics report numerator and
    denominator, so they aggregate as a ratio of sums; percentages are kept as fractions."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="metric_returns")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="returns")
    value = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why there is no value, or what to bear in mind")
    history = AuditedRecords()

    class Meta:
        ordering = ["metric__position"]
        constraints = [models.UniqueConstraint(fields=["submission", "metric"], name="one_return_per_metric")]


class RiskReview(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="risk_reviews")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    commentary = models.TextField(blank=True, help_text="Change since last period; mitigation progress")
    reviewed = models.BooleanField(default=False)
    history = AuditedRecords()

    class Meta:
        ordering = ["risk__position"]
        constraints = [models.UniqueConstraint(fields=["submission", "risk"], name="one_review_per_risk")]


class SubmissionEvent(models.Model):
    """The submission's journey as people read it: submitted, returned with comments, approved."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Resubmitted"
        RETURNED = "returned", "Returned with comments"
        APPROVED = "approved", "Approved"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=300, blank=True)
    comments = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    history = AuditedRecords()

    class Meta:
        ordering = ["at", "pk"]


class AccountabilityReview(models.Model):
    """A quarterly accountability review (QCAR) of one org unit for one period."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reviews")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField(null=True, blank=True)
    chair = models.CharField(max_length=300, blank=True)
    pack = models.CharField("pack used", max_length=1000, blank=True, help_text="Title or reference of the review pack")
    summary = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = AuditedRecords()

    class Meta:
        ordering = ["period__start", "org_unit__position"]
        constraints = [models.UniqueConstraint(fields=["period", "org_unit"], name="one_review_per_unit_and_period")]

    def __str__(self) -> str:
        return f"Accountability review: {self.org_unit.name} {self.period.label}"


class ReviewAttendee(models.Model):
    """Someone at a review: ``name`` as the minutes give it; ``account`` when they have one, so
    "reviews I take part in" can be found on My work."""

    review = models.ForeignKey(AccountabilityReview, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=300)
    account = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews_attended")
    role = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = AuditedRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class ReviewDecision(models.Model):
    review = models.ForeignKey(AccountabilityReview, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    history = AuditedRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Action(models.Model):
    """An action agreed at a review, owned by someone, due by a date, tracked to closure.

    The owner is an account (``owner_account``) when they have one — then it is on their My work
    and they are e-mailed about it — and ``owner`` is always the name as shown (for people outside
    the system it is all there is). Status: open → in progress → closed; open and in progress are
    both *open* (``OPEN_STATUSES``), and an open action past its due date is overdue. Progress is
    recorded as :class:`ActionNote` rows.

    An action belongs to the review that raised it and is never copied: it is *carried into* the
    unit's later reviews by a query — the open actions of the unit raised at earlier reviews
    (:func:`goldenthread.cycles.services.actions.carried_into`).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    review = models.ForeignKey(
        AccountabilityReview, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    agenda_item = models.ForeignKey(
        "plans.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        help_text="The item of a governance body's meeting that agreed it (instead of a review)",
    )
    description = models.TextField()
    owner = models.CharField(max_length=300, help_text="Person or role title")
    owner_account = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_owned",
        help_text="The owner's account, when they have one",
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closure_note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    history = AuditedRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(review__isnull=False) & models.Q(agenda_item__isnull=True))
                | (models.Q(review__isnull=True) & models.Q(agenda_item__isnull=False)),
                name="action_from_a_review_or_an_agenda_item",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def plan(self) -> Plan:
        """The plan of the review, or of the meeting, that agreed it."""
        if self.review is not None:
            return self.review.period.plan
        return self.agenda_item.meeting.plan  # type: ignore[union-attr]  # one of the two (the constraint)

    @property
    def org_unit(self) -> OrgUnit | None:
        """The unit whose review agreed it; None for an action from a meeting."""
        return self.review.org_unit if self.review is not None else None

    @property
    def raised_at(self) -> str:
        """Where it was agreed, in words: "the Medical accountability review for 2019/20 Q1 of …" or
        "item 12 of the Joint Boards in Common meeting of 27 June 2019 (…)"."""
        if self.review is not None:
            r = self.review
            return f"the {r.org_unit.name} accountability review for {r.period.label} of {r.period.plan.title}"
        item = self.agenda_item
        meeting = item.meeting  # type: ignore[union-attr]
        return (
            f"item {item.number} of the {meeting.title or meeting.body.name} meeting of "  # type: ignore[union-attr]
            f"{long_date(meeting.date)} ({meeting.plan.title})"
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class ActionNote(models.Model):
    """A progress note on an action: what was done, by whom, when (and the status it left)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    status = models.CharField(
        max_length=16, choices=Action.Status.choices, blank=True, help_text="The status the note set, if it changed"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=300, blank=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class Reminder(models.Model):
    """An e-mail reminding someone that an update is due or overdue."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    subject = models.CharField(max_length=300)
    overdue = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = AuditedRecords()

    class Meta:
        ordering = ["-sent_at", "pk"]


class Publication(models.Model):
    """A plan — or one of its reporting periods — published on the public pages, until withdrawn."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="publications")
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="publications"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = AuditedRecords()

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(period=None, withdrawn_at=None),
                name="one_live_publication_per_plan",
            ),
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(withdrawn_at=None), name="one_live_publication_per_period"
            ),
        ]
