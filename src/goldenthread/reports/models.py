"""Packs built in the background: one row per build of a pack, its progress and its file.

A board pack PDF takes long enough that the web page asks the task queue to build it
(:mod:`goldenthread.reports.jobs`) and shows this row's progress until the file is ready. The
file is kept in the storage settings name ``packs`` — by default the database
(:mod:`goldenthread.storage.files`), so a worker on any machine writes it and any web server hands
it over (issue 17) — with no public address: it is downloaded only through the pack's own view,
after the same access check as the direct download.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from goldenthread.plans.models import Plan


def pack_storage() -> Storage:
    """Where finished packs are kept: the ``packs`` storage of the settings, shared by every web
    server and worker (the database unless ``GOLDENTHREAD_PACK_STORAGE`` names another)."""
    return storages["packs"]


class PackBuild(models.Model):
    QUEUED, BUILDING, READY, FAILED = "queued", "building", "ready", "failed"
    STATES = [(QUEUED, "Waiting to start"), (BUILDING, "Building"), (READY, "Ready"), (FAILED, "Failed")]
    RUNNING = (QUEUED, BUILDING)
    KINDS = [("board", "Board pack")]
    FORMATS = [("pdf", "PDF")]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pack_builds")
    period = models.CharField(max_length=40, help_text="the period the pack is as at, by its name (2016/17 Q4)")
    kind = models.CharField(max_length=20, choices=KINDS, default="board")
    format = models.CharField(max_length=10, choices=FORMATS, default="pdf")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True, help_text="what the build is doing, in words")
    step_done = models.PositiveIntegerField(default=0)
    step_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="what went wrong, in plain words, when it failed")
    file = models.FileField(storage=pack_storage, upload_to="", blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text="the name the download is given")
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # one build at a time of the same pack: a second request joins the running one
            models.UniqueConstraint(
                fields=["plan", "period", "kind", "format"],
                condition=models.Q(state__in=["queued", "building"]),
                name="one_running_build_per_pack",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.kind} pack {self.period} ({self.format}): {self.state}"

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING

    def stalled(self, now=None) -> bool:
        """Building, but nothing heard from it for longer than a task may run: its worker was
        stopped or restarted part-way, and it will not finish."""
        return self.state == self.BUILDING and self.updated_at < silent_since(now)


def silent_since(now=None):
    """A build last heard from before this moment has stalled (longer ago than a task may run)."""
    timeout = settings.Q_CLUSTER.get("timeout")
    return (now or timezone.now()) - timedelta(seconds=timeout if isinstance(timeout, int) else 600)
