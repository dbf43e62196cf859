"""Progress for long jobs: a bar on standard error when a person is watching, nothing otherwise.

Pack builders take a :class:`Progress` and call ``start(step, total)`` and ``advance()``; the data
loader calls it as ``progress(stage, done, total)``, a bar per stage. The default :data:`quiet`
does nothing, so presenters, web views and uploads pay nothing for it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import TaskID


class Progress:
    def start(self, description: str, total: int = 1) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __call__(self, stage: str, done: int, total: int) -> None:
        """``done`` of ``total`` of a stage: the loader's way of telling."""


quiet = Progress()


class RichProgress(Progress):
    """One bar per step, drawn by rich on standard error."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bars

        self._bars = Bars(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bars.start()
        self._task: TaskID | None = None
        self._stages: dict[str, TaskID] = {}

    def start(self, description: str, total: int = 1) -> None:
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, completed=task.total)
        self._task = self._bars.add_task(description, total=max(total, 1))

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, n)

    def close(self) -> None:
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, completed=task.total)
        self._bars.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._stages:
            self._stages[stage] = self._bars.add_task(stage, total=max(total, 1))
        self._bars.update(self._stages[stage], completed=done, total=max(total, 1))


def progress_for(force: bool = False) -> Progress:
    """A bar when ``force`` (``--progress``) or when standard error is a terminal."""
    if force or sys.stderr.isatty():
        return RichProgress()
    return quiet
