"""The perturbations the bench drafts from, and the scoring of a draft against a transcription."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from goldenthread.planfile import validate_file
from goldenthread.planfile.drafting.perturb import move_line_breaks, renumber, reorder_sections, sections
from goldenthread.planfile.drafting.score import THRESHOLD, score, similarity, words

TEXT = """Title of the plan
Preface text.
1. First section
Some text of the first section that is long enough to be wrapped again by the perturbation, surely.
1.1 A subsection
2. Second section
Cell one\tCell two
3. Third section
The end.
"""
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example.yaml"


def test_renumbering_shifts_leading_numbers_alike_and_leaves_table_rows():
    out = renumber(TEXT, seed=1).split("\n")
    shifted = [line for line in out if line[:1].isdigit()]
    offset = int(shifted[0].split(".")[0]) - 1
    assert offset >= 1
    assert shifted == [
        f"{1 + offset}. First section",
        f"{1 + offset}.1 A subsection",
        f"{2 + offset}. Second section",
        f"{3 + offset}. Third section",
    ]
    assert "Cell one\tCell two" in out
    assert renumber(TEXT, seed=1) == renumber(TEXT, seed=1)


def test_reordering_moves_whole_sections_and_keeps_every_line():
    parts = sections(TEXT)
    assert parts[0] == ["Title of the plan", "Preface text."]
    # a subsection stays in its section
    assert [p[0] for p in parts[1:]] == ["1. First section", "2. Second section", "3. Third section"]
    seen = {reorder_sections(TEXT, seed) for seed in range(1, 8)}
    assert len(seen) > 1
    for out in seen:
        assert sorted(out.split("\n")) == sorted(TEXT.split("\n"))
        assert out.startswith("Title of the plan\nPreface text.\n")


def test_moving_line_breaks_wraps_long_lines_and_keeps_the_words():
    long = "word " * 60 + "end."
    out = move_line_breaks(long + "\nshort\nA\tB " + "x" * 100, seed=3)
    lines = out.split("\n")
    assert all(len(line) <= 90 for line in lines[:-1]) and len(lines) > 3
    assert " ".join(lines[:-2]).split() == long.split()
    assert lines[-1].startswith("A\tB ")  # a table row is not wrapped


def test_words_and_similarity():
    assert words("3.1 The Priorities of the Trust") == frozenset({"priorities", "trust"})
    assert similarity(words("Generation of intelligence"), words("1. Generation of intelligence")) == 1.0
    assert similarity(words("Digital"), words("Digital strategy for the whole NHS")) < THRESHOLD


def test_a_plan_scored_against_itself_finds_everything_and_a_wrong_target_is_not_counted():
    plan = validate_file(EXAMPLE).plan
    assert plan is not None
    rows = {s.kind: s for s in score(plan, plan)}
    assert all(s.recall == 1.0 and s.precision == 1.0 for s in rows.values())
    with_target = next(i for i, m in enumerate(plan.metrics) if m.target is not None)
    wrong = plan.model_copy(deep=True)
    wrong.metrics[with_target].target.value += Decimal(1)
    metrics = {s.kind: s for s in score(wrong, plan)}["metrics"]
    assert metrics.found == len(plan.metrics) - 1
