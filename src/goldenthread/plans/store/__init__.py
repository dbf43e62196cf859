"""Load validated plan files into the database, and export stored plans back to plan files.

Loading (:mod:`.loading`) is a synchronisation by code (:mod:`.syncing`), in one transaction:
rows whose fields already match are left alone (so a second load of the same file changes
nothing, not even a timestamp), changed rows are updated in place, new ones created, and
elements no longer in the file deleted with their links. Queries are per table, never per
element. Exporting (:mod:`.exporting`) reads a stored plan back into the plan file model; both
directions follow one declaration of how each element's fields are written and stored
(:mod:`.mapping`), so load → export is a fixed point.

Every element created, changed or deleted gets a history row (``goldenthread.audit``), written a
table at a time after the load has settled, so each row shows the element — with its links,
framework references, trajectory and stated values — as the load left it. Unchanged elements
get none, so loading the same file again records nothing.
"""

from goldenthread.plans.store.exporting import PlanNotFound, export_plan
from goldenthread.plans.store.loading import load_plan, load_plans
from goldenthread.plans.store.summaries import plan_summaries
from goldenthread.plans.store.syncing import LoadReport, PlanLoadRefused

__all__ = [
    "LoadReport",
    "PlanLoadRefused",
    "PlanNotFound",
    "export_plan",
    "load_plan",
    "load_plans",
    "plan_summaries",
]
