"""How a load runs: the options every way in (the command, the upload page, the demo) gives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goldenthread.performance.loading.problems import MAX_PROBLEMS
from goldenthread.performance.loading.wording import CLI, Wording


@dataclass(frozen=True)
class LoadOptions:
    """How to load a table: ``metric`` gives the metric of every row (for files without a metric
    column); ``mapping`` renames file columns to fields ({"org_code": "org_unit"}); ``add_units``
    is the kind of the org units to create for codes the plan does not have (otherwise they are
    problems); ``source`` is the source of rows that give none; ``user`` who loads; ``dry_run``
    only counts; at most ``max_problems`` problems are listed; ``wording`` names the options above
    in the problems' messages as the channel the load came through does (:mod:`.wording`: flags
    on the command line, fields on the upload page)."""

    metric: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    add_units: str | None = None
    source: str = ""
    user: Any = None
    dry_run: bool = False
    max_problems: int = MAX_PROBLEMS
    wording: Wording = CLI
