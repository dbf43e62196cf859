"""The data loader: every check with its message, all-or-nothing, revisions and reloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from goldenthread.performance.loading import MAX_PROBLEMS, MappingError, load_file, parse_mapping
from goldenthread.performance.models import LoadBatch, Observation
from goldenthread.planfile.fields import decimal_problem
from goldenthread.plans.models import OrgUnit

HEADER = "metric,org_unit,period,value,numerator,denominator,status,source"


def problems(report) -> list[str]:
    """Problems without the file name: 'ROW: column: message'."""
    return [f"{p.row}: {p.column}: {p.message}" for p in report.problems]


def current(metric: str) -> list[Observation]:
    return list(
        Observation.objects.filter(metric__code=metric, superseded_at=None).order_by(
            "org_unit__code", "breakdown", "period_start"
        )
    )


# --- a good file ------------------------------------------------------------------------------


def test_good_file_loads_every_kind_of_metric(load, plan):
    report = load(
        f"{HEADER}\n"
        "PCT,rx1,2017-01-01,0.9,,,final,\n"
        "PCT,rx2,2017-01,,45,50,provisional,Trust return\n"
        "CNT,north,2016/17 Q4,1200,,,,\n"
        "GBP,south,2016/17,-250000.50,,,,\n"
        "SCORE,rx1,2017-01-11,3.6,,,,\n"
        "CHPPD,rx1,2017-02,,820,100,,\n",
        source="Monthly returns",
    )
    assert report.ok, problems(report)
    assert (report.rows_read, report.created, report.revised, report.unchanged) == (6, 6, 0, 0)
    assert str(report).endswith(
        f"loaded into plan perf (batch {report.batch.pk}) — 6 rows: 6 new, 0 revised, 0 unchanged"
    )
    seen = {o.metric.code: o for o in Observation.objects.select_related("metric")}
    assert len(seen) == 5 and Observation.objects.count() == 6
    worked_out = Observation.objects.get(metric__code="PCT", org_unit__code="rx2")
    assert (worked_out.value, worked_out.numerator, worked_out.denominator) == (Decimal("0.9"), 45, 50)
    assert worked_out.status == "provisional" and worked_out.source == "Trust return"
    assert Observation.objects.get(metric__code="PCT", org_unit__code="rx1").source == "Monthly returns"
    assert seen["CNT"].period_start == date(2017, 1, 1)
    assert seen["GBP"].period_start == date(2016, 4, 1) and seen["GBP"].value == Decimal("-250000.5")
    assert seen["SCORE"].period_start == date(2017, 1, 11)
    assert seen["CHPPD"].value == Decimal("8.2")
    batch = LoadBatch.objects.get()
    assert (batch.plan, batch.rows_read, batch.rows_created, batch.source) == (plan, 6, 6, "Monthly returns")
    assert len(batch.sha256) == 64 and batch.file_name == "data.csv"


def test_problem_format_is_file_row_column_message(load):
    report = load("metric,org_unit,period,value\nPCT,rx1,2017-01,1.5\n")
    assert [str(p) for p in report.problems] == [
        f"{report.file_name}:2: value: '1.5' is outside 0 to 1; metric PCT is a percentage, held as a fraction "
        "(95% is 0.95)"
    ]
    assert (
        str(report) == f"{report.file_name}: 1 problem(s) in 1 row(s); nothing was loaded. Correct the file and "
        "load it again."
    )


def test_breakdowns_are_canonical_sorted_by_dimension(load):
    report = load(
        "metric,org_unit,period,value,breakdown.sex,breakdown.age_band\n"
        "CNT,rx1,2016/17 Q4,10,F,0-17\n"
        "CNT,rx1,2016/17 Q4,12,M,\n"
        "CNT,rx1,2016/17 Q4,30,,\n"
    )
    assert report.ok, problems(report)
    assert [o.breakdown for o in current("CNT")] == ["", "age_band=0-17;sex=F", "sex=M"]


def test_map_renames_file_columns(load):
    report = load(
        "code,month,kind,seen,attendances\nrx1,2017-01,1,90,100\nrx1,2017-01,other,50,50\n",
        metric="PCT",
        mapping=parse_mapping(
            [
                "code=org_unit",
                "month=period",
                "kind=breakdown.department_type",
                "seen=numerator",
                "attendances=denominator",
            ]
        ),
    )
    assert report.ok, problems(report)
    assert [(o.breakdown, o.value) for o in current("PCT")] == [
        ("department_type=1", Decimal("0.9")),
        ("department_type=other", Decimal("1")),
    ]


def test_columns_that_name_no_field_are_reported_as_a_note(load):
    report = load("metric,org_unit,period,value,admissions\nCNT,rx1,2016/17 Q4,10,4\n")
    assert report.ok
    assert report.notes == ["column(s) not loaded, as they name no field: admissions"]


def test_parse_mapping_refuses_unknown_fields():
    assert parse_mapping(["org_code=org_unit", "type = breakdown.department_type"]) == {
        "org_code": "org_unit",
        "type": "breakdown.department_type",
    }
    with pytest.raises(
        MappingError,
        match=r"--map type=dept: 'dept' is not a field; use one of metric, org_unit, "
        r"period, value, numerator, denominator, status, source, or "
        r"breakdown.<dimension>",
    ):
        parse_mapping(["type=dept"])
    with pytest.raises(MappingError, match="write it as COLUMN=FIELD"):
        parse_mapping(["org_code"])


# --- header problems --------------------------------------------------------------------------


def test_missing_required_columns_is_one_message_naming_the_columns_and_map(load):
    report = load("org_code,month,score\nrx1,2017-01,3\n")
    assert problems(report) == [
        "1: metric, org_unit, period, value: missing required columns metric, org_unit, period, value (or numerator "
        "and denominator); the file's columns are org_code, month, score. Name the columns so in the header, or map "
        "the file's own names to fields with --map, e.g. --map org_code=org_unit (or give the metric of every row "
        "with --metric CODE)"
    ]
    assert Observation.objects.count() == 0


def test_map_naming_a_column_the_file_lacks(load):
    report = load("metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,1\n", mapping={"org_code": "org_unit"})
    assert problems(report) == [
        "1: org_code: --map org_code=org_unit names a column the file does not have; its "
        "columns are metric, org_unit, period, value"
    ]


def test_two_columns_for_one_field_and_metric_given_twice(load):
    report = load(
        "metric,org_unit,org_code,period,value\nCNT,rx1,rx1,2016/17 Q4,1\n",
        mapping={"org_code": "org_unit"},
        metric="CNT",
    )
    assert problems(report) == [
        "1: org_unit: two columns give org_unit: 'org_unit' and 'org_code'; keep one, or map the other elsewhere "
        "with --map",
        "1: metric: the file has a metric column and --metric CNT was given; use one or the other",
    ]


def test_repeated_column_name(load):
    report = load("metric,org_unit,period,value,value\nCNT,rx1,2016/17 Q4,1,2\n")
    assert problems(report) == ["1: value: appears twice in the header (columns 4 and 5); name each column once"]


def test_unknown_metric_option(load):
    report = load("org_unit,period,value\nrx1,2017-01,0.5\n", metric="PTC")
    assert problems(report) == [
        "1: metric: --metric PTC is not a metric of plan perf (did you mean PCT?); its "
        "metrics are PCT, CNT, GBP, SCORE, CHPPD"
    ]


def test_empty_file_and_header_only(load):
    assert problems(load("")) == [
        "1: file: is empty; the first line must name the columns, e.g. metric,org_unit,period,value"
    ]
    assert problems(load("metric,org_unit,period,value\n")) == [
        "1: file: has a header but no rows of data; there is nothing to load"
    ]


# --- row problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "XYZ,rx1,2017-01,0.5",
            "metric: 'XYZ' is not a metric of plan perf; its metrics are PCT, CNT, GBP, SCORE, CHPPD",
        ),
        (
            "PTC,rx1,2017-01,0.5",
            "metric: 'PTC' is not a metric of plan perf (did you mean PCT?); its metrics are PCT, CNT, "
            "GBP, SCORE, CHPPD",
        ),
        (",rx1,2017-01,0.5", "metric: is empty; give the code of a metric of plan perf"),
        (
            "PCT,rx11,2017-01,0.5",
            "org_unit: 'rx11' is not an org unit of plan perf (did you mean rx1?); add it to the plan "
            "file, or load with --add-units KIND (e.g. --add-units provider) to create the units "
            "missing from the plan",
        ),
        ("PCT,,2017-01,0.5", "org_unit: is empty; give the code of an org unit of plan perf"),
        (
            "PCT,rx1,,0.5",
            "period: is empty; give the period's first day (2017-01-01) or its name (2017-01, 2016/17 Q4, 2016/17)",
        ),
        (
            "PCT,rx1,Jan-17,0.5",
            "period: 'Jan-17' is not a period; write a financial year (2016/17), a quarter (2016/17 "
            "Q4), a month (2017-01) or a date (2017-03-31)",
        ),
        ("PCT,rx1,2017-02-30,0.5", "period: '2017-02-30' is not a real date (day is out of range for month)"),
        (
            "PCT,rx1,2017-01-15,0.5",
            "period: '2017-01-15' is not the first day of a month; metric PCT is monthly, so give "
            "the month as 2017-01 or 2017-01-01",
        ),
        (
            "PCT,rx1,2016/17 Q4,0.5",
            "period: '2016/17 Q4' is a quarter; metric PCT is monthly, so give a month, e.g. 2017-01",
        ),
        (
            "CNT,rx1,2017-02-01,5",
            "period: '2017-02-01' is not the first day of a quarter (1 April, 1 July, 1 October or "
            "1 January); metric CNT is quarterly",
        ),
        (
            "CNT,rx1,2017-01,5",
            "period: '2017-01' is a month; metric CNT is quarterly, so give a quarter, e.g. 2016/17 Q4, "
            "or its first day",
        ),
        (
            "GBP,rx1,2017-01-01,5",
            "period: '2017-01-01' is not 1 April; metric GBP is annual (financial years), so give "
            "the year, e.g. 2016/17, or its first day, e.g. 2016-04-01",
        ),
        (
            "GBP,rx1,2016/17 Q1,5",
            "period: '2016/17 Q1' is a quarter; metric GBP is annual, so give a financial year, e.g. 2016/17",
        ),
        (
            "SCORE,rx1,2017-01,3",
            "period: '2017-01' is a month; metric SCORE is weekly, so give the date of the first day of the week",
        ),
        ("CNT,rx1,2016/17 Q4,many", "value: 'many' is not a number"),
        (
            'CNT,rx1,2016/17 Q4,"1,234"',
            "value: '1,234' is not a number; write it without thousands separators, as 1234 (or as 1.234 if the "
            "comma is a decimal point)",
        ),
        ("PCT,rx1,2017-01,95%", "value: '95%' is not a number; give percentages as fractions, e.g. 0.95 for 95%"),
        (
            "CNT,rx1,2016/17 Q4,=A2*2",
            "value: '=A2*2' looks like a spreadsheet formula, which is never worked out; give the number itself",
        ),
        ("CNT,rx1,2016/17 Q4,1e20", f"value: '1e20' {decimal_problem(Decimal('1e20'))}"),
        ("CNT,rx1,2016/17 Q4,-3", "value: '-3' is negative; metric CNT is a count, so its value cannot be below 0"),
        (
            "PCT,rx1,2017-01,1.2",
            "value: '1.2' is outside 0 to 1; metric PCT is a percentage, held as a fraction (95% is 0.95)",
        ),
        (
            "PCT,rx1,2017-01,-0.1",
            "value: '-0.1' is outside 0 to 1; metric PCT is a percentage, held as a fraction (95% is 0.95)",
        ),
        ("SCORE,rx1,2017-01-02,7", "value: '7' is outside the scale of metric SCORE (1 to 5)"),
        ("SCORE,rx1,2017-01-02,0.5", "value: '0.5' is outside the scale of metric SCORE (1 to 5)"),
        ("CNT,rx1,2016/17 Q4,", "value: is empty; give a value, or a numerator and a denominator"),
    ],
)
def test_each_check_reports_row_column_and_what_to_do(load, row, expected):
    report = load(f"metric,org_unit,period,value\nCNT,rx2,2016/17 Q4,1\n{row}\n")
    assert problems(report) == [f"3: {expected}"]
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "PCT,rx1,2017-01,,120,100",
            "numerator: '120' is above the denominator 100; metric PCT is a percentage, so the "
            "numerator counts part of the denominator",
        ),
        (
            "PCT,rx1,2017-01,,5,0",
            "denominator: is 0; a value over nothing is undefined, so leave the row out (or give the "
            "value alone if the metric has one)",
        ),
        ("PCT,rx1,2017-01,,5,", "denominator: is empty; a numerator needs its denominator"),
        ("PCT,rx1,2017-01,,,5", "numerator: is empty; a denominator needs its numerator"),
        (
            "PCT,rx1,2017-01,,-5,10",
            "numerator: '-5' is negative; metric PCT is a percentage, so its numerators cannot be below 0",
        ),
        (
            "CNT,rx1,2016/17 Q4,,3,-4",
            "denominator: '-4' is negative; metric CNT is a count, so its denominators cannot be below 0",
        ),
        (
            "PCT,rx1,2017-01,0.5,45,50",
            "value: '0.5' does not match numerator / denominator (0.9); leave the value empty to "
            "have it worked out, or correct it",
        ),
        ("PCT,rx1,2017-01,,x,50", "numerator: 'x' is not a number"),
    ],
)
def test_numerator_and_denominator_checks(load, row, expected):
    report = load(f"metric,org_unit,period,value,numerator,denominator\n{row}\n")
    assert problems(report) == [f"2: {expected}"]


def test_what_is_allowed_is_not_reported(load):
    report = load(
        "metric,org_unit,period,value,numerator,denominator\n"
        "GBP,rx1,2016/17,-1000,,\n"  # currency may be negative
        "CHPPD,rx1,2017-01,,830,100\n"  # a rate's numerator may exceed its denominator
        "PCT,rx1,2017-01,0.876,876137,1000000\n"  # a value rounded to 0.0005 of numerator / denominator
        "PCT,rx2,01/01/2017,1,5,5\n"  # a day-first date
        "SCORE,rx1,2017-01-05,5,,\n"
    )  # weekly: any day; on the edge of the scale
    assert report.ok, problems(report)
    assert report.created == 5


def test_status_must_be_provisional_or_final(load):
    report = load("metric,org_unit,period,value,status\nCNT,rx1,2016/17 Q4,1,Draft\nCNT,rx2,2016/17 Q4,1,FINAL\n")
    assert problems(report) == ["2: status: 'Draft' is not a status; use provisional or final (empty means final)"]


def test_breakdown_values_must_not_contain_separators(load):
    report = load("metric,org_unit,period,value,breakdown.age\nCNT,rx1,2016/17 Q4,1,a=b\n")
    assert problems(report) == [
        "2: breakdown.age: 'a=b' contains '=' or ';', which separate breakdowns; use other characters"
    ]


def test_source_longer_than_500_characters(load):
    report = load(f"metric,org_unit,period,value,source\nCNT,rx1,2016/17 Q4,1,{'x' * 501}\n")
    assert problems(report) == ["2: source: is 501 characters long; at most 500"]


def test_duplicate_keys_within_the_file(load):
    report = load(
        "metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\nPCT,rx2,2017-01,0.5\nPCT,rx1,2017-01-01,0.6\n"
    )  # the same month written another way
    assert problems(report) == [
        "4: period: row 2 has the same metric, org unit, breakdown and period; a key appears "
        "once in a file, so keep one of the two rows"
    ]


def test_every_bad_row_is_reported_in_row_order(load):
    report = load(
        "metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\nPCT,rx9,2017-13,2\nCNT,rx1,2016/17 Q4,1\nXX,rx1,2017-01,x\n"
    )
    assert [f"{p.row}: {p.column}" for p in report.problems] == [
        "3: org_unit",
        "3: period",
        "3: value",
        "5: metric",
        "5: value",
    ]
    assert report.problem_count == 5 and report.bad_rows == 2


def test_problems_are_capped_with_a_count_of_the_rest(load):
    rows = "".join(f"PCT,rx1,2017-01,{i + 2},{i}\n" for i in range(MAX_PROBLEMS + 200))
    report = load("metric,org_unit,period,value,breakdown.n\n" + rows)
    assert len(report.problems) == MAX_PROBLEMS and report.problem_count == MAX_PROBLEMS + 200
    assert report.problem_lines()[-1] == f"{report.file_name}: … and 200 more problem(s) not listed"
    assert report.problems[-1].row == MAX_PROBLEMS + 1


# --- reading files ------------------------------------------------------------------------------


def test_rows_are_numbered_by_line_with_blank_lines_and_multiline_values(load):
    report = load('metric,org_unit,period,value,source\nCNT,rx1,2016/17 Q4,1,"two\nlines"\n\nCNT,rx2,2016/17 Q4,-1,\n')
    assert problems(report) == ["5: value: '-1' is negative; metric CNT is a count, so its value cannot be below 0"]


def test_a_row_with_too_many_values_is_reported(load):
    report = load("metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,1\nCNT,rx2,2016/17 Q4,1,7\n")
    assert problems(report) == [
        "3: row: has 5 values but the header (line 1) names 4 columns; check for an extra "
        "separator, or quote values that contain one"
    ]
    assert Observation.objects.count() == 0


def test_short_rows_have_empty_trailing_cells(load):
    report = load("metric,org_unit,period,value,status\nCNT,rx1,2016/17 Q4,1\n")
    assert report.ok and current("CNT")[0].status == "final"


def test_windows_1252_csv_is_read_with_a_note(plan, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "metric,org_unit,period,value,source\nCNT,rx1,2016/17 Q4,1,£ from the trust’s return\n".encode("cp1252")
    )
    report = load_file(path, plan)
    assert report.ok and "is not UTF-8 (from line 2), so it was read as Windows-1252 text" in report.notes[0]
    assert current("CNT")[0].source == "£ from the trust’s return"


def test_formula_looking_text_is_stored_as_text(load):
    report = load(
        "metric,org_unit,period,value,source\n"
        'CNT,rx1,2016/17 Q4,1,"=HYPERLINK(""http://x"",""y"")"\n'
        "CNT,rx2,2016/17 Q4,1,+44 20 7946 0000\n"
        "CNT,north,2016/17 Q4,1,-draft-\n"
        "CNT,south,2016/17 Q4,1,@SUM(A1:A2)\n"
    )
    assert report.ok, problems(report)
    assert [o.source for o in current("CNT")] == [
        "-draft-",
        '=HYPERLINK("http://x","y")',
        "+44 20 7946 0000",
        "@SUM(A1:A2)",
    ]


def test_xlsx_is_read_with_excel_row_numbers_and_formulas_never_evaluated(plan, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["metric", "org_unit", "period", "numerator", "denominator", "source"])
    sheet.append(["PCT", "rx1", datetime(2017, 1, 1), 90, 100, '=HYPERLINK("http://x")'])
    sheet.append(["PCT", "rx2", "2017-02", 45.0, 50, "Trust return"])
    path = tmp_path / "data.xlsx"
    book.save(path)
    report = load_file(path, plan)
    assert report.ok, problems(report)
    assert [(o.period_start, o.value, o.source) for o in current("PCT")] == [
        (date(2017, 1, 1), Decimal("0.9"), '=HYPERLINK("http://x")'),
        (date(2017, 2, 1), Decimal("0.9"), "Trust return"),
    ]

    sheet.append([])
    sheet.append(["PCT", "rx1", "2017-03", "=SUM(D2:D3)", 100, ""])
    book.save(path)
    report = load_file(path, plan)
    assert problems(report) == [
        "5: numerator: '=SUM(D2:D3)' looks like a spreadsheet formula, which is never "
        "worked out; give the number itself"
    ]


def test_xls_is_refused_with_what_to_do(plan, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    assert problems(load_file(path, plan)) == [
        "1: file: is a .xls spreadsheet, which goldenthread does not read; save it as an Excel workbook (.xlsx) or as "
        "CSV UTF-8 (.csv) and load that"
    ]


# --- all or nothing, revisions, reloads ---------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing(load):
    good = "".join(f"PCT,p{i},2017-01,0.{i}\n" for i in range(1, 9))
    report = load("metric,org_unit,period,value\n" + good + "PCT,p9,2017-01,9\n", add_units="provider")
    assert problems(report) == [
        "10: value: '9' is outside 0 to 1; metric PCT is a percentage, held as a fraction (95% is 0.95)"
    ]
    assert Observation.objects.count() == 0
    assert LoadBatch.objects.count() == 0
    assert not OrgUnit.objects.filter(declared=False).exists()


def test_add_units_creates_missing_units_under_england(load, plan):
    report = load(
        "metric,org_unit,period,value\nPCT,RF4,2017-01,0.9\nPCT,RJ1,2017-01,0.8\nPCT,rx1,2017-01,0.7\n",
        add_units="provider",
    )
    assert report.ok and report.units_added == ["RF4", "RJ1"]
    assert str(report).endswith("3 rows: 3 new, 0 revised, 0 unchanged; 2 org unit(s) added")
    england = plan.org_units.get(code="england")
    assert (england.kind, england.declared, england.name) == ("organisation", False, "England")
    added = plan.org_units.filter(code__in=["RF4", "RJ1"])
    assert {(u.kind, u.declared, u.name == u.code, u.parent_id) for u in added} == {
        ("provider", False, True, england.pk)
    }
    assert LoadBatch.objects.get().units_added == 2


def test_england_is_always_a_unit_of_the_plan(load, plan):
    report = load("metric,org_unit,period,value\nPCT,England,2017-01,0.9\n")
    assert report.ok, problems(report)
    england = plan.org_units.get(code="england")
    assert (england.kind, england.declared) == ("organisation", False)
    assert current("PCT")[0].org_unit == england
    assert load("metric,org_unit,period,value\nPCT,england,2017-02,0.8\n").units_added == []


def test_a_new_value_supersedes_and_the_revision_is_kept(load):
    first = load("metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\nPCT,rx2,2017-01,0.6\n")
    second = load(
        "metric,org_unit,period,value,status\nPCT,rx1,2017-01,0.55,provisional\nPCT,rx2,2017-01,0.6,\n"
        "PCT,rx2,2017-02,0.7,\n"
    )
    assert (second.created, second.revised, second.unchanged) == (1, 1, 1)
    rows = list(Observation.objects.filter(org_unit__code="rx1").order_by("loaded_at", "pk"))
    assert [(o.value, o.status, o.superseded_at is not None, o.batch_id) for o in rows] == [
        (Decimal("0.5"), "final", True, first.batch.pk),
        (Decimal("0.55"), "provisional", False, second.batch.pk),
    ]
    assert Observation.objects.filter(superseded_at=None).count() == 3


def test_loading_the_same_file_twice_changes_nothing(load, write, plan):
    path = write(
        "same.csv",
        "metric,org_unit,period,value,breakdown.type\nPCT,rx1,2017-01,0.123456789,1\n"
        "PCT,RF4,2017-01,0.5,\nCNT,rx1,2016/17 Q4,1234567890123.5,\n",
    )
    first = load_file(path, plan, add_units="provider")
    assert first.ok and first.created == 3
    before = list(Observation.objects.values_list("pk", "value", "superseded_at"))
    second = load_file(path, plan, add_units="provider")
    assert second.ok and not second.changed and second.batch is None
    assert (second.created, second.revised, second.unchanged) == (0, 0, 3)
    assert str(second) == f"{path}: unchanged — 3 rows, all identical to the data held for plan perf; nothing written"
    assert LoadBatch.objects.count() == 1
    assert list(Observation.objects.values_list("pk", "value", "superseded_at")) == before
    assert Observation.objects.get(metric__code="PCT", org_unit__code="rx1").value == Decimal("0.12345679")


def test_a_load_colliding_with_another_writes_nothing(load, monkeypatch):
    from goldenthread.performance.loading import writing

    load("metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\n")
    # as if another load had written rx1's January after this one compared with the data held
    real = writing._current
    monkeypatch.setattr(writing, "_current", lambda spans: real([(m, -1, -1) for m, _, _ in spans]))
    report = load(
        "metric,org_unit,period,value\nPCT,rx2,2017-01,0.5\nPCT,rx1,2017-01,0.6\nPCT,NEW,2017-01,0.1\n",
        add_units="provider",
    )
    assert problems(report) == [
        "1: file: another load changed the same observations while this one ran, so nothing "
        "was loaded; load the file again"
    ]
    assert list(Observation.objects.values_list("org_unit__code", "value")) == [("rx1", Decimal("0.5"))]
    assert LoadBatch.objects.count() == 1 and not OrgUnit.objects.filter(code="NEW").exists()


def test_dry_run_writes_nothing(load):
    report = load(
        "metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\nPCT,NEW,2017-01,0.5\n", add_units="provider", dry_run=True
    )
    assert report.ok and (report.created, report.units_added) == (2, ["NEW"])
    assert "(dry run: nothing written)" in str(report)
    assert Observation.objects.count() == 0 and not OrgUnit.objects.filter(code="NEW").exists()


def test_load_records_the_audit_trail(load, django_user_model):
    """The observations are their own trail (ADR 0012): the history page's revisions of a key
    say who loaded each value, and when it was superseded."""
    from goldenthread.audit.observations import revisions

    user = django_user_model.objects.create_user("analyst", is_staff=True)
    load("metric,org_unit,period,value\nPCT,rx1,2017-01,0.5\n", user=user)
    load("metric,org_unit,period,value\nPCT,rx1,2017-01,0.6\n", user=user)
    found = revisions(Observation.objects.order_by("pk").first().pk)
    assert found is not None
    history = sorted(found[0], key=lambda r: (r.history_date, r.history_id))
    assert [(h.history_type, h.value, h.superseded_at is not None, h.history_username) for h in history] == [
        ("+", Decimal("0.5"), False, "analyst"),
        ("~", Decimal("0.5"), True, "analyst"),
        ("+", Decimal("0.6"), False, "analyst"),
    ]
    assert LoadBatch.objects.filter(loaded_by=user).count() == 2
