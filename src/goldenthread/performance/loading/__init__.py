"""Load performance data files into a plan's observations: every row checked, all or nothing.

A data file is a table in long format, CSV or Excel (.xlsx): one row per metric, org unit,
breakdown and period, with the columns described in docs/data-files.md. Loading is in two steps
that never mix:

1. **Check** every row against the plan — metric and org unit known, period aligned with the
   metric's frequency, numbers that make sense for the metric's unit, no key twice — and report
   *every* problem as ``FILE:ROW: column: message``. One bad row and nothing is written, so a
   file is either in the database as a whole or not at all; people fix the file and load it
   again rather than chase half a load.
2. **Write** in one transaction. Observations are never overwritten: a new value for a key
   supersedes the current row and is inserted beside it, so every revision stays; loading the
   same file twice writes nothing at all — not even a load batch.

The package follows the steps: :mod:`.reading` (CSV/XLSX to a table of text cells),
:mod:`.columns` (which column gives which field, ``--map``), :mod:`.checking` and
:mod:`.periods` (every row checked as columns, with :mod:`.problems` listing what is wrong),
:mod:`.writing` (compare with the data held, insert and revise, the audit trail) and
:mod:`.load`, which runs them; :mod:`.report` says what a load found and did, and :mod:`.preview`
what a dry run would load, by metric and org unit. :mod:`.wording` words the fixes in messages for
the channel a load came through (command-line flags, the upload page's fields).
"""

from goldenthread.performance.loading.columns import (
    BREAKDOWN,
    FIELDS,
    NUMBER_FIELDS,
    STATUSES,
    MappingError,
    field_name,
    parse_mapping,
)
from goldenthread.performance.loading.load import load_file, load_table
from goldenthread.performance.loading.preview import PreviewLine
from goldenthread.performance.loading.problems import MAX_PROBLEMS, Problem
from goldenthread.performance.loading.reading import Table, read_table
from goldenthread.performance.loading.report import LoadReport, Progress
from goldenthread.performance.loading.wording import CLI, PAGE, Wording
from goldenthread.performance.loading.writing import BATCH_SIZE, ID_CHUNK

__all__ = [
    "BATCH_SIZE",
    "BREAKDOWN",
    "CLI",
    "FIELDS",
    "ID_CHUNK",
    "MAX_PROBLEMS",
    "NUMBER_FIELDS",
    "PAGE",
    "STATUSES",
    "LoadReport",
    "MappingError",
    "PreviewLine",
    "Problem",
    "Progress",
    "Table",
    "Wording",
    "field_name",
    "load_file",
    "load_table",
    "parse_mapping",
    "read_table",
]
