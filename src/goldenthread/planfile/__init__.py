"""Plan files: schema, validation with precise locations, and deterministic export.

Pure Python (pydantic and PyYAML); nothing here imports Django.
"""

from .dump import to_json, to_json_data, to_yaml
from .schema import Plan
from .source import Problem
from .validate import Result, validate_file, validate_text

__all__ = ["Plan", "Problem", "Result", "to_json", "to_json_data", "to_yaml", "validate_file", "validate_text"]
