"""The board pack PDF built by the task queue (django-q2), its progress kept in a :class:`PackBuild`.

:func:`request_build` is what the web page calls: it joins a build of the same pack that is
already waiting or running, or records a new one and asks the task queue for it once the
transaction commits. :func:`build_pack` is the task (``goldenthread worker`` runs it): the same
builders ``goldenthread report board`` uses, told their progress through the same
:class:`~goldenthread.progress.Progress` protocol the command line's bar listens to —
:class:`RowProgress` writes it into the row instead, for the progress page to show.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.planfile.periods import Period
from goldenthread.plans.models import Plan
from goldenthread.progress import Progress
from goldenthread.reports.models import PackBuild, silent_since

logger = logging.getLogger(__name__)

TASK = "goldenthread.reports.jobs.build_pack"
#: the steps a board pack PDF goes through (board.fill_pack, exceptions, documents.render_pack),
#: until a build has been made: then as many as the last one took (:func:`expected_steps`); a
#: build that takes more counts them too, so the page never shows more done than in all
BOARD_PDF_STEPS = 7


def expected_steps(kind: str, fmt: str) -> int:
    """How many steps a build of this kind of pack will take: as many as the last one took."""
    last = (
        PackBuild.objects.filter(kind=kind, format=fmt, state=PackBuild.READY)
        .order_by("-finished_at")
        .values_list("steps_total", flat=True)
        .first()
    )
    return last or BOARD_PDF_STEPS


class RowProgress(Progress):
    """Progress written into a build's row as it goes: each step's words and how far it is."""

    def __init__(self, build: PackBuild, total: int):
        self.build, self.steps = build, 0
        self.build.steps_total = total

    def start(self, description: str, total: int = 1) -> None:
        self.steps += 1
        self._save(
            steps_done=self.steps - 1,
            steps_total=max(self.build.steps_total, self.steps),
            step=description[:200],
            step_done=0,
            step_total=max(total, 0),
        )

    def advance(self, n: int = 1) -> None:
        self._save(step_done=self.build.step_done + n)

    def _save(self, **fields: object) -> None:
        for name, value in fields.items():
            setattr(self.build, name, value)
        fields["updated_at"] = timezone.now()
        PackBuild.objects.filter(pk=self.build.pk).update(**fields)


def request_build(plan: Plan, period: Period, user, kind: str = "board", fmt: str = "pdf") -> PackBuild:
    """The build of this pack that is waiting or running, else a new one, queued when the
    transaction commits. A build whose worker stopped part-way is marked failed, not joined."""
    with transaction.atomic():
        running = PackBuild.objects.select_for_update().filter(
            plan=plan, period=period.label, kind=kind, format=fmt, state__in=PackBuild.RUNNING
        )
        current = running.first()
        if current is not None and current.stalled():
            _fail(current, "The build stopped part-way, without finishing (its worker was stopped or restarted).")
            current = None
        if current is not None:
            return current
        try:
            with transaction.atomic():
                build = PackBuild.objects.create(
                    plan=plan, period=period.label, kind=kind, format=fmt, requested_by=user
                )
        except IntegrityError:  # another request queued the same pack a moment ago: join it
            return running.get()
        transaction.on_commit(lambda: _enqueue(build.pk))
        return build


def builds_of(
    plan: Plan, period: Period, kind: str = "board", fmt: str = "pdf"
) -> tuple[PackBuild | None, PackBuild | None]:
    """The build of this pack under way (waiting, or running and not stalled), and the newest
    ready build whose file is kept: read only, for the page that offers to build the pack."""
    same = PackBuild.objects.select_related("plan").filter(plan=plan, period=period.label, kind=kind, format=fmt)
    running = next((b for b in same.filter(state__in=PackBuild.RUNNING).order_by("-pk") if not b.stalled()), None)
    ready = same.filter(state=PackBuild.READY).exclude(file="").order_by("-finished_at", "-pk").first()
    return running, ready


def _enqueue(build_id: int) -> None:
    from django_q.tasks import async_task

    async_task(TASK, build_id, task_name=f"pack-build-{build_id}", group="pack-builds")


def build_pack(build_id: int) -> str:
    """The task: build the pack, its progress into the row, and keep the file. A failure is kept
    on the row in words (and logged with its details); it is not retried, so it is said once."""
    # claimed by one worker only: waiting, or building but stalled (a retry after its worker stopped)
    waiting = Q(state=PackBuild.QUEUED) | Q(state=PackBuild.BUILDING, updated_at__lt=silent_since())
    claimed = PackBuild.objects.filter(waiting, pk=build_id).update(
        state=PackBuild.BUILDING, error="", updated_at=timezone.now()
    )
    if not claimed:
        return "nothing to do"  # done or under way already (a task delivered twice), or gone with its plan
    build = PackBuild.objects.select_related("plan").get(pk=build_id)
    progress = RowProgress(build, expected_steps(build.kind, build.format))
    try:
        data, stem = _render(build, progress)
    except Exception as exc:
        logger.exception("Building pack %s failed", build_id)
        _fail(build, f'It stopped at "{build.step or "starting"}": {type(exc).__name__}: {exc}'[:2000])
        return "failed"
    build.file_name = f"{stem}.{build.format}"
    build.file.save(f"{build.pk}-{build.file_name}", ContentFile(data), save=False)
    build.state, build.finished_at = PackBuild.READY, timezone.now()
    build.steps_done = build.steps_total = max(build.steps_total, progress.steps)
    build.save()
    _forget_older(build)
    return "ready"


def _forget_older(build: PackBuild) -> None:
    """Keep one file per pack, the newest: the files of earlier builds of the same pack are
    removed (their rows stay, saying a newer build replaced them), so the folder does not grow."""
    older = PackBuild.objects.filter(
        plan=build.plan, period=build.period, kind=build.kind, format=build.format, state=PackBuild.READY
    ).exclude(pk=build.pk)
    for old in older.exclude(file=""):
        old.file.delete(save=False)
        old.save(update_fields=["file", "updated_at"])


def _render(build: PackBuild, progress: Progress) -> tuple[bytes, str]:
    from goldenthread.planfile.periods import parse_period
    from goldenthread.reports.board import board_pack
    from goldenthread.reports.documents import render_pack

    pack = board_pack(build.plan, parse_period(build.period), progress=progress)
    return render_pack(pack, build.format, progress), pack.file_stem


def _fail(build: PackBuild, message: str) -> None:
    build.state, build.error, build.finished_at = PackBuild.FAILED, message, timezone.now()
    build.save(update_fields=["state", "error", "finished_at", "updated_at"])
