"""Benchmark reading an Excel data file (issue 17): a long-format workbook of N rows (written with
openpyxl's write-only mode, as bench/workbook_bombs.py writes its ordinary workbooks) read into the
loader's table of text cells — now (the scan, then the sheet's cells straight from its XML with
NumPy), by python-calamine (the reader of issue 17's first step) and as before (the scan as it
streamed every element in Python, then openpyxl), in the same run, with the check that all give
the same table.

Run with:  .venv/bin/python bench/xlsx.py [--rows 100000] [--repeat 2] [--no-openpyxl]

Prints, for each reader, the best wall and CPU seconds of ``--repeat`` runs and rows per second
of each (CPU time is the fairer figure on a shared machine: wall time depends on what else runs).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

HEADER = ["metric", "org_unit", "period", "value"]


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(["CNT", f"rx{i % 2 + 1}", f"2016/17 Q{i % 4 + 1}", i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def now(content: bytes):  # type: ignore[no-untyped-def]
    from goldenthread.performance.loading.workbook import read_xlsx

    return read_xlsx(content, "data.xlsx")


def by_calamine(content: bytes):  # type: ignore[no-untyped-def]
    """The reader of issue 17's first step: the scan, then python-calamine (never straight from the XML)."""
    from goldenthread.performance.loading import workbook as reader
    from goldenthread.performance.loading.workbook_direct import NotDirect

    def refuse(*_: object) -> None:
        raise NotDirect("benchmark: read by calamine")

    straight = reader.sheet_grid
    reader.sheet_grid = refuse  # type: ignore[assignment]
    try:
        return reader.read_xlsx(content, "data.xlsx")
    finally:
        reader.sheet_grid = straight


def before(content: bytes):  # type: ignore[no-untyped-def]
    """The reader before issue 17: every part streamed element by element, then openpyxl."""
    from goldenthread.performance.loading import workbook as reader
    from goldenthread.performance.loading.table import Grid
    from goldenthread.planfile import workbook_limits

    scanned_fast = workbook_limits.scanned_fast
    workbook_limits.scanned_fast = lambda *_: False  # type: ignore[assignment]
    try:
        verdict = workbook_limits.check_workbook_content(content, reader.DATA_LIMITS)
    finally:
        workbook_limits.scanned_fast = scanned_fast
    assert verdict.problem is None
    grid = Grid("data.xlsx")
    reader._read_openpyxl(content, grid)
    return grid.finish("")


def best(read: Callable[[bytes], object], content: bytes, repeat: int) -> tuple[float, float, object]:
    wall = cpu = float("inf")
    table = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        table = read(content)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu, table


def shown(table) -> tuple:  # type: ignore[no-untyped-def]
    return table.columns, [list(c) for c in table.cells], list(table.lines), table.problems, table.notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-openpyxl", action="store_true", help="leave out the reader before (about 15 s a run)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()
    content = workbook(args.rows)
    print(f"{args.rows:,} rows, {len(content) / 1024 / 1024:.1f} MB workbook (best of {args.repeat})")
    tables = []
    readers = [("now (scan + straight)", now), ("calamine (scan + calamine)", by_calamine)]
    if not args.no_openpyxl:
        readers.append(("before (scan + openpyxl)", before))
    for label, read in readers:
        wall, cpu, table = best(read, content, args.repeat)
        tables.append(shown(table))
        print(
            f"{label:27} {wall:6.2f} s wall {cpu:6.2f} s CPU  "
            f"{args.rows / wall:>9,.0f} rows/s of wall {args.rows / cpu:>9,.0f} rows/s of CPU",
            flush=True,
        )
    print("same table:", all(table == tables[0] for table in tables[1:]))


if __name__ == "__main__":
    main()
