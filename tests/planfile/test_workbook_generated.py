"""Generated and mutated workbooks through both Excel readers (issue 15: "readers that cannot be
made to hang or crash"): the data loader's ``read_table`` and the plan workbook's
``validate_workbook`` either read the file or refuse it with a located message — never another
exception, and each within seconds. The workbooks come from tests/workbooks.py: sheets of
generated rows (any text, row numbers, dimensions, sheet states, extra XML), and good workbooks
with their bytes or their XML damaged at generated places."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.performance.loading import read_table
from goldenthread.planfile.validate import Result
from goldenthread.planfile.workbook_read import validate_workbook
from tests import workbooks as wb
from tests.budget import cpu_bound

RUNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLAN = wb.plan_workbook("nhse-2013")
DATA = wb.data_workbook([("CNT", "rx1", f"2016/17 Q{i % 4 + 1}", str(i)) for i in range(40)])

cell_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
rows = st.lists(st.lists(cell_text, min_size=0, max_size=6), max_size=12)
extra_xml = st.sampled_from(
    [
        b"",
        b'<mergeCells><mergeCell ref="A1:C3"/></mergeCells>',
        b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
        b'<hyperlinks><hyperlink ref="B2:ZZ99999"/></hyperlinks>',
        b'<row r="7"><c r="XFD7"><v>1</v></c></row>',
        b'<c r="not a cell"/>',
        b"<!-- a comment -->",
        b"&undefined;",
    ]
)


def read_data(content: bytes) -> None:
    """The data reader's answer: a table, or problems each with a row and a message."""
    with cpu_bound(10):
        table = read_table(content, name="data.xlsx")
    for problem in table.problems:
        assert problem.row >= 1 and problem.message and problem.file == "data.xlsx"
    if not table.problems:
        assert table.columns and len(table.cells) == len(table.columns)


def read_plan(content: bytes) -> Result:
    """The plan reader's answer: a plan, or problems each located in the file, a sheet or a cell."""
    with cpu_bound(10):
        result = validate_workbook(content, "plan.xlsx")
    assert (result.plan is None) == bool(result.problems)
    for problem in result.problems:
        assert str(problem).startswith("plan.xlsx") and problem.message
    return result


@RUNS
@given(
    rows=rows,
    dimension=st.none() | st.sampled_from(["A1", "A1:D2", "A1:XFD1048576", "B2:A1", "nonsense", "A1:D999999"]),
    numbers=st.lists(st.integers(min_value=-2, max_value=1_100_000), max_size=12),
    state=st.sampled_from(["visible", "hidden", "veryHidden", "odd"]),
    extra=extra_xml,
)
def test_a_generated_data_workbook_is_read_or_refused(rows, dimension, numbers, state, extra):
    written = b"".join(
        wb.row_xml(numbers[i] if i < len(numbers) else i + 1, cells).replace(b'r="-', b'r="')
        for i, cells in enumerate(rows)
    )
    sheet = wb.sheet_xml(written, dimension=dimension).replace(b"</sheetData>", b"</sheetData>" + extra)
    content = wb.xlsx([wb.Sheet("Data", sheet, state=state), wb.Sheet("More", wb.data_sheet(wb.GOOD_ROWS))])
    read_data(content)


def mutated(content: bytes, places: list[tuple[int, int]]) -> bytes:
    """``content`` with the byte at each (place, value) overwritten (places wrap round the file)."""
    damaged = bytearray(content)
    for place, value in places:
        damaged[place % len(damaged)] = value
    return bytes(damaged)


def xml_mutated(content: bytes, part: int, start: int, length: int, insert: bytes) -> bytes:
    """``content`` with a slice of one of its XML parts replaced by ``insert``, zipped again."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = [n for n in book.namelist() if n.endswith((".xml", ".rels"))]
        name = names[part % len(names)]
        xml = book.read(name)
    at = start % max(len(xml), 1)
    return wb.replaced(content, name, xml[:at] + insert + xml[at + length :])


places = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=6)
inserts = st.sampled_from(
    [b"", b"<", b">", b"</row>", b"<row r='0'>", b'<!DOCTYPE x [<!ENTITY a "b">]>', b"&a;", b"\x00"]
)


@RUNS
@given(places=places)
def test_a_data_workbook_with_damaged_bytes_is_read_or_refused(places):
    read_data(mutated(DATA, places))


@RUNS
@given(part=st.integers(min_value=0), start=st.integers(min_value=0), length=st.integers(0, 40), insert=inserts)
def test_a_data_workbook_with_damaged_xml_is_read_or_refused(part, start, length, insert):
    read_data(xml_mutated(DATA, part, start, length, insert))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places=places)
def test_a_plan_workbook_with_damaged_bytes_is_read_or_refused(places):
    read_plan(mutated(PLAN, places))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=st.integers(min_value=0), start=st.integers(min_value=0), length=st.integers(0, 40), insert=inserts)
def test_a_plan_workbook_with_damaged_xml_is_read_or_refused(part, start, length, insert):
    read_plan(xml_mutated(PLAN, part, start, length, insert))


OBJECTIVES = wb.sheet_part(PLAN, "Objectives")
OBJECTIVE_COLUMNS = ["code", "level", "title", "description", "parent", "org_unit", "owner", "contributes_to"]
xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.sampled_from([*OBJECTIVE_COLUMNS, "", "other", "CODE"]), min_size=0, max_size=9),
    rows=st.lists(st.lists(xml_text, max_size=9), max_size=8),
)
def test_a_plan_sheet_of_generated_cells_is_a_plan_or_problems_at_cells(header, rows):
    """Well-formed cells of any text in the Objectives sheet: the reader itself never fails (a
    failure would show as 'cannot be read as an Excel workbook')."""
    written = b"".join(wb.row_xml(n, cells) for n, cells in enumerate([header, *rows], start=1))
    content = wb.replaced(PLAN, OBJECTIVES, wb.sheet_xml(written))
    result = read_plan(content)
    assert not any("cannot be read as an Excel workbook" in str(p) for p in result.problems), result.problems
