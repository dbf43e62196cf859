"""Load and soak: Locust's users (bench/locustfile.py) against gunicorn on PostgreSQL with the demo —
and, with ``--scale``, the national-scale plan and its data beside it — for ``--minutes``, with the
server's memory sampled every 10 seconds.

Sets up a throwaway database as ``bench/web.py`` does (``goldenthread migrate`` and ``demo``; with
``--scale UNITSxMETRICSxMONTHS`` also ``bench/scale_data.py``'s plan and data, loaded with the
product's own commands), creates a read-write API token for the demo planner (``goldenthread token
create``), serves the site with gunicorn on 127.0.0.1 and runs Locust headless with ``--users``
users. Every 10 seconds it adds up the resident memory (RSS) of the gunicorn master and its
workers. At the end it prints, for each endpoint, the requests, failures and the 50th, 95th and
99th percentile response times, the total of errors, and the memory at the end of the warm-up
(``--warm-up`` minutes; default a fifth of the run) against the memory at the end, as growth.
The server is stopped and the files removed at the end; the exit status is 1 when any request
failed.

    scripts/with-postgres.sh .venv/bin/python bench/soak.py --minutes 10 --users 50
    scripts/with-postgres.sh .venv/bin/python bench/soak.py --minutes 10 --users 50 --scale 1000x40x60
    scripts/with-postgres.sh .venv/bin/python bench/soak.py --minutes 1 --users 10      # a try

Memory is the operating system's figure for the server's processes (``/proc/PID/status``,
VmRSS), not Python's; times are Locust's, measured by the client on the same machine (read them
as the machine's load allows).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

import scale_data  # noqa: E402  (bench/scale_data.py, beside this file)
import web  # noqa: E402  (bench/web.py: the demo's set-up, gunicorn)

SAMPLE_EVERY = 10.0  # seconds between memory samples
USERNAME = "planner"  # the demo planner: reads every page, loads data into every plan


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def server_rss_mib(master: int) -> tuple[float, int]:
    """The resident memory of the gunicorn master and its workers, in MiB, and how many workers."""
    workers = _children(master)
    return (_rss_kib(master) + sum(_rss_kib(w) for w in workers)) / 1024, len(workers)


@dataclass
class Memory:
    """Samples of the server's memory: (seconds since the load started, MiB, workers)."""

    master: int
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.is_set():
            mib, workers = server_rss_mib(self.master)
            self.samples.append((time.monotonic() - started, mib, workers))
            self.stop.wait(SAMPLE_EVERY)

    def growth(self, warm_up: float) -> tuple[float, float, float] | None:
        """(MiB at the end of the warm-up, MiB at the end, growth in per cent); None without samples."""
        after = [s for s in self.samples if s[0] >= warm_up]
        if len(after) < 2:
            return None
        first, last = after[0][1], after[-1][1]
        return first, last, (last - first) / first * 100 if first else 0.0


def create_token(env: dict) -> str:
    done = subprocess.run(
        [str(BIN / "goldenthread"), "token", "create", USERNAME, "--scope", "write", "--name", "soak"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = done.stdout.strip().splitlines()[-1].strip()
    if not token:
        raise SystemExit(f"goldenthread token create printed no token: {done.stderr}")
    return token


def run_locust(base: str, env: dict, args: argparse.Namespace, prefix: Path) -> int:
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{int(args.minutes * 60)}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "30",
    ]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


def _int(text: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        return 0


def report(prefix: Path, memory: Memory, warm_up: float) -> int:
    """Print the figures per endpoint and the memory; the number of failed requests."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"\n{'endpoint':42} {'requests':>9} {'failures':>9} {'p50':>8} {'p95':>8} {'p99':>8}")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        fails = _int(row["Failure Count"])
        failures += fails if row["Name"] != "Aggregated" else 0
        print(
            f"{name[:42]:42} {_int(row['Request Count']):9} {fails:9} {_int(row['50%']):6}ms "
            f"{_int(row['95%']):6}ms {_int(row['99%']):6}ms"
        )
    print(f"\nerrors: {failures} failed requests")
    if failures:
        with open(f"{prefix}_failures.csv", newline="") as f:
            for row in list(csv.DictReader(f))[:20]:
                print(f"  {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:200]}")
    grown = memory.growth(warm_up)
    peak = max((s[1] for s in memory.samples), default=0.0)
    print(f"server memory: {len(memory.samples)} samples every {SAMPLE_EVERY:.0f} s; peak {peak:.0f} MiB")
    if grown is None:
        print("memory growth after warm-up: too few samples after the warm-up (run longer)")
    else:
        first, last, percent = grown
        print(
            f"memory growth after warm-up ({warm_up / 60:.1f} min): {first:.0f} MiB -> {last:.0f} MiB, {percent:+.1f}%"
        )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the users run (10)")
    parser.add_argument("--users", type=int, default=50, help="concurrent Locust users (50)")
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started a second (5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers, 2 threads each (4)")
    parser.add_argument("--warm-up", type=float, default=None, help="minutes before memory is compared (a fifth)")
    parser.add_argument("--scale", type=scale_data.parse_size, default=None, metavar="UNITSxMETRICSxMONTHS")
    parser.add_argument("--changing-writes", action="store_true", help="every batch revises the data")
    parser.add_argument("--allow-sqlite", action="store_true", help="run on SQLite (a try, not the figures)")
    args = parser.parse_args()
    warm_up = 60 * (args.warm_up if args.warm_up is not None else args.minutes / 5)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") and not args.allow_sqlite:
        print("Run under scripts/with-postgres.sh (DATABASE_URL names PostgreSQL), or pass --allow-sqlite.")
        return 2
    with tempfile.TemporaryDirectory(dir="/tmp") as var:
        env = {**os.environ, "GOLDENTHREAD_VAR": var, "GOLDENTHREAD_DEMO_PASSWORD": web.PASSWORD}
        env.setdefault("DATABASE_URL", f"sqlite:///{var}/soak.sqlite3")
        started = time.perf_counter()
        web.run("migrate", env=env)
        web.run("demo", env=env)
        print(f"database: {env['DATABASE_URL'].split(':')[0]}; demo set up in {time.perf_counter() - started:.1f} s")
        if args.scale:
            web.load_scale(args.scale, Path(var) / "scale", env)
        env["GOLDENTHREAD_API_TOKEN"] = create_token(env)
        env["GOLDENTHREAD_BENCH_USER"] = USERNAME
        env["GOLDENTHREAD_BENCH_CHANGING_WRITES"] = "1" if args.changing_writes else ""
        server, base = web.serve(env, args.workers, timeout=300)
        memory = Memory(server.pid)
        sampler = threading.Thread(target=memory.run, daemon=True)
        try:
            print(
                f"{args.users} users for {args.minutes:g} min against gunicorn ({args.workers} workers × 2 threads) "
                f"on {base}",
                flush=True,
            )
            sampler.start()
            run_locust(base, env, args, Path(var) / "locust")
            memory.stop.set()
            sampler.join(timeout=30)
            failures = report(Path(var) / "locust", memory, warm_up)
        finally:
            memory.stop.set()
            server.terminate()
            server.wait(timeout=60)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
