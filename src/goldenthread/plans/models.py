"""A business plan as stored: the same elements as the plan file, with real foreign keys.

Every element belongs to one plan and is identified by its code within the plan, which is
what lets a reload of an edited file update rows in place. ``position`` keeps the source
document's order so pages and exports read like the document. Choices name their label only
where Django's own (the member's name in title case) would not read right.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.planfile.fields import (
    CODE_LENGTH,
    DECIMAL_DIGITS,
    DECIMAL_PLACES,
    FINANCIAL_YEAR_LENGTH,
    FRAMEWORK_REF_LENGTH,
    MONEY_DIGITS,
    MONEY_PLACES,
    PERIOD_TEXT_LENGTH,
    SHORT_TEXT_LENGTH,
    TITLE_LENGTH,
)
from goldenthread.plans.elements import CodeAndTitle, PlanElement


class Organisation(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    name = models.CharField(max_length=TITLE_LENGTH)

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        AGREED = "agreed"
        PUBLISHED = "published"

    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    title = models.CharField(max_length=TITLE_LENGTH)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    start = models.CharField(max_length=FINANCIAL_YEAR_LENGTH, help_text="First financial year, e.g. 2016/17")
    end = models.CharField(max_length=FINANCIAL_YEAR_LENGTH, help_text="Last financial year")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(blank=True)
    source_title = models.CharField(max_length=TITLE_LENGTH, blank=True)
    source_date = models.CharField(max_length=PERIOD_TEXT_LENGTH, blank=True)
    source_file = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    activity_rules = models.JSONField(default=list, blank=True, help_text="[{rule: activity_overdue, grace_days}]")
    loaded_at = models.DateTimeField(auto_now=True)
    owner_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_plans",
        help_text="The plan's owner: approves changes to the plan after its baseline",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def period_label(self) -> str:
        return self.start if self.start == self.end else f"{self.start} to {self.end}"


# --- elements of the plan (governance: :mod:`.governance`, imported at the end) ------------------


class Level(PlanElement):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=TITLE_LENGTH)


class OrgUnit(PlanElement):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation"
        DIRECTORATE = "directorate"
        REGION = "region"
        AREA_TEAM = "area_team", "Area team"
        TEAM = "team"
        PROVIDER = "provider"
        PARTNER = "partner", "Partner body"
        OTHER = "other"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="org_units")
    name = models.CharField(max_length=TITLE_LENGTH)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.DIRECTORATE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    declared = models.BooleanField(
        default=True,
        help_text="Declared in the plan file (reloads remove undeclared ones); false for units created by data loads",
    )

    def __str__(self) -> str:
        return self.name


class Owner(PlanElement):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="owners")
    title = models.CharField(max_length=TITLE_LENGTH, help_text="Role title, e.g. National Medical Director")
    name = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.title} ({self.name})" if self.name else self.title


class Objective(CodeAndTitle, PlanElement):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=TITLE_LENGTH)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives")
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives")
    contributes_to = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="contributors")
    assessed_by = models.JSONField(default=list, blank=True, help_text="[{text, bracketed}]")
    assessment = models.TextField(blank=True)
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)


class FrameworkReference(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="framework_refs")
    framework = models.CharField(max_length=TITLE_LENGTH)
    ref = models.CharField(max_length=FRAMEWORK_REF_LENGTH)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.framework} {self.ref}"


class Activity(PlanElement):
    class Kind(models.TextChoices):
        ACTION = "action"
        DELIVERABLE = "deliverable"
        KEY_ACTIVITY = "key_activity", "Key activity"
        MILESTONE = "milestone"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete"
        DELAYED = "delayed"
        CANCELLED = "cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(max_length=TITLE_LENGTH)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.ACTION)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities")
    partners = models.ManyToManyField(OrgUnit, blank=True, related_name="partner_activities")
    start_text = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_text = models.CharField(
        max_length=SHORT_TEXT_LENGTH, blank=True, help_text="The due date or timeline as written"
    )
    due_date = models.DateField(null=True, blank=True, help_text="The last day of the period the due text names")
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.NOT_STARTED)
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)

    class Meta(PlanElement.Meta):
        verbose_name_plural = "activities"


class Metric(CodeAndTitle, PlanElement):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metrics")
    title = models.CharField(max_length=TITLE_LENGTH)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="metrics")
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=32, default="count")
    scale_min = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    scale_max = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    polarity = models.CharField(max_length=32, default="neutral")
    aggregation = models.CharField(max_length=16, default="sum")
    frequency = models.CharField(max_length=16, default="quarterly")
    target_value = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    target_comparison = models.CharField(max_length=2, blank=True)
    target_by = models.CharField(max_length=PERIOD_TEXT_LENGTH, blank=True)
    target_by_date = models.DateField(null=True, blank=True)
    target_text = models.CharField(max_length=TITLE_LENGTH, blank=True)
    review_when = models.CharField(max_length=TITLE_LENGTH, blank=True)
    review_by = models.CharField(max_length=TITLE_LENGTH, blank=True)
    trigger = models.TextField(blank=True)
    trigger_rules = models.JSONField(default=list, blank=True, help_text="[{rule, periods}]")
    data_source = models.CharField(max_length=TITLE_LENGTH, blank=True)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="metrics")
    to_be_confirmed = models.BooleanField(default=False)
    headline = models.BooleanField(default=False, help_text="On the plan's scorecard")
    chart = models.CharField(
        max_length=8,
        blank=True,
        help_text="xmr, p, pp, u, up, c, g, t or run; blank: planfile.charts.chart_for's default",
    )
    rebase = models.JSONField(
        default=list, blank=True, help_text="[{date, reason}]: limits recalculated from each date"
    )
    fix_after_n = models.PositiveIntegerField(null=True, blank=True, help_text="Limits fixed after n points a segment")
    annotations = models.JSONField(default=list, blank=True, help_text="[{date, text}]: events shown on charts")
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)


class TrajectoryPoint(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="trajectory")
    period = models.CharField(max_length=PERIOD_TEXT_LENGTH)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class StatedValue(models.Model):
    """A value the source document quotes for a metric (a baseline or survey result)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="stated_values")
    period = models.CharField(max_length=PERIOD_TEXT_LENGTH)
    period_start = models.DateField()
    value = models.DecimalField(max_digits=DECIMAL_DIGITS, decimal_places=DECIMAL_PLACES)
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class BudgetLine(PlanElement):
    class Category(models.TextChoices):
        RUNNING = "running", "Running costs"
        DISCRETIONARY_RUNNING = "discretionary_running", "Discretionary running costs"
        PROGRAMME = "programme", "Programme costs"
        OTHER = "other"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    title = models.CharField(max_length=TITLE_LENGTH)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines")
    category = models.CharField(max_length=32, choices=Category.choices)
    amount = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, help_text="Pounds")
    period = models.CharField(max_length=FINANCIAL_YEAR_LENGTH)
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)


class StatedTotal(PlanElement):
    """A total as the document prints it; the computed total is always the sum of the lines."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stated_totals")
    title = models.CharField(max_length=TITLE_LENGTH)
    amount = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    period = models.CharField(max_length=FINANCIAL_YEAR_LENGTH)
    category = models.CharField(max_length=32, blank=True, choices=BudgetLine.Category.choices)
    org_units = models.ManyToManyField(OrgUnit, blank=True, related_name="+")
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)


class Risk(PlanElement):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    title = models.TextField()
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks")
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks")
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    mitigation = models.TextField(blank=True)
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)

    class Meta(PlanElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="risk_code_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5) | models.Q(likelihood=None),
                name="risk_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__gte=1, impact__lte=5) | models.Q(impact=None), name="risk_impact_1_5"
            ),
        ]


# --- versions and change control ----------------------------------------------------------------


class PlanVersion(models.Model):
    """The plan as it stood at one point: the baseline (version 1), each load of a file that changed
    it, and each approved change. ``document`` is the whole plan file (``planfile.plan_document``),
    so a version can be read, exported and compared without the live tables, which always hold the
    latest version. Reports for a period use the version in force then (:mod:`.versions`)."""

    class How(models.TextChoices):
        LOADED = "loaded", "Loaded from a file"
        CREATED = "created", "Created in the browser"
        CHANGED = "changed", "Approved change"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    in_force_from = models.DateField(help_text="Reports for periods ending on or after this day use this version")
    in_force_label = models.CharField(max_length=PERIOD_TEXT_LENGTH, blank=True, help_text="As given, e.g. 2019/20 Q3")
    how = models.CharField(max_length=16, choices=How.choices)
    note = models.TextField(blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    made_by_name = models.CharField(
        max_length=SHORT_TEXT_LENGTH, blank=True, help_text="Kept when the account is deleted"
    )
    made_at = models.DateTimeField()
    change = models.OneToOneField(
        "PlanChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="version"
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan.code} version {self.number}"


class PlanChange(models.Model):
    """Edits to an approved plan, gathered in one draft, submitted, and approved or rejected by
    the plan's owner; approval makes the next version. ``document`` is the working plan: the base
    version with every edit applied. At most one change of a plan is open (draft or submitted)."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted", "Awaiting approval"
        APPROVED = "approved"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    OPEN = (Status.DRAFT, Status.SUBMITTED)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    base = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField()
    revision = models.PositiveIntegerField(default=0, help_text="One more for every edit")
    in_force_from = models.DateField(null=True, blank=True)
    in_force_label = models.CharField(max_length=PERIOD_TEXT_LENGTH, blank=True)
    summary = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_change_number_unique"),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(status__in=["draft", "submitted"]), name="one_open_change_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} change {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class PlanEdit(models.Model):
    """One edit in a change: an element added, changed, moved or removed, with the reason given
    and the element's data before and after (plan-file form)."""

    class Action(models.TextChoices):
        ADDED = "added"
        CHANGED = "changed"
        MOVED = "moved"
        REMOVED = "removed", "Retired"

    change = models.ForeignKey(PlanChange, on_delete=models.CASCADE, related_name="edits")
    section = models.CharField(max_length=32, help_text="A plan-file list, e.g. metrics; 'plan' for its own fields")
    code = models.CharField(max_length=CODE_LENGTH, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    made_by_name = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["change", "made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.section} {self.code}"


# the governance elements (bodies, their meetings and agenda items), in a module of their own
from goldenthread.plans.governance import AgendaItem, Body, Meeting  # noqa: E402

__all__ = [
    "Activity",
    "AgendaItem",
    "Body",
    "BudgetLine",
    "CodeAndTitle",
    "FrameworkReference",
    "Level",
    "Meeting",
    "Metric",
    "Objective",
    "Organisation",
    "Owner",
    "Plan",
    "PlanChange",
    "PlanEdit",
    "PlanElement",
    "PlanVersion",
    "Risk",
    "StatedTotal",
    "StatedValue",
    "TrajectoryPoint",
]
