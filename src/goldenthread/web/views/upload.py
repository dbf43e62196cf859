"""The "Upload data" page: the same loader as ``goldenthread data load``, for a plan's planning team.

Loading data changes what every board paper and dashboard of a plan says, so only the plan's
planning team and administrators may load into it (:func:`goldenthread.access.rules.may_load_data`):
the page lists only those plans, its rule is declared to the access middleware, and the plan
posted — or held for confirmation — is checked again here.

Two steps: the file is checked and previewed (a dry run: what would be loaded, by metric and org
unit, with every problem by row and column), and nothing is written; the file is held in the
database (:mod:`goldenthread.performance.staging`: any web server takes the confirmation) until
the person confirms, and the confirmation loads exactly what was previewed, once. The loader's
messages are worded for this page (:data:`goldenthread.performance.loading.PAGE`), not for the
command line.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_protect

from goldenthread.access import policy, rules
from goldenthread.access.roles import signed_in
from goldenthread.performance import staging
from goldenthread.performance.forms import UploadForm
from goldenthread.performance.loading import PAGE, LoadReport, load_table, read_table
from goldenthread.performance.models import LoadBatch
from goldenthread.performance.template import FREQUENCY_NAMES, template_rows
from goldenthread.plans.models import Metric, Plan
from goldenthread.presenters import kept, params
from goldenthread.web.downloads import table_response

PURPOSE = "load performance data"
WHO = "only a plan's planning team and administrators may"


def _loads_into_some_plan(user, found) -> bool:
    return signed_in(user) and rules.loadable_plans(user).exists()


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    if not signed_in(request.user):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return policy.forbidden(request, reason)


def _not_yours(request: HttpRequest, plans: list[Plan], code: str) -> HttpResponse | None:
    """The refusal when the plan is one the user may not load into (nothing is written)."""
    plan = Plan.objects.filter(code=code).first() if code else None
    if plan is None or rules.may_load_data(request.user, plan):
        return None
    choices = ", ".join(p.code for p in plans)
    return policy.forbidden(
        request,
        f"You do not have permission to load data into {plan.code}: {WHO}. Nothing was loaded. "
        f"Choose one of your plans ({choices}) or ask {plan.code}'s planning team.",
    )


@policy.rule(policy.Rule(read=_loads_into_some_plan, write=_loads_into_some_plan, purpose=PURPOSE))
@csrf_protect
def upload(request: HttpRequest) -> HttpResponse:
    plans = list(rules.loadable_plans(request.user)) if signed_in(request.user) else []
    if not plans:
        return _refuse(request, f"You do not have permission to {PURPOSE}: {WHO}.")
    if request.method != "POST":
        return _page(request, plans, UploadForm(plans=plans, plan=params.of(request).code("plan")))
    if "token" in request.POST:
        return _confirm(request, plans)
    return _preview(request, plans)


def _preview(request: HttpRequest, plans: list[Plan]) -> HttpResponse:
    """Check the file and show what it would load; hold it for confirmation. Nothing is written."""
    if refused := _not_yours(request, plans, request.POST.get("plan", "").strip()):
        return refused
    form = UploadForm.from_post(request.POST, request.FILES, plans)
    if not (form.is_valid() and form.file is not None and form.chosen_plan is not None):
        return _page(request, plans, form, status=400)
    data = form.file.read()
    options: dict[str, Any] = {"metric": form.metric or None, "mapping": form.mapping}
    options |= {"add_units": form.add_units or None, "source": form.source}
    report = load_table(
        read_table(data, name=form.file.name),
        form.chosen_plan,
        user=request.user,
        dry_run=True,
        wording=PAGE,
        **options,
    )
    if not report.ok:
        return _page(request, plans, form, report=report, status=400)
    held = None
    if report.changed:
        held = staging.stage(
            data, name=report.file_name, user_id=request.user.pk or 0, plan=form.chosen_plan.code, options=options
        )
    return _page(request, plans, form, report=report, held=held)


def _confirm(request: HttpRequest, plans: list[Plan]) -> HttpResponse:
    """Load the file held under the posted token — the person's own, for a plan they may load into —
    exactly as it was previewed, and only once."""
    form = UploadForm(plans=plans)
    held = staging.find(request.POST.get("token", ""), request.user.pk or 0)
    if held is None:
        form.errors["file"] = "This preview has expired or was not yours; upload the file again to check it"
        return _page(request, plans, form, status=400)
    if refused := _not_yours(request, plans, held.plan):
        return refused
    plan = Plan.objects.filter(code=held.plan).first()
    if plan is None:
        form.errors["plan"] = f"The plan {held.plan} is no longer in the database; nothing was loaded"
        return _page(request, plans, form, status=400)
    form.plan = held.plan
    if request.POST.get("action") == "discard":
        staging.discard(held)
        return _page(request, plans, form, outcome=f"{held.name} was not loaded; nothing was written.")
    if not staging.claim(held):
        said = held.loaded or "it is being loaded now"
        return _page(request, plans, form, outcome=f"This file was loaded already; nothing was loaded again. {said}")
    try:
        table = read_table(held.read("claimed"), name=held.name)
        report = load_table(table, plan, user=request.user, wording=PAGE, **held.options)
    except BaseException:
        staging.release(held)
        raise
    if not report.ok:
        staging.release(held)
        return _page(request, plans, form, report=report, status=400)
    staging.done(held, str(report), report.batch.pk if report.batch is not None else None)
    if report.batch is not None:  # the data changed: the worker works out the plan's pages ahead
        kept.request_warm(plan)
    return _page(request, plans, form, report=report)


def _metrics(plans: list[Plan]) -> list[tuple[Plan, list]]:
    """Each plan with its metrics in plan order, for the table of codes, units and frequencies."""
    metrics: dict[int, list[Metric]] = {p.pk: [] for p in plans}
    for metric in Metric.objects.filter(plan__in=plans).order_by("position"):  # every plan's, in one query
        metrics[metric.plan_id].append(metric)
    return [(p, metrics[p.pk]) for p in plans]


def _page(
    request: HttpRequest,
    plans: list[Plan],
    form: UploadForm,
    *,
    report: LoadReport | None = None,
    held: staging.Staged | None = None,
    outcome: str = "",
    status: int = 200,
) -> HttpResponse:
    batches = LoadBatch.objects.filter(plan__in=plans).select_related("plan", "loaded_by").order_by("-loaded_at")[:10]
    context = {
        "form": form,
        "report": report,
        "held": held,
        "outcome": outcome,
        "batches": batches,
        "metrics": _metrics(plans),
        "frequencies": FREQUENCY_NAMES,
        "localtime": localtime,
    }
    return render(request, "performance/upload.html", context, status=status)


def template(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's data template, a CSV to fill in (its rule in the page policy: whoever may load into
    the plan)."""
    plan = policy.subject(request).plan
    assert plan is not None  # the page rule refused an address naming no plan
    header, rows = template_rows(plan)
    return table_response(f"{plan.code}-data-template", header, rows, "csv")
