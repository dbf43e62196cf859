"""Downloads of the board papers: the same packs ``goldenthread report`` writes.

``/plans/<code>/reports/board.pdf?period=2016/17 Q4`` (also ``.docx`` and ``.html``), the
directorate pack at ``/plans/<code>/reports/directorate/<unit>.<fmt>`` and the two-page summary
at ``/plans/<code>/reports/summary.<fmt>``. Without ``?period=`` the pack is for the page's
"as at" period (``?as_at=``), else the current quarter.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Protocol

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest

from goldenthread.access import policy
from goldenthread.access.decorators import plan_view
from goldenthread.planfile.periods import Period, PeriodError, parse_period
from goldenthread.plans.models import Plan
from goldenthread.reports.board import board_pack
from goldenthread.reports.directorate import directorate_pack
from goldenthread.reports.documents import FORMATS, MEDIA_TYPES, render_pack, render_summary
from goldenthread.reports.pack import Pack
from goldenthread.reports.summary import Summary, plan_summary


class Download(Protocol):
    """A pack or summary: what the file is called."""

    @property
    def file_stem(self) -> str: ...


def asked_period(raw: str, as_at) -> Period | HttpResponse:
    """The period a pack is asked for (``period=``), else the page's "as at" period; a bad one is
    a 400 that says how to write it."""
    raw = raw.strip()[:40]
    try:
        return parse_period(raw) if raw else as_at.period
    except PeriodError as exc:
        return HttpResponseBadRequest(
            f"{exc}. Write the period as 2016/17 Q4, 2016/17 or 2017-01.", content_type="text/plain; charset=utf-8"
        )


def pack_view(view: Callable[..., tuple[Download, bytes]]) -> Callable[..., HttpResponse]:
    """The one access check for every pack download — signed in and allowed to read the plan
    (:func:`goldenthread.access.decorators.plan_view`, where roles are enforced) — plus the format and
    period from the address. The view returns (document, bytes); this makes the download."""

    @plan_view
    @wraps(view)
    def wrapper(request: HttpRequest, plan, as_at, fmt: str, **kwargs) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404(f"Packs come as {', '.join(FORMATS)}")
        period = asked_period(request.GET.get("period", ""), as_at)
        if isinstance(period, HttpResponse):
            return period
        document, data = view(request, plan, period, fmt, **kwargs)
        response = HttpResponse(data, content_type=MEDIA_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{document.file_stem}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@pack_view
def board(request: HttpRequest, plan: Plan, period: Period, fmt: str) -> tuple[Pack, bytes]:
    pack = board_pack(plan, period)
    return pack, render_pack(pack, fmt)


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
    document = plan_summary(plan, period if request.GET.get("period") or request.GET.get("as_at") else None)
    return document, render_summary(document, fmt)
