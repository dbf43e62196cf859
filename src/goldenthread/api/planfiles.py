"""Plan files: validated, loaded as a new plan, or loaded into an existing plan's draft change —
the same checks and services as ``goldenthread plan validate`` and the plan's upload page.

A body is a plan file (YAML, or JSON, which is YAML) or the plan workbook (.xlsx). It is validated
whole: every problem is answered at its line and column, or its sheet and cell, and nothing
changes. YAML tags are refused and workbook formulas are read as their text, never run, as on the
pages. A changed file for an existing plan never bypasses change control (ADR 0008): its
differences become edits of the plan's draft change, each with the reason given, for the planning
team to submit and the plan's owner to approve (:func:`goldenthread.plans.changes.replace_plan`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from goldenthread.access import roles
from goldenthread.access.policy import Rule, nobody, subject
from goldenthread.access.rules import may_create_plan, may_edit_plan
from goldenthread.api import bodies
from goldenthread.api.bodies import Refusal, answers_refusals
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail
from goldenthread.planfile import Problem, Result, schema, to_yaml, validate_text
from goldenthread.planfile.workbook_read import CellProblem, validate_workbook
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.presenters.plan_files import problem_rows

router = Router(tags=["plan files"])

TEAM = Rule(
    read=nobody, write=lambda user, found: may_create_plan(user), purpose="check plan files (the planning team)"
)
CREATOR = Rule(read=nobody, write=lambda user, found: may_create_plan(user), purpose="create a plan")
EDITOR = Rule(
    read=nobody,
    write=lambda user, found: found.plan is not None and may_edit_plan(user, found.plan),
    purpose="change this plan (only its planning team may)",
)
TYPES = (bodies.XLSX, bodies.JSON, "text/plain", *bodies.YAML_TYPES)
REASON_MISSING = "Say why the plan is changing, e.g. 'Targets revised by the board in March'"


class PlanProblem(Schema):
    """One problem with a plan file, where it is: a line and column of a file, or a sheet and cell
    of a workbook (``where`` says it as the upload page does)."""

    where: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str = Field(description="the plan file's field, e.g. metrics[2].target.value")
    message: str


class PlanProblems(Schema):
    """The file was refused and nothing was changed: every problem at its place."""

    detail: str
    problems: list[PlanProblem]


class Validated(Schema):
    valid: bool
    code: str | None = Field(description="the plan's code, when the file is valid")
    title: str | None = None
    problems: list[PlanProblem]
    detail: str


class Created(Schema):
    code: str
    title: str
    version: int | None
    detail: str


class Drafted(Schema):
    plan: str
    change: int | None = Field(description="the draft change holding the edits (null when nothing changed)")
    edits: int
    unchanged: bool
    detail: str


def _problems(problems: list[Problem]) -> list[PlanProblem]:
    out = []
    for problem, row in zip(problems, problem_rows(problems), strict=True):
        at_cell = isinstance(problem, CellProblem) and bool(problem.sheet)
        out.append(
            PlanProblem(
                where=row.where,
                line=problem.line or None if not at_cell else None,
                column=problem.column or None if not at_cell else None,
                sheet=problem.sheet if at_cell else None,  # type: ignore[attr-defined]
                cell=problem.cell if at_cell else None,  # type: ignore[attr-defined]
                field=problem.path,
                message=problem.message,
            )
        )
    return out


def _refusal(problems: list[Problem], what: str = "The plan file") -> Refusal:
    count = len(problems)
    detail = (
        f"{what} has {count} problem{'' if count == 1 else 's'}; nothing was changed. Correct them and send it again."
    )
    return Refusal(422, PlanProblems(detail=detail, problems=_problems(problems)))


def validated(request: HttpRequest) -> Result:
    """The body validated as a plan workbook or plan file, as the upload page validates it."""
    bodies.refuse_media_type(request, TYPES)
    content = bodies.body(request)
    if bodies.media_type(request) == bodies.XLSX:
        return validate_workbook(content, "plan.xlsx")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return Result(
            "plan.yaml", problems=[Problem("plan.yaml", line, 1, "", "the file is not UTF-8 text; save it as UTF-8")]
        )
    return validate_text(text, "plan.yaml")


def _plan(result: Result) -> schema.Plan:
    if result.plan is None or result.problems:
        raise _refusal(result.problems)
    return result.plan


PLAN_BODY = bodies.request_body(
    {
        "application/yaml": {**bodies.TEXT, "description": "a plan file (docs/plan-file.md)"},
        bodies.JSON: {"type": "object", "description": "a plan file as JSON (docs/plan-file.md)"},
        bodies.XLSX: {**bodies.BINARY, "description": "the plan workbook (its download, or the blank template)"},
    },
    "A plan file (YAML or JSON) or the plan workbook (.xlsx).",
)
ERRORS = {401: Detail, 403: Detail, 413: Detail, 415: Detail}


@router.post(
    "/validate/",
    response={200: Validated, **ERRORS},
    summary="Check a plan file or workbook; nothing is changed",
    openapi_extra=PLAN_BODY,
)
@guarded(TEAM)
def validate_plan_file(request: HttpRequest) -> Validated:
    """Every problem at its line and column (a file) or sheet and cell (a workbook), as ``goldenthread
    plan validate`` reports them; the plan's code and title when there is none."""
    result = validated(request)
    problems = _problems(result.problems)
    if result.plan is not None and not problems:
        detail = f"The plan file is valid: the plan '{result.plan.code}'."
        return Validated(valid=True, code=result.plan.code, title=result.plan.title, problems=[], detail=detail)
    detail = f"The plan file has {len(problems)} problem(s); correct them before loading it."
    return Validated(valid=False, code=None, title=None, problems=problems, detail=detail)


@router.post(
    "/new/",
    response={201: Created, **ERRORS, 409: Detail, 422: PlanProblems},
    summary="Create a plan from a plan file or workbook",
    openapi_extra=PLAN_BODY,
)
@guarded(CREATOR)
@answers_refusals
def create_plan(request: HttpRequest) -> Any:
    """Load a valid plan file as a new plan (its first version), with you in its planning team, as
    ``goldenthread plan load`` does for a new code; a plan with the file's code must not exist."""
    spec = _plan(validated(request))
    user = caller(request).user
    taken = (
        f"A plan with the code '{spec.code}' already exists; nothing was changed. Choose another code, or send a "
        f"changed file for it to /api/v1/plans/{spec.code}/file/."
    )
    try:
        with transaction.atomic():
            version = changes.create_plan(
                spec, user, how=m.PlanVersion.How.LOADED, note="Loaded from a plan file through the API"
            )
            roles.grant(user, roles.PLANNING_TEAM, plan=version.plan)
    except changes.ChangeRefused:  # the code is taken, maybe by someone else since it was checked
        raise HttpError(409, taken) from None
    plan = version.plan
    detail = f"The plan {plan.code} is created, and you are in its planning team."
    return Status(201, Created(code=plan.code, title=plan.title, version=version.number, detail=detail))


@router.post(
    "/{code}/file/",
    response={200: Drafted, **ERRORS, 404: Detail, 409: Detail, 422: PlanProblems},
    summary="Load a changed plan file or workbook into the plan's draft change",
    openapi_extra=PLAN_BODY,
)
@guarded(EDITOR)
@answers_refusals
def load_plan_file(request: HttpRequest, code: str, reason: str = "") -> Drafted:
    """The file's differences from the working plan become edits of the plan's draft change, each
    with ``reason`` (required), exactly as the plan's upload page does; submit the change for the
    plan's owner to approve on the change's page. Nothing changes when the file has any problem."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    if not reason.strip():
        raise _refusal([Problem("", 0, 0, "reason", REASON_MISSING)], "The request")
    spec = _plan(validated(request))
    if spec.code != plan.code:
        message = (
            f"the file is the plan '{spec.code}', not '{plan.code}': send it to that plan's address, or set the code "
            f"on its Plan sheet (or in the file) to {plan.code}"
        )
        raise _refusal([Problem("", 0, 0, "code", message)])
    return _into_change(plan, spec, reason, caller(request).user)


def _into_change(plan: m.Plan, spec: schema.Plan, reason: str, user: Any) -> Drafted:
    """The file's differences as edits of the draft change, in one transaction: nothing at all is
    written (not even a new draft change) when they are refused."""
    try:
        with transaction.atomic():
            current = changes.open_change(plan)
            working = current.document if current is not None else changes.latest_version(plan).document
            if to_yaml(spec) == to_yaml(schema.Plan.model_validate(working)):  # numbers compared as numbers
                number = current.number if current is not None else None
                detail = "The file is the same as the working plan; nothing was changed."
                return Drafted(plan=plan.code, change=number, edits=0, unchanged=True, detail=detail)
            change = changes.draft_change(plan, user)
            edits = changes.replace_plan(change, spec, reason=reason, user=user)
    except changes.ChangeRefused as exc:
        raise HttpError(409, f"{exc}. Nothing was changed.") from None
    except changes.EditProblems as exc:
        raise _refusal(exc.problems) from None
    detail = (
        f"{len(edits)} edit{'' if len(edits) == 1 else 's'} in draft change {change.number}, with your reason. Check "
        "them, then submit the change to the plan's owner on the change's page."
    )
    return Drafted(plan=plan.code, change=change.number, edits=len(edits), unchanged=False, detail=detail)
