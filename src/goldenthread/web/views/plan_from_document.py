"""Start a plan from a document (issue 21): the business plan as written (.docx, .pdf or .txt) is
drafted into a new plan, which opens in the workbench for review before it becomes the plan.

The same people may do it as may create a plan (:func:`~goldenthread.access.rules.may_create_plan`,
in the page's rule and again here). The file is checked before the drafting reads it (its kind, its
size as the upload pages limit it, :mod:`goldenthread.planfile.document_limits` for what it unpacks
to) and drafted within the request by the pure engine (:func:`goldenthread.planfile.drafting.draft`,
about half a second for seed 001), as ``goldenthread plan draft`` drafts it.

Change control (ADR 0008) decides the shape: the live plan changes only when a change is approved.
So the new plan is created with an empty first version (its own fields and levels, as "Create a
plan" makes one) and everything drafted — org units, objectives, activities, metrics, budget lines,
risks — goes into its draft change as one edit each, with the document's name in the reason. The
planner checks each element in the workbench against its ``source`` and note (those marked REVIEW
first), corrects it with the ordinary forms, and submits the change; when the plan's owner or an
administrator approves it, it is version 2, the plan. Anything wrong with the file or the code:
nothing is created, and the message says what and what to do.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from pydantic import TypeAdapter, ValidationError

from goldenthread.access import policy, rules
from goldenthread.planfile import fields, plan_document, schema, validate_data
from goldenthread.planfile.document_limits import document_problem
from goldenthread.planfile.drafting import REVIEW_BELOW, SUFFIXES, Draft, UnreadableDocument, draft
from goldenthread.planfile.elements import PlanCode
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.presenters.plan_files import ProblemRow, problem_rows
from goldenthread.web.change_forms import code_taken
from goldenthread.web.views.plan_change import create_plan

KINDS = "a Word document (.docx), a PDF (.pdf) or plain text (.txt)"
SAVE_AGAIN = "open it in the program it was written in, save it again as .docx, .pdf or .txt, and upload that"
#: what else a damaged file can make the document libraries raise (lxml's XML errors are SyntaxErrors)
_DAMAGED = (UnreadableDocument, SyntaxError, EOFError, AssertionError, IndexError, RecursionError)


@dataclass
class DocumentScreen:
    """The form as shown: the code typed (kept when refused), the file's name, the problems."""

    code: str = ""
    file_name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[ProblemRow] = field(default_factory=list)

    @property
    def error_list(self) -> list[dict[str, str]]:
        out = [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]
        if self.problems:
            out.append({"text": f"The draft of {self.file_name} is not a valid plan", "href": "#problems"})
        return out


@require_http_methods(["GET", "POST"])
def plan_from_document(request: HttpRequest) -> HttpResponse:
    """The form; a refused upload with what is wrong; or the new plan's draft change."""
    if not rules.may_create_plan(request.user):
        return policy.forbidden(
            request, "You do not have permission to create a plan: only planning teams and administrators may."
        )
    screen = DocumentScreen(code=request.POST.get("code", "").strip())
    if request.method == "POST":
        upload = request.FILES.get("document")
        content = _checked(screen, upload)
        if content is not None:
            done = _drafted(request, screen, content)
            if done is not None:
                return done
    status = 400 if screen.errors or screen.problems else 200
    context = {"screen": screen, "limit_mb": settings.GOLDENTHREAD_MAX_UPLOAD_BYTES // (1024 * 1024)}
    return render(request, "web/change/from_document.html", context, status=status)


def _shown_name(upload: UploadedFile) -> str:
    """The file's own name, without a folder or characters no text of the plan may hold."""
    name = fields.REFUSED_CHARACTERS.sub("", PurePath((upload.name or "").replace("\\", "/")).name).strip()
    return name[-200:] or "document"


def _is_plan_code(code: str) -> bool:
    try:
        TypeAdapter(PlanCode).validate_python(code)
    except ValidationError:
        return False
    return True


def _check_code(screen: DocumentScreen) -> None:
    code = screen.code
    if not code:
        return
    if len(code) > fields.CODE_LENGTH:
        screen.errors["code"] = (
            f"The plan code is {len(code)} characters long; give one of at most {fields.CODE_LENGTH}"
        )
    elif not _is_plan_code(code):
        screen.errors["code"] = (
            "The plan code is part of the plan's web address: use letters, digits and . _ - only, starting with a "
            "letter or digit, e.g. nhsei-2020"
        )
    elif taken := set(m.Plan.objects.filter(code__iexact=code).values_list("code", flat=True)):
        screen.errors["code"] = (
            f"A plan with the code '{code}' already exists; give another code, e.g. {code}-draft"
            if code in taken
            else code_taken(code)  # the same code in another case: refused as "Create a plan" refuses it
        )


def _checked(screen: DocumentScreen, upload: UploadedFile | None) -> bytes | None:
    """The file's content when the form is in order; None with every problem on the screen."""
    _check_code(screen)
    limit = settings.GOLDENTHREAD_MAX_UPLOAD_BYTES
    if upload is None or not upload.name:
        screen.errors["document"] = f"Choose the business plan document to upload: {KINDS}"
        return None
    screen.file_name = _shown_name(upload)
    suffix = PurePath(screen.file_name).suffix.lower()
    if suffix not in SUFFIXES:
        screen.errors["document"] = (
            f"{screen.file_name} is not {KINDS}: save the business plan as one of those and upload it. "
            "(A plan workbook or plan file is uploaded on its plan's page, once the plan is created.)"
        )
    elif (upload.size or 0) > limit:
        screen.errors["document"] = (
            f"{screen.file_name} is larger than {limit // (1024 * 1024)} MB; save it without its pictures "
            "(or as plain text) and upload that"
        )
    elif not upload.size:
        screen.errors["document"] = f"{screen.file_name} is empty: choose the document itself and upload it again"
    if screen.errors:
        return None
    content = upload.read()
    if problem := document_problem(content, suffix):
        screen.errors["document"] = f"{screen.file_name} {problem}: {SAVE_AGAIN}"
        return None
    return content


def _draft(screen: DocumentScreen, content: bytes) -> Draft | None:
    """The document drafted as ``goldenthread plan draft`` drafts it; None with what is wrong."""
    suffix = PurePath(screen.file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="goldenthread-draft-") as folder:
        path = Path(folder) / f"document{suffix}"
        path.write_bytes(content)
        try:
            result = draft(path, code=screen.code or None, name=screen.file_name)
        except _DAMAGED as exc:
            said = str(exc) if isinstance(exc, UnreadableDocument) else f"{screen.file_name} cannot be read"
            screen.errors["document"] = f"{said.rstrip('.')}: {SAVE_AGAIN}"
            return None
    plan = result.plan
    if not (plan.objectives or plan.activities or plan.metrics or plan.budget_lines or plan.risks):
        screen.errors["document"] = (
            f"{screen.file_name} has no headings, lists or tables to draft a plan from (a PDF of scanned pages "
            "has no text): upload the document as written, or create the plan from scratch"
        )
        return None
    return result


def _split(spec: schema.Plan) -> schema.Plan:
    """The plan's first version: its own fields and levels, none of its elements."""
    data = plan_document(spec)
    shell = {k: v for k, v in data.items() if k not in changes.LISTS or k == "levels"}
    result = validate_data(shell, spec.code)
    assert result.plan is not None, result.problems  # a part of a valid plan that names nothing
    return result.plan


def _drafted(request: HttpRequest, screen: DocumentScreen, content: bytes) -> HttpResponse | None:
    """Draft the document, create the plan and put the draft in its change; the redirect to the
    change, or None with what stopped it on the screen (nothing created)."""
    result = _draft(screen, content)
    if result is None:
        return None
    spec = result.plan if not screen.code else result.plan.model_copy(update={"code": screen.code})
    name = screen.file_name
    reason = (
        f"Drafted from {name} by goldenthread: its source says where in the document it is printed, its note "
        "how sure the drafting is; check those marked REVIEW against the document"
    )
    try:
        with transaction.atomic():
            if m.Plan.objects.filter(code__iexact=spec.code).exclude(code=spec.code).exists():
                raise changes.ChangeRefused(code_taken(spec.code))  # a code made from the file's name, in another case
            # as "Create a plan": version 1 (its own fields and levels), its creator in its planning team
            plan = create_plan(
                _split(spec),
                request.user,
                note=f"Started from the document {name}; its drafted elements wait in the plan's draft change",
            )
            change = changes.draft_change(plan, request.user)
            edits = changes.replace_plan(change, spec, reason=reason, user=request.user)
    except changes.ChangeRefused as exc:
        where = "code" if screen.code else "document"
        made = "" if screen.code else " (the code is made from the file's name)"
        screen.errors[where] = f"{exc}{made}. Nothing was created."
        return None
    except changes.EditProblems as exc:
        screen.problems = problem_rows(exc.problems)
        return None
    messages.success(
        request,
        f"{plan.code} is drafted from {name}: {len(edits)} elements in draft change {change.number}, "
        f"{result.to_review} marked REVIEW (confidence below {REVIEW_BELOW:.2f}). Check each against the "
        "document, correct what is wrong, then submit the change for approval. You are in its planning team.",
    )
    return redirect(reverse("plan-change", args=[plan.code]) + "#drafted")
