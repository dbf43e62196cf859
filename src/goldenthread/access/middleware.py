"""Every request's page rule enforced before the view runs (see :mod:`goldenthread.access.policy`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from goldenthread.access.policy import (
    PUBLIC_PAGES,
    SAFE_METHODS,
    SELF_GUARDED,
    NotFound,
    forbidden,
    look_up,
    nobody,
    rule_for,
)
from goldenthread.access.roles import signed_in


class AccessMiddleware:
    """Enforce :data:`goldenthread.access.policy.PAGES` on every request, before the view runs.

    Only the public pages are open without signing in, whatever a page's rule says. What the
    address names (plan, period, unit, action) is looked up once, exactly, and kept on the request
    for the view (:func:`goldenthread.access.policy.subject`); when it does not exist the page is
    a 404 and no rule is asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else None
        if name and name.rpartition(":")[0] in SELF_GUARDED:
            return None  # the API checks the same rules itself, after its own sign-in (api/guard.py)
        page_rule = rule_for(name, view_func)
        if page_rule is None:
            return forbidden(
                request,
                f"The page “{name or request.path}” has no access rule yet, so it is closed to "
                "everybody. Ask the team to add it to goldenthread.access.policy.PAGES.",
            )
        if name not in PUBLIC_PAGES and not signed_in(request.user):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        try:
            found = look_up(request, view_kwargs, page_rule)
        except NotFound as exc:
            raise Http404(str(exc)) from None
        write = request.method.upper() not in SAFE_METHODS
        check = page_rule.write if write else page_rule.read
        if check(request.user, found):
            return None
        if write and page_rule.write is nobody:
            return forbidden(request, "This page only shows information; there is nothing to send to it.")
        return forbidden(request, f"You do not have permission to {page_rule.purpose or 'do that'}.")
