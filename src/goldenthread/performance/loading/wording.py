"""How the loader's messages name the choices a person makes besides the file.

The same loader runs behind ``goldenthread data load`` and the upload page. A message that tells
someone how to fix a load ("give the metric of every row…", "create the units missing…") must
name the control they have: a flag on the command line, a field on the page. The loader never
writes a flag itself; it asks its :class:`Wording` (``CLI`` or ``PAGE``), so each channel's
messages speak of that channel only. ``tests/performance/test_wording.py`` keeps flags out of
the rest of the loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    """The words for each choice a load takes besides the file, in one channel."""

    #: the metric given for every row, by its code: "--metric AE4HR"
    metric: Callable[[str], str]
    #: how to give the metric of every row: "give the metric of every row with --metric CODE"
    metric_for_every_row: str
    #: one column read as a field, as the person wrote it: "--map org_code=org_unit"
    map_item: Callable[[str], str]
    #: where columns are read as fields: "with --map"
    map_where: str
    #: an example of reading a column as a field: "--map org_code=org_unit"
    map_example: Callable[[str], str]
    #: how to create the org units a file names and the plan lacks
    add_units: str


CLI = Wording(
    metric=lambda code: f"--metric {code}",
    metric_for_every_row="give the metric of every row with --metric CODE",
    map_item=lambda item: f"--map {item}",
    map_where="with --map",
    map_example=lambda item: f"--map {item}",
    add_units="load with --add-units KIND (e.g. --add-units provider) to create the units missing from the plan",
)

#: the upload page's fields, by their labels (web/jinja2/performance/upload.html)
METRIC_FIELD = "“Metric”"
MAPPING_FIELD = "“Column names to read as fields”"
ADD_UNITS_FIELD = "“Create org units the plan does not have?”"

PAGE = Wording(
    metric=lambda code: f"the metric {code} given in {METRIC_FIELD}",
    metric_for_every_row=f"give the metric of every row in {METRIC_FIELD}",
    map_item=lambda item: f"{item} (in {MAPPING_FIELD})",
    map_where=f"in {MAPPING_FIELD}",
    map_example=lambda item: item,
    add_units=f"choose a kind of org unit in {ADD_UNITS_FIELD} to create the units missing from the plan",
)
