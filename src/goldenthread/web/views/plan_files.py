"""A plan as a file: its downloads (YAML and Excel, the latest version or a stored one), the blank
workbook to write a new plan in, and the upload of a changed workbook or file into the plan's
draft change.

Downloads are for everyone who reads the plan, the template for everyone signed in; the upload
for the plan's planning team and administrators (:func:`~goldenthread.access.rules.may_edit_plan`,
checked by the page's rule and again here). An uploaded file is validated whole, as ``goldenthread
plan load`` validates it: when anything is wrong every problem is listed at its sheet and cell (or
line) and nothing changes; when it is valid its differences from the working plan become the draft
change's edits (:func:`goldenthread.plans.changes.replace_plan`), each with the reason given.
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from goldenthread.access import policy, rules
from goldenthread.formatting import file_name
from goldenthread.planfile import Problem, Result, schema, to_yaml, validate_text
from goldenthread.planfile.workbook_read import WORKBOOK_SUFFIXES, validate_workbook
from goldenthread.planfile.workbook_write import blank_workbook, plan_workbook
from goldenthread.plans import changes, versions
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan
from goldenthread.presenters import params
from goldenthread.presenters.plan_files import UploadScreen, problem_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YAML_SUFFIXES = (".yaml", ".yml")
CONTENT_TYPES = {"yaml": "application/yaml; charset=utf-8", "xlsx": XLSX}


def _attachment(content: bytes | str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(name)}.{fmt}"'
    return response


def _plan(request: HttpRequest) -> m.Plan:
    plan = policy.subject(request).plan
    if plan is None:
        raise Http404("No such plan")
    return plan


def plan_download(request: HttpRequest, code: str, format: str) -> HttpResponse:
    """The plan as its file (YAML) or workbook (Excel): the latest version, or ``?version=N``."""
    plan = _plan(request)
    if format not in CONTENT_TYPES or not rules.may_view_plan(request.user, plan):
        raise Http404(f"There is no plan.{format} to download; choose plan.yaml or plan.xlsx")
    number = params.of(request).number("version", what="version")
    if number is not None:
        version = plan.versions.filter(number=number).first()
        if version is None:
            raise Http404(f"{plan.code} has no version {number}; its versions are listed on its versions page")
        spec, name = versions.version_plan(version), f"{plan.code}-version-{version.number}"
    else:
        spec, name = export_plan(plan.code), plan.code
    return _attachment(to_yaml(spec) if format == "yaml" else plan_workbook(spec), format, name)


def plan_template(request: HttpRequest) -> HttpResponse:
    """The blank workbook: the sheets, their columns and drop-downs, and how to fill them in."""
    return _attachment(blank_workbook(), "xlsx", "plan-template")


@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest, code: str) -> HttpResponse:
    """The form, the problems with an uploaded file, or (when it is valid) its edits in the draft
    change and a redirect to the change's page."""
    plan = _plan(request)
    if not rules.may_edit_plan(request.user, plan):
        return policy.forbidden(request, "You do not have permission to change this plan: only its planning team may.")
    screen = UploadScreen(plan=plan, reason=request.POST.get("reason", "").strip())
    if request.method == "POST":
        upload = request.FILES.get("file")
        _check_form(screen, upload)
        if not screen.errors and upload is not None:
            result = _validated(upload)
            screen.file_name = result.file
            if result.plan is None:
                screen.problems = problem_rows(result.problems)
            else:
                done = _into_change(request, screen, plan, result.plan)
                if done is not None:
                    return done
    status = 400 if screen.errors or screen.problems else 200
    return render(request, "web/plan_upload.html", {"plan": plan, "screen": screen}, status=status)


def _check_form(screen: UploadScreen, upload: UploadedFile | None) -> None:
    if upload is None or not upload.name:
        screen.errors["file"] = "Choose the plan's Excel workbook (.xlsx) or plan file (.yaml) to upload"
    elif PurePath(upload.name).suffix.lower() not in WORKBOOK_SUFFIXES + YAML_SUFFIXES:
        screen.errors["file"] = (
            f"{PurePath(upload.name).name} is not a plan workbook or plan file: upload an Excel workbook (.xlsx) "
            "or a plan file (.yaml)"
        )
    if not screen.reason:
        screen.errors["reason"] = "Say why the plan is changing, e.g. 'Targets revised by the board in March'"


def _validated(upload: UploadedFile) -> Result:
    name = PurePath(upload.name or "plan").name
    content = upload.read()
    if PurePath(name).suffix.lower() in WORKBOOK_SUFFIXES:
        return validate_workbook(content, name)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Result(name, problems=[Problem(name, 1, 1, "", "the file is not UTF-8 text; save it as UTF-8")])
    return validate_text(text, name)


def _into_change(request: HttpRequest, screen: UploadScreen, plan: m.Plan, spec: schema.Plan) -> HttpResponse | None:
    """The valid plan's differences as edits of the draft change; the redirect to the change, or
    None with what stopped it on the screen (nothing changed)."""
    if spec.code != plan.code:
        screen.errors["file"] = (
            f"{screen.file_name} is the plan '{spec.code}', not '{plan.code}': upload it on that plan's page, or "
            f"set the code on its Plan sheet (or in the file) to {plan.code}"
        )
        return None
    current = changes.open_change(plan)
    working = current.document if current is not None else changes.latest_version(plan).document
    if to_yaml(spec) == to_yaml(schema.Plan.model_validate(working)):  # numbers compared as numbers
        screen.unchanged = True
        return None
    try:
        change = changes.draft_change(plan, request.user)
        edits = changes.replace_plan(change, spec, reason=screen.reason, user=request.user)
    except changes.ChangeRefused as exc:
        screen.errors["file"] = f"{exc}. Nothing was changed."
        return None
    except changes.EditProblems as exc:
        screen.problems = problem_rows(exc.problems)
        return None
    messages.success(
        request,
        f"{screen.file_name}: {len(edits)} edit{'' if len(edits) == 1 else 's'} in draft change {change.number}, "
        "with your reason. Check them, then submit the change to the plan's owner.",
    )
    return redirect("plan-change", plan.code)
