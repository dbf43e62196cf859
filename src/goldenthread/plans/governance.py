"""Governance as stored: the bodies that oversee a plan (boards, committees, panels), the meetings
the plan records for them, and each meeting's agenda.

Bodies and meetings are plan elements like the others (a code unique in the plan, the document's
order, ``added`` notes); agenda items have no code of their own and are known by their number
within the meeting, which is how a reload finds them again: an item is updated in place, never
deleted and recreated, because the decisions and actions people record hang off it
(``goldenthread.cycles``). What the file names (chair, members, what a body oversees, an item's
presenter and papers) are foreign keys and many-to-many links to the plan's other elements.
"""

from __future__ import annotations

from django.db import models

from goldenthread.planfile.fields import PERIOD_TEXT_LENGTH, SHORT_TEXT_LENGTH, TITLE_LENGTH
from goldenthread.plans.elements import PlanElement


class Body(PlanElement):
    """A board, committee or panel that oversees the plan, or part of it."""

    class Kind(models.TextChoices):
        BOARD = "board"
        COMMITTEE = "committee"
        SUB_COMMITTEE = "sub_committee", "Sub-committee"
        REVIEW_PANEL = "review_panel", "Review panel"
        PROGRAMME_BOARD = "programme_board", "Programme board"
        PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
        OTHER = "other"

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField(max_length=TITLE_LENGTH)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.COMMITTEE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    chair = models.ForeignKey(
        "plans.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_bodies"
    )
    members = models.ManyToManyField("plans.Owner", blank=True, related_name="bodies")
    terms_of_reference = models.TextField(blank=True)
    terms_source = models.CharField(
        max_length=SHORT_TEXT_LENGTH, blank=True, help_text="Where the document describes the body's remit"
    )
    oversees_plan = models.BooleanField(default=False, help_text="Oversees the plan as a whole")
    oversees_objectives = models.ManyToManyField("plans.Objective", blank=True, related_name="overseen_by")
    oversees_org_units = models.ManyToManyField("plans.OrgUnit", blank=True, related_name="overseen_by")
    oversees_metrics = models.ManyToManyField("plans.Metric", blank=True, related_name="overseen_by")
    meets = models.CharField(max_length=16, blank=True, help_text="How often: monthly, quarterly, ...")
    public = models.BooleanField(default=False, help_text="Meets in public: agendas and approved minutes are published")
    business = models.JSONField(
        default=list, blank=True, help_text="The cycle of business: [{title, considers, every, source}]"
    )
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)

    class Meta(PlanElement.Meta):
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class Meeting(PlanElement):
    """A meeting of a body that the plan records, with its agenda (:class:`AgendaItem`)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="meetings")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=TITLE_LENGTH)
    date_text = models.CharField(max_length=PERIOD_TEXT_LENGTH, help_text="The date as written, e.g. 27 June 2019")
    date = models.DateField()
    public = models.BooleanField(null=True, blank=True, help_text="Meets in public; unset: as its body does")
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)

    def __str__(self) -> str:
        return f"{self.title}, {self.date_text}"

    @property
    def is_public(self) -> bool:
        return self.body.public if self.public is None else self.public


class AgendaItem(models.Model):
    """One item of a meeting's agenda: what it considers (paper kinds, and the units, objectives and
    metrics it looks at specifically), who presents it, and why it is there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(max_length=PERIOD_TEXT_LENGTH, help_text="As printed; unique within the meeting")
    title = models.CharField(max_length=TITLE_LENGTH)
    purpose = models.CharField(max_length=16, blank=True, help_text="decision, approval, assurance, ...")
    presenter = models.ForeignKey(
        "plans.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    considers = models.JSONField(default=list, blank=True, help_text="Paper kinds: plan, board_pack, ...")
    org_units = models.ManyToManyField("plans.OrgUnit", blank=True, related_name="+")
    objectives = models.ManyToManyField("plans.Objective", blank=True, related_name="+")
    metrics = models.ManyToManyField("plans.Metric", blank=True, related_name="+")
    period = models.CharField(
        max_length=PERIOD_TEXT_LENGTH, blank=True, help_text="The period its packs are as at, if not the meeting's"
    )
    source = models.CharField(max_length=SHORT_TEXT_LENGTH, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
