"""What every element of a plan has: a plan, a code unique in it, a place in the document's order,
and notes on any details that do not come from the document (``added``).

Kept apart from :mod:`.models` so the governance models (:mod:`.governance`) can build on it
without the two modules importing each other.
"""

from __future__ import annotations

from typing import Protocol

from django.db import models

from goldenthread.planfile.fields import CODE_LENGTH


class PlanElement(models.Model):
    """An element of a plan, known by its code within the plan. Subclasses inherit its Meta (the
    document's order, a code unique in the plan); one that needs more extends ``PlanElement.Meta``."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=CODE_LENGTH)
    position = models.PositiveIntegerField(default=0)
    added = models.JSONField(
        default=list, blank=True, help_text="[{fields, note}]: details not from the source document, and where from"
    )

    class Meta:
        abstract = True
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="%(class)s_code_unique_in_plan")]

    def __str__(self) -> str:
        return self.code


class _Titled(Protocol):
    code: str
    title: str


class CodeAndTitle:
    """For elements people know by code and title, e.g. "5.1 Recover the standard"."""

    def __str__(self: _Titled) -> str:
        return f"{self.code} {self.title}"
