"""Several files in one `data load`: each its own load, all or nothing; the next checked while one is written."""

from __future__ import annotations

import threading

import pytest

from goldenthread.cli.main import main
from goldenthread.performance.loading import load_file
from goldenthread.performance.loading.files import load_files
from goldenthread.performance.models import LoadBatch, Observation

HEADER = "metric,org_unit,period,value\n"


def _counts(outcome) -> tuple[int, int, int]:
    r = outcome.report
    return r.created, r.revised, r.unchanged


def test_each_file_is_its_own_load_and_sees_the_ones_before(plan, write):
    first = write("a.csv", HEADER + "CNT,rx1,2016/17 Q4,5\nCNT,rx2,2016/17 Q4,6\n")
    # revises a key the first file writes: compared after the first is written, so a revision
    second = write("b.csv", HEADER + "CNT,rx1,2016/17 Q4,7\nPCT,rx1,2017-01,0.5\n")
    outcomes = list(load_files([first, second], plan, source="test"))
    assert [o.path for o in outcomes] == [str(first), str(second)]
    assert [_counts(o) for o in outcomes] == [(2, 0, 0), (1, 1, 0)]
    assert LoadBatch.objects.count() == 2
    held = Observation.objects.filter(metric__code="CNT", org_unit__code="rx1")
    assert sorted((o.value, o.superseded_at is None) for o in held) == [(5, False), (7, True)]


def test_loading_them_again_one_by_one_changes_nothing(plan, write):
    files = [write(f"{k}.csv", HEADER + f"CNT,rx{k % 2 + 1},2016/17 Q{k + 1},{k}\n") for k in range(3)]
    together = [str(o.report) for o in load_files(files, plan)]
    assert all(s.endswith("1 rows: 1 new, 0 revised, 0 unchanged") for s in together)
    again = [str(load_file(f, plan)) for f in files]
    assert all(s.endswith("1 rows, all identical to the data held for plan perf; nothing written") for s in again)
    assert Observation.objects.count() == 3


def test_a_file_with_problems_leaves_the_others_to_load(plan, write):
    good = write("good.csv", HEADER + "CNT,rx1,2016/17 Q4,5\n")
    bad = write("bad.csv", HEADER + "CNT,nowhere,2016/17 Q4,5\nPCT,rx1,2017-01,1.5\n")
    last = write("last.csv", HEADER + "CNT,rx2,2016/17 Q4,6\n")
    outcomes = list(load_files([good, bad, last], plan))
    assert [o.report.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].report.problem_count == 2 and outcomes[1].report.batch is None
    assert [p.row for p in outcomes[1].report.problems] == [2, 3]
    assert Observation.objects.count() == 2


def test_a_file_that_cannot_be_read_is_said_and_the_others_load(plan, write, tmp_path):
    good = write("good.csv", HEADER + "CNT,rx1,2016/17 Q4,5\n")
    outcomes = list(load_files([tmp_path / "gone.csv", good], plan))
    assert outcomes[0].report is None and isinstance(outcomes[0].error, FileNotFoundError)
    assert outcomes[1].report.ok and Observation.objects.count() == 1


def test_the_next_file_is_checked_in_a_thread_while_one_is_written(plan, write, monkeypatch):
    """The overlap itself: the files after the first are checked on another thread than the
    writing (the second beside the first's checking)."""
    from goldenthread.performance.loading import files as module

    seen: dict[str, str] = {}
    real = module.check_table

    def watched(table, codes, how, progress):
        seen[table.name.rsplit("/", 1)[-1]] = threading.current_thread().name
        return real(table, codes, how, progress)

    monkeypatch.setattr(module, "check_table", watched)
    paths = [write(f"{k}.csv", HEADER + f"CNT,rx1,2016/17 Q{k + 1},{k}\n") for k in range(3)]
    assert all(o.report.ok for o in load_files(paths, plan))
    assert seen.pop("0.csv") == threading.current_thread().name
    assert sorted(seen) == ["1.csv", "2.csv"] and all(n.startswith("goldenthread-check") for n in seen.values())


def test_add_units_checks_in_turn_so_a_unit_added_by_one_file_is_known_to_the_next(plan, write):
    first = write("a.csv", HEADER + "CNT,RF4,2016/17 Q4,5\n")
    second = write("b.csv", HEADER + "CNT,RF4,2016/17 Q3,6\nCNT,RJ1,2016/17 Q3,6\n")
    outcomes = list(load_files([first, second], plan, add_units="provider"))
    assert [o.report.units_added for o in outcomes] == [["RF4"], ["RJ1"]]
    assert Observation.objects.filter(org_unit__code="RF4").count() == 2


def test_the_command_loads_several_files_and_exits_1_if_any_had_problems(plan, write, capsys):
    good = write("good.csv", HEADER + "CNT,rx1,2016/17 Q4,5\n")
    bad = write("bad.csv", HEADER + "CNT,rx1,2016/17 Q9,5\n")
    assert main(["data", "load", str(good), str(bad), "--plan", "perf"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{good}: loaded into plan perf (batch ")
    assert err.splitlines()[0].startswith(f"{bad}:2: period: ")
    assert (
        err.splitlines()[-1]
        == f"{bad}: 1 problem(s) in 1 row(s); nothing was loaded. Correct the file and load it again."
    )
    assert main(["data", "load", str(good), "--plan", "perf"]) == 0


def test_the_command_refuses_before_loading_anything_when_a_file_is_missing(plan, write, tmp_path, capsys):
    good = write("good.csv", HEADER + "CNT,rx1,2016/17 Q4,5\n")
    assert main(["data", "load", str(good), str(tmp_path / "none.csv"), "--plan", "perf"]) == 1
    assert capsys.readouterr().err == f"goldenthread data load: {tmp_path / 'none.csv'}: no such file\n"
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("files", [1, 2])
def test_progress_names_the_file_only_when_there_are_several(plan, write, files):
    stages: list[str] = []
    paths = [write(f"{k}.csv", HEADER + f"CNT,rx1,2016/17 Q{k + 1},{k}\n") for k in range(files)]
    list(load_files(paths, plan, progress=lambda stage, done, total: stages.append(stage)))
    assert ("Writing" in stages) == (files == 1)
    assert ("0.csv: Writing" in stages) == (files == 2)
