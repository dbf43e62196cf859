"""Generated input for the CSV reader and the loader's number parsing (issue 15): arbitrary bytes
and arbitrary cells are loaded or refused with a row — never another exception — and what loads
is stored as given. ``make test`` runs these on SQLite and on PostgreSQL, so the same input gets
the same answer on both."""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.performance.loading import load_table, read_table
from goldenthread.performance.loading.cells import REFUSED
from goldenthread.performance.loading.number_text import NUMBER, exact
from goldenthread.performance.loading.numbers import check_numbers
from goldenthread.performance.loading.problems import _SHOWN_AS_CODES, Problems
from goldenthread.planfile.fields import character_problem, decimal_problem

GOOD = (
    b"metric,org_unit,period,value,numerator,denominator,breakdown.kind,source,status\n"
    b"PCT,rx1,2017-01,,90,100,a,trust,final\n"
    b'CNT,rx2,2016/17 Q4,5,,,"b,c",return,provisional\n'
    b"GBP,north,2016/17,-12.5,,,,,\n"
)
FAST = settings(max_examples=200, deadline=None)
WITH_DATABASE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- the characters refused are the plan file's ------------------------------------------------


def test_the_loader_refuses_exactly_the_characters_the_text_rules_refuse():
    """Every code point: the loader's fast search (cells.REFUSED) finds a character exactly when
    planfile.fields refuses it, and a message never shows one as itself."""
    for point in range(0x110000):
        char = chr(point)
        refused = character_problem(char) is not None
        assert (REFUSED.search(char) is not None) == refused, hex(point)
        if refused:
            assert _SHOWN_AS_CODES.search(char), hex(point)


# --- number parsing -----------------------------------------------------------------------------

numbers_as_text = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="0123456789.,+-eE% £", max_size=24),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@FAST
@given(texts=st.lists(numbers_as_text.map(str.strip), min_size=1, max_size=8))
def test_a_number_cell_is_a_number_the_database_holds_or_a_problem(texts):
    """Issue 15 finding 14: any text in a number column is read as the number it writes — one
    the database holds, parsed exactly as it is written — or refused with a message."""
    cells = np.array(texts, dtype=object)
    problems = Problems("x.csv", np.arange(2, len(texts) + 2, dtype=np.int64))
    empty = np.full(len(texts), "", dtype=object)
    _, numbers = check_numbers({"value": cells, "numerator": empty, "denominator": empty}, {"value"}, problems)
    refused = {p.row - 2 for p in problems.listing()}
    for i, text in enumerate(texts):
        if not text:
            continue
        if i in refused:
            assert np.isnan(numbers["value"][i])
            continue
        assert NUMBER.fullmatch(text), text
        number = exact(text)
        assert number is not None and decimal_problem(number) is None, text
        assert float(number) == pytest.approx(numbers["value"][i], rel=1e-15, abs=1e-300)
    for problem in problems.listing():
        assert problem.column == "value" and problem.message


# --- the reader ---------------------------------------------------------------------------------


@st.composite
def damaged(draw) -> bytes:
    """A good file with bytes put in, taken out or changed, in any encoding and line ending."""
    content = bytearray(draw(st.sampled_from([GOOD, GOOD.replace(b"\n", b"\r"), GOOD.replace(b"\n", b"\r\n")])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    content = bytearray(content.decode().encode(encoding))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["insert", "delete", "change"]))
        piece = draw(st.binary(min_size=1, max_size=4))
        if action == "insert":
            content[at:at] = piece
        elif action == "delete":
            del content[at : at + len(piece)]
        else:
            content[at : at + len(piece)] = piece
    return bytes(content)


def _check_table(table) -> None:
    assert all(len(cells) == len(table) for cells in table.cells)
    assert len(table.columns) == len(table.cells) or not len(table)
    for problem in table.problems:
        assert problem.row >= 1 and problem.message and "\x00" not in problem.message


@FAST
@given(content=st.one_of(st.binary(max_size=400), damaged()))
def test_any_bytes_are_read_or_refused_with_a_line(content):
    """Issue 15 findings 6, 11, 14: arbitrary bytes and damaged files never raise from the reader."""
    _check_table(read_table(content, name="generated.csv"))


# --- the whole load -----------------------------------------------------------------------------

hostile = st.one_of(
    st.sampled_from(["rx1", "rx2", "north", "PCT", "CNT", "GBP", "2017-01", "2016/17 Q4", "2016/17", "5", "0.5"]),
    st.sampled_from(["", "=1+1", "<b>x</b>", "u/../x", "a\u202eb", "\x00", "1e400", "-inf", "12,5", "\uff15", "0000"]),
    st.text(max_size=12),
)
columns = ["metric", "org_unit", "period", "value", "numerator", "denominator", "breakdown.kind", "source"]


#: for each metric of the test plan (tests/performance/conftest.py): periods of its frequency, values of its unit
VALID = {
    "PCT": (["2017-01", "2017-02-01", "2016-05"], ["0.5", "0.95", "1", ".25"]),
    "CNT": (["2016/17 Q4", "2017-01-01", "2016/17 Q1"], ["5", "0", "123456", "1e3"]),
    "GBP": (["2016/17", "2017/18", "2016-04-01"], ["-12.5", "1E6", "99999999999999", "0.000000001"]),
}


@st.composite
def good_row(draw) -> list[str]:
    metric = draw(st.sampled_from(sorted(VALID)))
    periods, values = VALID[metric]
    return [
        metric,
        draw(st.sampled_from(["rx1", "rx2", "north", "south", "RX9", "england"])),
        draw(st.sampled_from(periods)),
        draw(st.sampled_from(values)),
        "",
        "",
        draw(st.sampled_from(["", "a", "b c"])),
        draw(st.sampled_from(["", "trust", "Trust’s return £"])),
    ]


@st.composite
def generated_files(draw) -> bytes:
    """Good rows with up to three cells made hostile, in any encoding and line ending."""
    rows = draw(st.lists(good_row(), min_size=1, max_size=5))
    for _ in range(draw(st.integers(0, 3))):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(columns) - 1))
        rows[row][column] = draw(hostile)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogatepass")


@WITH_DATABASE
@given(content=generated_files(), add_units=st.sampled_from([None, "provider"]))
def test_any_file_loads_or_is_refused_with_its_rows_and_changes_nothing(plan, content, add_units):
    """Issue 15: arbitrary cells — hostile text, control characters, numbers of any size, any
    encoding and line ending — load, or are refused row by row with nothing written; what
    loads is stored as the file gives it."""
    from goldenthread.performance.models import Observation
    from goldenthread.plans.models import OrgUnit

    before = (Observation.objects.count(), OrgUnit.objects.count())
    table = read_table(content, name="generated.csv")
    _check_table(table)
    report = load_table(table, plan, add_units=add_units)
    if not report.ok:
        assert report.problems and all(p.row >= 1 and p.column for p in report.problems)
        assert (Observation.objects.count(), OrgUnit.objects.count()) == before
        return
    for observation in Observation.objects.filter(superseded_at__isnull=True, batch=report.batch):
        for name in ("value", "numerator", "denominator"):
            number = getattr(observation, name)
            assert number is None or decimal_problem(Decimal(number)) is None
        assert character_problem(observation.source + observation.breakdown + observation.org_unit.code) is None


def test_the_generated_files_are_what_they_say():
    """The strategies above make real CSV: a good file in every encoding is read the same."""
    for encoding in ("utf-8", "utf-16", "cp1252"):
        table = read_table(GOOD.decode().encode(encoding), name="good.csv")
        assert not table.problems and len(table) == 3 and table.columns[0] == "metric"
    assert codecs.BOM_UTF16_LE == "x".encode("utf-16")[:2]
