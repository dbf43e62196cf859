"""Benchmark the board's quarterly pack for the largest demo plan, end to end: assessment, charts,
layout and the file, in each format.

Run with:  .venv/bin/python bench/report.py [--plan CODE] [--period PERIOD] [--repeats N]

It loads the demo (with its A&E data) into a throwaway SQLite database, unless DATABASE_URL
names one that already has it, and prints seconds. The largest plan is the one with the most
objectives, metrics and activities together; nhsi-2016 as at 2016/17 Q4 is timed too, as it is
the demo's pack with an exception and its chart (A&E four-hour performance).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time


def setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="goldenthread-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("GOLDENTHREAD_VAR", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from goldenthread.demo import load_demo
    from goldenthread.plans.models import Plan

    call_command("migrate", interactive=False, verbosity=0)
    if not Plan.objects.exists():
        load_demo(out=io.StringIO())
    try:
        from goldenthread.performance.demo import load_ae_demo
        from goldenthread.performance.models import Observation
    except ImportError:
        return
    if not Observation.objects.filter(metric__code="AE4HR", metric__plan__code="nhsi-2016").exists():
        load_ae_demo(io.StringIO())


def largest_plan():
    from django.db.models import Count

    from goldenthread.plans.models import Plan

    plans = Plan.objects.annotate(
        o=Count("objectives", distinct=True), m=Count("metrics", distinct=True), a=Count("activities", distinct=True)
    )
    return max(plans, key=lambda p: (p.o + p.m + p.a, p.code))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan")
    parser.add_argument("--period")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    setup()
    from goldenthread.performance.assessment import default_as_at
    from goldenthread.planfile.periods import parse_period
    from goldenthread.plans.models import Plan
    from goldenthread.reports import charts

    charts.to_svg(
        {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    )
    if args.plan:
        runs = [(Plan.objects.get(code=args.plan), args.period)]
    else:
        runs = [(largest_plan(), args.period)]
        if Plan.objects.filter(code="nhsi-2016").exists():
            runs.append((Plan.objects.get(code="nhsi-2016"), "2016/17 Q4"))
    for plan, period_text in runs:
        period = parse_period(period_text) if period_text else default_as_at(plan)
        time_pack(plan, period, args.repeats)


def time_pack(plan, period, repeats: int) -> None:
    from goldenthread.reports.board import board_pack
    from goldenthread.reports.documents import render_pack

    print(
        f"board pack for {plan.code} ({plan.objectives.count()} objectives, {plan.metrics.count()} metrics, "
        f"{plan.activities.count()} activities) as at {period.label}; best and median of {repeats}"
    )
    for fmt in ("pdf", "docx", "html"):
        builds, totals, size = [], [], 0
        for _ in range(repeats):
            start = time.perf_counter()
            pack = board_pack(plan, period)
            built = time.perf_counter()
            size = len(render_pack(pack, fmt))
            done = time.perf_counter()
            builds.append(built - start)
            totals.append(done - start)
        print(
            f"  {fmt:<4}  best {min(totals):.2f} s, median {statistics.median(totals):.2f} s "
            f"(assembling the pack {statistics.median(builds):.2f} s; {len(pack.exceptions)} exception(s) with "
            f"{sum(1 for e in pack.exceptions if e.chart)} chart(s); {size:,} bytes)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
