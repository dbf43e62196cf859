"""The account pages: changing one's password (Django's views, the NHS.UK templates)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from goldenthread.accounts.signin import record

PASSWORD_CHANGE_TEMPLATE = "registration/password_change.html"


def minimum_length() -> int:
    """The shortest password the validators accept (``AUTH_PASSWORD_VALIDATORS``)."""
    lengths = [
        getattr(validator, "min_length", 0) for validator in password_validation.get_default_password_validators()
    ]
    return max(lengths, default=0)


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's password: the old one, then the new one twice. The person stays signed in here
    (Django keeps the session's hash up to date); their other sessions end."""

    template_name = PASSWORD_CHANGE_TEMPLATE
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "min_length": minimum_length()}

    def form_valid(self, form):
        response = super().form_valid(form)
        record("password changed", self.request.user.get_username(), self.request)
        return response


password_change = PasswordChange.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
