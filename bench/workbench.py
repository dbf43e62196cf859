"""The plan workbench on the largest seed plan: an edit, an approval, a workbook both ways.

Sets up a throwaway SQLite database with nhse-2013 (63 objectives, 158 activities, 35 metrics,
45 budget lines), then times what a planning team waits for: saving one element in a draft
change (the whole plan validated each time), approving a change of 20 edits into the next
version, comparing two versions, and writing and reading the plan as an Excel workbook.

    .venv/bin/python bench/workbench.py [--edits 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="gt-bench-")
    os.environ["GOLDENTHREAD_VAR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from goldenthread.planfile import validate_file
    from goldenthread.planfile.compare import compare
    from goldenthread.planfile.workbook_read import validate_workbook
    from goldenthread.planfile.workbook_write import plan_workbook
    from goldenthread.plans import changes, versions
    from goldenthread.plans import models as m
    from goldenthread.plans.store import load_plan

    call_command("migrate", verbosity=0)
    spec = validate_file(ROOT / "plans" / "nhse-2013.yaml").plan
    assert spec is not None
    load_plan(spec)
    plan = m.Plan.objects.get(code=spec.code)
    users = get_user_model().objects
    planner, owner = users.create_user("planner"), users.create_user("owner")
    change = changes.draft_change(plan, planner)
    codes = [a["code"] for a in change.document["activities"]][: args.edits]
    saves = []
    for i, code in enumerate(codes):
        data = {**changes.element_data(change, "activities", code), "title": f"Revised activity {i}"}
        seconds, _ = timed(
            lambda code=code, data=data: changes.save_element(
                change, "activities", code, data, reason="Revised", user=planner, seen=None
            )
        )
        saves.append(seconds)
    changes.submit(change, planner, in_force_label="2013/14 Q3", summary="Bench")
    approve, version = timed(lambda: changes.approve(change, owner))
    old, new = versions.version_plan(plan.versions.get(number=1)), versions.version_plan(version)
    comparing, _ = timed(lambda: compare(old, new))
    writing, book = timed(lambda: plan_workbook(new))
    reading, result = timed(lambda: validate_workbook(book, "nhse-2013.xlsx"))
    assert result.ok, result.problems[:3]
    print(f"nhse-2013: {len(new.objectives)} objectives, {len(new.activities)} activities, {len(new.metrics)} metrics")
    print(
        f"save one element in the draft (whole plan validated): median {statistics.median(saves) * 1000:.0f} ms, "
        f"max {max(saves) * 1000:.0f} ms over {len(saves)} edits"
    )
    print(f"approve a change of {len(saves)} edits into version {version.number}: {approve:.2f} s")
    print(f"compare versions 1 and {version.number}: {comparing * 1000:.0f} ms")
    print(f"write the workbook: {writing:.2f} s ({len(book) // 1024} KB); read it back and validate: {reading:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
