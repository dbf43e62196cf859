"""A plan and its performance data at any size: units × metrics × months, seeded and repeatable.

The national size (the default) is 1,000 providers in 7 regions under England, 200 monthly
metrics and 120 months (April 2016 to March 2026): 24 million observations, one per metric,
provider and month, in long format with a ``metric`` column (docs/data-files.md). A third of the
metrics are proportions (numerator and denominator, aggregated as a ratio), a third counts
(summed) and a third rates (averaged); each has a target and trigger rules, and some providers
shift part-way, so the assessment has special causes and exceptions to find.

``bench/scale.py`` loads and assesses it; ``bench/web.py --scale`` serves pages over it. As a
script it writes the files into a folder:

    .venv/bin/python bench/scale_data.py FOLDER [--units 1000] [--metrics 200] [--months 120]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REGIONS = ("NE", "NW", "MID", "EE", "LON", "SE", "SW")
KINDS = ("ratio", "sum", "mean")  # metric i has aggregation KINDS[i % 3]
FIRST_MONTH = np.datetime64("2016-04", "M")
START_YEAR = 2016


@dataclass(frozen=True)
class Size:
    units: int = 1_000
    metrics: int = 200
    months: int = 120

    @property
    def rows(self) -> int:
        return self.units * self.metrics * self.months

    def __str__(self) -> str:
        return f"{self.units:,} units × {self.metrics:,} metrics × {self.months:,} months = {self.rows:,} rows"


def provider(i: int) -> str:
    return f"P{i:04d}"


def metric_code(i: int) -> str:
    return f"M{i:03d}"


def _last_year(months: int) -> str:
    years = max(1, -(-months // 12))
    end = START_YEAR + years - 1
    return f"{end}/{(end + 1) % 100:02d}"


def plan_yaml(size: Size, code: str = "scale") -> str:
    """The plan: England, its regions and providers, objectives, and ``size.metrics`` metrics."""
    out = [
        f"code: {code}",
        "title: A national plan at scale (generated)",
        "organisation: {code: scale-org, name: Generated national body}",
        "start: 2016/17",
        f"end: {_last_year(size.months)}",
        "status: agreed",
        "levels: [{code: priority, name: Priority}]",
        "org_units:",
        "  - {code: england, name: England, type: organisation}",
        *(f"  - {{code: {r}, name: Region {r}, type: region, parent: england}}" for r in REGIONS),
        *(
            f"  - {{code: {provider(i)}, name: Provider {i}, type: provider, parent: {REGIONS[i % len(REGIONS)]}}}"
            for i in range(size.units)
        ),
        "objectives:",
        *(f"  - {{code: O{j}, level: priority, title: Priority {j}}}" for j in range(_objectives(size))),
        "metrics:",
    ]
    for i in range(size.metrics):
        out += _metric(i, size)
    return "\n".join(out) + "\n"


def _objectives(size: Size) -> int:
    return max(1, size.metrics // 10)


def _metric(i: int, size: Size) -> list[str]:
    kind = KINDS[i % 3]
    unit, polarity, target = {
        "ratio": ("percentage", "higher_is_better", "{value: 0.9, comparison: '>='}"),
        "sum": ("count", "lower_is_better", f"{{value: {_level(i) * size.units * 1.02:.0f}, comparison: '<='}}"),
        "mean": ("rate", "neutral", None),
    }[kind]
    rules = "[{rule: below_target_for, periods: 3}, {rule: special_cause_concern}]"
    return [
        f"  - code: {metric_code(i)}",
        f"    title: Generated {kind} metric {i}",
        f"    objectives: [O{i % _objectives(size)}]",
        f"    unit: {unit}",
        f"    aggregation: {kind}",
        "    frequency: monthly",
        f"    polarity: {polarity}",
        *([f"    target: {target}"] if target else []),
        f"    trigger_rules: {rules if target else '[{rule: special_cause_concern}]'}",
    ]


def _level(i: int) -> int:
    return 100 + (i * 37) % 900


def data_chunks(size: Size, seed: int = 20260401) -> Iterator[str]:
    """The data file's text, a metric at a time (header first): every provider × month of it."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.array([provider(i) for i in range(size.units)]), size.months)
    month = np.tile(np.arange(size.months), size.units)
    periods = (FIRST_MONTH + month.astype("timedelta64[M]")).astype("datetime64[D]").astype(str)
    shift = (month >= size.months * 2 // 3) & (np.repeat(np.arange(size.units), size.months) % 5 == 0)
    yield "metric,org_unit,period,value,numerator,denominator\n"
    for i in range(size.metrics):
        code, kind, n = metric_code(i), KINDS[i % 3], unit.size
        level = _level(i)
        if kind == "ratio":
            den = rng.integers(level, level * 5, n)
            share = np.clip(rng.normal(0.9, 0.03, n) - 0.05 * shift, 0, 1)
            num = np.floor(den * share).astype(np.int64)
            cells = np.char.add(np.char.add(num.astype(str), ","), den.astype(str))
            body = np.char.add(",", cells)
        else:
            values = np.round(rng.normal(level, level * 0.05, n) + level * 0.1 * shift, 1 if kind == "mean" else 0)
            text = values.astype(np.int64).astype(str) if kind == "sum" else np.char.mod("%.1f", values)
            body = np.char.add(text, ",,")
        where = np.char.add(np.char.add(f"{code},", unit), ",")
        lines = np.char.add(where, np.char.add(np.char.add(periods, ","), body))
        yield "\n".join(lines.tolist()) + "\n"


def write(folder: Path, size: Size, code: str = "scale") -> tuple[Path, Path]:
    """Write ``plan.yaml`` and ``data.csv`` into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    plan, data = folder / "plan.yaml", folder / "data.csv"
    plan.write_text(plan_yaml(size, code), encoding="utf-8")
    with data.open("w", encoding="utf-8", newline="") as handle:
        for chunk in data_chunks(size):
            handle.write(chunk)
    return plan, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--units", type=int, default=Size.units)
    parser.add_argument("--metrics", type=int, default=Size.metrics)
    parser.add_argument("--months", type=int, default=Size.months)
    args = parser.parse_args()
    size = Size(args.units, args.metrics, args.months)
    started = time.perf_counter()
    plan, data = write(args.folder, size)
    seconds = time.perf_counter() - started
    print(f"{size}: {plan} and {data} ({data.stat().st_size / 1e6:,.0f} MB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
