"""Every request's page rule enforced before the view runs (see :mod:`goldenthread.access.policy`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from goldenthread.access.policy import SAFE_METHODS, forbidden, nobody, rule_for
from goldenthread.access.roles import signed_in


class AccessMiddleware:
    """Enforce :data:`goldenthread.access.policy.PAGES` on every request, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else None
        page_rule = rule_for(name, view_func)
        if page_rule is None:
            return forbidden(
                request,
                f"The page “{name or request.path}” has no access rule yet, so it is closed to "
                "everybody. Ask the team to add it to goldenthread.access.policy.PAGES.",
            )
        write = request.method.upper() not in SAFE_METHODS
        check = page_rule.write if write else page_rule.read
        if check(request.user, view_kwargs):
            return None
        if not signed_in(request.user):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if write and page_rule.write is nobody:
            return forbidden(request, "This page only shows information; there is nothing to send to it.")
        return forbidden(request, f"You do not have permission to {page_rule.purpose or 'do that'}.")
