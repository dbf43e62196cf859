"""The goldenthread command as people and the Makefile use it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from goldenthread.cli.main import main
from goldenthread.plans import models as m

from .conftest import EXAMPLE


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goldenthread.cli.main", *args], capture_output=True, text=True, timeout=120
    )


def test_validate_ok_and_without_django():
    code = (
        f"import sys; from goldenthread.cli.main import main; rc = main(['plan', 'validate', {str(EXAMPLE)!r}]);"
        "assert 'django' not in sys.modules and 'pandas' not in sys.modules; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "valid — example-2019" in done.stdout


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE.read_text()
        .replace("level: dir-priority", "level: directorate-priority")
        .replace("owner: cno\n    contributes_to", "owner: chief-nurse\n    contributes_to")
    )
    done = run("plan", "validate", str(bad), str(EXAMPLE))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == "1 of 2 file(s) invalid; nothing was loaded"
    assert len([x for x in lines if x.startswith(f"{bad}:")]) == 3
    assert f"{bad}:59:12: objectives[2].level: unknown level 'directorate-priority'" in done.stderr
    assert "objectives[3].owner: unknown owner 'chief-nurse'" in done.stderr


def test_schema_is_json_schema():
    done = run("plan", "schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "Plan" and "objectives" in schema["properties"]


@pytest.mark.django_db(transaction=True)
def test_load_list_export(tmp_path, capsys):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    assert "example-2019: loaded" in capsys.readouterr().out
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.strip() == "example-2019: unchanged"
    assert main(["plan", "list"]) == 0
    assert "example-2019" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert main(["plan", "export", "example-2019", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["kind"] == "plan"
    assert main(["plan", "export", "nope"]) == 1
    assert "no plan with code 'nope'" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_invalid_file_loads_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE.read_text().replace("code: example-2019", "code: other").replace("likelihood: 4", "likelihood: 9")
    )
    assert main(["plan", "load", str(EXAMPLE), str(bad)]) == 1
    assert "risks[0].likelihood" in capsys.readouterr().err
    assert m.Plan.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_demo_is_idempotent(monkeypatch, capsys):
    monkeypatch.setenv("GOLDENTHREAD_DEMO_PASSWORD", "demo-password-123")
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "Password for every demo account: demo-password-123" in first
    assert main(["demo"]) == 0
    second = capsys.readouterr().out
    assert all(
        line.endswith("unchanged")
        for line in second.splitlines()
        if line.startswith(tuple(m.Plan.objects.values_list("code", flat=True)))
    )
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/login/")  # sign-in throttling (axes) needs the request
    assert authenticate(request, username="admin", password="demo-password-123").is_superuser


def test_database_option_selects_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run("--database", url, "migrate").returncode == 0
    assert run("--database", url, "plan", "load", str(EXAMPLE)).returncode == 0
    listed = run("--database", url, "plan", "list")
    assert "example-2019" in listed.stdout
    assert (tmp_path / "other.sqlite3").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@127.0.0.1/x", "unsupported database URL 'mysql://root@127.0.0.1/x'"),
        ("postgresql://nobody@127.0.0.1:1/x", "check --database or DATABASE_URL and that the server is running"),
    ],
)
def test_database_problems_are_explained(url, expected):
    done = run("--database", url, "plan", "list")
    assert done.returncode != 0
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_missing_tables_say_to_migrate(tmp_path):
    done = run("--database", f"sqlite:///{tmp_path / 'empty.sqlite3'}", "plan", "list")
    assert done.returncode == 2
    assert "run: goldenthread migrate" in done.stderr
