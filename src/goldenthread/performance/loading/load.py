"""A load from start to finish: read, check every row, and write only when no row has a problem."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from goldenthread.performance.loading.cells import SOURCE_LENGTH, distinct_once, header_ok
from goldenthread.performance.loading.checking import CheckedRows, PlanCodes, check_rows, plan_codes
from goldenthread.performance.loading.columns import map_columns
from goldenthread.performance.loading.options import LoadOptions
from goldenthread.performance.loading.problems import Problem, Problems
from goldenthread.performance.loading.reading import Table, read_table
from goldenthread.performance.loading.report import LoadReport, Progress, no_progress
from goldenthread.performance.loading.writing import write
from goldenthread.planfile.fields import text_problem

if TYPE_CHECKING:
    from goldenthread.plans.models import Plan


def load_file(
    path: str | Path | bytes | BinaryIO, plan: Plan | str, *, name: str | None = None, **options
) -> LoadReport:
    """Read a CSV or .xlsx file and load it into ``plan``; see :func:`load_table` for ``options``."""
    return load_table(read_table(path, name), plan, **options)


@dataclass
class Checked:
    """A table checked against a plan: the report so far, the problems found and, when there are
    none, the rows to write."""

    table: Table
    report: LoadReport
    problems: Problems
    rows: CheckedRows | None


def load_table(table: Table, plan: Plan | str, *, progress: Progress | None = None, **options: Any) -> LoadReport:
    """Check every row of ``table`` against ``plan`` and, when none has a problem, load it.

    ``options`` are :class:`LoadOptions`' fields. Nothing is written when any row has a problem,
    nor with ``dry_run``, nor when every row equals the data held.
    """
    from goldenthread.plans.models import Plan

    if isinstance(plan, str):
        plan = Plan.objects.get(code=plan)
    how = options_for(options)
    progress = progress or no_progress
    return write_checked(check_table(table, plan_codes(plan), how, progress), plan, how, progress)


def options_for(options: dict[str, Any]) -> LoadOptions:
    """The options of a load, the kind of org units to add checked."""
    from goldenthread.plans.models import OrgUnit

    how = LoadOptions(**options)
    if how.mapping is None:  # (callers may pass None for no renaming)
        how = replace(how, mapping={})
    if how.add_units is not None and how.add_units not in OrgUnit.Kind.values:
        raise ValueError(f"'{how.add_units}' is not a kind of org unit; use one of {', '.join(OrgUnit.Kind.values)}")
    return how


def check_table(table: Table, plan: PlanCodes, how: LoadOptions, progress: Progress = no_progress) -> Checked:
    """Every row of ``table`` checked against the plan's codes; asks nothing of the database."""
    report = LoadReport(table.name, plan.code, rows_read=len(table), notes=list(table.notes), dry_run=how.dry_run)
    problems = Problems(table.name, np.asarray(table.lines, dtype=np.int64))
    problems.fixed.extend(table.problems)
    report.rows_read += sum(1 for p in table.problems if p.column == "row")
    progress("Checking", 0, len(table))
    with distinct_once():  # (a column's distinct cells worked out once for all its checks)
        rows = _check(table, plan, how, problems, report)
    progress("Checking", len(table), len(table))
    return Checked(table, report, problems, rows)


def write_checked(checked: Checked, plan: Plan, how: LoadOptions, progress: Progress = no_progress) -> LoadReport:
    """The report of a checked table: its problems, or what writing its rows changed."""
    from django.db import IntegrityError

    report, problems = checked.report, checked.problems
    if problems or checked.rows is None:
        report.problem_count = problems.total
        report.bad_rows = problems.bad_rows()
        report.problems = problems.listing(how.max_problems)
        return report
    try:
        return write(checked.rows, plan, checked.table, report, how, progress)
    except IntegrityError:
        return _collided(report, checked.table)


def _check(
    table: Table, plan: PlanCodes, how: LoadOptions, problems: Problems, report: LoadReport
) -> CheckedRows | None:
    """The checked rows, or None with the problems recorded."""
    if table.columns and not len(table) and not table.problems:
        problems.at_line(table.header_line, "file", "has a header but no rows of data; there is nothing to load")
        return None
    if not table.columns:
        return None
    if problem := text_problem(how.source, max_length=SOURCE_LENGTH):
        problems.at_line(table.header_line, "source", f"the source given for rows that name none {problem}")
        return None
    if not header_ok(table, problems):
        return None
    fields = map_columns(table, how.metric, how.mapping, problems, report.notes, how.wording)
    if fields is None:
        return None
    return check_rows(table, fields, plan, how.metric, how.add_units, how.source, problems, how.wording)


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
    report.collided = True
    return report
