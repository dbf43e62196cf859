"""Issue 15 finding 1: years 0 and 10000 in a data file, on the upload page and in the commands
that take a period — each a message with its location, never a ValueError, nothing written."""

from __future__ import annotations

import io

import pytest

from goldenthread.cli.main import main
from goldenthread.performance.models import LoadBatch, Observation

pytestmark = pytest.mark.usefixtures("own_var_folder")

BAD = ["0000-01", "9999/00", "0000/01 Q1", "Q4 9999/00", "01/01/0000", "0000"]
CSV = "metric,org_unit,period,value\n" + "".join(f"CNT,rx1,{p},5\n" for p in BAD)


def test_a_data_file_with_years_out_of_range_is_refused_row_by_row(load):
    """Issue 15 finding 1: the loader raised ValueError ("year 0 is out of range")."""
    report = load(CSV)
    assert not report.ok
    lines = report.problem_lines()
    for row, period in enumerate(BAD, start=2):
        assert any(f":{row}: period: " in line and "out of range" in line for line in lines), (period, lines)
    assert Observation.objects.count() == 0


def test_the_upload_page_refuses_them_with_the_rows(client, loader):
    """Issue 15 finding 1: the upload page answered 500."""
    data = io.BytesIO(CSV.encode())
    data.name = "data.csv"
    response = client.post("/data/upload/", {"plan": "perf", "file": data})
    page = response.content.decode()
    assert response.status_code == 400 and "the year 0 is out of range" in page
    assert (Observation.objects.count(), LoadBatch.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "command",
    [
        ["assess", "perf", "--as-at", "0000"],
        ["assess", "perf", "--period", "9999/00"],
        ["report", "board", "perf", "--period", "0000-01", "--format", "html", "-o", "{tmp}/pack.html"],
        ["remind", "--period", "Q4 9999/00", "--dry-run"],
    ],
)
def test_commands_refuse_them(command, plan, tmp_path, capsys):
    """Issue 15 finding 1: assess --as-at, report --period and remind --period crashed."""
    status = main([part.replace("{tmp}", str(tmp_path)) for part in command])
    err = capsys.readouterr().err
    assert status != 0 and "out of range; years from 1900 to 2199 are accepted" in err, err
    assert "Traceback" not in err
