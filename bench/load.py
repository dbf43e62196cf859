"""Benchmark the data loader: 1,000,000 seeded long-format rows through `goldenthread data load`'s
own code path (read CSV, check every row, compare with the data held, write), into a throwaway
SQLite database — or the database DATABASE_URL names, when BENCH_DATABASE_URL is set.

Run with:  .venv/bin/python bench/load.py [--rows ROWS]   (ROWS also as the only argument)

The generated plan has one monthly percentage metric; the rows are 2,000 providers (created by
the load, as --add-units provider does) × 50 months × 10 breakdown values, with numerator and
denominator. The figure printed is the first load (everything new); the second load of the same
file (nothing changes, nothing written) and a load revising 10% of the rows are timed too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

ROWS = 1_000_000
UNITS, MONTHS = 2_000, 50
SEED = 20160401

PLAN = """\
code: bench
title: Loader benchmark plan
organisation: {code: bench-org, name: Benchmark organisation}
start: 2016/17
end: 2020/21
levels: [{code: p, name: Priority}]
org_units: [{code: england, name: England, type: organisation}]
objectives: [{code: P1, level: p, title: Recover the standard}]
metrics:
  - code: SHARE
    title: Share of patients seen in time
    objectives: [P1]
    unit: percentage
    aggregation: ratio
    frequency: monthly
    polarity: higher_is_better
"""


def write_file(path: Path, rows: int, seed: int, revise: float = 0.0) -> None:
    import pandas as pd

    rng = np.random.default_rng(seed)
    per_unit_month = max(1, rows // (UNITS * MONTHS))
    unit = np.repeat(np.arange(UNITS), MONTHS * per_unit_month)[:rows]
    month = np.tile(np.repeat(np.arange(MONTHS), per_unit_month), UNITS)[:rows]
    kind = np.tile(np.arange(per_unit_month), UNITS * MONTHS)[:rows]
    denominator = rng.integers(50, 5_000, rows)
    numerator = (denominator * rng.uniform(0.7, 1.0, rows)).astype(np.int64)
    if revise:
        changed = rng.random(rows) < revise
        numerator = np.where(changed, np.maximum(numerator - 1, 0), numerator)
    periods = (np.datetime64("2016-04") + month.astype("timedelta64[M]")).astype("datetime64[D]").astype(str)
    pd.DataFrame(
        {
            "org_unit": np.char.add("P", unit.astype(str)),
            "period": periods,
            "breakdown.kind": np.char.add("k", kind.astype(str)),
            "numerator": numerator,
            "denominator": denominator,
        }
    ).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, help="rows to load (as --rows)")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows to load (default {ROWS:,})")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="goldenthread-bench-"))
    try:
        run(folder, args.count or args.rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, rows: int) -> None:
    os.environ["GOLDENTHREAD_VAR"] = str(folder)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from goldenthread.performance.loading import load_file
    from goldenthread.planfile import validate_text
    from goldenthread.plans.models import Plan
    from goldenthread.plans.store import load_plan

    call_command("migrate", interactive=False, verbosity=0)
    load_plan(validate_text(PLAN).plan)
    plan = Plan.objects.get(code="bench")
    data = folder / "rows.csv"
    revised = folder / "revised.csv"
    write_file(data, rows, SEED)
    write_file(revised, rows, SEED, revise=0.1)
    print(f"{rows:,} rows ({data.stat().st_size / 1e6:.0f} MB CSV) into {os.environ['DATABASE_URL'].split('://')[0]}")

    def timed(label: str, path: Path) -> None:
        started = time.perf_counter()
        report = load_file(path, plan, metric="SHARE", add_units="provider", source="bench")
        seconds = time.perf_counter() - started
        assert report.ok, report.problem_lines()[:5]
        print(f"{label}: {seconds:.1f} s, {report.rows_read / seconds:,.0f} rows per second — {report}")

    timed("first load (all new)", data)
    timed("same file again (unchanged)", data)
    timed("10% revised", revised)
    from django.db import connections

    connections.close_all()


if __name__ == "__main__":
    main()
