"""Where a first load's time goes, as CPU per row: the loader's own process (reading, checking,
writing) and the database server's processes (the backend the load talks to, and the whole
cluster: WAL writer, checkpointer, autovacuum), measured separately, so the figures hold on a
busy machine where wall-clock times do not.

    .venv/bin/python bench/load_profile.py FOLDER                 # FOLDER: bench/scale_data.py's files
    .venv/bin/python bench/load_profile.py FOLDER --size 1000x40x60   # written there first
    .venv/bin/python bench/load_profile.py FOLDER --together      # as ``data load`` runs (overlapped)
    .venv/bin/python bench/load_profile.py FOLDER --together --writers 1   # one file written at a time

DATABASE_URL names the server (a PostgreSQL one, or SQLite); a database of its own is made
afresh on it (``load_profile``; a SQLite file in FOLDER), migrated, and the plan loaded. Then
each data file is loaded by the product's own steps, one after another: read, check (the
loader's ``check_table``), write (``write_checked``: compare, COPY or INSERT, commit). For each
step it prints the client's CPU (this process, every thread) and the server's CPU in
microseconds per row, and the wall-clock seconds. ``--together`` instead runs ``load_files``
over all the files (the next file read and checked while one is written) and prints the same
totals. CPU of the server is read from /proc/<pid>/stat, so the server must run on this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import parse_size, write  # noqa: E402

PLAN = "scale"
_TICK = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int, children: bool = False) -> int:
    """CPU ticks (user + system) of process ``pid`` (and its reaped children), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # fields after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def _children(parent: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == parent:
                out.append(int(entry.name))
    return out


@dataclass
class Server:
    """The PostgreSQL processes a load's CPU is read from: its backend and its postmaster."""

    backend: int
    postmaster: int

    def cpu(self) -> tuple[float, float]:
        """(the backend's, the whole cluster's) CPU seconds so far."""
        cluster = _ticks(self.postmaster, children=True) + sum(_ticks(p) for p in _children(self.postmaster))
        return _ticks(self.backend) / _TICK, cluster / _TICK


class Meter:
    """CPU of this process and of the server, and wall-clock, between two points."""

    def __init__(self, server: Server | None) -> None:
        self.server = server
        self.start = self._now()

    def _now(self) -> tuple[float, float, float, float]:
        backend, cluster = self.server.cpu() if self.server else (0.0, 0.0)
        return time.perf_counter(), time.process_time(), backend, cluster

    def lap(self) -> tuple[float, float, float, float]:
        """(wall, client, backend, cluster) seconds since the last lap."""
        now = self._now()
        out = tuple(b - a for a, b in zip(self.start, now, strict=True))
        self.start = now
        return out  # type: ignore[return-value]


def _server() -> Server | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    return Server(backend, int(stat[1]))


def _database(folder: Path) -> str:
    """A fresh database for the profile on DATABASE_URL's server (or a SQLite file in ``folder``)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        path = folder / "load_profile.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS load_profile")
        conn.execute("CREATE DATABASE load_profile")
    return base.rsplit("/", 1)[0] + "/load_profile"


def _setup(folder: Path) -> None:
    os.environ["DATABASE_URL"] = _database(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    os.environ.setdefault("GOLDENTHREAD_VAR", tempfile.mkdtemp(prefix="gt-load-profile-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from goldenthread.planfile.workbook_read import validate_plan_file
    from goldenthread.plans.store import load_plans

    result = validate_plan_file(str(folder / "plan.yaml"))
    assert result.ok and result.plan is not None, result.problems[:3]
    load_plans([result.plan], note="Loaded from plan.yaml")


def _line(step: str, rows: int, lap: tuple[float, float, float, float], server: bool, backend: bool = True) -> str:
    """A step's wall-clock seconds and CPU per row: the client's, and the server's (the load's
    backend, when it has one backend, and the whole cluster)."""
    wall, client, own, cluster = lap
    per = 1e6 / max(rows, 1)
    text = f"  {step:<22} {wall:7.2f} s wall  client {client * per:5.2f} µs/row"
    if server:
        text += f"  server backend {own * per:5.2f}" if backend else "  server"
        text += f"  cluster {cluster * per:5.2f} µs/row"
    return text


def by_step(files: list[Path]) -> None:
    """Each file read, checked and written in turn, each step measured."""
    from goldenthread.performance.loading.checking import plan_codes
    from goldenthread.performance.loading.load import check_table, options_for, write_checked
    from goldenthread.performance.loading.reading import read_table
    from goldenthread.plans.models import Plan

    plan = Plan.objects.get(code=PLAN)
    how = options_for({})
    server = _server()
    codes = plan_codes(plan)
    totals: dict[str, list[float]] = {}
    rows_in_all = 0
    for path in files:
        meter = Meter(server)
        table = read_table(str(path))
        laps = {"read": meter.lap()}
        checked = check_table(table, codes, how)
        laps["check"] = meter.lap()
        report = write_checked(checked, plan, how)
        laps["write"] = meter.lap()
        assert report.ok, report.problem_lines()[:5]
        rows = report.rows_read
        rows_in_all += rows
        print(f"{path.name}: {rows:,} rows")
        for step, lap in laps.items():
            print(_line(step, rows, lap, server is not None))
            totals[step] = [a + b for a, b in zip(totals.get(step, [0.0] * 4), lap, strict=True)]
    print(f"all files: {rows_in_all:,} rows")
    for step, lap in totals.items():
        print(_line(step, rows_in_all, tuple(lap), server is not None))  # type: ignore[arg-type]
    whole = [sum(lap[i] for lap in totals.values()) for i in range(4)]
    print(_line("read + check + write", rows_in_all, tuple(whole), server is not None))  # type: ignore[arg-type]


def together(files: list[Path]) -> None:
    """All the files through ``load_files``, as ``data load`` runs them."""
    from goldenthread.performance.loading.files import load_files
    from goldenthread.plans.models import Plan

    plan = Plan.objects.get(code=PLAN)
    server = _server()
    meter = Meter(server)
    rows = 0
    for outcome in load_files(files, plan):
        assert outcome.report is not None and outcome.report.ok, outcome.error
        rows += outcome.report.rows_read
    lap = meter.lap()
    print(f"load_files, {len(files)} files: {rows:,} rows, {rows / lap[0]:,.0f} rows/s of wall-clock")
    print(_line("all", rows, lap, server is not None, backend=False))  # (writers have backends of their own)
    if server is not None:
        print(f"  the cluster's CPU and the client's together: {(lap[1] + lap[3]) * 1e6 / rows:.2f} µs/row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="plan.yaml and data-*.csv (bench/scale_data.py)")
    parser.add_argument("--size", type=parse_size, help="write the files first, UNITSxMETRICSxMONTHS")
    parser.add_argument("--together", action="store_true", help="load_files over all files, overlapped")
    parser.add_argument("--writers", type=int, help="with --together: files written at once (PostgreSQL)")
    args = parser.parse_args()
    if args.size:
        write(args.folder, args.size, PLAN)
    files = sorted(args.folder.glob("data-*.csv"))
    if not files:
        parser.error(f"no data-*.csv in {args.folder}")
    _setup(args.folder)
    if args.writers:
        from goldenthread.performance.loading import files as loading_files

        loading_files.WRITERS = args.writers
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    (together if args.together else by_step)(files)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
