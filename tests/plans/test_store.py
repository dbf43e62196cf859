"""Loading is idempotent, updates in place, removes what the file no longer has, and rolls back."""

from __future__ import annotations

import json

import pytest

from goldenthread.planfile import to_json, to_yaml, validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import export_plan, load_plan, load_plans

pytestmark = pytest.mark.django_db


def plan_from(text: str):
    result = validate_text(text, "edited.yaml")
    assert result.ok, result.problems
    return result.plan


def snapshot() -> dict:
    """Every row of every plan table, for comparing database states."""
    tables = [
        m.Organisation,
        m.Plan,
        m.Level,
        m.OrgUnit,
        m.Owner,
        m.Objective,
        m.FrameworkReference,
        m.Activity,
        m.Metric,
        m.TrajectoryPoint,
        m.StatedValue,
        m.BudgetLine,
        m.StatedTotal,
        m.Risk,
        m.Objective.contributes_to.through,
        m.Metric.objectives.through,
        m.Activity.partners.through,
    ]
    return {t.__name__: sorted(map(repr, t.objects.order_by("pk").values())) for t in tables}


def test_load_stores_every_element(example_plan):
    report = load_plan(example_plan)
    assert report.new_plan
    plan = m.Plan.objects.get(code="example-2019")
    assert plan.organisation.name == "NHS England and NHS Improvement"
    assert [x.name for x in plan.levels.all()] == ["Organisational priority", "Directorate priority"]
    med = m.Objective.objects.get(plan=plan, code="MED-1")
    assert med.org_unit.code == "medical" and med.owner.title == "National Medical Director"
    assert [o.code for o in med.contributes_to.all()] == ["1"]
    assert [o.code for o in m.Objective.objects.get(plan=plan, code="1").contributors.all()] == ["MED-1"]
    one = m.Objective.objects.get(plan=plan, code="1")
    assert one.assessed_by[1] == {"text": "Reducing health inequalities", "bracketed": True}
    assert [str(r) for r in one.framework_refs.all()] == ["Accountability Framework paragraphs 12 to 31 & 47"]
    survey = m.Activity.objects.get(plan=plan, code="NUR-1-a")
    assert survey.due_text == "Annual survey" and survey.due_date is None
    amr = m.Activity.objects.get(plan=plan, code="MED-1-a")
    assert amr.due_date.isoformat() == "2019-09-30"
    vac = m.Metric.objects.get(plan=plan, code="NUR-VAC")
    assert float(vac.target_value) == 0.08 and vac.target_by_date.isoformat() == "2020-03-31"
    assert [float(p.value) for p in vac.trajectory.all()] == [0.1, 0.095]
    assert m.Metric.objects.get(plan=plan, code="AMR-PRESC").to_be_confirmed
    assert vac.trigger_rules == [{"rule": "trajectory_missed_for", "periods": 2}, {"rule": "special_cause_concern"}]
    assert plan.activity_rules == [{"rule": "activity_overdue", "grace_days": 14}]
    assert sum(b.amount for b in plan.budget_lines.all()) == 20_600_000
    assert m.Risk.objects.get(plan=plan, code="R1").likelihood == 4


def test_reloading_the_same_file_changes_nothing(example_plan):
    load_plan(example_plan)
    before = snapshot()
    report = load_plan(example_plan)
    assert not report.changed, str(report)
    assert str(report) == "example-2019: unchanged"
    assert snapshot() == before


def test_edited_file_updates_in_place(example_text):
    load_plan(plan_from(example_text))
    med_pk = m.Objective.objects.get(code="MED-1").pk
    edited = example_text.replace(
        "title: Prevention and anti-microbial resistance clinical policy and programme development",
        "title: Prevention and AMR programme",
    )
    report = load_plan(plan_from(edited))
    assert report.updated["objective"] == 1 and not report.created["objective"] and not report.deleted["objective"]
    med = m.Objective.objects.get(code="MED-1")
    assert med.pk == med_pk and med.title == "Prevention and AMR programme"


def test_removed_elements_are_removed_with_their_links(example_text):
    load_plan(plan_from(example_text))
    # Remove directorate priority MED-1, its activity and its metric, and the contributes-to link with them.
    start = example_text.index("  - code: MED-1\n")
    end = example_text.index("  - code: NUR-1\n")
    text = example_text[:start] + example_text[end:]
    text = text.replace(text[text.index("  - code: MED-1-a") : text.index("  - code: NUR-1-a")], "")
    text = text.replace(text[text.index("  - code: AMR-PRESC") : text.index("  - code: NUR-VAC")], "")
    report = load_plan(plan_from(text))
    assert report.deleted["objective"] == 1
    assert report.deleted["activity"] == 1 and report.deleted["metric"] == 1
    assert report.deleted["contributes_to link"] == 1
    assert not m.Objective.objects.filter(code="MED-1").exists()
    assert m.Objective.objects.get(code="1").contributors.count() == 0
    assert m.Metric.objects.filter(code="AMR-PRESC").count() == 0


def test_failed_load_leaves_the_database_as_it_was(example_plan, example_text):
    load_plan(example_plan)
    before = snapshot()
    edited = plan_from(example_text.replace("title: Workforce", "title: Workforce (renamed)"))
    broken = plan_from(example_text.replace("code: example-2019", "code: broken"))
    broken.objectives[0].level = "no-such-level"  # passes schema; fails while storing
    with pytest.raises(KeyError):
        load_plans([edited, broken])
    assert snapshot() == before


def test_round_trip_is_byte_identical(example_plan):
    load_plan(example_plan)
    first_yaml, first_json = to_yaml(export_plan("example-2019")), to_json(export_plan("example-2019"))
    report = load_plan(plan_from(first_yaml))
    assert not report.changed, str(report)
    assert to_yaml(export_plan("example-2019")) == first_yaml
    assert to_json(export_plan("example-2019")) == first_json


def test_export_equals_the_loaded_plan(example_plan):
    load_plan(example_plan)
    assert export_plan("example-2019") == example_plan


def test_json_elements_say_their_kind(example_plan):
    load_plan(example_plan)
    data = json.loads(to_json(export_plan("example-2019")))
    assert data["kind"] == "plan" and data["code"] == "example-2019"
    kinds: dict[str, int] = {}

    def count(node):
        if isinstance(node, dict):
            if "kind" in node:
                assert node["code"] and node["title"], node
                kinds[node["kind"]] = kinds.get(node["kind"], 0) + 1
            for value in node.values():
                count(value)
        elif isinstance(node, list):
            for value in node:
                count(value)

    count(data)
    assert kinds == {
        "plan": 1,
        "org_unit": 3,
        "owner": 2,
        "objective": 4,
        "activity": 2,
        "metric": 2,
        "budget_line": 2,
        "stated_total": 1,
        "risk": 1,
    }
