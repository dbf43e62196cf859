"""Two web servers on one database, each with a folder of its own (issue 17): a person signs in on
one, previews an upload there and confirms it on the other, which loads it — the session and the
held file are in the database, not on either server's disk; the second confirmation, on the first
server, loads nothing. Real gunicorn servers on 127.0.0.1, as a load balancer would spread them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import requests

from tests.performance.conftest import PLAN
from tests.security.gunicorn_server import free_port, goldenthread
from tests.servers import stop

SECRET = "one-secret-key-shared-by-every-server-of-the-test"
USER = (
    "import django; django.setup()\n"
    "from django.contrib.auth import get_user_model\n"
    "from goldenthread.access import roles\n"
    "from goldenthread.plans.models import Plan\n"
    "user = get_user_model().objects.create_user('analyst', password='a-long-password-1')\n"
    "roles.grant(user, roles.PLANNING_TEAM, plan=Plan.objects.get(code='perf'))\n"
)
DATA = "metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,5\nCNT,rx2,2016/17 Q1,6\n"


def environment(database: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDENTHREAD_", "DJANGO_"))}
    env.update(DATABASE_URL=database, GOLDENTHREAD_VAR=str(var), GOLDENTHREAD_SECRET_KEY=SECRET)
    return env | {"GOLDENTHREAD_NO_WORKER": "1", "DJANGO_SETTINGS_MODULE": "goldenthread.config.settings"}


def start(env: dict[str, str], log: Path, stack: ExitStack) -> str:
    port = free_port()
    command = [sys.executable, "-m", "goldenthread.cli.main", "serve", "--port", str(port), "--workers", "1"]
    out = stack.enter_context(log.open("w"))
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(stop, process, 30, group=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        assert process.poll() is None, log.read_text()
        try:
            requests.get(f"{url}/accounts/login/", timeout=10)
            return url
        except requests.RequestException:
            subprocess.run(["sleep", "0.2"], check=True)
    raise AssertionError("the server did not start within 60 s")


def csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_a_preview_on_one_server_is_confirmed_on_another(tmp_path):
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first_env, second_env = environment(database, tmp_path / "var-a"), environment(database, tmp_path / "var-b")
    assert goldenthread("migrate", env=first_env).returncode == 0
    plan_file = tmp_path / "perf.yaml"
    plan_file.write_text(PLAN)
    assert goldenthread("plan", "load", str(plan_file), env=first_env).returncode == 0
    made = subprocess.run([sys.executable, "-c", USER], env=first_env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    with ExitStack() as stack:
        first = start(first_env, tmp_path / "a.log", stack)
        second = start(second_env, tmp_path / "b.log", stack)
        browser = requests.Session()
        login = browser.get(f"{first}/accounts/login/").text
        signed = browser.post(
            f"{first}/accounts/login/",
            {"username": "analyst", "password": "a-long-password-1", "csrfmiddlewaretoken": csrf(login)},
        )
        assert signed.url.endswith("/work/"), signed.text[:500]
        form = browser.get(f"{second}/data/upload/").text  # signed in on the other server too
        preview = browser.post(
            f"{first}/data/upload/",
            {"plan": "perf", "csrfmiddlewaretoken": csrf(form)},
            files={"file": ("q.csv", DATA.encode(), "text/csv")},
        ).text
        token = re.search(r'name="token" value="([^"]+)"', preview)
        assert token, preview[:2000]
        confirm = {"token": token[1], "action": "load", "csrfmiddlewaretoken": csrf(preview)}
        loaded = browser.post(f"{second}/data/upload/", confirm)
        assert loaded.status_code == 200 and "q.csv: loaded into plan perf" in loaded.text
        again = browser.post(f"{first}/data/upload/", confirm)
        assert "This file was loaded already; nothing was loaded again" in again.text
    for var in (tmp_path / "var-a", tmp_path / "var-b"):
        assert not (var / "uploads").exists()
