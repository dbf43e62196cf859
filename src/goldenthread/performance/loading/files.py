"""Loading several files in turn, each its own load (all or nothing), the next one read and checked
while the one before is written.

A national return comes as many files (the loader takes at most 10 million values a file). Each
file is loaded exactly as ``data load FILE`` loads it alone: checked, then written in one
transaction, or reported with its problems and nothing written. What this module adds is the
overlap: reading and checking a file is the loader's own work (the CSV parser, NumPy and pandas,
which ask nothing of the database: :class:`~.checking.PlanCodes`), and writing is mostly the
database server's (the COPY, its indexes), so while file *k* is written the next file is read and
checked in a thread of its own, and the two processes keep two cores busy instead of taking turns.

Comparing with the data held stays with the writing, in file order, so a file sees every file
before it written. With ``add_units`` the files are checked in turn (a file may name units that
the one before it adds).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goldenthread.performance.loading.checking import PlanCodes, plan_codes
from goldenthread.performance.loading.load import Checked, check_table, options_for, write_checked
from goldenthread.performance.loading.options import LoadOptions
from goldenthread.performance.loading.reading import read_table
from goldenthread.performance.loading.report import LoadReport, Progress, no_progress

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan


@dataclass
class FileLoad:
    """One file's outcome: its report, or the error that kept it from being read."""

    path: str
    report: LoadReport | None = None
    error: OSError | None = None


def load_files(
    paths: Sequence[str | Path], plan: Plan, *, progress: Progress | None = None, **options: Any
) -> Iterator[FileLoad]:
    """Load each of ``paths`` into ``plan`` in turn, yielding each file's outcome as it is written
    (``options``: :class:`~.load.LoadOptions`). A file with problems, or one that cannot be read,
    leaves the others to load. ``progress`` hears of the file being written (and of the first
    file's checking); the next file's checking runs beside it unannounced."""
    how = options_for(options)
    progress = progress or no_progress
    codes = plan_codes(plan)
    names = [str(p) for p in paths]
    ahead = how.add_units is None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="goldenthread-check") as pool:
        next_one: Future[Checked | OSError] | None = None
        for k, name in enumerate(names):
            told = _telling(progress, name, len(names))
            checked = next_one.result() if next_one is not None else _read_and_check(name, codes, how, told)
            next_one = None
            if ahead and k + 1 < len(names):
                next_one = pool.submit(_read_and_check, names[k + 1], codes, how, no_progress)
            if isinstance(checked, OSError):
                yield FileLoad(name, error=checked)
                continue
            yield FileLoad(name, write_checked(checked, plan, how, told))
            if not ahead:
                codes = plan_codes(plan)  # (the units this file added)


def _telling(progress: Progress, name: str, files: int) -> Progress:
    """``progress``, its stages named after the file when there are several."""
    if files == 1:
        return progress
    label = Path(name).name
    return lambda stage, done, total: progress(f"{label}: {stage}", done, total)


def _read_and_check(path: str, codes: PlanCodes, how: LoadOptions, progress: Progress) -> Checked | OSError:
    """Read a file and check every row, asking nothing of the database; the error when the file
    cannot be read."""
    progress("Reading", 0, 1)
    try:
        table = read_table(path)
    except OSError as exc:
        return exc
    progress("Reading", 1, 1)
    return check_table(table, codes, how, progress)
