"""What a load found and did, as the command line and the upload page tell it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from goldenthread.performance.loading.problems import Problem

if TYPE_CHECKING:
    from goldenthread.performance.loading.preview import PreviewLine
    from goldenthread.performance.models import LoadBatch

#: progress(stage, done, total), called as a load checks, compares and writes rows
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class LoadReport:
    """What a load found and did: counts, problems (capped), notes, and the batch it wrote."""

    file_name: str
    plan: str
    rows_read: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    units_added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    bad_rows: int = 0
    notes: list[str] = field(default_factory=list)
    batch: LoadBatch | None = None
    dry_run: bool = False
    #: another load wrote the same keys while this one ran: nothing was written; sending it again loads
    collided: bool = False
    #: a dry run's preview: what would be loaded, by metric and org unit (capped), and its length
    preview: list[PreviewLine] = field(default_factory=list)
    preview_total: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised or self.units_added)

    @property
    def more_problems(self) -> int:
        """Problems found beyond those listed."""
        return self.problem_count - len(self.problems)

    @property
    def more_preview(self) -> int:
        """Lines of the preview beyond those listed."""
        return self.preview_total - len(self.preview)

    def preview_lines(self) -> list[str]:
        """A dry run's preview as text: a line per metric and org unit, as the command line prints it."""
        lines = [
            f"  {p.metric} {p.org_unit}{' (new org unit)' if p.new_unit else ''}: {p.rows:,} row(s), "
            f"{p.first}{'' if p.last == p.first else ' to ' + p.last} — {p.created:,} new, {p.revised:,} revised, "
            f"{p.unchanged:,} unchanged"
            for p in self.preview
        ]
        if self.more_preview:
            lines.append(f"  … and {self.more_preview:,} more line(s) not listed")
        return lines

    def problem_lines(self) -> list[str]:
        lines = [str(p) for p in self.problems]
        if self.more_problems:
            lines.append(f"{self.file_name}: … and {self.more_problems:,} more problem(s) not listed")
        return lines

    def __str__(self) -> str:
        if not self.ok:
            return (
                f"{self.file_name}: {self.problem_count:,} problem(s) in {self.bad_rows:,} row(s); nothing was "
                "loaded. Correct the file and load it again."
            )
        units = f"; {len(self.units_added):,} org unit(s) added" if self.units_added else ""
        if self.dry_run:
            return (
                f"{self.file_name}: no problems — {self.rows_read:,} rows would give {self.created:,} new, "
                f"{self.revised:,} revised, {self.unchanged:,} unchanged{units} (dry run: nothing written)"
            )
        if not self.changed:
            return (
                f"{self.file_name}: unchanged — {self.rows_read:,} rows, all identical to the data held for "
                f"plan {self.plan}; nothing written"
            )
        batch = f" (batch {self.batch.pk})" if self.batch is not None else ""
        return (
            f"{self.file_name}: loaded into plan {self.plan}{batch} — {self.rows_read:,} rows: {self.created:,} "
            f"new, {self.revised:,} revised, {self.unchanged:,} unchanged{units}"
        )
