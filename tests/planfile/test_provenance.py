"""Where a plan's details come from: `added` notes listed, and texts meant to be quoted as printed
that the source document does not hold (and no note names) found — by plan check, with the
document's text beside the plan file or given with --document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goldenthread.planfile import validate_file, validate_text
from goldenthread.planfile.provenance import document_path, normalised
from goldenthread.planfile.quality import INFORMATION, check_plan, to_fix
from goldenthread.planfile.schema import Plan

DOCUMENT = """\
Business plan 2019/20

3. The “four-hour” standard – patients seen within four hours
   • from arrival to admission, transfer or discharge.
Reviewed  Quarterly by the
Board. Target: 95% seen within 4 hours.
"""

PLAN = """\
code: p
title: Plan
organisation: {code: o, name: Org}
start: 2019/20
end: 2019/20
source_document: {title: Business plan, file: plan.txt}
levels: [{code: p, name: Priority}]
objectives:
  - code: P1
    level: p
    title: One
    assessed_by: [Patients seen within four hours, {text: Quarterly review, bracketed: true}]
metrics:
  - code: AE4HR
    title: Four hours
    objectives: [P1]
    definition: "The \\"four-hour\\" standard — patients seen within four hours from arrival to admission,
      transfer or discharge."
    data_source: NHS England A&E statistics
    target: {value: 0.95, text: 95% seen within 4 hours}
    review: {when: quarterly, by: The Board}
    trigger: Two quarters below target
"""


def plan_of(text: str) -> Plan:
    result = validate_text(text, "plan.yaml")
    assert result.ok and result.plan is not None, result.problems
    return result.plan


def unsourced(plan: Plan, document: str = DOCUMENT) -> list[str]:
    return [f"{f.kind} {f.code}: {f.detail}" for f in check_plan(plan, document) if f.check == "unsourced_detail"]


def test_texts_compare_as_a_reader_reads_them() -> None:
    assert normalised("The “four-hour”\n  standard – • seen") == normalised('the "four-hour" standard - seen')
    assert normalised("Reviewed  QUARTERLY") == "reviewed quarterly"


def test_texts_not_in_the_document_and_named_in_no_note_are_findings() -> None:
    found = unsourced(plan_of(PLAN))
    assert found == [
        "objective P1: assessed_by.1.text “Quarterly review” is not in the document: quote it as printed, or name "
        "it in an added note saying where it comes from",
        "metric AE4HR: data_source “NHS England A&E statistics” is not in the document: quote it as printed, or "
        "name it in an added note saying where it comes from",
        "metric AE4HR: trigger “Two quarters below target” is not in the document: quote it as printed, or name "
        "it in an added note saying where it comes from",
    ]


def test_an_added_note_covers_the_fields_it_names_and_those_inside_them() -> None:
    text = PLAN.replace(
        "    trigger: Two quarters below target\n",
        "    trigger: Two quarters below target\n    added:\n      - fields: [data_source, trigger]\n"
        "        note: NHS England's statistics; not printed\n",
    ).replace(
        "    assessed_by: [Patients seen within four hours, {text: Quarterly review, bracketed: true}]\n",
        "    assessed_by: [Patients seen within four hours, {text: Quarterly review, bracketed: true}]\n"
        "    added: [{fields: [assessed_by.1], note: The board's calendar}]\n",
    )
    plan = plan_of(text)
    assert unsourced(plan) == []
    notes = [(f.kind, f.code, f.detail) for f in check_plan(plan, DOCUMENT, information=True) if f.check in INFORMATION]
    assert notes == [
        ("objective", "P1", "assessed_by.1: The board's calendar"),
        ("metric", "AE4HR", "data_source, trigger: NHS England's statistics; not printed"),
    ]
    assert to_fix(check_plan(plan, DOCUMENT, information=True)) == check_plan(plan, DOCUMENT)


def test_without_the_document_nothing_is_said_unsourced() -> None:
    assert all(f.check != "unsourced_detail" for f in check_plan(plan_of(PLAN)))


def test_a_bodys_terms_of_reference_are_checked_too() -> None:
    text = PLAN + "bodies:\n  - {code: B, name: Board, terms_of_reference: To hold the executive to account}\n"
    assert unsourced(plan_of(text))[-1].startswith("body B: terms_of_reference “To hold the executive to account”")


def test_the_document_is_found_beside_the_plan_file(tmp_path: Path) -> None:
    plan = plan_of(PLAN)
    assert document_path(plan, tmp_path / "plan.yaml") is None
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "plan.txt").write_text(DOCUMENT)
    assert document_path(plan, tmp_path / "plan.yaml") == tmp_path / "sources" / "plan.txt"
    escape = plan_of(PLAN.replace("file: plan.txt", "file: ../../plan.txt"))
    assert document_path(escape, tmp_path / "plan.yaml") == tmp_path / "sources" / "plan.txt"


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "goldenthread.cli.main", "plan", "check", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_plan_check_reads_the_document_beside_the_plan_or_given(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "plan.txt").write_text(DOCUMENT)
    done = run_check(str(tmp_path / "plan.yaml"))
    assert f"Source document: {tmp_path / 'sources' / 'plan.txt'}" in done.stdout
    assert "Details added without saying where they come from (3)" in done.stdout
    assert "  metric AE4HR: Four hours — trigger “Two quarters below target” is not in the document" in done.stdout
    other = tmp_path / "other.txt"
    other.write_text(DOCUMENT + "\nTwo quarters below target. NHS England A&E statistics. Quarterly review.")
    done = run_check(str(tmp_path / "plan.yaml"), "--document", str(other), "--strict")
    assert f"Source document: {other}" in done.stdout
    assert "without saying" not in done.stdout
    done = run_check(str(tmp_path / "plan.yaml"), "--document", str(tmp_path / "missing.txt"))
    assert done.returncode == 1
    assert "cannot read the source document" in done.stderr and "missing.txt" in done.stderr


SEEDS = Path(__file__).resolve().parents[2] / "plans"


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.yaml")))
def test_each_seed_plan_quotes_its_document_or_says_where_a_detail_comes_from(name: str) -> None:
    result = validate_file(SEEDS / name)
    assert result.ok and result.plan is not None, result.problems
    path = document_path(result.plan, SEEDS / name)
    assert path is not None, f"{name}: its source document is not in plans/sources/"
    found = [
        f"{f.kind} {f.code}: {f.detail}"
        for f in check_plan(result.plan, path.read_text(encoding="utf-8"))
        if f.check == "unsourced_detail"
    ]
    assert found == []


def test_a_seed_detail_whose_note_is_taken_away_is_found() -> None:
    result = validate_file(SEEDS / "nhsi-2016.yaml")
    assert result.plan is not None
    plan = result.plan
    path = document_path(plan, SEEDS / "nhsi-2016.yaml")
    assert path is not None
    metric = next(m for m in plan.metrics if m.code == "AE4HR")
    metric.added = [entry for entry in metric.added if "definition" not in entry.fields]
    found = [(f.code, f.detail.split(" ")[0]) for f in check_plan(plan, path.read_text(encoding="utf-8"))]
    assert ("AE4HR", "definition") in found
