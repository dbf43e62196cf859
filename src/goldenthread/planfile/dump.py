"""Write a plan back out as YAML or JSON, deterministically.

Defaults are left out so an exported file looks like one a person wrote; key order follows the
schema; numbers are written exactly (Decimal, never float). The same plan always gives the same
bytes, which is what makes load → export → load → export a fixed point.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import yaml

from goldenthread.planfile.schema import SECTIONS, Plan

if TYPE_CHECKING:  # the checker is shown the pure-Python dumper; libyaml's has the same interface
    _BaseDumper = yaml.SafeDumper
else:  # libyaml's dumper when PyYAML was built with it (much faster), otherwise the pure-Python one
    _BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    pass


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = _number_text(value)
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def plan_to_data(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="python", exclude_defaults=True)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-safe data, as a stored version holds it: defaults left out, numbers as
    exact decimal text in one form (``"0.95"``; 12500000.00 and 1.25E+7 both ``"12500000"``, as
    the YAML writes them), so equal plans give equal documents and ``Plan.model_validate`` gives
    the same plan back."""
    document: dict[str, Any] = _with_number_text(plan.model_dump(mode="python", exclude_defaults=True))
    return document


def _with_number_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _number_text(value)
    if isinstance(value, dict):
        return {key: _with_number_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_number_text(item) for item in value]
    return value


def to_yaml(plan: Plan) -> str:
    header = f"# goldenthread plan file: {plan.code}\n# Reference: docs/plan-file.md\n"
    body = yaml.dump(
        plan_to_data(plan), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return header + body


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        text = _number_text(value)
        return int(text) if "." not in text else float(text)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data in which every element says what kind it is."""
    data = plan.model_dump(mode="python", exclude_defaults=False)
    out = {"kind": "plan", **data}
    for section, kind in SECTIONS.items():
        out[section] = [_element(kind, element) for element in data[section]]
    return out


def _element(kind: str, element: dict[str, Any]) -> dict[str, Any]:
    if "title" not in element:  # org units have a name; readers count elements by kind, code, title
        element = {"code": element["code"], "title": element["name"], **element}
    return {"kind": kind, **element}


def to_json(plan: Plan) -> str:
    return json.dumps(to_json_data(plan), default=_json_default, ensure_ascii=False, indent=2) + "\n"
