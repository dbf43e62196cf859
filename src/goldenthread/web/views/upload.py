"""The "Upload data" page: the same loader as ``goldenthread data load``, for a plan's planning team.

Loading data changes what every board paper and dashboard of a plan says, so only the plan's
planning team and administrators may load into it (:func:`goldenthread.access.rules.may_load_data`):
the page lists only those plans, its rule is declared to the access middleware, and the plan
posted is checked again here. The upload is all or nothing: any problem and the page lists every
one with its row and column, and nothing is written.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_protect

from goldenthread.access import policy, rules
from goldenthread.access.roles import signed_in
from goldenthread.performance.forms import UploadForm
from goldenthread.performance.loading import LoadReport, load_table, read_table
from goldenthread.performance.models import LoadBatch
from goldenthread.plans.models import Plan

PURPOSE = "load performance data"
WHO = "only a plan's planning team and administrators may"


def _loads_into_some_plan(user, found) -> bool:
    return signed_in(user) and rules.loadable_plans(user).exists()


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    if not signed_in(request.user):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return policy.forbidden(request, reason)


def _not_yours(request: HttpRequest, plans: list[Plan]) -> HttpResponse | None:
    """The refusal when the plan posted is one the user may not load into (nothing is written)."""
    code = request.POST.get("plan", "").strip()
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
    report: LoadReport | None = None
    status = 200
    if request.method == "POST":
        if refused := _not_yours(request, plans):
            return refused
        form = UploadForm.from_post(request.POST, request.FILES, plans)
        if form.is_valid() and form.file is not None and form.chosen_plan is not None:
            table = read_table(form.file.read(), name=form.file.name)
            report = load_table(
                table,
                form.chosen_plan,
                metric=form.metric or None,
                mapping=form.mapping,
                add_units=form.add_units or None,
                source=form.source,
                user=request.user,
            )
            if not report.ok:
                status = 400
        else:
            status = 400
    else:
        form = UploadForm(plans=plans, plan=request.GET.get("plan", ""))
    batches = LoadBatch.objects.filter(plan__in=plans).select_related("plan", "loaded_by").order_by("-loaded_at")[:10]
    return render(
        request,
        "performance/upload.html",
        {"form": form, "report": report, "batches": batches, "localtime": localtime},
        status=status,
    )
