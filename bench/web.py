"""Benchmark the plan dashboards on a large plan: time and queries per page.

A synthetic three-year plan — 12 organisational priorities, 15 directorates, 600 directorate
priorities each contributing to one or two priorities, 900 metrics and 2,400 activities with
due dates — is loaded into a throwaway SQLite database (or the one DATABASE_URL names), and each
page is fetched through Django's test client. Prints the median and best of several fetches
and the number of queries, which does not depend on the size of the plan.

Run with:  .venv/bin/python bench/web.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

import yaml

N_PRIORITIES = 12
N_DIRECTORATES = 15
N_OBJECTIVES = 600
N_METRICS = 900
N_ACTIVITIES = 2_400
REPEATS = 5


def plan_text() -> str:
    quarters = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2019, 2020, 2021) for q in (1, 2, 3, 4)]
    units = [{"code": f"d{i}", "name": f"Directorate {i}", "type": "directorate"} for i in range(N_DIRECTORATES)]
    owners = [{"code": f"o{i}", "title": f"Director {i}", "org_unit": f"d{i}"} for i in range(N_DIRECTORATES)]
    objectives = [{"code": f"P{i}", "level": "org", "title": f"Organisational priority {i}",
                   "description": f"What priority {i} means for patients."} for i in range(N_PRIORITIES)]
    objectives += [{"code": f"D{i}", "level": "dir", "title": f"Directorate priority {i}", "org_unit": f"d{i % N_DIRECTORATES}",
                    "owner": f"o{i % N_DIRECTORATES}",
                    "contributes_to": sorted({f"P{i % N_PRIORITIES}", f"P{(i * 7) % N_PRIORITIES}"})}
                   for i in range(N_OBJECTIVES)]
    metrics = [{"code": f"M{i}", "title": f"Metric {i}", "objectives": [f"D{i % N_OBJECTIVES}"],
                "target": {"value": 0.9, "comparison": ">=", "text": "90% or more"}} for i in range(N_METRICS)]
    activities = [{"code": f"A{i}", "objective": f"D{i % N_OBJECTIVES}", "type": "key_activity", "title": f"Activity {i}",
                   "owner": f"o{i % N_DIRECTORATES}",
                   "due": quarters[i % len(quarters)] if i % 5 else "Ongoing",
                   "status": ("in_progress", "not_started", "complete", "delayed")[i % 4]} for i in range(N_ACTIVITIES)]
    budget = [{"code": f"B{i}-{c}", "title": f"Directorate {i}", "org_unit": f"d{i}", "category": c,
               "amount": 1_000_000 * (i + 1), "period": "2019/20"}
              for i in range(N_DIRECTORATES) for c in ("running", "programme")]
    return yaml.safe_dump({
        "code": "bench", "title": "Benchmark plan", "organisation": {"code": "bench", "name": "Benchmark body"},
        "start": "2019/20", "end": "2021/22", "status": "draft",
        "levels": [{"code": "org", "name": "Organisational priority"}, {"code": "dir", "name": "Directorate priority"}],
        "org_units": units, "owners": owners, "objectives": objectives, "metrics": metrics, "activities": activities,
        "budget_lines": budget,
    }, sort_keys=False)


def main() -> int:
    folder = tempfile.mkdtemp(prefix="goldenthread-bench-")
    os.environ.setdefault("GOLDENTHREAD_VAR", folder)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from goldenthread.planfile import validate_text
    from goldenthread.plans.store import load_plan

    call_command("migrate", verbosity=0)
    result = validate_text(plan_text(), "bench.yaml")
    if not result.ok:
        print(*result.problems[:5], sep="\n", file=sys.stderr)
        return 1
    started = time.perf_counter()
    load_plan(result.plan)
    print(f"plan loaded in {time.perf_counter() - started:.1f} s: {N_OBJECTIVES + N_PRIORITIES} objectives, "
          f"{N_METRICS} metrics, {N_ACTIVITIES} activities ({connection.vendor})")
    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        "overview": "/plans/bench/?as_at=2020/21 Q2",
        "by priority": "/plans/bench/by-priority/?as_at=2020/21 Q2",
        "by directorate": "/plans/bench/by-directorate/?as_at=2020/21 Q2",
        "matrix": "/plans/bench/matrix/?as_at=2020/21 Q2",
        "deliverables": "/plans/bench/deliverables/?as_at=2020/21 Q2",
        "deliverables, one directorate": "/plans/bench/deliverables/?as_at=2020/21 Q2&directorate=d3",
        "budgets": "/plans/bench/budgets/",
        "search": "/search/?q=activity 1",
    }
    print(f"{'page':32} {'median':>8} {'best':>8} {'queries':>8} {'size':>9}")
    for name, url in pages.items():
        times = []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:32} {statistics.median(times):7.2f}s {min(times):7.2f}s {len(queries):8d} "
              f"{len(response.content) / 1024:8.0f}k")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
