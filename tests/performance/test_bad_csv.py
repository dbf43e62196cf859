"""Bad and hostile CSV data (issue 15, findings 6, 11, 13 and 14): every file read or refused with
its row and column and what to do — never a crash, a silent change or a stored NUL — on the
command line's loader and on the upload page alike."""

from __future__ import annotations

import codecs
import io
from decimal import Decimal

import pytest

from goldenthread.performance.loading import load_file, read_table
from goldenthread.performance.models import Observation
from goldenthread.planfile.fields import decimal_problem
from goldenthread.plans.models import OrgUnit
from tests.budget import cpu_bound

URL = "/data/upload/"
HEADER = "metric,org_unit,period,value,numerator,denominator,breakdown.kind,source\n"
GOOD = "PCT,rx1,2017-01,,90,100,a,trust return\nPCT,rx2,2017-01,,1,10,a,trust return\n"

pytestmark = pytest.mark.usefixtures("own_var_folder")


def held() -> tuple[int, int]:
    return Observation.objects.count(), OrgUnit.objects.count()


def problems(report) -> list[str]:
    return [f"{p.row}: {p.column}: {p.message}" for p in report.problems]


def load_bytes(plan, tmp_path, content: bytes, name: str = "data.csv", **options):
    path = tmp_path / name
    path.write_bytes(content)
    return load_file(path, plan, **options)


def page_post(client, content: bytes, name: str = "data.csv", **fields):
    f = io.BytesIO(content)
    f.name = name
    return client.post(URL, {"plan": "perf", "file": f, **fields})


# --- finding 6: line endings --------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_any_line_ending_is_read(plan, tmp_path, ending):
    """Issue 15 finding 6: a CSV with carriage-return-only line endings crashed the reader
    (_csv.Error: new-line character seen in unquoted field)."""
    report = load_bytes(plan, tmp_path, (HEADER + GOOD).replace("\n", ending).encode())
    assert report.ok, problems(report)
    assert report.created == 2


def test_carriage_return_file_on_the_upload_page(client, loader, plan):
    """Issue 15 finding 6: the same file answered 500 on the upload page."""
    response = page_post(client, (HEADER + GOOD).replace("\n", "\r").encode())
    assert response.status_code == 200, response.content.decode()[-2000:]
    assert "Check what will be loaded" in response.content.decode()


def test_rows_of_a_carriage_return_file_keep_their_lines(plan, tmp_path):
    """Issue 15 finding 6: a bad row of a CR-only file is reported at its own line."""
    text = HEADER + GOOD + "PCT,rx1,2017-02,,x,100,a,\n"
    report = load_bytes(plan, tmp_path, text.replace("\n", "\r").encode())
    assert problems(report) == ["4: numerator: 'x' is not a number"]


# --- finding 11: NUL bytes ----------------------------------------------------------------------


def _long_file(last_row: str) -> bytes:
    """A file whose last row comes well after its first 4 KiB."""
    rows = "".join(f"PCT,rx1,{y}-{m:02d},,1,2,{k},\n" for y in range(2010, 2017) for m in range(1, 13) for k in "abc")
    text = HEADER + rows + last_row
    assert len(text) > 5000
    return text.encode()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            (HEADER + "PCT,rx1,2017-01,,90,100,a\x00,\n").encode(),
            "2: breakdown.kind: 'a<U+0000>' contains a NUL character (U+0000) at character 2; delete it",
        ),
        (
            _long_file("PCT,rx1,2009-01,,1,2,\x00,\n"),
            "254: breakdown.kind: '<U+0000>' contains a NUL character (U+0000) at character 1; delete it",
        ),
        (
            _long_file("PCT,rx1,2009-01,,1,2,1\x00\x00,\n"),
            "254: breakdown.kind: '1<U+0000><U+0000>' contains a NUL character (U+0000) at character 2; delete it",
        ),
        (
            _long_file("PCT,rx1,2009-01,,1,2,a\x00b,\n"),
            "254: breakdown.kind: 'a<U+0000>b' contains a NUL character (U+0000) at character 2; delete it",
        ),
        (
            _long_file("PCT,rx1,2009-01,,1\x00,2,a,\n"),
            "254: numerator: '1<U+0000>' contains a NUL character (U+0000) at character 2; delete it",
        ),
    ],
)
def test_a_nul_anywhere_is_refused_at_its_row_and_column(plan, tmp_path, content, expected):
    """Issue 15 finding 11: a NUL in the first 4 KiB made the file "not a text file"; later, trailing
    NULs were dropped silently (a NUL-only breakdown loaded as another key) and embedded ones
    stored on SQLite — refused with a misleading database error on PostgreSQL."""
    before = held()
    report = load_bytes(plan, tmp_path, content)
    assert problems(report) == [expected]
    assert held() == before


def test_a_nul_on_the_upload_page(client, loader, plan):
    """Issue 15 finding 11: on the page too, the NUL's row and column; nothing written."""
    before = held()
    response = page_post(client, _long_file("PCT,rx1,2009-01,,1,2,a\x00b,\n"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "a&lt;U+0000&gt;b" in page and "contains a NUL character (U+0000) at character 2" in page
    assert "\x00" not in page
    assert held() == before


def test_binary_data_is_not_a_text_file(plan, tmp_path):
    """Issue 15 finding 11: a file that is mostly control bytes is still refused as a whole."""
    report = load_bytes(plan, tmp_path, bytes(range(32)) * 100)
    assert problems(report)[0].startswith("1: file: is not a text file: it looks like binary data")


# --- finding 13: codes of units a load creates, and text cells ---------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("<img src=x onerror=alert(1)>", "cannot be the code of an org unit: a code is letters, digits and"),
        ("=1+1", "cannot be the code of an org unit: a code is letters, digits and"),
        ("u/../x", "'.' or '..' between slashes reads as a folder in a web address"),
        ("ab\u202ecd", "contains an invisible right-to-left override (U+202E) at character 3"),
        ("x" * 65, "is 65 characters long; at most 64"),
    ],
)
def test_units_a_load_creates_follow_the_code_rule(plan, tmp_path, code, expected):
    """Issue 15 finding 13: codes created by --add-units took any text (markup, formulas, paths,
    right-to-left overrides)."""
    text = "metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n" + f'CNT,"{code}",2016/17 Q4,5\n'
    before = held()
    report = load_bytes(plan, tmp_path, text.encode(), add_units="provider")
    assert len(report.problems) == 1 and report.problems[0].row == 3, problems(report)
    assert report.problems[0].column == "org_unit" and expected in report.problems[0].message
    assert "\u202e" not in report.problems[0].message
    assert held() == before


def test_units_the_code_rule_allows_are_created(plan, tmp_path):
    """Issue 15 finding 13: the rule leaves ordinary provider codes alone."""
    report = load_bytes(
        plan, tmp_path, b"metric,org_unit,period,value\nCNT,RX1-2(b).x,2016/17 Q4,5\n", add_units="provider"
    )
    assert report.ok and report.units_added == ["RX1-2(b).x"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("PCT,rx1,2017-01,,90,100,x\u202ey,", "2: breakdown.kind: 'x<U+202E>y' contains an invisible right-to-left"),
        ("PCT,rx1,2017-01,,90,100,a,\u2067trust", "2: source: '<U+2067>trust' contains an invisible right-to-left"),
        ("PCT,rx1\x07,2017-01,,90,100,a,", "2: org_unit: 'rx1<U+0007>' contains a control character (U+0007)"),
        ("PCT,rx1,2017-01\x1b,,90,100,a,", "2: period: '2017-01<U+001B>' contains a control character (U+001B)"),
        ("PCT,rx1,2017-01,,90,100,a," + "s" * 501, "2: source: is 501 characters long; at most 500"),
    ],
)
def test_every_text_cell_keeps_the_text_rules(plan, tmp_path, row, expected):
    """Issue 15 finding 13: right-to-left overrides and control characters in a data file's cells
    were stored (and displayed reversed); each is now the one problem of its cell."""
    before = held()
    report = load_bytes(plan, tmp_path, (HEADER + row + "\n").encode())
    assert len(report.problems) == 1 and problems(report)[0].startswith(expected), problems(report)
    assert held() == before


def test_a_column_name_with_a_control_character_is_a_header_problem(plan, tmp_path):
    """Issue 15 finding 13: the header is held to the same rules as the cells."""
    report = load_bytes(plan, tmp_path, ("metric,org_unit\u202e,period,value\n" + "CNT,rx1,2016/17 Q4,5\n").encode())
    assert problems(report) == [
        "1: column 2: the column name 'org_unit<U+202E>' contains an invisible right-to-left override (U+202E) "
        "at character 9, which makes text display reversed; delete it"
    ]


def test_the_source_given_for_every_row_keeps_the_text_rules(plan, tmp_path):
    """Issue 15 finding 13: the load's own source (--source, the page's Source) too."""
    report = load_bytes(plan, tmp_path, b"metric,org_unit,period,value\nCNT,rx1,2016/17 Q4,5\n", source="a\x00b")
    assert problems(report) == [
        "1: source: the source given for rows that name none contains a NUL character (U+0000) at character 2; "
        "delete it"
    ]


def test_the_source_length_is_the_columns():
    """The loader's and the page's limit on a source is the length of the columns it is stored in."""
    from goldenthread.performance.loading.cells import SOURCE_LENGTH
    from goldenthread.performance.models import LoadBatch

    for model in (Observation, LoadBatch):
        assert model._meta.get_field("source").max_length == SOURCE_LENGTH


# --- finding 14: messages that misled -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("\uff14\uff18", "'４８' is written with full-width digits; write the number with the digits 0 to 9"),
        ("\u0664\u0668", "'٤٨' is written with Arabic-Indic digits; write the number with the digits 0 to 9"),
        ("12,5", "'12,5' has a decimal comma; write it with a decimal point, as 12.5"),
        ("-inf", "'-inf' is not a finite number; give the number itself, or leave the cell empty"),
        ("NaN", "'NaN' is not a finite number; give the number itself, or leave the cell empty"),
        ("1e400", f"'1e400' {decimal_problem(Decimal('1e400'))}"),
        ("99999999999999999", f"'99999999999999999' {decimal_problem(Decimal('99999999999999999'))}"),
        ("999999999999999.999999999", f"{decimal_problem(Decimal('999999999999999.999999999'))}"),
        ("1,234.5", "'1,234.5' is not a number; write it without thousands separators, as 1234.5"),
        ("£12", "'£12' is not a number; write it without the currency sign"),
        ("1 234", "'1 234' is not a number; write it without spaces, e.g. 12345"),
    ],
)
def test_numbers_are_refused_saying_what_they_are(plan, tmp_path, cell, expected):
    """Issue 15 finding 14: full-width or Arabic-Indic digits were "too large to store", '12,5' got
    thousands-separator advice and '-inf' "looks like a formula"."""
    report = load_bytes(plan, tmp_path, f'metric,org_unit,period,value\nGBP,rx1,2016/17,"{cell}"\n'.encode())
    assert len(report.problems) == 1 and report.problems[0].column == "value"
    assert expected in report.problems[0].message, problems(report)


@pytest.mark.parametrize("digits", [14, 15, 16, 17])
def test_large_numbers_are_stored_or_refused_by_the_one_rule(plan, tmp_path, digits):
    """Issue 15 finding 14: 9999999999999999 (16 digits) was refused as "at most 16 digits". Now
    the loader takes planfile.fields' rule: what it accepts is stored and read back exactly, and
    what it refuses gets its message (the plan file's answer too)."""
    text = "9" * digits
    report = load_bytes(plan, tmp_path, f"metric,org_unit,period,value\nGBP,rx1,2016/17,{text}\n".encode())
    problem = decimal_problem(Decimal(text))
    if problem is None:
        assert report.ok, problems(report)
        assert Observation.objects.get().value == Decimal(text)
    else:
        assert problems(report) == [f"2: value: '{text}' {problem}"]
        named = int(problem.split("at most ")[1].split()[0])  # the digits it names are accepted
        assert decimal_problem(Decimal("9" * named)) is None and named < digits


def test_a_value_worked_out_too_large_to_store_is_refused(plan, tmp_path):
    """Issue 15 (the class of finding 2 in data): numerator / denominator beyond the column."""
    report = load_bytes(plan, tmp_path, b"metric,org_unit,period,numerator,denominator\nCHPPD,rx1,2017-01,1e13,1e-8\n")
    assert problems(report) == [
        "2: denominator: '1e-8' makes the value numerator / denominator 1e+21, which "
        f"{decimal_problem(Decimal('1e21'))}; check the denominator"
    ]


UTF16_TEXT = "metric,org_unit,period,value,source\nGBP,rx1,2016/17,5,Trust’s return £\n"


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (
            codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"),
            "read as UTF-16 (little-endian) text, with a byte-order mark",
        ),
        (
            codecs.BOM_UTF16_BE + UTF16_TEXT.encode("utf-16-be"),
            "read as UTF-16 (big-endian) text, with a byte-order mark",
        ),
        (UTF16_TEXT.encode("utf-16-le"), "read as UTF-16 (little-endian) text, without a byte-order mark"),
        (
            codecs.BOM_UTF8 + UTF16_TEXT.encode("cp1252"),
            "starts with a UTF-8 byte-order mark but is not UTF-8 (from line 2)",
        ),
    ],
)
def test_encodings_are_detected_and_named(plan, tmp_path, content, note):
    """Issue 15 finding 14: a UTF-16 CSV was "not a text file"; a Windows-1252 file with a UTF-8
    byte-order mark named its first column 'ï»¿metric' and suggested mapping it."""
    report = load_bytes(plan, tmp_path, content)
    assert report.ok, problems(report)
    assert any(n.startswith(note) for n in report.notes), report.notes
    assert Observation.objects.get().source == "Trust’s return £"


def test_utf8_with_a_byte_order_mark_needs_no_note(plan, tmp_path):
    report = load_bytes(plan, tmp_path, codecs.BOM_UTF8 + UTF16_TEXT.encode())
    assert report.ok and report.notes == []


def test_text_in_no_encoding_read_is_refused_saying_how_to_save_it(plan, tmp_path):
    """Issue 15 finding 14: bytes that are neither UTF-8 nor Windows-1252 (0x81 is no character in
    either) are refused at their line — not read with replacement characters."""
    report = load_bytes(plan, tmp_path, b"metric,org_unit,period,value\nGBP,rx1,2016/17,5\nGBP,rx2,2016/17,\x81\n")
    assert problems(report) == [
        "3: file: is neither UTF-8 nor Windows-1252 text: byte 0x81 on line 3 is not a character in either; save "
        "it from Excel as “CSV UTF-8 (Comma delimited)” (.csv), or as an Excel workbook (.xlsx), and load that"
    ]


def test_damaged_utf16_is_refused(plan, tmp_path):
    report = load_bytes(plan, tmp_path, codecs.BOM_UTF16_LE + "metric".encode("utf-16-le") + b"\x00\xd8")
    assert problems(report)[0].startswith("1: file: starts as UTF-16 (little-endian) text, with a byte-order mark")


def test_an_unterminated_quote_is_reported_where_it_opens(plan, tmp_path):
    """Issue 15 finding 14: an unterminated quote was reported as a bad period (the rest of the file
    read as one value)."""
    text = 'metric,org_unit,period,value\nGBP,rx1,2016/17,5\nGBP,rx2,"2016/17,6\nGBP,rx1,2017/18,7\n'
    report = load_bytes(plan, tmp_path, text.encode())
    assert problems(report) == [
        '3: row: opens a quoted value (") that is never closed, so the rest of the file would be read as one '
        "value; add the closing quote, or remove the opening one"
    ]


def test_text_after_a_closing_quote_is_reported(plan, tmp_path):
    text = 'metric,org_unit,period,value\nGBP,rx1,2016/17,5\nGBP,"rx2"x,2016/17,6\n,,,\n'
    report = load_bytes(plan, tmp_path, text.encode())
    assert problems(report)[0].startswith("3: row: has a quoted value followed by other characters before the next")


def test_the_upload_page_names_the_encoding_even_with_problems(client, loader, plan):
    """Issue 15 finding 14: the note saying which encoding was read is on the page with the problems."""
    response = page_post(client, "metric,org_unit,period,value\nGBP,rx1,2016/17,x\n".encode("utf-16"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "read as UTF-16 (little-endian) text, with a byte-order mark" in page


def test_the_upload_page_never_sends_people_to_the_command_line(client, loader, plan, settings):
    """Issue 15 finding 14: the page's messages are in the page's terms (the size limit named the
    command `goldenthread data load`)."""
    settings.GOLDENTHREAD_MAX_UPLOAD_BYTES = 10
    response = page_post(client, (HEADER + GOOD).encode())
    page = response.content.decode()
    assert response.status_code == 400 and "split it into smaller files" in page
    assert "goldenthread data load" not in page.split("Files loaded by the planning team")[0]


def test_read_table_never_raises_on_a_reader_error():
    """Issue 15 finding 6: the reader's own errors are problems of the table."""
    table = read_table(b'a,b\r"x\r', name="x.csv")
    assert [p.column for p in table.problems] == ["row"]


def test_the_command_line_names_its_options_and_the_lines(plan, tmp_path, capsys):
    """Issue 15 findings 6, 11, 13: on the command line, a CR-only file loads, a bad --source is
    refused naming the option, and a NUL in a cell names its file, line and column."""
    from goldenthread.cli.main import main

    path = tmp_path / "cr.csv"
    path.write_bytes((HEADER + GOOD).replace("\n", "\r").encode())
    assert main(["data", "load", str(path), "--plan", "perf", "--dry-run"]) == 0
    assert main(["data", "load", str(path), "--plan", "perf", "--source", "a\u202eb"]) == 2
    assert "goldenthread data load: --source contains an invisible right-to-left override" in capsys.readouterr().err
    path.write_bytes((HEADER + "PCT,rx1,2017-01,,90,100,a\x00,\n").encode())
    assert main(["data", "load", str(path), "--plan", "perf"]) == 1
    assert f"{path}:2: breakdown.kind: 'a<U+0000>' contains a NUL character" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["123456789.123456789", "99999999999999.99999999", "12345678.5", "0.123456789012"])
def test_numbers_are_stored_alike_on_both_databases_and_reload_unchanged(plan, tmp_path, text):
    """Issue 15 (the same answer on both databases): a number with more digits than SQLite keeps is
    stored as planfile.fields.stored_decimal rounds it — what PostgreSQL then holds too — and
    loading the same file again changes nothing."""
    from goldenthread.planfile.fields import stored_decimal

    content = f"metric,org_unit,period,value\nGBP,rx1,2016/17,{text}\n".encode()
    assert load_bytes(plan, tmp_path, content).created == 1
    assert Observation.objects.get().value == stored_decimal(Decimal(text))
    again = load_bytes(plan, tmp_path, content)
    assert again.ok and again.unchanged == 1 and again.batch is None


@pytest.mark.parametrize("ending", [b"\n", b"\r"])
def test_a_line_of_millions_of_values_is_refused_at_once(ending):
    """Issue 15 (no hang): one line of ten million values took pandas' and the csv module's parsers
    minutes and gigabytes; a line too long for a row of data is refused before either runs."""
    content = b"metric,org_unit,period,value" + ending + b"x," * 10_000_000 + ending
    with cpu_bound(3):
        table = read_table(content, name="wide.csv")
    assert [f"{p.row}: {p.column}: {p.message}" for p in table.problems] == [
        "2: row: is longer than 100,000 characters, too long for a row of a data file; check that the file is CSV, "
        "with a line for each row"
    ]


def test_rows_one_value_longer_than_the_header_are_not_shifted(plan, tmp_path):
    """Issue 15 (found with the generated tests' bound): when every row had one value more than the
    header, pandas took the first value of each row as an index and read the rest under the wrong
    columns. Empty extra values (a trailing comma) are left out; others are problems of their rows."""
    trailing = load_bytes(plan, tmp_path, b"metric,org_unit,period,value\nGBP,rx1,2016/17,5,\nGBP,rx2,2016/17,6,\n")
    assert trailing.ok and trailing.created == 2, problems(trailing)
    assert sorted(Observation.objects.values_list("org_unit__code", "value")) == [("rx1", 5), ("rx2", 6)]
    extra = load_bytes(plan, tmp_path, b"metric,org_unit,period,value\nGBP,rx1,2016/17,5,9\nGBP,rx2,2016/17,6,9\n")
    assert [p.row for p in extra.problems] == [2, 3]
    assert all("has 5 values but the header (line 1) names 4 columns" in p.message for p in extra.problems)


def test_a_file_of_too_many_values_is_refused_before_it_is_read(plan, tmp_path):
    """Issue 15 (no hang, bounded memory): every value is held while it is checked, so a file of
    more than MAX_CELLS values is refused at once, saying how to split it."""
    from goldenthread.performance.loading.csvfile import MAX_CELLS

    content = b"metric,org_unit,period,value\n" + b"x,x,x,x,x,x,x,x,x,x\n" * (MAX_CELLS // 10 + 1)
    report = load_bytes(plan, tmp_path, content)
    assert len(report.problems) == 1 and problems(report)[0].startswith("1: file: has 10,000,0")
    assert problems(report)[0].endswith(
        f"values, more than the {MAX_CELLS:,} a data file may have; split it into files of fewer rows, or leave "
        "out the columns that are not loaded"
    )
