"""Writing a table (goldenthread.presenters.tables): CSV holds the page's words with a byte-order
mark, Excel the typed values shown as the page shows them, JSON the values; text that would run
as a formula is held as text in both files, whatever it starts with."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from goldenthread.formatting import FORMULA_START, date_time
from goldenthread.presenters.tables import Figure, Table, day, metric_value, millions, moment
from goldenthread.presenters.tables.files import CONTENT_TYPES, csv_bytes, export, json_rows, sheet_name

HOSTILE = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def table() -> Table:
    return Table(
        "plan-things-2019/20 Q2",
        "Things 2019/20 Q2",
        ["What", "When", "Value", "Money", "Count"],
        [
            [text, day(date(2019, 9, 30)), metric_value(0.8765, "percentage", "87.7%"), millions(Decimal(-300000)), 3]
            for text in HOSTILE
        ]
        + [["=header-like but a row", day(None), metric_value(None, "rate", "–"), millions(None), None]],
    )


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_formula_starts_are_text_in_both_files():
    assert set(FORMULA_START) == {t[0] for t in HOSTILE}  # every start a spreadsheet runs is tried
    written = export(table(), "csv")
    assert written.content.startswith(b"\xef\xbb\xbf") and written.content_type == CONTENT_TYPES["csv"]
    rows = read_csv(written.content)
    assert [row[0] for row in rows[1:-1]] == ["'" + text for text in HOSTILE]
    sheet = load_workbook(io.BytesIO(export(table(), "xlsx").content)).active
    for r, text in enumerate(HOSTILE, start=2):
        cell = sheet.cell(r, 1)
        assert cell.data_type == "s" and cell.value == "'" + text
    # a figure's value is a number, never escaped: a negative amount stays a number
    assert sheet.cell(2, 4).value == -300000 and sheet.cell(2, 4).data_type == "n"


def test_csv_holds_the_words_and_excel_the_values():
    rows = read_csv(csv_bytes(table()))
    assert rows[0] == ["What", "When", "Value", "Money", "Count"]
    assert rows[1][1:] == ["30 September 2019", "87.7%", "(£0.3m)", "3"]
    assert rows[-1][1:] == ["", "–", "–", ""]
    sheet = load_workbook(io.BytesIO(export(table(), "xlsx").content)).active
    assert sheet.title == "Things 2019 20 Q2" and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    when, value, money, number = (sheet.cell(2, c) for c in range(2, 6))
    assert when.value == datetime(2019, 9, 30) and when.number_format == "d mmmm yyyy"
    assert value.value == pytest.approx(0.8765) and value.number_format == "0.0%"
    assert money.number_format == '"£"#,##0.0,,"m";("£"#,##0.0,,"m")'
    assert number.value == 3
    assert [sheet.cell(8, c).value for c in range(2, 6)] == [None, "–", "–", None]  # no value: the words


def test_json_rows_hold_values():
    (first, *_, last) = json_rows(table())
    assert first == {
        "What": HOSTILE[0],  # JSON is data, not a spreadsheet: the text as it is
        "When": "2019-09-30",
        "Value": 0.8765,
        "Money": -300000.0,
        "Count": 3,
    }
    assert last == {"What": "=header-like but a row", "When": None, "Value": None, "Money": None, "Count": None}


def test_file_names_and_sheet_names():
    assert export(table(), "xlsx").filename == "plan-things-2019-20-Q2.xlsx"
    assert sheet_name("A very long title: with [brackets]/and * marks?") == "A very long title  with  bracke"
    assert len(sheet_name("x" * 40)) == 31 and sheet_name("' []'") == "Data"
    assert export(table(), "csv", bom=False).content.startswith(b"What,")
    with pytest.raises(ValueError, match="csv or xlsx, not 'pdf'"):
        export(table(), "pdf")


def test_moments_are_local_and_written_as_the_pages_write_them(settings):
    settings.TIME_ZONE = "Europe/London"
    at = datetime(2019, 7, 1, 13, 5, tzinfo=UTC)
    shown = moment(at)
    assert shown.text == date_time(at) == "1 July 2019 at 14:05"
    assert shown.value == datetime(2019, 7, 1, 14, 5)  # Excel holds no zone: the local time shown
    assert moment(None) == Figure(None, "", shown.excel)


@pytest.mark.parametrize(
    ("value", "unit", "text", "excel"),
    [
        (0.5, "percentage", "50.0%", "0.0%"),
        (1234.0, "currency", "£1,234", '"£"#,##0'),
        (12.5, "rate", "12.5", "General"),
    ],
)
def test_metric_values_keep_the_pages_words(value, unit, text, excel):
    assert metric_value(value, unit, text) == Figure(value, text, excel)
    assert metric_value(float("nan"), unit, "–") == Figure(None, "–")
