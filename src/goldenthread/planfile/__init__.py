"""Plan files: schema, validation with precise locations, and deterministic export.

Pure Python (pydantic and PyYAML); nothing here imports Django.
"""

from goldenthread.planfile.dump import plan_document, to_json, to_json_data, to_yaml
from goldenthread.planfile.schema import Plan
from goldenthread.planfile.source import Problem
from goldenthread.planfile.validate import Result, validate_data, validate_file, validate_text

__all__ = [
    "Plan",
    "Problem",
    "Result",
    "plan_document",
    "to_json",
    "to_json_data",
    "to_yaml",
    "validate_data",
    "validate_file",
    "validate_text",
]
