"""Downloads of the board papers: the same packs ``goldenthread report`` writes.

``/plans/<code>/reports/board.pdf?period=2016/17 Q4`` (also ``.docx`` and ``.html``), the
directorate pack at ``/plans/<code>/reports/directorate/<unit>.<fmt>`` and the two-page summary
at ``/plans/<code>/reports/summary.<fmt>``. Without ``?period=`` the pack is for the page's
"as at" period (``?as_at=``), else the current quarter. The board pack PDF is never rendered
inside the request (it takes seconds to minutes on a large plan), and a GET changes nothing: its
address leads to the progress page of the build under way, or offers a button that starts one
(a POST to :func:`goldenthread.reports.build_views.start`, which joins a build under way) and the
last one built. The board pack's HTML and Word files are kept once rendered (:mod:`.kept_packs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Protocol

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goldenthread.access import policy
from goldenthread.access.decorators import plan_view
from goldenthread.formatting import date_time
from goldenthread.planfile.fields import PERIOD_TEXT_LENGTH
from goldenthread.planfile.periods import Period
from goldenthread.plans.models import Plan
from goldenthread.presenters import params
from goldenthread.presenters.as_at import AsAt
from goldenthread.presenters.params import period_value
from goldenthread.reports import jobs, kept_packs
from goldenthread.reports.directorate import directorate_pack
from goldenthread.reports.documents import FORMATS, MEDIA_TYPES, render_pack, render_summary
from goldenthread.reports.pack import Pack
from goldenthread.reports.summary import Summary, plan_summary


class Download(Protocol):
    """A pack or summary: what the file is called."""

    @property
    def file_stem(self) -> str: ...


@dataclass(frozen=True)
class Named:
    """A kept document: only its name."""

    file_stem: str


def asked_period(raw: str, as_at: AsAt, where: str = "in the address") -> Period:
    """The period a pack is asked for (``period=``), else the page's "as at" period; a bad one is
    the 400 page that says how to write it (:class:`goldenthread.presenters.params.BadParameter`)."""
    return period_value("period", raw, what="pack's period", where=where) or as_at.period


def pack_view(view: Callable[..., tuple[Download, bytes] | HttpResponse]) -> Callable[..., HttpResponse]:
    """The one access check for every pack download — signed in and allowed to read the plan
    (:func:`goldenthread.access.decorators.plan_view`, where roles are enforced) — plus the format and
    period from the address. The view returns (document, bytes), of which this makes the download,
    or a response of its own."""

    @plan_view
    @wraps(view)
    def wrapper(request: HttpRequest, plan, as_at, fmt: str, **kwargs) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404(f"Packs come as {', '.join(FORMATS)}")
        period = asked_period(params.of(request).raw("period", max_length=PERIOD_TEXT_LENGTH), as_at)
        made = view(request, plan, period, fmt, **kwargs)
        if isinstance(made, HttpResponse):
            return made
        document, data = made
        response = HttpResponse(data, content_type=MEDIA_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{document.file_stem}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@pack_view
def board(request: HttpRequest, plan: Plan, period: Period, fmt: str) -> tuple[Named, bytes] | HttpResponse:
    if fmt == "pdf":  # built by the task worker: watch the build under way, or offer to start one
        running, ready = jobs.builds_of(plan, period)
        if running is not None:
            return redirect("report-build", plan.code, running.pk)
        finished = date_time(ready.finished_at) if ready else ""
        context = {"plan": plan, "period": period, "ready": ready, "ready_at": finished}
        return render(request, "reports/pack_ask.html", context)
    # the same for everyone the page's rule lets in: rendered once, kept while nothing in it changes
    return Named(kept_packs.file_stem(plan, period)), kept_packs.board_file(plan, period, fmt)


@pack_view
def directorate(request: HttpRequest, plan: Plan, period: Period, fmt: str, unit: str) -> tuple[Pack, bytes]:
    # the unit the page's rule was checked against, looked up once by its exact code (a code in
    # another case, or a unit's name, is a 404: never a second, looser look-up)
    org_unit = policy.subject(request).unit
    if org_unit is None:
        raise Http404(f"{plan.code} has no org unit '{unit}'")
    pack = directorate_pack(plan, org_unit, period)
    return pack, render_pack(pack, fmt)


@pack_view
def summary(request: HttpRequest, plan: Plan, period: Period, fmt: str) -> tuple[Summary, bytes]:
    asked = params.of(request)
    document = plan_summary(plan, period if asked.raw("period") or asked.raw("as_at") else None)
    return document, render_summary(document, fmt)
