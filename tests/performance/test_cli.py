"""`goldenthread data load`: exit codes, output, and a parser that loads neither Django nor pandas."""

from __future__ import annotations

import subprocess
import sys

import pytest

from goldenthread.cli.main import main
from goldenthread.performance.models import Observation


def test_parser_imports_neither_django_nor_pandas():
    code = (
        "import sys; from goldenthread.cli.main import build_parser; "
        "build_parser().parse_args(['data', 'load', 'x.csv', '--plan', 'p']); "
        "assert 'django' not in sys.modules and 'pandas' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_bad_map_is_refused_before_django_starts(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    code = (
        f"import sys; from goldenthread.cli.main import main; rc = main(['data', 'load', {str(path)!r}, '--plan', 'p', "
        "'--map', 'a=b']); assert 'django' not in sys.modules and 'pandas' not in sys.modules; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("goldenthread data load: --map a=b: 'b' is not a field")


def test_load_exits_0_and_prints_the_summary(plan, write, capsys):
    path = write("ok.csv", "metric,org_unit,period,value,admissions\nCNT,rx1,2016/17 Q4,5,1\n")
    assert main(["data", "load", str(path), "--plan", "perf", "--source", "test"]) == 0
    out, err = capsys.readouterr()
    assert out.strip().startswith(f"{path}: loaded into plan perf (batch ")
    assert out.strip().endswith("1 rows: 1 new, 0 revised, 0 unchanged")
    assert err == f"{path}: note: column(s) not loaded, as they name no field: admissions\n"
    assert main(["data", "load", str(path), "--plan", "perf", "--source", "test"]) == 0
    assert capsys.readouterr().out == (
        f"{path}: unchanged — 1 rows, all identical to the data held for plan perf; nothing written\n"
    )


def test_problems_exit_1_on_stderr_and_nothing_is_written(plan, write, capsys):
    path = write("bad.csv", "org_code,period,value\nrx1,2017-01,0.5\nrx11,2017-01,1.5\n")
    assert main(["data", "load", str(path), "--plan", "perf", "--metric", "PCT", "--map", "org_code=org_unit"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}:3: org_unit: 'rx11' is not an org unit of plan perf (did you mean rx1?); add it to the plan file, or "
        "load with --add-units KIND (e.g. --add-units provider) to create the units missing from the plan",
        f"{path}:3: value: '1.5' is outside 0 to 1; metric PCT is a percentage, held as a fraction (95% is 0.95)",
        f"{path}: 2 problem(s) in 1 row(s); nothing was loaded. Correct the file and load it again.",
    ]
    assert Observation.objects.count() == 0


def test_add_units_and_dry_run(plan, write, capsys):
    path = write("units.csv", "metric,org_unit,period,value\nPCT,RF4,2017-01,0.5\n")
    assert main(["data", "load", str(path), "--plan", "perf", "--add-units", "provider", "--dry-run"]) == 0
    assert "(dry run: nothing written)" in capsys.readouterr().out
    assert Observation.objects.count() == 0
    assert main(["data", "load", str(path), "--plan", "perf", "--add-units", "provider"]) == 0
    assert "1 org unit(s) added" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--map", "type=dept"], 2, "goldenthread data load: --map type=dept: 'dept' is not a field"),
        (
            ["--add-units", "hospital"],
            2,
            "goldenthread data load: --add-units hospital: not a kind of org unit; use one of "
            "organisation, directorate",
        ),
        (["--plan", "nope"], 1, "goldenthread data load: no plan with code 'nope'; see: goldenthread plan list"),
    ],
)
def test_usage_errors(plan, write, capsys, args, status, message):
    path = write("x.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n")
    plan_args = [] if "--plan" in args else ["--plan", "perf"]
    assert main(["data", "load", str(path), *plan_args, *args]) == status
    assert capsys.readouterr().err.startswith(message)


def test_missing_file_exits_1(plan, tmp_path, capsys):
    assert main(["data", "load", str(tmp_path / "none.csv"), "--plan", "perf"]) == 1
    assert capsys.readouterr().err == f"goldenthread data load: {tmp_path / 'none.csv'}: no such file\n"


def test_progress_bar_only_when_asked_or_on_a_terminal(plan, write, capsys):
    path = write("p.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n")
    assert main(["data", "load", str(path), "--plan", "perf"]) == 0
    assert capsys.readouterr().err == ""
    path = write("p2.csv", "metric,org_unit,period,value\nCNT,rx2,2016/17 Q4,5\n")
    assert main(["data", "load", str(path), "--plan", "perf", "--progress"]) == 0
    assert capsys.readouterr().out.startswith(f"{path}: loaded")
