"""Benchmark the vectorised SPC engine: 5,000 seeded synthetic series x 60 monthly points.

Run with:  .venv/bin/python bench/spc.py
"""

from __future__ import annotations

import time

import numpy as np

from goldenthread.assurance.spc import spc_many

N_SERIES = 5_000
N_POINTS = 60
REPEATS = 5


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


def main() -> None:
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


if __name__ == "__main__":
    main()
