"""The plan edit forms' engine: an element's data ↔ the form's values, percentages, blank fields
and rows, and validation problems placed at their fields. Pure: no database."""

from __future__ import annotations

import copy
from typing import get_args

import pytest

from goldenthread.planfile import Problem, plan_document, schema, validate_data
from goldenthread.presenters import plan_form_page as page
from goldenthread.presenters import plan_form_values as conv
from goldenthread.presenters import plan_forms as forms


class Post(dict):
    """A posted form as Django's QueryDict gives it: every value sent under a name."""

    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


@pytest.fixture
def document(example_plan):
    return plan_document(example_plan)


@pytest.mark.parametrize("form", list(forms.FORMS.values()), ids=list(forms.FORMS))
def test_every_element_of_the_example_goes_through_its_form_unchanged(form, document):
    for at, element in enumerate(document.get(form.section, [])):
        edited = copy.deepcopy(document)
        edited[form.section][at] = conv.data_from_values(form, conv.values_from_data(form, element), element)
        assert plan_document(validate_data(edited).plan) == document


def test_the_plans_own_fields_go_through_their_form_unchanged(document):
    fields = {k: v for k, v in document.items() if k not in ("levels", *schema.SECTIONS)}
    data = conv.data_from_values(forms.PLAN_FIELDS, conv.values_from_data(forms.PLAN_FIELDS, fields), fields)
    assert plan_document(validate_data({**document, **data}).plan) == document


def test_fixed_vocabularies_are_the_schemas_own():
    unit = next(s for s in forms.METRICS.fields if s.name == "unit")
    assert [value for value, _ in unit.choices] == list(get_args(schema.MetricUnit))
    assert dict(unit.choices)["percentage"] == "Percentage"
    rule = next(s for s in forms.METRICS.fields if s.name == "trigger_rules").columns[0]
    assert [value for value, _ in rule.choices] == list(get_args(schema.TriggerRuleName))


def test_percentages_are_converted_in_one_place():
    assert conv.number_text("95%", percent=True) == "0.95"
    assert conv.number_text(" 12.5 % ", percent=True) == "0.125"
    assert conv.number_text("100%", percent=True) == "1"
    assert conv.number_text("0.95", percent=True) == "0.95"
    assert conv.number_text("1,234", percent=False) == "1234"
    assert conv.number_text("95%", percent=False) == "95%"  # not a percentage field: validation says so
    assert conv.number_text("eight%", percent=True) == "eight%"
    assert conv.number_text("NaN", percent=True) == "NaN"


def test_a_new_metric_from_posted_values(document):
    post = Post(
        {
            "code": "X",
            "title": "  Turnover ",
            "objectives": ["NUR-1", "NUR-1", ""],
            "unit": "percentage",
            "target.value": "95%",
            "target.comparison": ">=",
            "target.by": "",
            "trajectory[0].period": "2019/20 Q1",
            "trajectory[0].value": "90%",
            "trajectory[1].period": "",
            "trajectory[1].value": "",
            "trajectory[2].period": "2019/20 Q2",
            "trajectory[2].value": "0.92",
            "trigger_rules[0].rule": "no_data_since",
            "trigger_rules[0].periods": "3",
            "trigger_rules[1].rule": "",
            "trigger_rules[1].periods": "",
            "headline": "yes",
            "definition": "Leavers\r\nover staff",
        }
    )
    values = conv.values_from_post(forms.METRICS, post)
    assert values["trajectory"][1] == {"period": "2019/20 Q2", "value": "0.92"}  # blank row dropped
    data = conv.data_from_values(forms.METRICS, values)
    assert data == {
        "code": "X",
        "title": "Turnover",
        "objectives": ["NUR-1"],
        "definition": "Leavers\nover staff",
        "unit": "percentage",
        "target": {"value": "0.95"},
        "trajectory": [{"period": "2019/20 Q1", "value": "0.9"}, {"period": "2019/20 Q2", "value": "0.92"}],
        "trigger_rules": [{"rule": "no_data_since", "periods": "3"}],
        "headline": True,
    }
    edited = {**document, "metrics": [*document["metrics"], data]}
    assert validate_data(edited).ok


def test_a_target_left_blank_is_no_target_and_a_cleared_field_goes(document):
    metric = document["metrics"][1]  # NUR-VAC, with a target and a review
    values = conv.values_from_data(forms.METRICS, metric)
    values.update({"target.value": "", "target.by": "", "target.text": "", "review.when": "", "headline": ""})
    data = conv.data_from_values(forms.METRICS, values, metric)
    assert "target" not in data and data["review"] == {"by": "Chief Nursing Officer"}
    assert "headline" not in data and data["stated_values"] == metric["stated_values"]


def test_a_new_forms_choices_show_the_plan_files_defaults():
    values = conv.values_from_data(forms.METRICS, None)
    assert (values["unit"], values["polarity"], values["frequency"], values["target.comparison"]) == (
        "count",
        "neutral",
        "quarterly",
        ">=",
    )
    assert conv.values_from_data(forms.BUDGET_LINES, None)["category"] == ""  # required: no default


def test_problems_are_placed_at_their_fields_or_described():
    problems = [
        Problem("", 0, 0, "metrics[3].target.value", "Input should be a valid decimal"),
        Problem("", 0, 0, "metrics[3].trajectory[1].period", "outside the plan"),
        Problem("", 0, 0, "metrics[3].trigger_rules[0]", "rule 'no_data_since' needs 'periods'"),
        Problem("", 0, 0, "metrics[3].objectives[0]", "unknown objective 'Z'"),
        Problem("", 0, 0, "metrics[3].stated_values[0]", "a stated value is odd"),
        Problem("", 0, 0, "metrics[3].target", "'value' is required"),
        Problem("", 0, 0, "metrics[3]", "scale_min must be below scale_max"),
        Problem("", 0, 0, "activities[0].objective", "unknown objective 'MED-1'"),
        Problem("", 0, 0, "reason", "Say why"),
    ]
    document = {"activities": [{"code": "MED-1-a"}]}
    placed = conv.place(forms.METRICS, problems, "metrics[3]", document)
    assert placed.at == {
        "target.value": "Input should be a valid decimal",
        "trajectory[1].period": "outside the plan",
        "trigger_rules[0].periods": "rule 'no_data_since' needs 'periods'",
        "objectives": "unknown objective 'Z'",
        "reason": "Say why",
        "stated_values[0].period": "a stated value is odd",
    }
    texts = [text for text, _ in placed.summary]
    assert "Planned values, row 2, Period: outside the plan" in texts
    assert "This metric: scale_min must be below scale_max" in texts
    assert "Activity MED-1-a, objective: unknown objective 'MED-1'" in texts
    assert ("Why is this changing?: Say why", "reason") in placed.summary


def test_the_plans_own_problems_are_placed_and_its_lists_described():
    problems = [Problem("", 0, 0, "organisation.name", "'name' is required"), Problem("", 0, 0, "levels", "none")]
    placed = conv.place(forms.PLAN_FIELDS, problems, "", {})
    assert placed.at == {"organisation.name": "'name' is required"}
    assert placed.summary[1] == ("The plan, levels: none", "")


def test_the_page_offers_the_plans_codes_but_not_an_objective_as_its_own_parent(document):
    values = conv.values_from_data(forms.OBJECTIVES, document["objectives"][2])  # MED-1
    context = page.Context(forms.Choices.of(document), own_code="MED-1")
    shown = {f.name: f for part in page.parts(forms.OBJECTIVES, values, context) for f in part.fields}
    parents = [item["value"] for item in shown["parent"].items]
    assert parents == ["", "1", "3", "NUR-1"]
    assert [i["value"] for i in shown["contributes_to"].items if i["checked"]] == ["1"]
    level = [(i["value"], i["selected"]) for i in shown["level"].items]
    assert level == [("org-priority", False), ("dir-priority", True)]
    assert len(shown["assessed_by"].rows) == page.BLANK_ROWS  # none yet: two blank rows


def test_their_version_is_shown_where_it_differs(document):
    mine = conv.values_from_data(forms.METRICS, document["metrics"][1])
    theirs = {**mine, "target.value": "0.07", "polarity": "higher_is_better"}
    context = page.Context(forms.Choices.of(document), theirs=theirs)
    shown = {f.name: f for part in page.parts(forms.METRICS, mine, context) for f in part.fields}
    assert shown["target.value"].theirs == "0.07" and shown["polarity"].theirs == "Higher is better"
    assert shown["title"].theirs is None


def test_the_listing_indents_objectives_under_their_parents(document):
    document["objectives"][2]["parent"] = "1"  # MED-1 under 1
    document["objectives"].append({"code": "MED-1.1", "level": "dir-priority", "title": "Sub", "parent": "MED-1"})
    listing = {part.form.section: part.entries for part in page.listing(document)}
    depths = {entry.code: (entry.depth, entry.detail) for entry in listing["objectives"]}
    assert depths["1"] == (0, "Organisational priority") and depths["MED-1"] == (1, "Directorate priority")
    assert depths["MED-1.1"][0] == 2
    assert listing["activities"][0].detail == "MED-1 · 2019/20 Q2" and listing["metrics"][1].detail == "NUR-1"
    assert [part.form.section for part in page.listing(document)][0] == "levels"
