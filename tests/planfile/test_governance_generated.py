"""Generated values in a governed plan's bodies, meetings and added notes: a valid plan (which
writes back and reads back from a workbook the same) or problems located at a line and column,
never another exception."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.planfile import to_yaml, validate_data, validate_text
from goldenthread.planfile.workbook_read import validate_workbook
from goldenthread.planfile.workbook_write import plan_workbook
from tests.planfile.plan_strategies import _paths, as_yaml, nasty_text, values
from tests.planfile.test_governance import GOOD
from tests.planfile.test_plan_reader_properties import _located

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATA: dict[str, Any] = yaml.safe_load(GOOD)
PATHS = [path for path in _paths(DATA) if path[0] in ("bodies", "meetings")]
#: words a governance field may hold, good and bad
WORDS = st.sampled_from(
    ["board", "committee", "quarter", "decision", "plan", "board_pack", "directorate_packs", "12", "P1", "MED"]
    + ["CEO", "BOARDS", "DQPCiC", "27 June 2019", "2019-06-27", "2019/20 Q2", "meets", "business.0.every", ""]
)


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


#: the leaves of text (not lists): plausible values there often leave a valid plan
LEAVES = [path for path in PATHS if isinstance(path[-1], str) and isinstance(_at(DATA, path), str)]
plain_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)


@st.composite
def governed_plans(draw: st.DrawFn, *, plausible: bool = False) -> dict[str, Any]:
    """The governed plan with up to three of its governance fields (or lists) given generated
    values: anything, or (``plausible``) words and text in its text fields."""
    data = copy.deepcopy(DATA)
    anything = WORDS | values | st.lists(WORDS | nasty_text, max_size=3)
    for path in draw(st.lists(st.sampled_from(LEAVES if plausible else PATHS), min_size=1, max_size=3)):
        try:
            _at(data, path[:-1])[path[-1]] = draw(WORDS | plain_text if plausible else anything)
        except (KeyError, IndexError, TypeError):  # an earlier edit replaced the way there
            continue
    return data


@SETTINGS
@given(governed_plans() | governed_plans(plausible=True))
def test_any_value_in_governance_is_a_plan_or_located_problems(data: dict[str, Any]) -> None:
    text = as_yaml(data)
    result = validate_text(text, "plan.yaml")
    assert result.ok or result.problems
    _located(result.problems, text)
    assert validate_data(data, "plan.yaml").ok == result.ok
    if result.plan is not None:
        again = validate_text(to_yaml(result.plan), "again.yaml")
        assert again.plan == result.plan
        read = validate_workbook(plan_workbook(result.plan), "plan.xlsx")
        assert read.plan is not None, [str(p) for p in read.problems]
        assert to_yaml(read.plan) == to_yaml(result.plan)
