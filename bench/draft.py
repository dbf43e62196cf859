"""Benchmark the drafting of plans from documents (issue 21): how much of each hand transcription
in plans/ the draft of its seed document finds, and how much of the draft is right.

Each seed document in ../shared/seeds/ (the one a plan in plans/ names as its source_document)
is drafted with ``goldenthread.planfile.drafting`` and scored against that plan with
``drafting.score`` (word-set match of titles at the stated threshold; a metric counts only with
its correct target; a budget line only with its amount): recall and precision per element kind,
summed over the five documents. Then the same for three perturbed versions of each document made
from its text by ``drafting.perturb`` (numbers shifted, sections reordered, long lines wrapped
again), with three seeds each, and each perturbed figure's difference from the original's.

Run with:  .venv/bin/python bench/draft.py  [--seeds DIR] [--detail]  (--detail: a table per document)
Goals: objectives recall >= 80%, activities and metrics-with-correct-targets recall >= 60%,
precision >= 70% for each, and the perturbed figures within 5 points of the originals.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from goldenthread.planfile import validate_file  # noqa: E402
from goldenthread.planfile.drafting import draft_text  # noqa: E402
from goldenthread.planfile.drafting.perturb import PERTURBATIONS  # noqa: E402
from goldenthread.planfile.drafting.score import THRESHOLD, Score, score  # noqa: E402

GOALS = {"objectives": 0.8, "activities": 0.6, "metrics": 0.6}
PRECISION_GOAL = 0.7
PERTURBED_WITHIN = 0.05
SEEDS = (1, 2, 3)


def pairs(seeds: Path) -> list[tuple[str, Path]]:
    """(plan file, seed document) for each transcription whose source document is there."""
    out = []
    for plan_file in sorted((ROOT / "plans").glob("*.yaml")):
        data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
        name = (data.get("source_document") or {}).get("file")
        if name and (seeds / name).is_file():
            out.append((str(plan_file), seeds / name))
    return out


def totals(rows: list[list[Score]]) -> dict[str, Score]:
    summed: dict[str, Score] = {}
    for scores in rows:
        for s in scores:
            t = summed.setdefault(s.kind, Score(s.kind, 0, 0, 0, 0))
            t.found, t.transcribed, t.correct, t.drafted = (
                t.found + s.found,
                t.transcribed + s.transcribed,
                t.correct + s.correct,
                t.drafted + s.drafted,
            )
    return summed


def table(title: str, summed: dict[str, Score], base: dict[str, Score] | None = None) -> None:
    print(f"\n{title}")
    print(
        f"  {'kind':<14}{'found':>12}{'recall':>9}{'correct':>12}{'precision':>11}"
        + ("   Δrecall Δprecision" if base else "")
    )
    for kind, s in summed.items():
        line = (
            f"  {kind:<14}{s.found:>5}/{s.transcribed:<6}{s.recall:>8.0%}{s.correct:>6}/{s.drafted:<5}"
            f"{s.precision:>10.0%}"
        )
        if base:
            b = base[kind]
            line += f"   {100 * (s.recall - b.recall):>+6.1f}  {100 * (s.precision - b.precision):>+7.1f}"
        print(line)


def verdict(original: dict[str, Score], perturbed: dict[str, dict[str, Score]]) -> list[str]:
    said = []
    for kind, goal in GOALS.items():
        s = original[kind]
        said.append(
            f"{kind}: recall {s.recall:.0%} (goal {goal:.0%}) {'met' if s.recall >= goal else 'NOT met'}; "
            f"precision {s.precision:.0%} (goal {PRECISION_GOAL:.0%}) "
            f"{'met' if s.precision >= PRECISION_GOAL else 'NOT met'}"
        )
    worst = max(abs(p[k].recall - original[k].recall) for p in perturbed.values() for k in GOALS)
    worst_p = max(abs(p[k].precision - original[k].precision) for p in perturbed.values() for k in GOALS)
    said.append(
        f"perturbed: largest change {100 * worst:.1f} points of recall, {100 * worst_p:.1f} of precision "
        f"(goal within {100 * PERTURBED_WITHIN:.0f}) {'met' if max(worst, worst_p) <= PERTURBED_WITHIN else 'NOT met'}"
    )
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"), help="the seed documents' folder")
    parser.add_argument("--detail", action="store_true", help="a table per document too")
    args = parser.parse_args()
    found = pairs(Path(args.seeds))
    if not found:
        print(f"no seed documents named by plans/*.yaml in {args.seeds}; give the folder with --seeds", file=sys.stderr)
        return 1
    print(f"Drafting {len(found)} seed documents; match threshold {THRESHOLD:.0%} of the longer title's words")
    original: list[list[Score]] = []
    perturbed: dict[str, list[list[Score]]] = defaultdict(list)
    for plan_file, document in found:
        reference = validate_file(plan_file).plan
        assert reference is not None, plan_file
        text = document.read_text(encoding="utf-8")
        scores = score(draft_text(text, document.name).plan, reference)
        original.append(scores)
        if args.detail:
            table(f"{document.name} → {Path(plan_file).name}", {s.kind: s for s in scores})
        for name, perturb in PERTURBATIONS.items():
            for seed in SEEDS:
                perturbed[name].append(score(draft_text(perturb(text, seed), document.name).plan, reference))
    base = totals(original)
    table("Original documents (all five)", base)
    summed = {name: totals(rows) for name, rows in perturbed.items()}
    for name, s in summed.items():
        table(f"Perturbed: {name} (seeds {', '.join(map(str, SEEDS))})", s, base)
    print()
    for line in verdict(base, summed):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
