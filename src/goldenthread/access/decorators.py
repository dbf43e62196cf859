"""Decorators for views: the page's rule declared on the view, the plan found, the as-at period read.

Every page about a plan goes through :func:`plan_view` and every page across plans through
:func:`signed_in`; both declare their rule to the deny-by-default policy
(:mod:`goldenthread.access.policy`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from goldenthread.access.policy import PLAN_READER, SIGNED_IN_PAGE, rule, subject
from goldenthread.access.rules import may_view_plan
from goldenthread.planfile.fields import PERIOD_TEXT_LENGTH
from goldenthread.presenters import params
from goldenthread.presenters.as_at import AsAt, as_at_choice


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for signed-in users; anyone else is sent to the sign-in page and back."""
    return rule(SIGNED_IN_PAGE)(login_required(view))


def plan_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page about one plan: signed in, the plan the page's rule was checked against (looked up
    once, exactly, by the access middleware: :func:`goldenthread.access.policy.subject`; 404 when
    there is none or the user may not read it, so a plan's existence is not disclosed), and the
    "as at" period read from ``?as_at=`` (a bad one is the 400 page:
    :class:`goldenthread.presenters.params.BadParameter`). The view is called as ``view(request, plan, as_at,
    **kwargs)``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, **kwargs: object) -> HttpResponse:
        plan = subject(request).plan
        if plan is None or not may_view_plan(request.user, plan):
            raise Http404(f"No plan with code {code}")
        raw = params.of(request).raw("as_at", max_length=PERIOD_TEXT_LENGTH)
        as_at: AsAt = as_at_choice(plan, raw, today=timezone.localdate())
        return view(request, plan, as_at, **kwargs)

    return rule(PLAN_READER)(wrapper)
