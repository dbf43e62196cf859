"""Every seed document drafts a plan that validates and loads, and its provenance points at real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldenthread.cli.main import main
from goldenthread.planfile import validate_file
from goldenthread.planfile.drafting import draft
from goldenthread.planfile.drafting.layout import clean
from goldenthread.planfile.drafting.score import words

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"
SEEDS = sorted(SOURCES.glob("0*.txt"))


def test_the_five_seeds_are_there():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_seed_drafts_a_valid_plan_whose_provenance_points_at_real_passages(seed, tmp_path):
    result = draft(seed)
    lines = result.document.lines
    for candidate in result.candidates:
        block = candidate.place.block
        passage = clean(" ".join(line.text for line in lines[block.line - 1 : block.line - 1 + block.span]))
        # the element's words are in the lines its source names
        assert words(candidate.title) <= words(passage), (candidate.title, block.line)
        assert candidate.place.label("txt").startswith(f"line {block.line}")
    for element in [*result.plan.objectives, *result.plan.activities, *result.plan.metrics]:
        if element.code == "UNPLACED":  # made to hold activities found before any objective; says so
            continue
        assert element.source and element.source.startswith("line "), element.code
        assert element.added and "confidence" in element.added[0].note
    out = tmp_path / "draft.yaml"
    assert main(["plan", "draft", str(seed), "-o", str(out)]) == 0
    assert validate_file(out).ok


@pytest.mark.django_db
def test_a_seeds_draft_loads(tmp_path):
    out = tmp_path / "draft.yaml"
    assert main(["plan", "draft", str(SEEDS[1]), "-o", str(out), "--code", "draft-001"]) == 0
    assert main(["plan", "load", str(out)]) == 0
    from goldenthread.plans.models import Plan

    stored = Plan.objects.get(code="draft-001")
    assert stored.objectives.count() == len(validate_file(out).plan.objectives)


def test_the_command_refuses_a_document_it_cannot_read(tmp_path, capsys):
    bad = tmp_path / "plan.rtf"
    bad.write_text("x")
    out = tmp_path / "draft.yaml"
    assert main(["plan", "draft", str(bad), "-o", str(out)]) == 1
    assert "must be .txt, .docx or .pdf" in capsys.readouterr().err
    assert not out.exists()
