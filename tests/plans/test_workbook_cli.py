"""``goldenthread plan export --format xlsx``, ``plan load FILE.xlsx``, ``plan validate FILE.xlsx`` and
``plan template``: a stored plan goes out to Excel and back unchanged, and a bad workbook loads nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl import load_workbook

from goldenthread.cli.main import main
from goldenthread.plans import models as m
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.django_db(transaction=True)


def export(tmp_path, capsys, fmt: str) -> bytes:
    out = tmp_path / f"plan.{fmt}"
    assert main(["plan", "export", "example-2019", "--format", fmt, "-o", str(out)]) == 0
    capsys.readouterr()
    return out.read_bytes()


def test_export_to_excel_and_load_back_changes_nothing(tmp_path, capsys):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    before = export(tmp_path, capsys, "yaml")
    versions = m.PlanVersion.objects.count()
    workbook = tmp_path / "plan.xlsx"
    assert main(["plan", "export", "example-2019", "--format", "xlsx", "-o", str(workbook)]) == 0
    assert "load it back with: goldenthread plan load" in capsys.readouterr().out
    assert load_workbook(workbook)["Metrics"]["A2"].value == "AMR-PRESC"
    assert main(["plan", "load", str(workbook)]) == 0
    assert "example-2019" in capsys.readouterr().out
    assert export(tmp_path, capsys, "yaml") == before
    assert m.PlanVersion.objects.count() == versions  # nothing changed, so no new version


def test_an_edited_workbook_loads_its_edit(tmp_path, capsys):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    workbook = tmp_path / "plan.xlsx"
    assert main(["plan", "export", "example-2019", "--format", "xlsx", "-o", str(workbook)]) == 0
    book = load_workbook(workbook)
    assert book["Metrics"]["B3"].value == "Nursing vacancy rate"
    book["Metrics"]["B3"] = "<b>Nursing</b> vacancy rate"
    book.save(workbook)
    assert main(["plan", "load", str(workbook)]) == 0
    assert m.Metric.objects.get(plan__code="example-2019", code="NUR-VAC").title == "<b>Nursing</b> vacancy rate"


def test_a_bad_workbook_loads_nothing(tmp_path, capsys):
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    workbook = tmp_path / "plan.xlsx"
    assert main(["plan", "export", "example-2019", "--format", "xlsx", "-o", str(workbook)]) == 0
    book = load_workbook(workbook)
    book["Metrics"]["B3"] = "Vacancies"  # a good edit ...
    book["Metrics"]["K3"] = "high"  # ... beside a bad one
    book["Activities"]["F2"] = "nobody"
    book.save(workbook)
    capsys.readouterr()
    versions = m.PlanVersion.objects.count()
    assert main(["plan", "load", str(workbook)]) == 1
    err = capsys.readouterr().err
    assert f"{workbook}!Metrics!K3: metrics[1].target.value: Input should be a valid decimal, not 'high'" in err
    assert f"{workbook}!Activities!F2: activities[0].owner: unknown owner 'nobody'" in err
    assert "nothing was loaded" in err
    assert m.Metric.objects.get(plan__code="example-2019", code="NUR-VAC").title == "Nursing vacancy rate"
    assert m.PlanVersion.objects.count() == versions


def test_excel_export_needs_a_file(capsys):
    assert main(["plan", "export", "example-2019", "--format", "xlsx"]) == 2
    assert "give the file to write with -o FILE.xlsx" in capsys.readouterr().err


def test_template_and_validate_without_django(tmp_path):
    """``plan template`` and ``plan validate FILE.xlsx`` need no database: Django is never imported."""
    template = tmp_path / "blank.xlsx"
    code = (
        "import sys; from goldenthread.cli.main import main; "
        f"a = main(['plan', 'template', '-o', {str(template)!r}]); "
        f"b = main(['plan', 'validate', {str(template)!r}]); "
        "assert 'django' not in sys.modules; sys.exit(a * 10 + b)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr  # the template is valid Excel, but not yet a plan
    assert f"{template}!Plan!B2: code: 'code' is required" in done.stderr
    book = load_workbook(template)
    assert book.sheetnames[:2] == ["Plan", "Levels"] and book["Metrics"].data_validations.dataValidation
