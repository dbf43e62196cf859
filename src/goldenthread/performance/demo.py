"""The demo's real data: NHS England's monthly A&E attendances, loaded as metric AE4HR of NHS
Improvement's 2016/17 plan (plans/nhsi-2016.yaml), which aimed to recover the 95% four-hour
standard by 2016/17 Q4.

The shipped file (data/ae_attendances.csv, see data/README.md) gives attendances and breaches
per provider, department type and month. Four-hour performance is a proportion, so it is loaded
with its counts — numerator = attendances − breaches (seen within four hours), denominator =
attendances — and England's figure is the ratio of the summed counts, never a mean of the
providers' percentages. Providers become undeclared org units under England, named by their ODS
codes. The load goes through the same checks as any data file, and like any load, running it
again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import numpy as np
from django.conf import settings

from goldenthread.performance.loading import LoadReport, Problem, Table, load_table, read_table
from goldenthread.performance.loading.reading import Cells
from goldenthread.plans.models import Plan

AE_FILE = Path(settings.PROJECT_DIR) / "data" / "ae_attendances.csv"
AE_PLAN = "nhsi-2016"
AE_METRIC = "AE4HR"
AE_SOURCE = (
    "NHS England, A&E attendances and emergency admissions (Open Government Licence), via the NHS-R "
    "community's NHSRdatasets package (ae_attendances)"
)


def ae_table(path: Path = AE_FILE) -> tuple[Table, int]:
    """The A&E file as a long-format table for AE4HR, and how many rows were skipped.

    Rows with no attendances are skipped: a proportion of nobody is undefined, and a row of 0 / 0
    would only be refused by the loader. The file has none today; the count is reported so that
    a future edition with some says so. Each row keeps its line in the file, so any problem
    points at the line of data/ae_attendances.csv to look at.
    """
    try:
        name = str(Path(path).resolve().relative_to(Path(settings.PROJECT_DIR).resolve()))
    except ValueError:
        name = str(path)
    raw = read_table(path, name)
    if raw.problems or not raw.columns:
        return raw, 0
    cells = {name: raw.cells[j] for j, name in enumerate(raw.columns)}
    missing = [c for c in ("period", "org_code", "type", "attendances", "breaches") if c not in cells]
    if missing:
        raw.problems.append(
            Problem(
                raw.name,
                raw.header_line,
                ", ".join(missing),
                f"the A&E file has no column {', '.join(missing)}; see data/README.md",
            )
        )
        return raw, 0
    attendances = _integers(cells["attendances"])
    breaches = _integers(cells["breaches"])
    numeric = ~np.isnan(attendances) & ~np.isnan(breaches)
    keep = ~(numeric & (attendances == 0))
    seen = np.where(numeric, attendances - breaches, np.nan)

    def text(values: np.ndarray, fallback: Cells) -> list[str]:
        return [f"{v:.0f}" if v == v else fallback[i] for i, v in enumerate(values)]

    numerator = text(seen, cells["breaches"])
    denominator = text(attendances, cells["attendances"])
    rows = np.flatnonzero(keep)
    columns: dict[str, Cells] = {
        "org_unit": cells["org_code"],
        "period": cells["period"],
        "breakdown.department_type": cells["type"],
        "numerator": numerator,
        "denominator": denominator,
    }
    kept: list[Cells] = [[values[i] for i in rows] for values in columns.values()]
    table = Table(
        raw.name,
        list(columns),
        kept,
        [raw.lines[i] for i in rows],
        header_line=raw.header_line,
        notes=raw.notes,
        sha256=raw.sha256,
    )
    return table, int((~keep).sum())


def _integers(values: Cells) -> np.ndarray:
    import pandas as pd

    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def load_ae_demo(out: TextIO, *, path: Path = AE_FILE) -> LoadReport | None:
    """Load the A&E data into plan nhsi-2016 when that plan is loaded; print one line."""
    plan = Plan.objects.filter(code=AE_PLAN).first()
    if plan is None:
        print(f"A&E demo data: skipped, as plan {AE_PLAN} is not loaded", file=out)
        return None
    if not path.exists():
        print(f"A&E demo data: skipped, as {path} is missing", file=out)
        return None
    table, skipped = ae_table(path)
    report = load_table(table, plan, metric=AE_METRIC, add_units="provider", source=AE_SOURCE)
    if not report.ok:
        for line in report.problem_lines():
            print(line, file=out)
    skipped_text = (
        f"; {skipped:,} rows with no attendances skipped (a proportion of nobody is undefined)" if skipped else ""
    )
    print(f"A&E demo data: {report}{skipped_text}", file=out)
    return report
