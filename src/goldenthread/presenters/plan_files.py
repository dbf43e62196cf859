"""What the plan upload page shows: the form's values and errors, and each problem with an
uploaded workbook or file at its place — a sheet and cell, or a line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from goldenthread.planfile import Problem
from goldenthread.planfile.workbook_read import CellProblem
from goldenthread.plans import models as m


@dataclass(frozen=True)
class ProblemRow:
    """One problem: where (``Metrics!K3`` or ``line 12, column 5``), the field, what is wrong."""

    where: str
    field: str
    message: str


@dataclass
class UploadScreen:
    """The upload form as shown: the reason typed (kept when refused), the errors against the
    form's fields, and the problems found in the file."""

    plan: m.Plan
    reason: str = ""
    file_name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[ProblemRow] = field(default_factory=list)
    unchanged: bool = False

    @property
    def error_list(self) -> list[dict[str, str]]:
        """The error summary's entries, each linking to its field or to the list of problems."""
        out = [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]
        if self.problems:
            count = len(self.problems)
            out.append(
                {"text": f"{self.file_name} has {count} problem{'' if count == 1 else 's'}", "href": "#problems"}
            )
        return out


def problem_rows(problems: list[Problem]) -> list[ProblemRow]:
    return [ProblemRow(_where(p), p.path, p.message) for p in problems]


def _where(problem: Problem) -> str:
    if isinstance(problem, CellProblem):
        return f"{problem.sheet}!{problem.cell}" if problem.sheet else "the file"
    if problem.line:
        return f"line {problem.line}, column {problem.column}"
    return "the plan"
