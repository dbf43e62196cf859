"""A unit's quarterly update for a period: read it, save the draft, submit it — through the same
services, checks and messages as the update page (:mod:`goldenthread.cycles.services`,
:class:`goldenthread.cycles.forms.UpdateForm`), under the same rules: the unit's people read it
(and those who read every unit's updates), its lead and contributors save it, only its lead
submits it.

Every read gives the update's ETag; a save or a submission must send it back as ``If-Match``
(:mod:`goldenthread.api.etags`), and the service's own version check (the page's guard against
two people saving at once) refuses a save that lost a race. Nothing is changed by a refused write.
"""

# (no ``from __future__ import annotations`` here: django-ninja finds the ``response: HttpResponse``
# argument, through which an operation sets its ETag header, by the annotation's object, which a
# guarded operation's wrapper could not resolve from a string)
from typing import Any

import pydantic
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from goldenthread.access.policy import Rule, nobody, subject
from goldenthread.access.rules import may_edit_submission, may_submit, may_view_unit_updates
from goldenthread.api import bodies, etags
from goldenthread.api.bodies import Refusal, answers_refusals
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail, Problem, Problems
from goldenthread.api.update_shapes import UpdateIn, UpdateOut, content, fingerprint, update_out
from goldenthread.cycles import services
from goldenthread.cycles.forms import UpdateForm
from goldenthread.cycles.models import ReportingPeriod, Submission
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm

router = Router(tags=["quarterly updates"])


def _about_unit(check: Any) -> Any:
    return lambda user, found: found.unit is not None and bool(check(user, found.unit))


UPDATE = Rule(
    read=_about_unit(may_view_unit_updates),
    write=_about_unit(may_edit_submission),
    purpose="see or edit this unit's update (its lead and contributors edit it)",
)
SUBMIT = Rule(read=nobody, write=_about_unit(may_submit), purpose="submit this unit's update (only its lead may)")
PATH = "/{code}/periods/{period}/units/{unit}/update/"
WHAT = "this update"


class _Found:
    """The update the path names, as it stands: its row (or none yet), what it holds, its ETag."""

    def __init__(self, request: HttpRequest):
        found = subject(request)
        assert found.period is not None and found.unit is not None  # the guard found them
        self.period: ReportingPeriod = found.period
        self.unit: pm.OrgUnit = found.unit
        self.scope = services.unit_scope(self.period.plan, self.unit)
        self.submission: Submission | None = (
            Submission.objects.filter(period=self.period, org_unit=self.unit).select_related("updated_by").first()
        )
        self.data = services.stored_data(self.submission)
        self.held = content(self.scope, self.data, started=self.submission is not None)
        self.etag = etags.etag(fingerprint(self.submission, self.held))

    @property
    def version(self) -> int:
        return self.submission.version if self.submission else 0

    def out(self, request: HttpRequest, response: HttpResponse) -> UpdateOut:
        response["ETag"] = self.etag
        return update_out(self.period, self.unit, self.submission, self.held, caller(request).user)


# --- the body as the update page's form ---------------------------------------------------------------


def _entries(sent: list[Any], elements: list[Any], section: str, problems: list[Problem]) -> dict[int, Any]:
    """Each entry sent, by the primary key of the element its code names (exactly); unknown and
    repeated codes are problems."""
    by_code = {element.code: element for element in elements}
    out: dict[int, Any] = {}
    for i, entry in enumerate(sent):
        element = by_code.get(entry.code)
        where = f"{section}[{i}].code"
        if element is None:
            codes = ", ".join(by_code) or "none"
            message = f"'{entry.code}' is not one of the {section} this unit reports on (they are: {codes})"
            problems.append(Problem(column=where, message=message))
        elif element.pk in out:
            problems.append(Problem(column=where, message=f"{entry.code} is given twice; give each once"))
        else:
            out[element.pk] = entry
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def form_post(sent: UpdateIn, scope: services.Scope, version: int) -> tuple[dict[str, str], dict[str, str]]:
    """The update page's form fields for what was sent (and the API's name for each field); a 422
    for entries naming elements the unit does not report on."""
    problems: list[Problem] = []
    post = {"rag": sent.rag, "rag_reason": sent.rag_reason, "commentary": sent.commentary, "version": str(version)}
    names = {name: name for name in ("rag", "rag_reason", "commentary")}
    sections = (
        ("o", "objectives", scope.objectives, ("rag", "rag_reason")),
        ("a", "activities", scope.activities, ("status", "commentary", "rag", "percent_complete", "forecast_on")),
        ("m", "metrics", scope.metrics, ("value", "numerator", "denominator", "note")),
        ("r", "risks", scope.risks, ("likelihood", "impact", "commentary", "reviewed")),
    )
    for prefix, section, elements, fields in sections:
        entries = _entries(getattr(sent, section), elements, section, problems)
        for element in elements:
            entry = entries.get(element.pk)
            for field in fields:
                name = services.key(prefix, element.pk, field)
                names[name] = f"{section}[{element.code}].{field}"
                post[name] = _text(getattr(entry, field)) if entry is not None else ""
    if problems:
        raise Refusal(422, Problems(detail=_nothing_saved(len(problems)), problems=problems))
    return post, names


def _nothing_saved(count: int) -> str:
    return f"{count} problem(s) with the update; nothing was saved. Correct them and send it again."


def _problems(pairs: list[tuple[str, str]], names: dict[str, str]) -> Refusal:
    problems = [Problem(column=names.get(name, name), message=message) for name, message in pairs]
    return Refusal(422, Problems(detail=_nothing_saved(len(problems)), problems=problems))


def _sent(request: HttpRequest) -> UpdateIn:
    bodies.refuse_media_type(request, (bodies.JSON,))
    try:
        return UpdateIn.model_validate_json(bodies.body(request))
    except pydantic.ValidationError as exc:
        problems = [
            Problem(column=".".join(str(part) for part in error["loc"]) or None, message=error["msg"])
            for error in exc.errors(include_url=False)
        ]
        raise Refusal(422, Problems(detail=_nothing_saved(len(problems)), problems=problems)) from None


def _open(period: ReportingPeriod) -> None:
    if not period.is_open(timezone.localdate()):
        raise HttpError(409, f"Updates for {period.label} open on {long_date(period.opens_on)}; send it then.")


# --- the operations -----------------------------------------------------------------------------------------


COMMON = {401: Detail, 403: Detail, 404: Detail}
#: the ETag every answer with the update carries, stated in the schema
WITH_ETAG = {
    "responses": {
        200: {
            "headers": {
                "ETag": {
                    "description": "this state of the update: send it as If-Match to save or submit it",
                    "schema": {"type": "string"},
                }
            }
        }
    }
}
SUBMITS = {**COMMON, 409: Detail, 412: Detail, 422: Problems, 428: Detail}
WRITES = {**SUBMITS, 413: Detail, 415: Detail}  # (a save reads a body)


@router.get(
    PATH,
    response={200: UpdateOut, **COMMON},
    summary="A unit's update for a period, with its ETag",
    openapi_extra=WITH_ETAG,
)
@guarded(UPDATE)
def get_update(request: HttpRequest, response: HttpResponse, code: str, period: str, unit: str) -> UpdateOut:
    """The update as it stands (not started, draft, submitted, returned or approved); the ``ETag``
    header is what a save or submission sends back as ``If-Match``."""
    return _Found(request).out(request, response)


@router.put(
    PATH,
    response={200: UpdateOut, **WRITES},
    summary="Save a unit's update (its draft), as its lead or a contributor",
    openapi_extra={
        **bodies.request_body({bodies.JSON: bodies.inline_schema(UpdateIn)}, "The whole update."),
        **WITH_ETAG,
    },
)
@guarded(UPDATE)
@answers_refusals
def save_update(
    request: HttpRequest,
    response: HttpResponse,
    code: str,
    period: str,
    unit: str,
    if_match: str | None = etags.IF_MATCH,
) -> UpdateOut:
    """Save the whole update as its draft: what is left out is saved empty, as on the page, and
    every field is checked as the page checks it. ``If-Match`` must be the ETag last read."""
    found = _Found(request)
    etags.require_match(if_match, found.etag, exists=found.submission is not None, what=WHAT)
    sent = _sent(request)
    _open(found.period)
    post, names = form_post(sent, found.scope, found.version)
    form = UpdateForm(found.scope, found.submission, post)
    data = form.clean()
    if data is None:
        raise _problems([(field.name, field.error) for field in form.errors], names)
    _write(found, data, caller(request).user, submit=False, names=names)
    return _Found(request).out(request, response)


@router.post(
    PATH + "submit/",
    response={200: UpdateOut, **SUBMITS},
    summary="Submit a unit's update to the planning team, as its lead",
    openapi_extra=WITH_ETAG,
)
@guarded(SUBMIT)
@answers_refusals
def submit_update(
    request: HttpRequest,
    response: HttpResponse,
    code: str,
    period: str,
    unit: str,
    if_match: str | None = etags.IF_MATCH,
) -> UpdateOut:
    """Submit the update as saved (send no body): refused, with everything still to complete at its
    field, when it is not complete. ``If-Match`` must be the ETag last read."""
    found = _Found(request)
    etags.require_match(if_match, found.etag, exists=found.submission is not None, what=WHAT)
    if found.submission is None:
        raise HttpError(409, "There is no update to submit yet: save it first (PUT), then submit it.")
    _open(found.period)
    _, names = form_post(UpdateIn(), found.scope, found.version)
    _write(found, found.data, caller(request).user, submit=True, names=names)
    return _Found(request).out(request, response)


def _write(found: _Found, data: services.UpdateData, user: Any, *, submit: bool, names: dict[str, str]) -> None:
    """Save (and submit) through the service, from the version read; its refusals as answers."""
    try:
        services.save_update(found.period, found.unit, data, based_on=found.version, user=user, submit=submit)
    except services.Conflict as exc:
        raise HttpError(412, _lost_race(exc.current)) from None
    except services.Incomplete as exc:
        raise _problems(exc.problems, names) from None
    except services.CycleError as exc:
        raise HttpError(409, f"{exc} Nothing was changed.") from None


def _lost_race(current: Any) -> str:
    """A save that matched the ETag read but lost the race to another save of the same update."""
    who = f"{services.display_name(current.updated_by)} saved" if isinstance(current, Submission) else "Someone saved"
    return (
        f"{who} this update while yours was on its way, so yours was not saved; nothing was changed. GET it "
        "again for its ETag, make your changes to what it holds now and send them with that If-Match."
    )
