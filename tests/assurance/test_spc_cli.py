"""`goldenthread spc` on CSV files: NHSRplotthedots spellings, every bad row reported."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys


def spc(tmp_path, text: str, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "goldenthread.cli.main", "spc", str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def series_csv(values, name="A", start_month=1) -> str:
    rows = [
        f"{2020 + (start_month + i - 1) // 12}-{(start_month + i - 1) % 12 + 1:02d}-01,{name},{v}"
        for i, v in enumerate(values)
    ]
    return "\n".join(rows) + "\n"


def test_points_with_reference_spellings(tmp_path):
    values = [10, 12, 11, 13, 9, 11, 10, 12, 11, 10, 12, 11, 13, 10, 30]
    done = spc(
        tmp_path, "month,trust,rate\n" + series_csv(values), "--value", "rate", "--date", "month", "--series", "trust"
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["series", "period", "value", "mean", "lpl", "upl", "special_cause_type", "point_type"]
    assert rows[-1]["special_cause_type"] == "Above UCL" and rows[-1]["point_type"] == "special_cause_improvement"
    # the spike lifts the mean, so runs of points before it sit below the centre line
    assert {r["special_cause_type"] for r in rows[:-1]} == {"Common Cause", "7 Points Below CL"}
    assert {r["point_type"] for r in rows[:-1]} == {"common_cause", "special_cause_concern"}


def test_summary_and_decrease(tmp_path):
    values = [5, 5.2, 4.9, 5.1, 5, 4.8, 5.2, 5.1, 4.9, 5, 5.1, 5.0, 5.2, 9]
    text = "month,trust,rate\n" + series_csv(values, "A") + series_csv(values[:-1] + [5.05], "B")
    done = spc(
        tmp_path,
        text,
        "--value",
        "rate",
        "--date",
        "month",
        "--series",
        "trust",
        "--summary",
        "--improvement",
        "decrease",
        "--target",
        "7",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"series": "A", "variation": "concern_high", "assurance": "consistent_pass"},
        {"series": "B", "variation": "common_cause", "assurance": "consistent_pass"},
    ]


def test_every_bad_row_is_reported(tmp_path):
    text = "month,rate\n2020-01-01,1\n2020-13-01,2\n2020-03-01,lots\n2020-01-01,3\n"
    done = spc(tmp_path, text, "--value", "rate", "--date", "month")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{tmp_path / 'data.csv'}:3: month: '2020-13-01' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)",
        f"{tmp_path / 'data.csv'}:4: rate: 'lots' is not a number; leave it blank for a gap",
        f"{tmp_path / 'data.csv'}:5: month: 2020-01-01 is already on row 2; each series has one value per date",
    ]


def test_missing_column_names_the_columns(tmp_path):
    done = spc(tmp_path, "when,rate\n2020-01-01,1\n", "--value", "rate", "--date", "month")
    assert done.returncode == 1
    assert "no column named 'month'; the columns are: when, rate" in done.stderr


def test_short_series_warns_and_gaps_do_not_crash(tmp_path):
    done = spc(tmp_path, "month,rate\n2020-01-01,1\n2020-02-01,\n2020-03-01,3\n", "--value", "rate", "--date", "month")
    assert done.returncode == 0
    assert "warning:" in done.stderr


def test_starts_without_django_or_pandas(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("month,rate\n" + "\n".join(f"2020-{m:02d}-01,{m}" for m in range(1, 13)) + "\n")
    code = (
        "import sys; from goldenthread.cli.main import main; "
        f"rc = main(['spc', {str(path)!r}, '--value', 'rate', '--date', 'month']);"
        "bad = [m for m in ('django', 'pandas') if m in sys.modules]; assert not bad, bad; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
