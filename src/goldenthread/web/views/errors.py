"""The 400 page: a request the page cannot answer, said in the page's own terms.

Django calls :func:`bad_request` (``handler400`` in ``goldenthread.config.urls``) for every
:class:`~django.core.exceptions.BadRequest` a view raises; a bad parameter of the address
(:class:`goldenthread.presenters.params.BadParameter`) is shown with its message and a link to
the same page without it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from goldenthread.presenters.params import BadParameter, without


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The NHS.UK page for a bad parameter; Django's own plain answer for anything else (a
    request refused before the page knows who is asking, such as a bad host)."""
    if not isinstance(exception, BadParameter) or not hasattr(request, "user"):
        return defaults.bad_request(request, exception or Exception())
    query = without(request.GET, exception.name)
    href = f"{request.path}?{query}" if query else request.path
    if request.method != "GET":  # a form's value: back to the page the form was on, if on this site
        came_from = request.headers.get("referer", "")
        if url_has_allowed_host_and_scheme(came_from, allowed_hosts={request.get_host()}):
            href = came_from
    form = request.method != "GET"
    context = {
        "message": exception.message,
        "name": exception.name,
        "href": href,
        "form": form,
        "problem": "There is a problem with what the form sent" if form else "There is a problem with the address",
    }
    return render(request, "web/400.html", context, status=400)
