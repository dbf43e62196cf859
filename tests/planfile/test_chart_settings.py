"""A metric's chart settings in the plan file (issue 18): the default chart from the unit and
aggregation, validation with each problem at its line, and round trips through YAML, the
workbook and plan comparison. No database."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from goldenthread.planfile import to_yaml, validate_text
from goldenthread.planfile.charts import (
    CHART_TYPES,
    annotation_points,
    chart_for,
    chart_problem,
    default_chart,
    rebase_starts,
)
from goldenthread.planfile.compare import compare
from goldenthread.planfile.workbook_read import validate_workbook
from goldenthread.planfile.workbook_write import plan_workbook
from tests.chart_settings import EXAMPLE, SETTINGS, example_with_settings


def _plan(text: str):
    result = validate_text(text, "charts.yaml")
    assert result.ok, [str(p) for p in result.problems]
    return result.plan


def _problems(settings: str) -> list[str]:
    result = validate_text(example_with_settings(settings), "charts.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# --- the default chart ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "aggregation", "chart"),
    [
        ("percentage", "ratio", "pp"),  # a proportion with its denominators: Laney's p′
        ("rate", "ratio", "up"),  # a rate with its exposure: Laney's u′
        ("ratio", "ratio", "up"),
        ("count", "ratio", "up"),
        ("count", "sum", "c"),  # a count of events
        ("count", "mean", "xmr"),
        ("percentage", "mean", "xmr"),  # a percentage given without its counts
        ("percentage", "sum", "xmr"),
        ("currency", "sum", "xmr"),
        ("score", "mean", "xmr"),
        ("days", "sum", "xmr"),
        ("other", "sum", "xmr"),
    ],
)
def test_the_default_chart_follows_the_unit_and_aggregation(unit, aggregation, chart):
    assert default_chart(unit, aggregation) == chart
    assert chart_problem(chart, unit, aggregation) is None  # a default always suits its metric


def test_a_metric_chart_is_its_own_or_the_default():
    assert chart_for(SimpleNamespace(unit="percentage", aggregation="ratio", chart="")) == "pp"
    assert chart_for(SimpleNamespace(unit="percentage", aggregation="ratio", chart=None)) == "pp"
    assert chart_for(SimpleNamespace(unit="percentage", aggregation="ratio", chart="run")) == "run"
    assert chart_for(SimpleNamespace(unit="count", aggregation="sum")) == "c"  # no chart attribute at all
    assert chart_for({"unit": "count", "aggregation": "sum"}) == "c"  # a plan document's metric
    assert chart_for({"code": "X", "title": "X"}) == "c"  # the plan file's defaults: count, sum
    assert chart_for({"unit": "count", "chart": "g"}) == "g"


def test_the_seed_plans_metrics_get_a_default_each():
    plan = _plan(EXAMPLE.read_text(encoding="utf-8"))
    charts = {metric.code: chart_for(metric) for metric in plan.metrics}
    assert charts == {"AMR-PRESC": "xmr", "NUR-VAC": "pp"}  # rate summed: xmr; a percentage as a ratio: pp


def test_rebase_dates_start_the_metrics_period_they_fall_in():
    rebase = [{"date": "2017-05", "reason": "a"}, SimpleNamespace(date="2017/18 Q3"), {"date": "2017-04-01"}]
    assert rebase_starts(rebase, "quarterly") == [date(2017, 4, 1), date(2017, 10, 1)]
    assert rebase_starts(rebase, "monthly") == [date(2017, 4, 1), date(2017, 5, 1), date(2017, 10, 1)]
    assert rebase_starts([{"date": "2017/18"}], "annual") == [date(2017, 4, 1)]
    assert rebase_starts([{"date": "soon"}], "monthly") == []  # validation reports it; nothing to rebase at


def test_annotations_mark_the_point_of_the_period_they_fall_in():
    annotations = [{"date": "2017-02-14", "text": "Later"}, SimpleNamespace(date="2017-01-09", text="<b>Winter</b>")]
    assert annotation_points(annotations + [{"date": "never", "text": "x"}], "quarterly") == [
        (date(2017, 1, 1), "2017-01-09", "<b>Winter</b>"),
        (date(2017, 1, 1), "2017-02-14", "Later"),
    ]
    assert annotation_points(annotations, "monthly")[1] == (date(2017, 2, 1), "2017-02-14", "Later")


# --- validation -------------------------------------------------------------------------------


def test_every_setting_is_read_as_written():
    plan = _plan(example_with_settings())
    metric = next(m for m in plan.metrics if m.code == "NUR-VAC")
    assert metric.chart == "p" and metric.fix_after_n == 12
    assert [(r.date, r.reason) for r in metric.rebase] == [
        ("2019/20 Q2", "New recruitment drive"),
        ("2020-01", "Establishment re-counted: <script>alert(1)</script>"),
    ]
    assert [(a.date, a.text) for a in metric.annotations] == [
        ("2019-08-05", '<b>Winter</b> plan =HYPERLINK("x")'),
        ("2019/20 Q3", "Agency cap"),
    ]


def test_an_unknown_chart_type_is_refused_at_its_line_with_the_valid_ones():
    text = example_with_settings("    chart: xbar\n")
    (problem,) = [str(p) for p in validate_text(text, "charts.yaml").problems]
    line = _line_of(text, "chart: xbar")
    assert problem.startswith(f"charts.yaml:{line}:12: metrics[1].chart: Input should be 'xmr', 'p', 'pp'")
    assert all(f"'{chart}'" in problem for chart in CHART_TYPES) and problem.endswith("not 'xbar'")


def test_a_chart_that_needs_denominators_is_refused_on_a_metric_without_them():
    text = example_with_settings("").replace("    aggregation: ratio\n", "    aggregation: mean\n")
    text = text.replace("    unit: rate\n", "    unit: rate\n    chart: up\n")
    problems = [str(p) for p in validate_text(text, "charts.yaml").problems]
    assert problems == [
        f"charts.yaml:{_line_of(text, 'chart: up')}:12: metrics[0].chart: a u′ chart (Laney's rates) needs "
        "numerators and denominators, but this metric's aggregation is 'sum'; set aggregation: ratio (and load "
        "numerator and denominator), or choose xmr or run"
    ]


@pytest.mark.parametrize(
    ("chart", "fragment"),
    [
        ("c", "a c chart (counts) is for a metric of unit count, but this metric's unit is 'percentage'"),
        ("t", "a t chart (time between events) is for a metric of unit days, but this metric's unit is"),
        ("g", "a g chart (cases between events) is for a metric of unit count or days"),
    ],
)
def test_a_chart_for_another_unit_is_refused(chart, fragment):
    (problem,) = _problems(f"    chart: {chart}\n")
    assert "metrics[1].chart: " + fragment in problem and problem.endswith("choose pp, xmr or run, or correct the unit")


def test_charts_that_suit_the_metric_are_accepted():
    for chart in ("xmr", "run", "p", "pp"):
        assert _plan(example_with_settings(f"    chart: {chart}\n")).metrics[1].chart == chart


def test_rebase_and_annotation_problems_are_each_at_their_line():
    settings = """    rebase:
      - date: 2019/20 Q5
        reason: Quarter that is not one
      - date: 2019-07
        reason: First
      - date: 2019-08-15
        reason: Same quarter again
      - date: 2300-01
        reason: Too late
      - date: 2019-10
        reason: ''
      - date: 2019/20 Q4
    annotations:
      - date: someday
        text: Vague
      - date: 2019-09
        text: '   '
      - date: 2019-09
        text: "%s"
    fix_after_n: 0
""" % ("x" * 301)
    text = example_with_settings(settings)
    problems = [str(p) for p in validate_text(text, "charts.yaml").problems]
    at = {name: _line_of(text, needle) for name, needle in [
        ("q5", "2019/20 Q5"), ("again", "2019-08-15"), ("late", "2300-01"), ("blank", "reason: ''"),
        ("missing", "date: 2019/20 Q4"), ("someday", "someday"), ("spaces", "text: '   '"), ("long", "xxxx"),
        ("fix", "fix_after_n: 0"),
    ]}  # fmt: skip
    assert problems == sorted(problems, key=lambda p: int(p.split(":")[1]))
    expected = [
        f":{at['missing']}:9: metrics[1].rebase[5].reason: 'reason' is required",
        f":{at['blank']}:17: metrics[1].rebase[4].reason: a rebase needs its reason: say what changed in the "
        "process, e.g. 'New triage model'",
        f":{at['spaces']}:15: metrics[1].annotations[1].text: an annotation needs its text: say what happened",
        f":{at['long']}:15: metrics[1].annotations[2].text: this text is 301 characters long; at most 300; shorten it",
        f":{at['fix']}:18: metrics[1].fix_after_n: Input should be greater than or equal to 1",
    ]
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    # the shape is wrong: the dates are checked once it is right
    fixed = settings.replace("        reason: ''\n", "        reason: Ten\n").replace("      - date: 2019/20 Q4\n", "")
    fixed = fixed.replace("text: '   '", "text: Staff survey").replace("x" * 301, "x" * 300)
    fixed = fixed.replace("fix_after_n: 0", "fix_after_n: 6")
    text = example_with_settings(fixed)
    problems = [str(p) for p in validate_text(text, "charts.yaml").problems]
    at = {name: _line_of(text, needle) for name, needle in [("q5", "Q5"), ("again", "08-15"), ("late", "2300-01")]}
    at["someday"] = _line_of(text, "someday")
    assert problems == [
        f"charts.yaml:{at['q5']}:15: metrics[1].rebase[0].date: '2019/20 Q5' is not a period: a financial year has "
        "quarters Q1 to Q4; write a quarter as 2016/17 Q4",
        f"charts.yaml:{at['again']}:15: metrics[1].rebase[2].date: '2019-08-15' rebases the same period as "
        "'2019-07' (the quarterly period starting 2019-07-01); give each rebase once",
        f"charts.yaml:{at['late']}:15: metrics[1].rebase[3].date: '2300-01': the year 2300 is out of range; "
        "years from 1900 to 2199 are accepted",
        f"charts.yaml:{at['someday']}:15: metrics[1].annotations[0].date: 'someday' is not a period; write a "
        "financial year (2016/17), a quarter (2016/17 Q4), a month (2017-01) or a date (2017-03-31)",
    ]


def test_fix_after_n_must_be_a_whole_number():
    (problem,) = _problems("    fix_after_n: ten\n")
    assert "metrics[1].fix_after_n: Input should be a valid integer" in problem
    (problem,) = _problems("    fix_after_n: 1001\n")
    assert "metrics[1].fix_after_n: Input should be less than or equal to 1000" in problem


def test_hostile_input_is_held_as_text_or_refused_at_its_line():
    plan = _plan(
        example_with_settings('    annotations:\n      - {date: 2019-09, text: "!!python/object:os.system"}\n')
    )
    assert plan.metrics[1].annotations[0].text == "!!python/object:os.system"  # quoted: just text
    text = example_with_settings("    rebase:\n      - date: 2019-09\n        reason: !!python/object:os.system x\n")
    (problem,) = [str(p) for p in validate_text(text, "charts.yaml").problems]
    assert problem.startswith(f"charts.yaml:{_line_of(text, '!!python')}:") and "tag" in problem
    (problem,) = _problems('    annotations:\n      - {date: 2019-09, text: "a\\u202eb"}\n')
    assert "annotations[0].text: this text contains an invisible right-to-left override" in problem


# --- round trips ------------------------------------------------------------------------------


def test_yaml_round_trip_keeps_every_setting_and_leaves_a_default_chart_out():
    plan = _plan(example_with_settings())
    text = to_yaml(plan)
    assert _plan(text) == plan and to_yaml(_plan(text)) == text
    assert "\n  chart: p\n  rebase:\n  - date: 2019/20 Q2\n    reason: New recruitment drive\n" in text
    assert "chart:" not in to_yaml(_plan(EXAMPLE.read_text(encoding="utf-8")))


def test_workbook_round_trip_keeps_every_setting_as_text():
    plan = _plan(example_with_settings())
    result = validate_workbook(plan_workbook(plan))
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan == plan
    formula = example_with_settings('    annotations:\n      - {date: 2019-09, text: "=SUM(A1:A9)"}\n')
    result = validate_workbook(plan_workbook(_plan(formula)))
    assert result.ok and result.plan.metrics[1].annotations[0].text == "=SUM(A1:A9)"


def test_a_workbook_problem_is_at_its_sheet_and_cell():
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(plan_workbook(_plan(example_with_settings()))))
    rebase = book["Rebase dates"]
    assert [c.value for c in rebase[1]] == ["metric", "date", "reason"]
    rebase["C3"] = None
    book["Metrics"].cell(3, [c.value for c in book["Metrics"][1]].index("chart") + 1, "q")
    out = io.BytesIO()
    book.save(out)
    problems = [str(p) for p in validate_workbook(out.getvalue()).problems]
    assert any(p.startswith("plan.xlsx!Rebase dates!C3: metrics[1].rebase[1].reason:") for p in problems), problems
    assert any("!Metrics!" in p and "metrics[1].chart: Input should be 'xmr'" in p for p in problems), problems


def test_a_changed_setting_appears_in_the_plan_comparison():
    old = _plan(example_with_settings())
    new_settings = SETTINGS.replace("chart: p\n", "chart: run\n").replace("fix_after_n: 12", "fix_after_n: 6")
    new_settings = new_settings.replace("New recruitment drive", "International recruitment")
    new = _plan(example_with_settings(new_settings))
    (change,) = compare(old, new).section("metrics").of("changed")
    fields = {f.path: (f.old, f.new) for f in change.fields}
    assert fields["chart"] == ("p", "run") and fields["fix_after_n"] == ("12", "6")
    rebase = next(f for f in change.fields if f.path == "rebase")
    assert "2019/20 Q2: International recruitment" in rebase.detail
    assert "2019/20 Q2: New recruitment drive" in rebase.detail
