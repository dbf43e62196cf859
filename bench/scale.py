"""Benchmark the product at scale: a generated plan and its data (bench/scale_data.py) loaded with
the product's own loader and the whole plan assessed as ``goldenthread assess PLAN`` does, on
SQLite or PostgreSQL; seconds per step, rows per second and each step's peak memory.

    .venv/bin/python bench/scale.py                       # national: 1,000 × 200 × 120 = 24M rows
    .venv/bin/python bench/scale.py --units 1000 --metrics 40 --months 60      # 2.4M rows
    .venv/bin/python bench/scale.py --sizes 100x40x60,1000x40x60,1000x200x120  # the growth curve
    .venv/bin/python bench/scale.py --database postgres   # a throwaway cluster (scripts/with-postgres.sh)

Each step runs in a process of its own, so its peak memory (``ru_maxrss``) is its own: writing the
files, ``plan load`` (validate + load_plans), ``data load`` (load_files over the data files, as
``goldenthread data load data-*.csv`` does: every row checked, each file its own load) and
``assess`` (presenters.reported.assess over the whole plan, then to_data, as the
command prints it; ``--repeat`` runs it several times in the same process and gives each).

With ``--database postgres`` the benchmark starts a throwaway cluster around itself, unless
DATABASE_URL already names a PostgreSQL database (then each size gets a database of its own on
that server, ``scale_<units>x<metrics>x<months>``). ``--keep DIR`` keeps the generated files
and the SQLite databases in DIR (and the PostgreSQL databases on their server); ``--reuse``
then skips writing and loading a size whose database is already loaded — for working on the
assessment without loading 24 million rows each time. The default path always loads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import Size, parse_size, write  # noqa: E402

PLAN = "scale"
MARK = "GOLDENTHREAD_SCALE_BENCH_CLUSTER"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    if "GOLDENTHREAD_VAR" not in os.environ:  # the parent gives its children one folder
        os.environ["GOLDENTHREAD_VAR"] = tempfile.mkdtemp(prefix="gt-scale-var-")
    import django

    django.setup()


# --- the steps, each run in a child process ----------------------------------------------------


def step_write(folder: Path, size: Size) -> dict:
    started = time.perf_counter()
    _, files = write(folder, size)
    return {"seconds": time.perf_counter() - started, "mb": sum(f.stat().st_size for f in files) / 1e6}


def step_plan(folder: Path, url: str) -> dict:
    _django(url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    from goldenthread.planfile.workbook_read import validate_plan_file
    from goldenthread.plans.store import load_plans

    result = validate_plan_file(str(folder / "plan.yaml"))
    assert result.ok and result.plan is not None, result.problems[:3]
    load_plans([result.plan], note="Loaded from plan.yaml")
    return {"migrate": migrated - started, "seconds": time.perf_counter() - migrated}


def step_data(folder: Path, url: str) -> dict:
    _django(url)
    from goldenthread.performance.loading.files import load_files
    from goldenthread.plans.models import Plan

    plan = Plan.objects.get(code=PLAN)
    parts = sorted(folder.glob("data-*.csv"))  # scale_data.write's files, each under the loader's limit
    started = time.perf_counter()
    rows, reports = 0, []
    for outcome in load_files(parts, plan):  # as ``goldenthread data load data-*.csv`` does
        report = outcome.report
        assert report is not None and report.ok, outcome.error or report.problem_lines()[:5]
        rows += report.rows_read
        reports.append(str(report))
    seconds = time.perf_counter() - started
    note = f"{len(parts)} files; " if len(parts) > 1 else ""
    return {"seconds": seconds, "rows": rows, "report": note + reports[-1]}


def step_assess(url: str, repeat: int, profile: str | None) -> dict:
    _django(url)
    from goldenthread.performance.assessment import to_data
    from goldenthread.plans.models import Plan
    from goldenthread.presenters.reported import assess

    plan = Plan.objects.get(code=PLAN)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        if profile:
            import cProfile

            with cProfile.Profile() as prof:
                data = to_data(assess(plan))
            prof.dump_stats(profile)
        else:
            data = to_data(assess(plan))
        runs.append(time.perf_counter() - started)
    statuses: dict[str, int] = {}
    for x in data["metrics"]:
        statuses[x["status"]] = statuses.get(x["status"], 0) + 1
    return {"runs": runs, "seconds": min(runs), "metrics": len(data["metrics"]), "statuses": statuses}


def step_loaded(url: str) -> dict:
    """Whether the database holds the scale plan with data (for --reuse)."""
    _django(url)
    from django.db import connection

    if "performance_observation" not in connection.introspection.table_names():
        return {"rows": 0}
    from goldenthread.performance.models import Observation

    return {"rows": Observation.objects.filter(metric__plan__code=PLAN, superseded_at=None).count()}


def child(args: argparse.Namespace) -> None:
    folder = Path(args.folder) if args.folder else Path()
    step = args.step
    if step == "write":
        out = step_write(folder, _size(args.size))
    elif step == "plan":
        out = step_plan(folder, args.url)
    elif step == "data":
        out = step_data(folder, args.url)
    elif step == "assess":
        out = step_assess(args.url, args.repeat, args.profile)
    else:
        out = step_loaded(args.url)
    out["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(out))


# --- the parent: one database per size, the steps in turn --------------------------------------


def _size(text: str) -> Size:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise SystemExit(f"--sizes: {exc}") from None


def _label(size: Size) -> str:
    return f"{size.units}x{size.metrics}x{size.months}"


def run_step(step: str, *, url: str = "", folder: Path | None = None, size: Size | None = None, **extra) -> dict:
    command = [sys.executable, __file__, "--step", step, "--url", url]
    command += ["--folder", str(folder)] if folder else []
    command += ["--size", _label(size)] if size else []
    for name, value in extra.items():
        if value is not None:
            command += [f"--{name}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not result:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-5000:])
        raise SystemExit(f"step {step} failed (exit {done.returncode})")
    return json.loads(result[-1][len("RESULT ") :])


def _database(base: str, size: Size, folder: Path, fresh: bool) -> str:
    """The URL of the size's database: a SQLite file in ``folder``, or a database of its own on
    the PostgreSQL server ``base`` names (created; dropped first when ``fresh``)."""
    if not base.startswith("postgres"):
        path = folder / f"scale-{_label(size)}.sqlite3"
        if fresh:
            path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = f"scale_{_label(size)}"
    with psycopg.connect(base, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
        if fresh or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def bench_size(size: Size, base: str, keep: Path, args: argparse.Namespace) -> dict:
    folder = keep / _label(size)
    folder.mkdir(parents=True, exist_ok=True)
    url = _database(base, size, keep, fresh=False) if args.reuse else ""
    if url and run_step("loaded", url=url)["rows"] == size.rows:
        print(f"  reusing {url} ({size.rows:,} rows loaded)", flush=True)
        out: dict = {}
    else:
        url = _database(base, size, keep, fresh=True)
        out = {"write": run_step("write", folder=folder, size=size)}
        _say("write", out["write"], f"{out['write']['mb']:,.0f} MB CSV")
        out["plan"] = run_step("plan", url=url, folder=folder)
        _say("plan load", out["plan"], f"after migrate {out['plan']['migrate']:.1f} s")
        out["data"] = run_step("data", url=url, folder=folder)
        rate = out["data"]["rows"] / out["data"]["seconds"]
        load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())  # (wall-clock is only as good as the quiet)
        _say("data load", out["data"], f"{rate:,.0f} rows/s ({load}) — {out['data']['report']}")
        if not args.keep:
            for path in folder.glob("data*.csv"):
                path.unlink()
    out["assess"] = run_step("assess", url=url, repeat=args.repeat, profile=args.profile)
    a = out["assess"]
    runs = ", ".join(f"{s:.2f}" for s in a["runs"])
    _say("assess", a, f"{size.rows / a['seconds']:,.0f} rows/s; runs {runs} s; {a['metrics']} metrics {a['statuses']}")
    return out


def _say(step: str, r: dict, note: str) -> None:
    print(f"  {step:<10} {r['seconds']:8.2f} s  peak {r['peak_mb']:7,.0f} MB  {note}", flush=True)


def _cluster(args: argparse.Namespace) -> str:
    """The database server's URL: DATABASE_URL for PostgreSQL when set, else "" (SQLite); with
    --database postgres and no PostgreSQL URL, re-run inside a throwaway cluster."""
    url = os.environ.get("DATABASE_URL", "")
    if args.database == "sqlite":
        return ""
    if url.startswith("postgres"):
        return url
    if os.environ.get(MARK):
        raise SystemExit("scripts/with-postgres.sh gave no PostgreSQL DATABASE_URL")
    os.environ[MARK] = "1"
    # the memory and WAL settings docs/scaling.md gives for the national size, scaled to this machine
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    buffers = max(128, min(8192, memory // 4 // 2**20))
    settings = f"-c shared_buffers={buffers}MB -c max_wal_size=8GB -c checkpoint_completion_target=0.9"
    settings += " -c work_mem=64MB -c maintenance_work_mem=1GB -c max_locks_per_transaction=256"
    os.environ.setdefault("GOLDENTHREAD_PG_SETTINGS", settings)
    script = str(ROOT / "scripts" / "with-postgres.sh")
    raise SystemExit(subprocess.call([script, sys.executable, __file__, *sys.argv[1:]]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=Size.units)
    parser.add_argument("--metrics", type=int, default=Size.metrics)
    parser.add_argument("--months", type=int, default=Size.months)
    parser.add_argument("--sizes", help="several sizes, UNITSxMETRICSxMONTHS separated by commas")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keep", type=Path, help="keep the files and databases in this folder")
    parser.add_argument("--reuse", action="store_true", help="with --keep: skip loading a size already loaded")
    parser.add_argument("--repeat", type=int, default=1, help="assess this many times (the best is the figure)")
    parser.add_argument("--profile", help="write the (last) assessment's cProfile statistics to this file")
    for name in ("step", "url", "folder", "size"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return child(args)
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep DIR")
    base = _cluster(args)
    sizes = [_size(s) for s in args.sizes.split(",")] if args.sizes else [Size(args.units, args.metrics, args.months)]
    keep = args.keep or Path(tempfile.mkdtemp(prefix="gt-scale-"))
    keep.mkdir(parents=True, exist_ok=True)
    if "GOLDENTHREAD_VAR" not in os.environ:
        os.environ["GOLDENTHREAD_VAR"] = str(keep / "var")
    print(f"database: {base.rsplit('@', 1)[-1] if base else 'SQLite'}; files in {keep}", flush=True)
    results = []
    try:
        for size in sizes:
            print(size, flush=True)
            results.append((size, bench_size(size, base, keep, args)))
    finally:
        if not args.keep:
            shutil.rmtree(keep, ignore_errors=True)
    if len(results) > 1:
        print("growth: rows, data load s, assess s, assess peak MB")
        for size, r in results:
            load = f"{r['data']['seconds']:.1f}" if "data" in r else "-"
            print(f"  {size.rows:>12,}  {load:>8}  {r['assess']['seconds']:8.2f}  {r['assess']['peak_mb']:8,.0f}")


if __name__ == "__main__":
    main()
