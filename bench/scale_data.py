"""A plan and its performance data at any size: units × metrics × months, seeded and repeatable.

The national size (the default) is 1,000 providers in 7 regions under England, 200 monthly
metrics and 120 months (April 2016 to March 2026): 24 million observations, one per metric,
provider and month, in long format with a ``metric`` column (docs/data-files.md). A third of the
metrics are proportions (numerator and denominator, aggregated as a ratio), a third counts
(summed) and a third rates (averaged); each has a target and trigger rules, and some providers
shift part-way, so the assessment has special causes and exceptions to find.

``bench/scale.py`` loads and assesses it; ``bench/web.py --scale`` serves pages over it. As a
script it writes the files into a folder:

    .venv/bin/python bench/scale_data.py FOLDER [--size 1000x200x120]
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


#: rows per data file: the loader takes at most 10,000,000 values a file, and a row has six
ROWS_PER_FILE = 1_000_000


def parse_size(text: str) -> Size:
    """``UNITSxMETRICSxMONTHS`` (``1000x40x60``), or ``national``."""
    try:
        units, metrics, months = (int(n) for n in ("1000x200x120" if text == "national" else text).lower().split("x"))
    except ValueError:
        raise ValueError(f"'{text}' is not UNITSxMETRICSxMONTHS, e.g. 1000x40x60, or 'national'") from None
    return Size(units, metrics, months)


def write(folder: Path, size: Size, code: str = "scale") -> tuple[Path, list[Path]]:
    """Write ``plan.yaml`` and the data into ``folder``, whole metrics in files ``data-001.csv`` …
    of at most :data:`ROWS_PER_FILE` rows (one metric a file when a metric has more); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.yaml"
    plan.write_text(plan_yaml(size, code), encoding="utf-8")
    chunks = data_chunks(size)
    header = next(chunks)
    per_file = max(1, ROWS_PER_FILE // (size.units * size.months))  # metrics a file
    files: list[Path] = []
    for i, chunk in enumerate(chunks):
        if i % per_file == 0:
            files.append(folder / f"data-{len(files) + 1:03d}.csv")
            files[-1].write_text(header, encoding="utf-8")
        with files[-1].open("a", encoding="utf-8", newline="") as handle:
            handle.write(chunk)
    return plan, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", type=parse_size, default=Size(), help="UNITSxMETRICSxMONTHS or 'national'")
    args = parser.parse_args()
    started = time.perf_counter()
    plan, files = write(args.folder, args.size)
    seconds = time.perf_counter() - started
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(f"{args.size}: {plan} and {len(files)} data files ({megabytes:,.0f} MB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
