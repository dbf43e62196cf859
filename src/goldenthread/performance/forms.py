"""The upload form: what a person chose, checked field by field, every problem found at once.

The form checks only what the page asks for (a plan, a file of a kind we read, a mapping that
names fields); the file's rows are checked by the loader, exactly as on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from goldenthread.performance.loading import PAGE, MappingError, parse_mapping
from goldenthread.performance.loading.cells import SOURCE_LENGTH
from goldenthread.planfile.fields import text_problem
from goldenthread.plans.models import OrgUnit, Plan

#: the kinds of file the page takes (the largest is settings.GOLDENTHREAD_MAX_UPLOAD_BYTES;
#: bigger loads belong on the command line)
SUFFIXES = (".csv", ".xlsx")


@dataclass
class UploadForm:
    plans: list[Plan]
    plan: str = ""
    metric: str = ""
    mapping_text: str = ""
    add_units: str = ""
    source: str = ""
    file: UploadedFile | None = None
    errors: dict[str, str] = field(default_factory=dict)
    # the checked values
    chosen_plan: Plan | None = None
    mapping: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, data, files, plans: list[Plan]) -> UploadForm:
        return cls(
            plans=plans,
            plan=data.get("plan", "").strip(),
            metric=data.get("metric", "").strip(),
            mapping_text=data.get("mapping", ""),
            add_units=data.get("add_units", "").strip(),
            source=data.get("source", "").strip(),
            file=files.get("file"),
        )

    @property
    def plan_items(self) -> list[dict]:
        items = [{"value": "", "text": "Choose a plan", "selected": not self.plan}]
        return items + [
            {"value": p.code, "text": f"{p.title} ({p.code})", "selected": p.code == self.plan} for p in self.plans
        ]

    @property
    def add_units_items(self) -> list[dict]:
        items = [{"value": "", "text": "No — list them as problems", "selected": not self.add_units}]
        return items + [
            {"value": value, "text": f"Yes, as: {label.lower()}", "selected": value == self.add_units}
            for value, label in OrgUnit.Kind.choices
        ]

    def is_valid(self) -> bool:
        self.errors = {}
        self.chosen_plan = next((p for p in self.plans if p.code == self.plan), None)
        if self.chosen_plan is None:
            self.errors["plan"] = "Choose the plan the data belongs to"
        if self.file is None:
            self.errors["file"] = "Choose a CSV (.csv) or Excel (.xlsx) file to upload"
        elif Path(self.file.name or "").suffix.lower() not in SUFFIXES:
            self.errors["file"] = (
                f"The file {self.file.name} is not a CSV (.csv) or Excel (.xlsx) file; save it as "
                "one of those and upload it again"
            )
        elif (self.file.size or 0) > (limit := settings.GOLDENTHREAD_MAX_UPLOAD_BYTES):
            self.errors["file"] = (
                f"The file is larger than {limit // (1024 * 1024)} MB; split it into smaller files and upload "
                "each, or ask your system administrator to load it"
            )
        elif self.file.size == 0:
            self.errors["file"] = f"The file {self.file.name} is empty"
        lines = [line.strip() for line in self.mapping_text.replace(",", "\n").splitlines() if line.strip()]
        try:
            self.mapping = parse_mapping(lines, PAGE)
        except MappingError as exc:
            self.errors["mapping"] = str(exc)
        if self.add_units and self.add_units not in OrgUnit.Kind.values:
            self.errors["add_units"] = "Choose a kind of org unit from the list"
        if problem := text_problem(self.source, max_length=SOURCE_LENGTH):
            self.errors["source"] = f"The source {problem}"
        return not self.errors

    def error_list(self) -> list[dict]:
        return [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]
