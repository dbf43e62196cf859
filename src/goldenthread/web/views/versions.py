"""The plan's versions: the list, one version (with its file), and any two compared.

Readers of the plan see them all (the rule of every signed-in page about a plan); what they show
comes from :mod:`goldenthread.presenters.versions`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from goldenthread.access.decorators import plan_view
from goldenthread.formatting import file_name
from goldenthread.planfile import to_yaml
from goldenthread.plans.models import Plan
from goldenthread.plans.versions import version_plan
from goldenthread.presenters import params
from goldenthread.presenters import versions as presenters
from goldenthread.presenters.as_at import AsAt
from goldenthread.web.views.plans import _plan_page


@plan_view
def plan_versions(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    page = presenters.versions_page(plan)
    return _plan_page(request, "web/versions.html", plan, as_at, "plan-versions", page=page)


@plan_view
def plan_version(request: HttpRequest, plan: Plan, as_at: AsAt, number: int) -> HttpResponse:
    """One version: what it is, what changed since the one before, and its plan file (``?format=yaml``)."""
    try:
        version = presenters.find_version(plan, number)
    except presenters.VersionNotFound as exc:
        raise Http404(str(exc)) from None
    if params.of(request).choice("format", ("yaml",), what="download format") == "yaml":
        response = HttpResponse(to_yaml(version_plan(version)), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{file_name(plan.code)}-version-{number}.yaml"'
        return response
    page = presenters.version_page(plan, version)
    return _plan_page(request, "web/version.html", plan, as_at, "plan-versions", page=page)


@plan_view
def plan_compare(request: HttpRequest, plan: Plan, as_at: AsAt) -> HttpResponse:
    """Two versions compared (``?from=N&to=M``); a missing, mistyped or unknown version is said on
    the page, with the form to choose again (400)."""
    asked = params.of(request)
    page = presenters.compare_page(plan, asked.raw("from", max_length=20), asked.raw("to", max_length=20))
    response = _plan_page(request, "web/version_compare.html", plan, as_at, "plan-versions", page=page)
    if page.errors:
        response.status_code = 400
    return response
