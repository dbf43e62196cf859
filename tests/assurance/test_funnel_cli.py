"""`goldenthread funnel` on CSV files: the real A&E data, periods, and every bad row reported."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from goldenthread.assurance.funnel import funnel

AE = Path(__file__).resolve().parents[2] / "data" / "ae_attendances.csv"  # NHS England's, see data/README.md
COLUMNS = (
    "unit,period,numerator,denominator,value,target,lower95,upper95,lower998,upper998,"
    "outside_95,outside_998,z,z_adjusted,phi,tau2,adjusted"
).split(",")


def run(path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goldenthread.cli.main", "funnel", str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def parsed(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_ae_providers_in_2016_17_q4():
    # the three months of 2016/17 Q4 added up per provider (every department type), as a quarter's figure is
    sums: dict[str, list[int]] = {}
    with AE.open(newline="") as handle:
        for r in csv.DictReader(handle):
            if "2017-01-01" <= r["period"] <= "2017-03-31":
                s = sums.setdefault(r["org_code"], [0, 0])
                s[0] += int(r["breaches"])
                s[1] += int(r["attendances"])
    common = ("--value", "breaches", "--denominator", "attendances", "--unit", "org_code", "--period", "period")
    rows = parsed(run(AE, *common, "--at", "2016/17 Q4"))
    assert list(rows[0]) == COLUMNS
    assert [r["unit"] for r in rows] == list(sums) and len(rows) == 233
    assert {r["period"] for r in rows} == {"2016/17 Q4"}
    target = sum(s[0] for s in sums.values()) / sum(s[1] for s in sums.values())
    assert float(rows[0]["target"]) == pytest.approx(target, rel=1e-15)
    expected = funnel([s[0] for s in sums.values()], [s[1] for s in sums.values()])
    assert expected.adjusted and expected.phi > 100  # A&E four-hour performance varies far beyond chance
    assert float(rows[0]["phi"]) == pytest.approx(expected.phi, rel=1e-12)
    assert float(rows[0]["tau2"]) == pytest.approx(expected.tau2, rel=1e-12)
    for i, r in enumerate(rows):
        assert int(float(r["numerator"])) == sums[r["unit"]][0] and int(float(r["denominator"])) == sums[r["unit"]][1]
        assert float(r["upper998"]) == pytest.approx(expected.upper998[i], rel=1e-12)
        assert r["outside_95"] == ("true" if expected.outside95[i] else "false")
        assert r["adjusted"] == "true"
    # the default is the latest period in the file: March 2019's month
    latest = parsed(run(AE, *common))
    assert {r["period"] for r in latest} == {"2019-03-01"}


def test_rows_added_up_and_latest_period_by_default(tmp_path):
    text = "when,trust,n,d\n2020-01-01,A,1,10\n2020-02-01,A,2,10\n2020-02-01,A,3,10\n2020-02-01,B,4,40\n"
    rows = parsed(
        run(write(tmp_path, text), "--value", "n", "--denominator", "d", "--unit", "trust", "--period", "when")
    )
    assert [(r["unit"], r["period"], r["numerator"], r["denominator"]) for r in rows] == [
        ("A", "2020-02-01", "5.0", "20.0"),
        ("B", "2020-02-01", "4.0", "40.0"),
    ]
    assert float(rows[0]["target"]) == pytest.approx(9 / 60)


def test_every_period_and_json(tmp_path):
    text = "when,trust,n,d\nQ1,A,1,10\nQ1,B,2,10\nQ2,A,3,10\n"
    args = ("--value", "n", "--denominator", "d", "--unit", "trust", "--period", "when", "--every-period")
    done = run(write(tmp_path, text), *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [(d["unit"], d["period"]) for d in data] == [("A", "Q1"), ("B", "Q1"), ("A", "Q2")]
    assert data[2]["target"] == 0.3 and data[2]["z"] == 0 and data[2]["adjusted"] is False
    assert all(math.isfinite(d["lower95"]) for d in data)


def test_no_period_column_is_one_funnel(tmp_path):
    rows = parsed(run(write(tmp_path, "u,n,d\nA,0,5\nB,5,5\n"), "--value", "n", "--denominator", "d", "--unit", "u"))
    assert [r["period"] for r in rows] == ["", ""] and float(rows[0]["target"]) == 0.5


def test_every_bad_row_is_reported_and_nothing_written(tmp_path):
    text = "u,n,d\nA,12,10\nB,lots,10\n,1,10\nC,1,\nD,-1,10\nE,1\n"
    path = write(tmp_path, text)
    done = run(path, "--value", "n", "--denominator", "d", "--unit", "u")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{path}:2: n: 12 is above d (10); a proportion's count is part of its total — check the columns, "
        "or use --kind rate for a count over an exposure",
        f"{path}:3: n: 'lots' is not a number",
        f"{path}:4: u: the unit is blank; name the unit each row belongs to",
        f"{path}:5: d: blank; give both the count and the size, or leave both blank for a gap",
        f"{path}:6: n: -1 is below 0; a count or size cannot be negative",
        f"{path}:7: the row has 2 cells; the header has more — check for a missing comma",
    ]


def test_a_rate_may_exceed_its_exposure(tmp_path):
    path = write(tmp_path, "u,n,d\nA,12,10\nB,3,10\n")
    rows = parsed(run(path, "--value", "n", "--denominator", "d", "--unit", "u", "--kind", "rate"))
    assert float(rows[0]["value"]) == 1.2


def test_a_unit_of_size_0_is_left_out_with_a_warning(tmp_path):
    done = run(write(tmp_path, "u,n,d\nA,0,0\nB,1,10\nC,2,10\n"), "--value", "n", "--denominator", "d", "--unit", "u")
    assert [r["unit"] for r in parsed(done)] == ["B", "C"]
    assert "warning: unit 'A' left out: its denominator adds up to 0" in done.stderr


def test_missing_column_and_unknown_period(tmp_path):
    path = write(tmp_path, "when,u,n,d\n2020-01-01,A,1,10\n")
    done = run(path, "--value", "n", "--denominator", "size", "--unit", "u")
    assert done.returncode == 1 and "no column named 'size'; the columns are: when, u, n, d" in done.stderr
    done = run(path, "--value", "n", "--denominator", "d", "--unit", "u", "--period", "when", "--at", "2016/17 Q4")
    assert done.returncode == 1
    assert "--at 2016/17 Q4: no rows dated within it; the file runs 2020-01-01 to 2020-01-01" in done.stderr
    done = run(path, "--value", "n", "--denominator", "d", "--unit", "u", "--at", "2020-01-01")
    assert done.returncode == 2 and "--at and --every-period need --period COL" in done.stderr


def test_starts_without_django_or_pandas(tmp_path):
    path = write(tmp_path, "u,n,d\nA,1,10\nB,2,10\n")
    code = (
        "import sys; from goldenthread.cli.main import main; "
        f"rc = main(['funnel', {str(path)!r}, '--value', 'n', '--denominator', 'd', '--unit', 'u']);"
        "bad = [m for m in ('django', 'pandas') if m in sys.modules]; assert not bad, bad; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
