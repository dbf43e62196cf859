"""Benchmark the Excel readers on hostile workbooks (issue 15, findings 7–9): what each costs to
refuse — wall time, CPU time and peak memory of a fresh process reading it — beside ordinary
workbooks of 10,000 and 100,000 rows for scale. The workbooks are built by tests/workbooks.py,
each once, before its reader's process starts, so only the reading is measured.

Run with:  .venv/bin/python bench/workbook_bombs.py

Each line: the reader (data: `read_table`, as `goldenthread data load` and the upload page;
plan: `validate_workbook`, as `plan validate|load` and the plan page's upload), the case, the
file's size, seconds of wall time and of the reading process's CPU time (wall time depends on
what else the machine is doing), its peak resident memory (a process importing the data reader
with Django is about 75 MB of it, the plan reader about 50 MB), and the answer's first words.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import workbooks as wb  # noqa: E402


def _ordinary(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(list(wb.HEADER))
    for i in range(rows):
        sheet.append(["CNT", f"rx{i % 2 + 1}", f"2016/17 Q{i % 4 + 1}", i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FAR = wb.row_xml(1, ["code", "level", "title"]) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
MERGED = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
CASES = {
    "data": {
        "ordinary, 10,000 rows": lambda: _ordinary(10_000),
        "ordinary, 100,000 rows": lambda: _ordinary(100_000),
        "mismatched tag": wb.mismatched_tag,
        "DOCTYPE entity": wb.doctype_entity,
        "external entity": wb.external_entity,
        "corrupted member": wb.corrupted_member,
        "A1:XFD1048576, one far cell": wb.far_cell,
        "one far cell, dimension lying": lambda: wb.far_cell(dimension="A1:D2"),
        "2,000,000 empty rows": wb.empty_rows,
        "2,000,000 numbered empty rows": lambda: wb.empty_rows(numbered=True),
        "1.5 GB shared string": lambda: wb.huge_shared_string(1_500_000_000),
        "2 MB shared string, incompressible": lambda: wb.long_shared_string(2_000_000),
        "merged A1:XFD1048576": lambda: wb.with_sheet_extra(MERGED),
        "shared formulas, 75 KB": wb.shared_formulas,
        "60,000 conditional formats": wb.conditional_formats,
        "150,000 defined names": wb.many_defined_names,
        "rows past the dimension": wb.rows_past_dimension,
        "hidden first sheet": wb.hidden_first_sheet,
    },
    "plan": {
        "nhse-2013 as exported": wb.plan_workbook,
        "far cell, dimension lying": lambda: wb.in_plan(wb.sheet_xml(FAR, dimension="A1:C2")),
        "merged A1:XFD1048576": lambda: wb.in_plan(
            wb.sheet_xml(wb.row_xml(1, ["code"])).replace(b"</sheetData>", b"</sheetData>" + MERGED)
        ),
        "corrupted member": lambda: wb.corrupted_member("xl/worksheets/sheet9.xml", wb.plan_workbook()),
        "a comment at XFD1048576": lambda: wb.comment_at(wb.plan_workbook(), "Risks", "XFD1048576"),
        "DOCTYPE in workbook.xml": lambda: wb.replaced(
            wb.plan_workbook(), "xl/workbook.xml", wb.DECLARATION + b'<!DOCTYPE w [<!ENTITY x "y">]><workbook/>'
        ),
    },
}


def read_one(reader: str, path: str) -> None:
    """In the child process: read the file with ``reader`` and print the answer's first words."""
    content = Path(path).read_bytes()
    if reader == "data":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
        import django

        django.setup()
        from goldenthread.performance.loading import read_table

        table = read_table(content, name="data.xlsx")
        answer = table.problems[0].message if table.problems else f"read {len(table):,} rows"
    else:
        from goldenthread.planfile.workbook_read import validate_workbook

        result = validate_workbook(content, "plan.xlsx")
        answer = str(result.problems[0]).removeprefix("plan.xlsx: ") if result.problems else "a valid plan"
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM"))
    print(f"{usage.ru_utime + usage.ru_stime:.2f} {int(peak.split()[1]) // 1024} {answer[:70]}")


def measure(reader: str, case: str, content: bytes) -> str:
    """Read ``content`` in a fresh process: its peak is its own (VmHWM starts again at exec)."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(content)
        file.flush()
        started = time.monotonic()
        out = subprocess.run(
            [sys.executable, __file__, "--one", reader, file.name], capture_output=True, text=True, cwd=ROOT
        )
        wall = time.monotonic() - started
    cpu, peak, answer = (out.stdout.strip().split(" ", 2) + ["", "", ""])[:3] if out.returncode == 0 else ("?", "?", "")
    answer = answer or f"FAILED: {out.stderr.strip().splitlines()[-1:]}"
    return f"{reader:4}  {case:36} {len(content) / 1024:>9,.0f} KB {wall:>6.1f} s {cpu:>6} s CPU {peak:>6} MB  {answer}"


def main() -> None:
    print(f"{'':4}  {'case':36} {'file':>12} {'wall':>8} {'CPU':>12} {'peak':>9}  answer")
    for reader, cases in CASES.items():
        for case, build in cases.items():
            print(measure(reader, case, build()), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        read_one(sys.argv[2], sys.argv[3])
    else:
        main()
