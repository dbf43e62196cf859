"""Performance data: observations of a plan's metrics, where, for whom and when.

An observation's key is (metric, org unit, breakdown, period). Loading a new value for a key
supersedes the current row instead of overwriting it, so every revision stays; the current
value of a key is the row whose ``superseded_at`` is null.

Proportions keep their numerator and denominator: aggregating them over providers, regions or
breakdowns is sum(numerator) / sum(denominator), never a mean of percentages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.plans.models import Metric, OrgUnit, Plan


class LoadBatch(models.Model):
    """One load of a data file (or of rows from an API), all-or-nothing.

    A batch is written only when the load changed something, so the list of batches is the list
    of changes to a plan's data; loading the same file again leaves no trace.
    """

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="load_batches")
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=500, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_revised = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    units_added = models.PositiveIntegerField(default=0, help_text="Org units the load created (--add-units)")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name_plural = "load batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.loaded_at:%Y-%m-%d %H:%M})"


class Observation(models.Model):
    """One value of a metric for an org unit, breakdown and period, as loaded (current while
    ``superseded_at`` is null)."""

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        FINAL = "final", "Final"

    # The foreign keys: on SQLite, Django's own (checked at commit), with indexes on metric and
    # org_unit (SQLite scans the children of each parent row deleted without one); on PostgreSQL,
    # migration performance 0003 replaces them by triggers that check a statement's rows at once
    # (a load of a million rows made four million checks at commit) and drops those two indexes
    # too (a load writes every index of every row): docs/adr/0012. Nothing reads by batch or by
    # who loaded, so neither has an index.
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="observations")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="observations")
    breakdown = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text=(
            "Dimension=value pairs sorted by dimension and joined with ';', e.g. 'department_type=1'; empty for none"
        ),
    )
    period_start = models.DateField(help_text="First day of the period; the period's length is the metric's frequency")
    value = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FINAL)
    source = models.CharField(max_length=500, blank=True)
    batch = models.ForeignKey(
        LoadBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    superseded_at = models.DateTimeField(null=True, blank=True, help_text="When a later revision replaced this value")

    class Meta:
        ordering = ["metric", "org_unit", "breakdown", "period_start", "loaded_at"]
        # Every figure is read from the current rows of some metrics over a span of periods
        # (performance/figures.py) and adds up the numbers from the index of current rows alone
        # (SQLite: a whole plan of 2.4 million rows in 1 s instead of 7 s). On SQLite that is
        # ``obs_current_figures`` below; on PostgreSQL, migration performance 0003 drops it and
        # gives the unique index of current rows the numbers instead (INCLUDE, which Django
        # creates on PostgreSQL only, and not for a unique index on SQLite): one index fewer to
        # write on every load. Django's state keeps SQLite's shape (see that migration).
        indexes = [
            models.Index(
                fields=["metric", "period_start", "org_unit", "breakdown", "numerator", "denominator", "value"],
                name="obs_current_figures",
                condition=models.Q(superseded_at=None),
            ),
            # the revisions a key had (its history page): superseded rows only, so a first load
            # never writes to it
            models.Index(
                fields=["metric", "org_unit", "breakdown", "period_start"],
                name="obs_superseded_revisions",
                condition=models.Q(superseded_at__isnull=False),
            ),
        ]
        constraints = [
            # the period before the breakdown: a load's index entries compared without the text
            # (migration performance 0006)
            models.UniqueConstraint(
                fields=["metric", "org_unit", "period_start", "breakdown"],
                condition=models.Q(superseded_at=None),
                name="one_current_observation_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.org_unit.code} {self.breakdown} {self.period_start}"
