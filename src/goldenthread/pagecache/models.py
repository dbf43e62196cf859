"""One computed result (an assessment, a metric page) of one plan, under the key that says
exactly what it was computed from (:mod:`goldenthread.pagecache.store`)."""

from __future__ import annotations

from django.db import models

from goldenthread.plans.models import Plan


class Kept(models.Model):
    """A result kept for the pages, pickled: one per slot (the plan, what it is and its options), at
    the stamp it was computed at (the state of everything that shapes it); read only at that stamp."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    slot = models.CharField(max_length=64, unique=True, help_text="sha256 of the code, the plan, what and its options")
    stamp = models.CharField(max_length=300, help_text="The state of the data and the plan it was computed from")
    what = models.CharField(max_length=40, help_text="e.g. assessment, metric-page")
    value = models.BinaryField()
    made_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["plan", "stamp"], name="pagecache_plan_stamp")]

    def __str__(self) -> str:
        return f"{self.what} of plan {self.plan_id} ({self.made_at:%Y-%m-%d %H:%M})"


class Drawing(models.Model):
    """A chart drawn from its specification (SVG), kept for every web server and worker: a function
    of the specification alone, so it is never stale (its key is a digest of the specification)."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the specification and the width")
    svg = models.TextField()
    made_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"drawing {self.key[:12]} ({self.made_at:%Y-%m-%d %H:%M})"
