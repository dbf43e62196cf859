"""The tables of files held in the database: any file by name (:class:`StoredFile`, behind the
storage of :mod:`.files`), and uploaded data files held for their confirmation (:class:`HeldUpload`).

Nothing here is kept on a server's own disk, so any web server behind a load balancer may show a
preview, take its confirmation or hand over a pack, and a worker on another machine may write one.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """A file by its name, as a Django storage keeps it (:class:`goldenthread.storage.files.DatabaseStorage`)."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.size:,} bytes)"


class HeldUpload(models.Model):
    """An uploaded data file from its preview to its load, and kept beside the load once loaded
    (``performance.staging`` says how): its token, whose and for which plan it is, the file and the
    choices it was checked with, and what its load said."""

    HELD, CLAIMED, LOADED = "held", "claimed", "loaded"
    STATES = [(HELD, "Waiting for its confirmation"), (CLAIMED, "Being loaded"), (LOADED, "Loaded")]

    token = models.CharField(max_length=64, unique=True, null=True, blank=True, help_text="none once forgotten")
    user_id = models.BigIntegerField(help_text="the person who previewed it; only they may confirm it")
    plan = models.CharField(max_length=200, help_text="the code of the plan it was checked against")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=HELD)
    loaded = models.TextField(blank=True, help_text="what its load said, once confirmed")
    batch_id = models.BigIntegerField(null=True, blank=True, help_text="the load (LoadBatch) it was loaded by")
    content = models.BinaryField()
    held_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "held_at"], name="held_upload_state_age")]

    def __str__(self) -> str:
        return f"{self.name} for {self.plan}: {self.state}"
