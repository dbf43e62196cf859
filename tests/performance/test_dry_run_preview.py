"""A dry run says what a load would write, by metric and org unit, on the command line as on the
upload page: rows, periods by name, new, revised and unchanged."""

from __future__ import annotations

from goldenthread.cli.main import main
from goldenthread.performance.models import Observation


def test_the_command_lines_dry_run_lists_what_would_be_loaded(plan, write, load, capsys):
    assert load("metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,5\n").ok
    path = write(
        "more.csv",
        "metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,6\nCNT,rx1,2016/17 Q2,7\nPCT,RF4,2017-01,0.5\n",
    )
    assert main(["data", "load", str(path), "--plan", "perf", "--add-units", "provider", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "  PCT RF4 (new org unit): 1 row(s), Jan 2017 — 1 new, 0 revised, 0 unchanged",
        "  CNT rx1: 2 row(s), 2016/17 Q1 to 2016/17 Q2 — 1 new, 1 revised, 0 unchanged",
    ]
    assert Observation.objects.count() == 1


def test_a_load_that_is_not_a_dry_run_lists_no_preview(plan, write, capsys):
    path = write("d.csv", "metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,5\n")
    assert main(["data", "load", str(path), "--plan", "perf"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
