"""Reading a data file — CSV or Excel (.xlsx) — into a table of text cells, each row with its line.

Spreadsheet formulas are never evaluated: Excel cells are read as they are stored (a formula
cell gives its formula text) and CSV cells are text. Everything wrong *inside* a file is a
problem of the table, reported at its line; only a file that cannot be opened raises. CSV is
read by :mod:`.csvfile`; both give a :class:`~.table.Table`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from goldenthread.performance.loading.csvfile import read_csv
from goldenthread.performance.loading.table import Cells, Table, refused
from goldenthread.performance.loading.workbook import read_xlsx

__all__ = ["Cells", "Table", "read_table"]


def read_table(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Table:
    """Read a CSV or Excel (.xlsx) file into text cells, keeping each row's line or row number.

    Excel cells are read as stored, never calculated: a formula cell gives its formula, which then
    fails the number check if it sits in a number column. Raises OSError when the file cannot be
    opened; everything wrong *inside* the file is reported as problems of the table.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        content = Path(source).read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        content = bytes(source)
    else:
        content = source.read()
    name = name or "data"
    suffix = Path(name).suffix.lower()
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        table = read_xlsx(content, name)
    elif suffix in (".xls", ".ods", ".numbers"):
        message = (
            f"is a {suffix} spreadsheet, which goldenthread does not read; save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8 (.csv) and load that"
        )
        table = refused(name, message)
    else:
        table = read_csv(content, name)
    table.sha256 = hashlib.sha256(content).hexdigest()
    return table
