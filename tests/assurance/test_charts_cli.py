"""``goldenthread spc --chart …`` through the real command on real files: the columns, the figures
(the engine's, which tests/assurance/test_charts_*.py check against qicharts2), and bad input."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.assurance import qic_reference as ref
from tests.assurance.test_spc_cli import spc  # the command in a fresh process, on a file of the text

from goldenthread.assurance.charts import chart_many

LIMIT_COLUMNS = (
    "series,period,value,mean,lpl,upl,outside_limits,runs_signal,longest_run,longest_run_max,crossings,crossings_min"
)
RUN_COLUMNS = "series,period,value,median,runs_signal,longest_run,longest_run_max,crossings,crossings_min"

DATA = """month,org,breaches,attendances
2024-01-01,A,12,120
2024-02-01,A,15,130
2024-03-01,A,9,100
2024-04-01,A,30,131
2024-05-01,A,14,125
2024-01-01,B,0,50
2024-02-01,B,3,60
2024-03-01,B,1,40
"""


def rows(done):
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def number(cell):
    return math.nan if cell == "" else float(cell)


@pytest.mark.parametrize("kind", ["p", "pp", "u", "up"])
def test_ratio_charts(tmp_path, kind):
    done = spc(
        tmp_path,
        DATA,
        "--chart",
        kind,
        "--value",
        "breaches",
        "--denominator",
        "attendances",
        "--date",
        "month",
        "--series",
        "org",
    )
    assert done.stdout.splitlines()[0] == LIMIT_COLUMNS
    out = rows(done)
    assert [r["series"] for r in out] == ["A"] * 5 + ["B"] * 3
    counts, sizes = [12, 15, 9, 30, 14], [120, 130, 100, 131, 125]
    centre, lower, upper = ref.proportion_chart(counts, sizes, laney=kind in ("pp", "up"), rate=kind[0] == "u")
    a = out[:5]
    assert [float(r["value"]) for r in a] == [c / n for c, n in zip(counts, sizes, strict=True)]
    np.testing.assert_allclose([number(r["mean"]) for r in a], centre, rtol=1e-15)
    np.testing.assert_allclose([number(r["lpl"]) for r in a], lower, rtol=1e-12)
    np.testing.assert_allclose([number(r["upl"]) for r in a], upper, rtol=1e-12)
    assert {r["outside_limits"] for r in out} <= {"true", "false"} and {r["runs_signal"] for r in out} <= {
        "true",
        "false",
    }


def test_p_chart_flags_and_runs(tmp_path):
    out = rows(
        spc(
            tmp_path,
            DATA,
            *"--chart p --value breaches --denominator attendances --date month --series org".split(),
        )
    )
    assert [r["outside_limits"] for r in out[:5]] == ["false", "false", "false", "true", "false"]
    # A: 0.1, 0.115, 0.09 below 0.137, 0.229 above, 0.112 below: longest run 3, 2 crossings, 5 useful points
    assert (out[0]["longest_run"], out[0]["crossings"], out[0]["longest_run_max"], out[0]["crossings_min"]) == (
        "3",
        "2",
        str(round(math.log2(5)) + 3),
        str(ref.qbinom_05(4)),
    )


@pytest.mark.parametrize("kind", ["c", "g", "t", "run"])
def test_single_value_charts_match_the_engine(tmp_path, kind):
    done = spc(tmp_path, DATA, "--chart", kind, "--value", "attendances", "--date", "month", "--series", "org")
    assert done.stdout.splitlines()[0] == (RUN_COLUMNS if kind == "run" else LIMIT_COLUMNS)
    out = rows(done)
    table = chart_many(
        kind,
        ["A"] * 5 + ["B"] * 3,
        np.array([r["period"] for r in out], dtype="datetime64[D]"),
        [120, 130, 100, 131, 125, 50, 60, 40],
    )
    centre = [number(r["median" if kind == "run" else "mean"]) for r in out]
    assert centre == table.centre.tolist()
    if kind != "run":
        np.testing.assert_array_equal([number(r["upl"]) for r in out], table.upl)
        np.testing.assert_array_equal([number(r["lpl"]) for r in out], table.lpl)
    assert [r["runs_signal"] == "true" for r in out] == table.runs_signal.tolist()


def test_run_chart_on_weekly_deaths(tmp_path):
    text = (Path(__file__).with_name("data") / "ons_weekly_deaths.csv").read_text()
    out = rows(spc(tmp_path, text, "--chart", "run", "--value", "deaths", "--date", "date"))
    deaths = [float(r["value"]) for r in out]
    assert len(out) == 535 and out[0]["series"] == ""
    expected = ref.runs_analysis(deaths, [ref.median(deaths)] * len(deaths))
    first = out[0]
    assert float(first["median"]) == ref.median(deaths)
    assert (first["runs_signal"], int(first["longest_run"]), int(first["crossings"])) == (
        "true" if expected["runs_signal"] else "false",
        expected["longest"],
        expected["crossings"],
    )


def test_json(tmp_path):
    done = spc(tmp_path, DATA, *"--chart c --value breaches --date month --series org --format json".split())
    data = json.loads(done.stdout)
    assert list(data[0]) == LIMIT_COLUMNS.split(",") and data[0]["series"] == "A"


def test_undefined_is_blank(tmp_path):
    text = "month,n\n2024-01-01,5\n2024-02-01,5\n2024-03-01,5\n"
    out = rows(spc(tmp_path, text, *"--chart t --value n --date month".split()))
    assert [(r["lpl"], r["upl"]) for r in out] == [("0.0", "")] * 3  # qic.t: no variation, ucl NA, lcl 0
    assert out[0]["longest_run"] == "" and out[0]["runs_signal"] == "false"
    assert "Limits are undefined" in spc(tmp_path, text, *"--chart t --value n --date month".split()).stderr


def test_bad_rows_are_reported_with_row_and_field(tmp_path):
    text = (
        "month,org,breaches,attendances\n"
        "2024-01-01,A,12,120\n"
        "2024-02-01,A,-1,130\n"
        "\n"
        "2024-03-01,A,9,0\n"
        "2024-04-01,A,300,131\n"
        "2024-05-01,A,3,-2\n"
    )
    done = spc(tmp_path, text, *"--chart p --value breaches --denominator attendances --date month".split())
    assert done.returncode == 1 and done.stdout == ""
    path = tmp_path / "data.csv"
    assert done.stderr.splitlines() == [
        f"{path}:3: breaches: a count cannot be below 0 (value -1, denominator 130)",
        f"{path}:5: attendances: the denominator is 0, so there is no proportion or rate; leave the row out "
        "(value 9, denominator 0)",
        f"{path}:6: breaches: the count is above its denominator in attendances; a proportion is at most 1 "
        "(value 300, denominator 131)",
        f"{path}:7: attendances: a denominator cannot be below 0 (value 3, denominator -2)",
    ]


def test_unreadable_cells_in_both_columns_are_reported_in_row_order(tmp_path):
    text = "month,k,n\n2024-01-01,x,10\n2024-02-01,2,y\n2024-03-01,z,10\n"
    done = spc(tmp_path, text, *"--chart u --value k --denominator n --date month".split())
    assert done.returncode == 1
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in done.stderr.splitlines()] == ["2", "3", "4"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("--chart p --value breaches --date month", "--chart p needs --denominator COL"),
        ("--chart c --value breaches --denominator attendances --date month", "--denominator is for --chart p"),
        ("--chart run --value breaches --date month --target 3", "--target: only for --chart xmr"),
        ("--chart g --value breaches --date month --summary --improvement decrease", "--improvement, --summary"),
        ("--chart t --value breaches --date month --series org", "a t chart needs each time between events above 0"),
    ],
)
def test_misused_options_and_values(tmp_path, args, message):
    done = spc(tmp_path, DATA, *args.split())
    assert done.returncode in (1, 2) and message in done.stderr and done.stdout == ""


def test_starts_without_django_or_pandas(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(DATA)
    code = (
        "import sys; from goldenthread.cli.main import main; "
        f"rc = main(['spc', {str(path)!r}, '--chart', 'pp', '--value', 'breaches', '--denominator', 'attendances', "
        "'--date', 'month', '--series', 'org']);"
        "bad = [m for m in ('django', 'pandas') if m in sys.modules]; assert not bad, bad; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_rebase_and_fix_after_apply_to_every_chart(tmp_path):
    text = "month,n\n" + "".join(f"2024-{m:02d}-01,{v}\n" for m, v in enumerate([3, 4, 2, 5, 12, 11, 13, 12], 1))
    out = rows(spc(tmp_path, text, *"--chart c --value n --date month --rebase 2024-05-01".split()))
    assert [float(r["mean"]) for r in out] == [3.5] * 4 + [12.0] * 4
    out = rows(spc(tmp_path, text, *"--chart run --value n --date month --fix-after 4".split()))
    assert [float(r["median"]) for r in out] == [3.5] * 8  # the median of the first four points
    # - + - + + + + +: the last five above; 5 ≤ round(log2 8) + 3 = 6 and 3 crossings ≥ 1: no signal
    assert (out[0]["runs_signal"], out[0]["longest_run"], out[0]["crossings"]) == ("false", "5", "3")
