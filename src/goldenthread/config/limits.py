"""A cap on the size of request bodies, enforced first: before sessions, authentication, the CSRF
check or anything else reads the body, a request whose Content-Length is over the cap for its path
is answered 413 and its body is never read (so nothing is written to a temporary file).

Upload pages (``GOLDENTHREAD_UPLOAD_PATHS``) take up to ``GOLDENTHREAD_MAX_UPLOAD_BYTES``, and a
body with no Content-Length (chunked) is refused there with 411; every other request takes up to
``GOLDENTHREAD_MAX_REQUEST_BYTES``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

MB = 1024 * 1024
MULTIPART_ALLOWANCE = MB  # the form's other fields and the multipart boundaries around the file
#: what to do with a file too large for an upload page, by the page's path (else: a data file's)
TOO_LARGE = {
    "/plans/new/from-document/": "Save the document without its pictures (or as plain text), or draft it with "
    "`goldenthread plan draft` on the command line.",
}
DATA_TOO_LARGE = "Split the file, or load it with `goldenthread data load` on the command line."


def _refusal(status: int, message: str) -> HttpResponse:
    # gunicorn discards at most 64 KB of an unread body on a kept-alive connection, then closes it
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _size(size: int) -> str:
    return f"{size / MB:,.1f}".removesuffix(".0") + " MB"


def refusal(request: HttpRequest) -> HttpResponse | None:
    """The 413 (or 411, 400) response for a body this path does not take; None when it may be read."""
    upload = request.path_info.startswith(tuple(settings.GOLDENTHREAD_UPLOAD_PATHS))
    cap = (
        settings.GOLDENTHREAD_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE
        if upload
        else settings.GOLDENTHREAD_MAX_REQUEST_BYTES
    )
    declared = request.META.get("CONTENT_LENGTH") or ""
    if not declared:
        if upload and request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refusal(411, "A file must be sent with its length (Content-Length); send it from the upload page.")
        return None
    if not declared.isdigit():
        return _refusal(400, f"The request's Content-Length, '{declared[:20]}', is not a number of bytes.")
    size = int(declared)
    if size <= cap:
        return None
    if upload:
        limit = _size(settings.GOLDENTHREAD_MAX_UPLOAD_BYTES)
        what = next((said for path, said in TOO_LARGE.items() if request.path_info.startswith(path)), DATA_TOO_LARGE)
        return _refusal(413, f"The upload is {_size(size)}; goldenthread takes files of at most {limit} here. {what}")
    return _refusal(413, f"The request is {_size(size)}; goldenthread takes requests of at most {_size(cap)} here.")


class RequestSizeLimitMiddleware:
    """First in MIDDLEWARE: :func:`refusal` before any other middleware or view sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)
