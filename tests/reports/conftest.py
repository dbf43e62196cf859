"""Fixtures for the board papers: the factory plan with data, the nhsi-2016 plan with the real A&E
data, and helpers that open what the packs produce (pdftotext, pdftoppm, python-docx)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from goldenthread.performance.demo import load_ae_demo
from goldenthread.planfile import validate_file
from goldenthread.planfile.periods import parse_period
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan

from ..conftest import PROJECT
from ..factories import PLAN_WITH_DATA, plan_with_data

#: the factory plan's data runs April 2016 to March 2018; the South drops in the last month
PERIOD = parse_period("2017/18 Q4")
AE_PERIOD = parse_period("2016/17 Q4")


@pytest.fixture
def plan(db) -> m.Plan:
    return plan_with_data()


@pytest.fixture
def marked_plan(db) -> m.Plan:
    """The factory plan with markup and a formula in its titles."""
    text = (
        PLAN_WITH_DATA.replace("title: Test plan with data", 'title: "Plan <script>alert(1)</script> & co"')
        .replace("title: Four-hour performance", 'title: "=HYPERLINK(\\"http://x\\") <b>four</b>-hour"')
        .replace("title: Recover the standard", 'title: "<i>Recover</i> the standard"')
    )
    return plan_with_data(text)


@pytest.fixture
def ae_plan(db) -> m.Plan:
    """nhsi-2016 as the demo loads it, with the A&E attendances as observations of AE4HR, through
    the performance app's demo loader."""
    result = validate_file(PROJECT / "plans" / "nhsi-2016.yaml")
    assert result.ok, result.problems
    load_plan(result.plan)
    plan = m.Plan.objects.get(code="nhsi-2016")
    report = load_ae_demo(io.StringIO())
    assert report is not None and report.ok, report
    return plan


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def pdf_pages(data: bytes, tmp_path: Path) -> list[Path]:
    """Every page rendered to a PNG (pdftoppm), as people will see it."""
    path = tmp_path / "render.pdf"
    path.write_bytes(data)
    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(out)], check=True, timeout=120, capture_output=True)
    return sorted(tmp_path.glob("page*.png"))


def page_count(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60)
    return int(next(line for line in done.stdout.splitlines() if line.startswith("Pages:")).split()[1])


def docx(data: bytes):
    import docx as python_docx

    return python_docx.Document(io.BytesIO(data))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
