"""A load from start to finish: read, check every row, and write only when no row has a problem."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from goldenthread.performance.loading.cells import SOURCE_LENGTH, header_ok
from goldenthread.performance.loading.checking import CheckedRows, check_rows
from goldenthread.performance.loading.columns import map_columns
from goldenthread.performance.loading.problems import MAX_PROBLEMS, Problem, Problems
from goldenthread.performance.loading.reading import Table, read_table
from goldenthread.performance.loading.report import LoadReport, Progress, no_progress
from goldenthread.performance.loading.wording import CLI, Wording
from goldenthread.performance.loading.writing import Writing, write
from goldenthread.planfile.fields import text_problem

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan


def load_file(
    path: str | Path | bytes | BinaryIO, plan: Plan | str, *, name: str | None = None, **options
) -> LoadReport:
    """Read a CSV or .xlsx file and load it into ``plan``; see :func:`load_table` for ``options``."""
    return load_table(read_table(path, name), plan, **options)


def load_table(
    table: Table,
    plan: Plan | str,
    *,
    metric: str | None = None,
    mapping: dict[str, str] | None = None,
    add_units: str | None = None,
    source: str = "",
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_problems: int = MAX_PROBLEMS,
    wording: Wording = CLI,
) -> LoadReport:
    """Check every row of ``table`` against ``plan`` and, when none has a problem, load it.

    ``metric`` gives the metric of every row (for files without a metric column); ``mapping``
    renames file columns to fields ({"org_code": "org_unit"}); ``add_units`` is the kind of the
    org units to create for codes the plan does not have (otherwise they are problems);
    ``source`` is the source of rows that give none. Nothing is written when any row has a
    problem, nor with ``dry_run``, nor when every row equals the data held. ``wording`` names the
    options above in the problems' messages as the channel the load came through does
    (:mod:`.wording`: flags on the command line, fields on the upload page).
    """
    from django.db import IntegrityError

    from goldenthread.plans.models import OrgUnit, Plan

    if isinstance(plan, str):
        plan = Plan.objects.get(code=plan)
    if add_units is not None and add_units not in OrgUnit.Kind.values:
        raise ValueError(f"'{add_units}' is not a kind of org unit; use one of {', '.join(OrgUnit.Kind.values)}")
    progress = progress or no_progress
    report = LoadReport(table.name, plan.code, rows_read=len(table), notes=list(table.notes), dry_run=dry_run)
    problems = Problems(table.name, np.asarray(table.lines, dtype=np.int64))
    problems.fixed.extend(table.problems)
    report.rows_read += sum(1 for p in table.problems if p.column == "row")
    progress("Checking", 0, len(table))
    rows = _check(table, plan, metric, mapping or {}, add_units, source, problems, report, wording)
    progress("Checking", len(table), len(table))
    if problems or rows is None:
        report.problem_count = problems.total
        report.bad_rows = problems.bad_rows()
        report.problems = problems.listing(max_problems)
        return report
    try:
        return write(rows, plan, table, report, Writing(add_units, source, user, dry_run, progress))
    except IntegrityError:
        return _collided(report, table)


def _check(
    table: Table,
    plan: Plan,
    metric: str | None,
    mapping: dict[str, str],
    add_units: str | None,
    source: str,
    problems: Problems,
    report: LoadReport,
    wording: Wording,
) -> CheckedRows | None:
    """The checked rows, or None with the problems recorded."""
    if table.columns and not len(table) and not table.problems:
        problems.at_line(table.header_line, "file", "has a header but no rows of data; there is nothing to load")
        return None
    if not table.columns:
        return None
    if problem := text_problem(source, max_length=SOURCE_LENGTH):
        problems.at_line(table.header_line, "source", f"the source given for rows that name none {problem}")
        return None
    if not header_ok(table, problems):
        return None
    fields = map_columns(table, metric, mapping, problems, report.notes, wording)
    if fields is None:
        return None
    return check_rows(table, fields, plan, metric, add_units, source, problems, wording)


def _collided(report: LoadReport, table: Table) -> LoadReport:
    """Another load wrote one of these keys (or org units) between our reading and writing; the
    transaction rolled back, so nothing of this load was written."""
    report.created = report.revised = report.unchanged = 0
    report.units_added = []
    report.problems = [
        Problem(
            table.name,
            table.header_line,
            "file",
            "another load changed the same observations while this one ran, so nothing was loaded; load the file again",
        )
    ]
    report.problem_count = report.bad_rows = 1
    return report
