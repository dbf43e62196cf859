"""The "Upload data" page: the same loader as ``goldenthread data load``, for staff.

Loading data changes what every board paper and dashboard says, so only staff users may do it;
the page's rule is declared to the access middleware and checked again here. The upload is
all or nothing: any problem and the page lists every one with its row and column, and nothing
is written.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.views.decorators.csrf import csrf_protect

from goldenthread.access import policy
from goldenthread.performance.forms import UploadForm
from goldenthread.performance.loading import LoadReport, load_table, read_table
from goldenthread.performance.models import LoadBatch
from goldenthread.plans.models import Plan

PURPOSE = "load performance data"


def may_load_data(user) -> bool:
    """Staff users (the planning and performance team's analysts) load data; nobody else."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _rule(view):
    check = lambda user, kwargs: may_load_data(user)  # noqa: E731
    return policy.rule(policy.Rule(read=check, write=check, purpose=PURPOSE))(view)


def _refuse(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return policy.forbidden(request, f"You do not have permission to {PURPOSE}: only staff users may.")


@_rule
@csrf_protect
def upload(request: HttpRequest) -> HttpResponse:
    if not may_load_data(request.user):
        return _refuse(request)
    plans = list(Plan.objects.order_by("code"))
    report: LoadReport | None = None
    status = 200
    if request.method == "POST":
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
    batches = LoadBatch.objects.select_related("plan", "loaded_by").order_by("-loaded_at")[:10]
    return render(
        request,
        "performance/upload.html",
        {"form": form, "report": report, "batches": batches, "localtime": localtime},
        status=status,
    )
