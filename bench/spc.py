"""Benchmark SPC: 5,000 seeded synthetic series x 60 monthly points (300,000 points).

First the vectorised engine alone (``spc_many`` on arrays), then every chart type of
``assurance.charts.chart_many`` (xmr, run, p, pp, u, up, c, g, t) on the same shape of data.
Then the paired run (issue 17): the same rows written to a CSV, and in fresh processes, taking
turns, (a) a bare CSV read + write of them with polars (read the file, write it back out,
nothing else) and (b) ``goldenthread spc`` end to end; both figures and their ratio (the goal:
at most 2). Then ``goldenthread spc``'s start-up on a tiny file (the goal: under 0.25 s), and
last ``goldenthread spc --chart KIND`` end to end for every chart type and its start-up.
Wall-clock times, best and median; the CPU time of each process beside them, which moves less
when other work shares the machine. With ``--instructions``, each side also runs once under
valgrind's callgrind, whose count of the instructions executed does not move with the load at
all (slow: about a minute each).

Run with:  .venv/bin/python bench/spc.py  [--repeats N] [--instructions] [--charts]  (polars comes with the
``test`` extra; ``--charts`` runs the chart types alone, the engine and the command)
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from goldenthread.assurance.charts import CHART_TYPES, RATIO_CHARTS, chart_many
from goldenthread.assurance.spc import spc_many

N_SERIES = 5_000
N_POINTS = 60
REPEATS = 5
GOLDENTHREAD = Path(sys.executable).with_name("goldenthread")
POLARS = "import sys, polars as pl; pl.read_csv(sys.argv[1]).write_csv(sys.argv[2])"


def make_data(seed: int = 20240401):
    rng = np.random.default_rng(seed)
    level = rng.uniform(50, 1000, N_SERIES)[:, None]
    noise = rng.normal(0, 1, (N_SERIES, N_POINTS)) * level * rng.uniform(0.01, 0.1, N_SERIES)[:, None]
    t = np.arange(N_POINTS)[None, :]
    # a third of the series shift part-way through, a sixth drift
    shift_at = rng.integers(12, N_POINTS, N_SERIES)[:, None]
    shift = (rng.random(N_SERIES) < 1 / 3)[:, None] * (t >= shift_at) * level * 0.15
    drift = (rng.random(N_SERIES) < 1 / 6)[:, None] * t * level * 0.004
    values = (level + noise + shift + drift).round(1)
    values[rng.random(values.shape) < 0.002] = np.nan  # a few gaps
    ids = np.repeat(np.array([f"M{i:05d}" for i in range(N_SERIES)]), N_POINTS)
    dates = np.tile(np.datetime64("2020-04") + np.arange(N_POINTS), N_SERIES)
    improvement = {sid: ("increase", "decrease", "neutral")[i % 3] for i, sid in enumerate(np.unique(ids))}
    target = {sid: float(level[i, 0]) for i, sid in enumerate(np.unique(ids)) if i % 2 == 0}
    return ids, dates, values.reshape(-1), improvement, target


def engine() -> None:
    ids, dates, values, improvement, target = make_data()
    n = values.size
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        table = spc_many(ids, dates, values, improvement=improvement, target=target)
        timings.append(time.perf_counter() - start)
    best, median = min(timings), float(np.median(timings))
    special = int(table.special_cause_flag.sum())
    print(f"series: {N_SERIES:,}  points: {n:,}  (special-cause points: {special:,})")
    print(f"spc_many end to end: best {best:.3f} s, median {median:.3f} s over {REPEATS} runs")
    print(f"throughput: {n / best:,.0f} points per second (best), {n / median:,.0f} (median)")


def chart_data(seed: int = 20240402):
    """Counts over denominators (varying per point) for the ratio charts, and counts or times for the others."""
    rng = np.random.default_rng(seed)
    size = rng.integers(50, 5_000, (N_SERIES, 1)) * rng.uniform(0.8, 1.2, (N_SERIES, N_POINTS))
    size = size.round()
    rate = rng.uniform(0.02, 0.3, (N_SERIES, 1)) * rng.uniform(0.9, 1.1, (N_SERIES, N_POINTS))
    counts = rng.binomial(size.astype(np.int64), rate).astype(float)
    counts[rng.random(counts.shape) < 0.002] = np.nan  # a few gaps
    ids = np.repeat(np.arange(N_SERIES), N_POINTS)
    dates = np.tile(np.datetime64("2020-04") + np.arange(N_POINTS), N_SERIES)
    times = rng.exponential(20.0, counts.shape) + 0.5  # days between rare events, for t
    return ids, dates, counts.reshape(-1), size.reshape(-1), times.reshape(-1)


def charts(repeats: int) -> None:
    """Seconds per chart type for all the series in one call (best and median of ``repeats``)."""
    ids, dates, counts, sizes, times = chart_data()
    print(f"\nchart types: {N_SERIES:,} series x {N_POINTS} points = {counts.size:,} points, one call each")
    for kind in CHART_TYPES:
        values = times if kind == "t" else counts
        denominators = sizes if kind in RATIO_CHARTS else None
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            table = chart_many(kind, ids, dates, values, denominators)
            timings.append(time.perf_counter() - start)
        best, median = min(timings), float(np.median(timings))
        signals = int(table.runs_signal[table.order[table.series_start]].sum())
        outside = int(table.outside_limits.sum())
        print(
            f"  {kind:>3}: best {best:.3f} s, median {median:.3f} s ({counts.size / best:,.0f} points/s); "
            f"{outside:,} points outside the limits, {signals:,} series with a runs signal"
        )


def write_chart_csv(path: Path) -> None:
    """The chart benchmark's rows as ``series,date,count,size,days`` (a gap is a blank cell)."""
    ids, dates, counts, sizes, times = chart_data()
    days = dates.astype("datetime64[D]").astype(str).tolist()
    names = [f"M{i:05d}" for i in ids.tolist()]
    texts = ["" if v != v else repr(v) for v in counts.tolist()]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["series", "date", "count", "size", "days"])
        writer.writerows(zip(names, days, texts, map(repr, sizes.tolist()), map(repr, times.tolist()), strict=True))


def chart_cli(folder: Path, repeats: int) -> None:
    """``goldenthread spc --chart KIND`` end to end on the chart rows, and its start-up on a tiny file."""
    data = folder / "charts.csv"
    write_chart_csv(data)
    print(f"\ngoldenthread spc --chart, end to end: {N_SERIES * N_POINTS:,} rows, {data.stat().st_size / 1e6:.1f} MB")
    for kind in CHART_TYPES:
        value = "days" if kind == "t" else "count"
        command = [str(GOLDENTHREAD), "spc", str(data), "--chart", kind, "--series", "series", "--date", "date"]
        command += ["--value", value] + (["--denominator", "size"] if kind in RATIO_CHARTS else [])
        figures(f"  {kind:>3}", [timed(command, folder / "chart.out") for _ in range(repeats)])
    tiny = folder / "tiny-p.csv"
    tiny.write_text("month,k,n\n" + "".join(f"2020-{m:02d}-01,{m},{20 + m}\n" for m in range(1, 13)))
    command = [str(GOLDENTHREAD), "spc", str(tiny), "--chart", "pp", "--value", "k", "--denominator", "n"]
    figures(
        "goldenthread spc --chart pp start-up, 12 points",
        [timed(command + ["--date", "month"], folder / "t.out") for _ in range(repeats)],
    )


def write_csv(path: Path) -> None:
    """The benchmark's rows as ``series,date,value`` (a gap is a blank cell)."""
    ids, dates, values, _, _ = make_data()
    days = dates.astype("datetime64[D]").astype(str).tolist()
    texts = ["" if v != v else repr(v) for v in values.tolist()]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["series", "date", "value"])
        writer.writerows(zip(ids.tolist(), days, texts, strict=True))


def timed(command: list[str], out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a fresh process, its standard output to ``out``."""
    before = os.times()
    start = time.perf_counter()
    with out.open("w") as handle:
        subprocess.run(command, stdout=handle, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def figures(label: str, runs: list[tuple[float, float]]) -> float:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    best, median = min(walls), float(np.median(walls))
    print(f"{label}: best {best:.3f} s, median {median:.3f} s (CPU best {min(cpus):.3f} s) over {len(runs)} runs")
    return best


def paired(folder: Path, repeats: int, count: bool) -> None:
    data = folder / "points.csv"
    write_csv(data)
    spc = [str(GOLDENTHREAD), "spc", str(data), "--series", "series", "--date", "date", "--value", "value"]
    bare = [sys.executable, "-c", POLARS, str(data), str(folder / "copy.csv")]
    polars_runs, spc_runs = [], []
    for _ in range(repeats):  # taking turns, so both meet the same load
        polars_runs.append(timed(bare, folder / "polars.out"))
        spc_runs.append(timed(spc, folder / "spc.csv"))
    size = data.stat().st_size / 1e6
    print(f"\npaired run: {N_SERIES * N_POINTS:,} rows, {size:.1f} MB of CSV, each in a fresh process")
    reference = figures("bare CSV read + write (polars)", polars_runs)
    end_to_end = figures("goldenthread spc end to end", spc_runs)
    median_ratio = np.median([s for s, _ in spc_runs]) / np.median([p for p, _ in polars_runs])
    cpu_ratio = min(c for _, c in spc_runs) / min(c for _, c in polars_runs)
    print(f"ratio: {end_to_end / reference:.2f} x best, {median_ratio:.2f} x median, {cpu_ratio:.2f} x CPU (goal ≤ 2)")
    if count:
        counted(spc, bare, folder)


def instructions(command: list[str], folder: Path) -> int:
    """Instructions a fresh process executes (every thread's), counted by callgrind."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder / 'callgrind.out'}", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found, done.stderr[-500:]
    return int(found.group(1))


def counted(spc: list[str], bare: list[str], folder: Path) -> None:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts")
        return
    reference, end_to_end = instructions(bare, folder), instructions(spc, folder)
    print(f"instructions (callgrind): polars {reference / 1e9:.3f} G, spc {end_to_end / 1e9:.3f} G", end="")
    print(f" = {end_to_end / reference:.2f} x (load-independent)")


def startup(folder: Path, repeats: int) -> None:
    tiny = folder / "tiny.csv"
    tiny.write_text("month,rate\n" + "".join(f"2020-{m:02d}-01,{m}\n" for m in range(1, 13)))
    command = [str(GOLDENTHREAD), "spc", str(tiny), "--value", "rate", "--date", "month"]
    figures("\ngoldenthread spc start-up, 12 points", [timed(command, folder / "tiny.out") for _ in range(repeats)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh processes of each kind (default 7)")
    parser.add_argument("--instructions", action="store_true", help="count instructions with callgrind too")
    parser.add_argument("--charts", action="store_true", help="only the chart types (chart_many), not the CLI runs")
    args = parser.parse_args()
    if args.charts:
        charts(REPEATS)
        with tempfile.TemporaryDirectory(prefix="gt-spc-bench-") as folder:
            chart_cli(Path(folder), args.repeats)
        return
    engine()
    charts(REPEATS)
    with tempfile.TemporaryDirectory(prefix="gt-spc-bench-") as folder:
        if importlib.util.find_spec("polars") is None:
            print("\npolars is not installed (pip install -e '.[test]'): the paired run is skipped")
        else:
            paired(Path(folder), args.repeats, args.instructions)
        startup(Path(folder), max(args.repeats, 10))
        chart_cli(Path(folder), args.repeats)


if __name__ == "__main__":
    main()
