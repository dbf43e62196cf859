"""Issue 15's sweep, kept: the bad and hostile inputs it tried, put through every way in — plan
files, data files, the commands' period options, the upload page and the pages' parameters.

Each must be refused (or, for a page, answered 400 or shown) with a message — never an
exception, a traceback or a 500 — and must leave the database exactly as it was. The areas' own
tests check each message's wording and location; this one checks the promise across all of them,
on whichever database DATABASE_URL names (``make test`` runs both).
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from goldenthread.cli.main import main

from ..conftest import EXAMPLE

pytestmark = pytest.mark.django_db(transaction=True)

#: periods the issue found crashing, and their neighbours
BAD_PERIODS = [
    "0000",
    "0000-01",
    "9999/00",
    "0000/01 Q1",
    "Q4 9999/00",
    "10000",
    "2019/20 Q5",
    "2019-13",
    "2019-02-30",
    "-1",
    "9" * 40,
    "２０１９/２０",
    "<script>alert(1)</script>",
    "2019/20\x00",
    "'; DROP TABLE plans_plan; --",
]

#: (what the file's text has in place of a correct value) for plan files
PLAN_MUTATIONS = {
    "year 0 in a due date": ("due: 2019/20 Q2", "due: 0000/01 Q1"),
    "year 10000 in the plan's start": ("start: 2019/20", "start: 9999/00"),
    "impossible due date": ("due: 2019/20 Q2", "due: 2019-02-30"),
    "due quarter 5": ("due: 2019/20 Q2", "due: 2019/20 Q5"),
    "budget 1e30": ("amount: 8100000", "amount: 1e30"),
    "budget 1e309": ("amount: 8100000", "amount: 1e309"),
    "budget £1e300bn": ("amount: 8100000", "amount: '£1e300bn'"),
    "budget of 25 digits": ("amount: 8100000", "amount: 1234567890123456789012345"),
    "target 1e400": ("value: 0.08", "value: 1e400"),
    "plan code with a slash": ("code: example-2019", "code: example/2019"),
    "NUL in a title": ("title: Example joint business plan 2019/20", 'title: "Exa\\0mple"'),
    "right-to-left override in a title": ("title: Example joint business plan 2019/20", 'title: "Exa\\u202Emple"'),
    "source document date of 101 characters": ("date: 27 June 2019", "date: " + "9" * 101),
    "scalar alias": ("description: A small plan", "description: &d A small plan"),
    "owner name of 301 characters": ("code: nmd", "code: nmd\n    name: " + "n" * 301),
}

#: data files: (file name, bytes)
DATA_FILES = {
    **{
        f"period {p!r}": ("bad.csv", f"metric,org_unit,period,value\nAMR-PRESC,medical,{p},1\n".encode())
        for p in BAD_PERIODS[:6]
    },
    "carriage-return line endings": ("cr.csv", b"metric,org_unit,period,value\rAMR-PRESC,medical,0000/01 Q1,1\r"),
    "NUL in a cell": ("nul.csv", b"metric,org_unit,period,value\nAMR-PRESC,medical,2019/20 Q1,1\x00\n"),
    "value 1e30": ("big.csv", b"metric,org_unit,period,value\nAMR-PRESC,medical,2019/20 Q1,1e30\n"),
    "unterminated quote": ("q.csv", b'metric,org_unit,period,value\nAMR-PRESC,"medical,2019/20 Q1,1\n'),
    "damaged workbook": ("bad.xlsx", b"PK\x03\x04" + b"\x00" * 200),
}


def database() -> dict[str, list[str]]:
    """Every row of every goldenthread table."""
    return {
        model._meta.label: sorted(map(repr, model.objects.order_by("pk").values()))
        for model in apps.get_models()
        if model.__module__.startswith("goldenthread.")
    }


@pytest.fixture
def loaded(tmp_path):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    return database()


def refused(args: list[str], capsys) -> str:
    """Run the command: it must end with a failing exit status, not an exception or traceback."""
    status = main(args)
    captured = capsys.readouterr()
    assert status not in (0, None), f"{args} was accepted:\n{captured.out}"
    assert "Traceback" not in captured.err + captured.out
    return captured.err


@pytest.mark.parametrize("case", PLAN_MUTATIONS)
def test_bad_plan_files_are_refused_with_their_line(case, tmp_path, loaded, capsys):
    old, new = PLAN_MUTATIONS[case]
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, f"the example no longer has {old!r}"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in ("validate", "load"):
        message = refused(["plan", command, str(bad)], capsys)
        assert f"{bad}:" in message, message
    assert database() == loaded


@pytest.mark.parametrize("case", DATA_FILES)
def test_bad_data_files_are_refused_with_their_row(case, tmp_path, loaded, capsys):
    name, content = DATA_FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    message = refused(["data", "load", str(path), "--plan", "example-2019"], capsys)
    assert str(path) in message, message
    assert database() == loaded


@pytest.mark.parametrize("period", BAD_PERIODS)
def test_bad_periods_on_the_command_line(period, tmp_path, loaded, capsys):
    for args in (
        ["assess", "example-2019", "--as-at", period],
        ["assess", "example-2019", "--period", period],
        ["report", "board", "example-2019", "--period", period, "--format", "html", "-o", str(tmp_path / "b.html")],
        ["remind", "--period", period, "--dry-run"],
    ):
        refused(args, capsys)
    assert database() == loaded


@pytest.fixture
def admin(client, loaded):
    user = get_user_model().objects.create_superuser("sweep-admin", password="a-long-password-1")
    client.force_login(user)
    return client


#: pages and the parameter each takes a period (or any text) in
PAGES = [
    ("/plans/example-2019/", "as_at"),
    ("/plans/example-2019/deliverables/", "as_at"),
    ("/plans/example-2019/scorecard/", "as_at"),
    ("/plans/example-2019/exceptions/", "as_at"),
    ("/plans/example-2019/metrics/AMR-PRESC/", "as_at"),
    ("/plans/example-2019/metrics/AMR-PRESC/", "where"),
    ("/plans/example-2019/reports/board.html", "period"),
    ("/search/", "q"),
]


@pytest.mark.parametrize("period", BAD_PERIODS)
def test_bad_page_parameters_are_a_400_not_a_500(period, admin):
    before = database()
    for page, parameter in PAGES:
        response = admin.get(page, {parameter: period})
        assert response.status_code in (200, 400), (page, parameter, period, response.status_code)
        if response.status_code == 400:  # says what is wrong and what to write instead
            assert b"write" in response.content.lower() or b"There is a problem" in response.content, page
    assert database() == before


@pytest.mark.parametrize("case", DATA_FILES)
def test_bad_uploads_are_refused_on_the_page(case, admin):
    name, content = DATA_FILES[case]
    before = database()
    upload = io.BytesIO(content)
    upload.name = name
    response = admin.post("/data/upload/", {"plan": "example-2019", "file": upload})
    assert response.status_code == 400, (case, response.status_code)
    assert database() == before
