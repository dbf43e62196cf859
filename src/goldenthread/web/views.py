"""Views: each reads like the page it serves, asking a presenter for what the page shows."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import presenters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"plans": presenters.plan_list()})


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = presenters.plan_page(code)
    if page is None:
        raise Http404(f"No plan with code {code}")
    return render(request, "web/plan.html", {"page": page})


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        return redirect("login")
    return render(request, "registration/logout.html", {})
