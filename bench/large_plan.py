"""A large valid plan (about 20 MB of YAML: thousands of objectives, activities and metrics),
end to end: validation, loading, the pages about the plan and the board pack.

    .venv/bin/python bench/large_plan.py [--megabytes 20] [--steps validate,load,pages,pack] [--timeout 600]

The plan is generated into a temporary folder (never into the project) and loaded into a
throwaway SQLite database there. Each step runs in a process of its own, so its peak memory
(resident set size, from ``resource.getrusage``) is its own; the figures printed are wall-clock
seconds, the peak and, for pages, the size of the answer. Pages are fetched with the Django test
client signed in as an administrator, as at the plan's last quarter. A step that takes longer
than ``--timeout`` seconds is stopped and reported as such.

``generate(objectives)`` is also what the tests use for a large plan of a few thousand elements.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: bytes of YAML per objective the generator writes (with its activities, metrics and the rest)
BYTES_PER_OBJECTIVE = 3_000

_WORDS = (
    "improve deliver patients care quality access safety workforce digital services community primary "
    "urgent emergency mental health outcomes providers commissioners integrated pathways capacity demand "
    "performance standards reduce waiting times cancer diagnostics elective recovery prevention population "
    "finance efficiency productivity estates partnership leadership culture learning data assurance"
).split()
LEVELS = [("area", "Area"), ("priority", "Priority"), ("commitment", "Commitment")]
YEARS = ("2016/17", "2017/18", "2018/19")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def generate(objectives: int, *, seed: int = 15) -> str:
    """A valid plan with ``objectives`` objectives in three levels, three activities each, a metric
    for every other objective, and units, owners, budget lines and risks in proportion. Its last
    quarter (2018/19 Q4) finds activities overdue, so packs and pages have exceptions to show."""
    rng = random.Random(seed)
    out = [
        "code: large",
        "title: A large generated plan",
        "organisation: {code: org, name: Generated organisation}",
        f"start: {YEARS[0]}",
        f"end: {YEARS[-1]}",
        "status: agreed",
        f"description: {_q(_text(rng, 60))}",
        "levels:",
        *(f"  - {{code: {code}, name: {name}}}" for code, name in LEVELS),
    ]
    units = max(4, objectives // 50)
    owners = max(4, objectives // 20)
    out += _org_units(units) + _owners(owners, units)
    areas = max(2, objectives // 400)
    codes = _objectives(out, rng, objectives, areas, units, owners)
    _activities(out, rng, codes, units, owners)
    _metrics(out, rng, codes, owners)
    _budgets(out, rng, units)
    out.append("risks:")
    for i in range(max(1, objectives // 10)):
        out += [
            f"  - code: R{i}",
            f"    title: {_q(_text(rng, 12))}",
            f"    objective: {rng.choice(codes)}",
            f"    owner: OW{rng.randrange(owners)}",
            f"    likelihood: {rng.randint(1, 5)}",
            f"    impact: {rng.randint(1, 5)}",
            f"    mitigation: {_q(_text(rng, 30))}",
        ]
    out.append("activity_rules: [{rule: activity_overdue, grace_days: 14}]")
    return "\n".join(out) + "\n"


def _org_units(units: int) -> list[str]:
    out = ["org_units:", "  - {code: org, name: Generated organisation, type: organisation}"]
    for i in range(units):
        out.append(f"  - {{code: U{i}, name: Directorate {i}, type: directorate, parent: org}}")
    return out


def _owners(owners: int, units: int) -> list[str]:
    out = ["owners:"]
    for i in range(owners):
        out.append(f"  - {{code: OW{i}, title: Director of programme {i}, name: Person {i}, org_unit: U{i % units}}}")
    return out


def _objectives(out: list[str], rng: random.Random, count: int, areas: int, units: int, owners: int) -> list[str]:
    """Areas, then priorities under them, then commitments under the priorities; the codes."""
    out.append("objectives:")
    codes: list[str] = []
    priorities: list[str] = []
    for i in range(count):
        if i < areas:
            code, level, parent = f"A{i}", "area", None
        elif i < areas + (count - areas) // 3:
            code, level, parent = f"P{i}", "priority", f"A{i % areas}"
            priorities.append(code)
        else:
            code, level, parent = f"C{i}", "commitment", priorities[i % len(priorities)]
        out += [
            f"  - code: {code}",
            f"    level: {level}",
            f"    title: {_q(_text(rng, 10))}",
            f"    description: {_q(_text(rng, 70))}",
        ]
        if parent:
            out.append(f"    parent: {parent}")
        out += [f"    org_unit: U{i % units}", f"    owner: OW{i % owners}", f"    source: para {i + 1}"]
        if level == "commitment" and i % 7 == 0:
            out.append(f"    contributes_to: [A{(i + 1) % areas}]")
        out.append(f"    assessed_by: [{_q(_text(rng, 8))}]")
        codes.append(code)
    return codes


def _activities(out: list[str], rng: random.Random, codes: list[str], units: int, owners: int) -> None:
    out.append("activities:")
    statuses = ("not_started", "in_progress", "complete", "delayed")
    n = 0
    for code in codes:
        for _ in range(3):
            year = rng.choice(YEARS)
            out += [
                f"  - code: ACT{n}",
                f"    objective: {code}",
                f"    title: {_q(_text(rng, 9))}",
                f"    description: {_q(_text(rng, 30))}",
                f"    type: {rng.choice(('action', 'deliverable', 'key_activity', 'milestone'))}",
                f"    owner: OW{n % owners}",
                f"    org_unit: U{n % units}",
                f"    due: {year} Q{rng.randint(1, 4)}",
                f"    status: {rng.choice(statuses)}",
            ]
            n += 1


def _metrics(out: list[str], rng: random.Random, codes: list[str], owners: int) -> None:
    out.append("metrics:")
    for i, code in enumerate(codes[::2]):
        value = rng.randint(50, 99) / 100
        out += [
            f"  - code: M{i}",
            f"    title: {_q(_text(rng, 8))}",
            f"    objectives: [{code}]",
            f"    definition: {_q(_text(rng, 25))}",
            "    unit: percentage",
            "    polarity: higher_is_better",
            "    aggregation: ratio",
            "    frequency: quarterly",
            f"    target: {{value: {value}, comparison: '>=', by: {YEARS[-1]} Q4, text: {_q(_text(rng, 6))}}}",
            "    trajectory:",
            *(f"      - {{period: {YEARS[-1]} Q{q}, value: {value}}}" for q in range(1, 5)),
            f"    owner: OW{i % owners}",
            f"    headline: {'true' if i % 50 == 0 else 'false'}",
            "    trigger_rules: [{rule: below_target_for, periods: 2}]",
        ]


def _budgets(out: list[str], rng: random.Random, units: int) -> None:
    out.append("budget_lines:")
    for i in range(units):
        for year in YEARS:
            for category in ("running", "programme"):
                out += [
                    f"  - code: B{i}-{year[:4]}-{category}",
                    f"    title: Directorate {i} {category}",
                    f"    org_unit: U{i}",
                    f"    category: {category}",
                    f"    amount: '£{rng.randint(1, 900) / 10}m'",
                    f"    period: {year}",
                ]


# ---------------------------------------------------------------------------------- measuring


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()


def _step(step: str, file: str, database: str) -> list[dict]:
    """Run one step in this process; each figure as a dict."""
    if step == "validate":
        from goldenthread.cli.main import main as cli

        return [_timed("plan validate", lambda: cli(["plan", "validate", file]))]
    if step == "load":
        from goldenthread.cli.main import main as cli

        cli(["--database", database, "migrate"])
        return [_timed("plan load", lambda: cli(["--database", database, "plan", "load", file]))]
    _django(database)
    if step.startswith("page:"):
        return [_page(step.removeprefix("page:"))]
    if step.startswith("pack:"):
        return [_pack(step.removeprefix("pack:"))]
    raise SystemExit(f"unknown step {step}")


def _timed(label: str, fn) -> dict:
    base = _peak_mb()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return {"what": label, "seconds": seconds, "peak_mb": _peak_mb(), "before_mb": base, "result": repr(result)[:60]}


AS_AT = "2018/19 Q4"
PAGES = ("", "by-priority/", "by-directorate/", "matrix/", "deliverables/", "scorecard/", "exceptions/", "budgets/")


def _page(path: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    admin = users.filter(username="bench-admin").first() or users.create_superuser("bench-admin", "a@example.org")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    address = f"/plans/large/{path}"
    client.get("/")  # warm up the templates and the session
    figures = _timed(address, lambda: client.get(address, {"as_at": AS_AT}))
    response = client.get(address, {"as_at": AS_AT})
    figures["status"] = response.status_code
    figures["bytes"] = len(response.content)
    return figures


def _pack(fmt: str) -> dict:
    from goldenthread.planfile.periods import parse_period
    from goldenthread.plans.models import Plan
    from goldenthread.reports.board import board_pack
    from goldenthread.reports.documents import render_pack

    plan = Plan.objects.get(code="large")
    sizes = []

    def build() -> None:
        sizes.append(len(render_pack(board_pack(plan, parse_period(AS_AT)), fmt)))

    figures = _timed(f"board pack {fmt}", build)
    figures["bytes"] = sizes[0]
    return figures


def _run(step: str, file: Path, database: str, timeout: float) -> list[dict]:
    command = [sys.executable, __file__, "--step", step, "--file", str(file), "--database", database]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return [{"what": step, "stopped": timeout}]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return [{"what": step, "failed": (done.stderr or done.stdout)[-600:]}]
    return [json.loads(line) for line in lines]


def _show(figure: dict) -> None:
    if "stopped" in figure:
        print(f"  {figure['what']:<36} stopped after {figure['stopped']:.0f} s", flush=True)
        return
    if "failed" in figure:
        print(f"  {figure['what']:<36} failed: {figure['failed']}", flush=True)
        return
    size = f"{figure['bytes']:>13,} bytes" if "bytes" in figure else " " * 19
    status = f"  HTTP {figure['status']}" if "status" in figure else ""
    print(
        f"  {figure['what']:<36} {figure['seconds']:7.2f} s  peak {figure['peak_mb']:6.0f} MB "
        f"(+{figure['peak_mb'] - figure['before_mb']:.0f})  {size}{status}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--steps", default="validate,load,pages,pack")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:  # one step, in a process of its own
        for figure in _step(args.step, args.file, args.database):
            print(json.dumps(figure))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="gt-large-"))
    os.environ["GOLDENTHREAD_VAR"] = str(folder)
    file = folder / "large.yaml"
    text = generate(max(20, int(args.megabytes * 1_000_000 / BYTES_PER_OBJECTIVE)))
    file.write_text(text, encoding="utf-8")
    counts = {k: len(re.findall(rf"^  - code: {k}[0-9]", text, re.M)) for k in ("A", "P", "C", "ACT", "M")}
    print(
        f"{file.name}: {len(text.encode()):,} bytes; objectives {counts['A'] + counts['P'] + counts['C']:,}, "
        f"activities {counts['ACT']:,}, metrics {counts['M']:,}",
        flush=True,
    )
    database = f"sqlite:///{folder}/bench.sqlite3"
    steps = args.steps.split(",")
    plan_steps = [s for s in steps if s in ("validate", "load")]
    plan_steps += [f"page:{p}" for p in PAGES] if "pages" in steps else []
    plan_steps += ["pack:html", "pack:pdf"] if "pack" in steps else []
    for step in plan_steps:
        for figure in _run(step, file, database, args.timeout):
            _show(figure)
    if args.keep:
        print(f"kept {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
