"""The production profile and the application server (issue 12, findings 5 and 6).

`goldenthread check --deploy` is clean under GOLDENTHREAD_PROFILE=production and reports the
missing HTTPS settings without it; unsafe production settings refuse to start with a message
saying what to set; `goldenthread serve` is gunicorn, serving pages and static files."""

from __future__ import annotations

import http.client
import secrets
import subprocess
import sys

import pytest

from tests.security.gunicorn_server import environment, goldenthread, log_of, serving

HOST = "goldenthread.example.nhs.uk"


def production(tmp_path, **extra: str) -> dict[str, str]:
    settings = {
        "GOLDENTHREAD_PROFILE": "production",
        "GOLDENTHREAD_SECRET_KEY": secrets.token_urlsafe(50),
        "GOLDENTHREAD_ALLOWED_HOSTS": HOST,
        "GOLDENTHREAD_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    }
    settings.update(extra)
    return environment(tmp_path, **{k: v for k, v in settings.items() if v is not None})


def test_the_deploy_check_is_clean_under_the_production_profile(tmp_path):
    done = goldenthread("check", "--deploy", env=production(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_the_profile_the_deploy_check_reports_the_https_settings(tmp_path):
    done = goldenthread("check", "--deploy", env=environment(tmp_path))
    assert done.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr
    assert goldenthread("check", env=environment(tmp_path)).returncode == 0


def test_the_profile_reads_the_proxy_header_trusted_origins_and_hsts_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_REFERRER_POLICY)"
    )
    env = production(
        tmp_path, GOLDENTHREAD_BEHIND_PROXY="1", GOLDENTHREAD_HSTS_SECONDS="600", GOLDENTHREAD_HSTS_PRELOAD="0"
    )
    env["DJANGO_SETTINGS_MODULE"] = "goldenthread.config.settings"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        f"['https://{HOST}']",
        "600",
        "False",
        "True",
        "True",
        "True",
        "True",
        "same-origin",
    ], done.stderr


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"GOLDENTHREAD_SECRET_KEY": None}, "GOLDENTHREAD_SECRET_KEY is not set"),
        ({"GOLDENTHREAD_SECRET_KEY": "short"}, "GOLDENTHREAD_SECRET_KEY has 5 characters"),
        ({"GOLDENTHREAD_DEBUG": "1"}, "GOLDENTHREAD_DEBUG is 1"),
        ({"GOLDENTHREAD_ALLOWED_HOSTS": None}, "GOLDENTHREAD_ALLOWED_HOSTS is not set"),
        ({"GOLDENTHREAD_ALLOWED_HOSTS": " , "}, "GOLDENTHREAD_ALLOWED_HOSTS is not set"),
        ({"GOLDENTHREAD_CSRF_TRUSTED_ORIGINS": f"http://{HOST}"}, "GOLDENTHREAD_CSRF_TRUSTED_ORIGINS has 'http://"),
        ({"GOLDENTHREAD_PROFILE": "live"}, "GOLDENTHREAD_PROFILE is 'live'; set it to development or production"),
    ],
)
def test_unsafe_production_settings_refuse_to_start_with_what_to_set(tmp_path, extra, expected):
    done = goldenthread("check", env=production(tmp_path, **extra))
    assert done.returncode == 1
    assert done.stderr.startswith("goldenthread: ") and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_serve_runs_gunicorn_with_static_files_and_an_access_log(tmp_path):
    with serving(tmp_path, "--workers", "1", "--threads", "2") as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
        connection.request("GET", "/accounts/login/")
        page = connection.getresponse()
        assert page.status == 200 and b"Sign in" in page.read()
        assert page.getheader("Server") == "gunicorn"  # no version given away
        connection.request("GET", "/static/goldenthread/goldenthread.css")
        static = connection.getresponse()
        assert static.status == 200 and static.getheader("Content-Type").startswith("text/css")
        assert len(static.read()) > 100
        connection.close()
    log = log_of(tmp_path)
    assert "Using worker: gthread" in log
    assert '"GET /accounts/login/ HTTP/1.1" 200' in log and '"GET /static/goldenthread/goldenthread.css' in log
    assert server.process.returncode == 0


def test_serve_refuses_a_bad_number_of_workers(tmp_path):
    env = environment(tmp_path, GOLDENTHREAD_WORKERS="many")
    done = goldenthread("serve", env=env)
    assert done.returncode == 2
    assert "must be a whole number of 1 or more (from --workers or GOLDENTHREAD_WORKERS), not 'many'" in done.stderr
