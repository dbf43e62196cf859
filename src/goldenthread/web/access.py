"""Who may see what on the plan pages: the one place their views ask.

Every page about a plan goes through :func:`plan_view` and every page across plans through
:func:`signed_in` and :func:`viewable_plans`, so tightening access (roles, per-directorate
permissions) happens here. Where the project-wide rules in :mod:`goldenthread.access` are
installed, these delegate to them — the pages declare their rule to its deny-by-default
middleware, and the plans a person may read come from it; without it, every signed-in user may
read every plan.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from goldenthread.plans import models as m

from .as_at import AsAt, as_at_choice

try:  # the project-wide access rules (roles and memberships)
    from goldenthread import access as rules
except ImportError:  # pragma: no cover - before the roles work is installed
    rules = None


def _declare(view: Callable[..., HttpResponse], rule_name: str) -> Callable[..., HttpResponse]:
    """Tell the deny-by-default access middleware which rule this view's page follows."""
    if rules is not None:
        view = rules.rule(getattr(rules, rule_name))(view)
    return view


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for signed-in users; anyone else is sent to the sign-in page and back."""
    return _declare(login_required(view), "SIGNED_IN_PAGE")


def viewable_plans(user) -> QuerySet[m.Plan]:
    """The plans ``user`` may read (on these signed-in pages: none unless signed in)."""
    if not user.is_authenticated:
        return m.Plan.objects.none()
    if rules is not None:
        return rules.viewable_plans(user)
    return m.Plan.objects.all()


def plan_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page about one plan: signed in, the plan found among those the user may read (404
    otherwise, so a plan's existence is not disclosed), and the "as at" period read from
    ``?as_at=``. The view is called as ``view(request, plan, as_at, **kwargs)``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, **kwargs: object) -> HttpResponse:
        plan = viewable_plans(request.user).select_related("organisation").filter(code=code).first()
        if plan is None:
            raise Http404(f"No plan with code {code}")
        as_at: AsAt = as_at_choice(plan, request.GET.get("as_at", ""), today=timezone.localdate())
        return view(request, plan, as_at, **kwargs)

    return _declare(wrapper, "PLAN_READER")
