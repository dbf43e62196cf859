"""Oversized request bodies are refused before anything reads them (issue 12, finding 7a).

An anonymous 300 MB POST to the upload page used to be written to a temporary file (the CSRF check
reads the form) before the redirect to sign in. Now the first middleware answers 413 from the
Content-Length alone — the test sends only the headers — and nothing is written."""

from __future__ import annotations

import http.client
import time

import pytest
from django.test import Client

from tests.security.gunicorn_server import serving

MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=xyz"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("limits"), "--workers", "1", "--threads", "2") as running:
        yield running


def send_headers(server, path: str, **headers: str) -> tuple[int, str, float]:
    """POST only a request's head (no body); the answer's status, its text and the seconds it took."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.putrequest("POST", path)
    for name, value in headers.items():
        connection.putheader(name.replace("_", "-"), value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body, time.monotonic() - started


def csrf_cookie(server) -> str:
    """The CSRF cookie any visitor gets from the sign-in page (with it the CSRF check reads the form)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    response.read()
    connection.close()
    return next(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))


def test_an_anonymous_300_mb_upload_is_refused_at_once_and_nothing_is_written(server):
    size = str(300 * MB)
    cookie = csrf_cookie(server)
    status, body, seconds = send_headers(
        server, "/data/upload/", Cookie=cookie, Content_Type=MULTIPART, Content_Length=size
    )
    assert status == 413 and seconds < 10
    assert body.strip() == (
        "The upload is 300 MB; goldenthread takes files of at most 50 MB here. "
        "Split the file, or load it with `goldenthread data load` on the command line."
    )
    assert list(server.tmp.iterdir()) == []


def test_a_chunked_upload_without_a_length_is_refused(server):
    status, body, _ = send_headers(server, "/data/upload/", Content_Type=MULTIPART, Transfer_Encoding="chunked")
    assert status == 411 and "must be sent with its length (Content-Length)" in body
    assert list(server.tmp.iterdir()) == []


def test_other_pages_take_a_few_megabytes(server):
    form = "application/x-www-form-urlencoded"
    status, body, _ = send_headers(server, "/accounts/login/", Content_Type=form, Content_Length=str(10 * MB))
    assert status == 413 and body.strip() == "The request is 10 MB; goldenthread takes requests of at most 4 MB here."


def post(client: Client, path: str, length: int | str):
    return client.generic("POST", path, b"", content_type=MULTIPART, CONTENT_LENGTH=str(length))


def test_the_cap_applies_before_sign_in_and_to_signed_in_staff(db, django_user_model):
    client = Client()
    assert post(client, "/data/upload/", 60 * MB).status_code == 413
    client.force_login(django_user_model.objects.create_user("analyst", password="x" * 12, is_staff=True))
    assert post(client, "/data/upload/", 60 * MB).status_code == 413
    assert post(client, "/data/upload/", 40 * MB).status_code != 413  # under the cap: the page's own checks
    assert post(client, "/data/upload/", "lots").status_code == 400


def test_the_caps_come_from_the_environment(settings):
    from goldenthread.config import profile

    assert profile.megabytes({"GOLDENTHREAD_MAX_UPLOAD_MB": "120"}, "GOLDENTHREAD_MAX_UPLOAD_MB", 50) == 120 * MB
    assert profile.megabytes({}, "GOLDENTHREAD_MAX_UPLOAD_MB", 50) == 50 * MB
    with pytest.raises(Exception, match="GOLDENTHREAD_MAX_UPLOAD_MB is 'big'; set it to a whole number of megabytes"):
        profile.megabytes({"GOLDENTHREAD_MAX_UPLOAD_MB": "big"}, "GOLDENTHREAD_MAX_UPLOAD_MB", 50)
    assert settings.MIDDLEWARE[0] == "goldenthread.config.limits.RequestSizeLimitMiddleware"
