"""Trees of a plan walked up and down — org units, and objectives — the one place that does it.

Org units form a tree through ``parent`` (England → regions → providers; an organisation →
its directorates → teams). Permissions (a lead's units include those below), the metric page's
breakdown by unit, the directorate pack's scope and the aggregation of figures all walk it;
they read the tree once, with :meth:`Tree.org_units`, and ask it here. Objectives under
objectives (:meth:`Tree.objectives`) are walked the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from goldenthread.plans.models import Objective, OrgUnit


class Tree:
    """Parent links by primary key (org units, or objectives); cycles in bad data are walked once, not forever."""

    def __init__(self, parent: dict[int, int | None]):
        self.parent = parent
        self.children: dict[int, list[int]] = defaultdict(list)
        for pk, up in parent.items():
            if up is not None:
                self.children[up].append(pk)

    @classmethod
    def org_units(cls, plan_ids: Iterable[int]) -> Tree:
        """The tree of every org unit of the given plans, in one query."""
        return cls(dict(OrgUnit.objects.filter(plan_id__in=list(plan_ids)).values_list("pk", "parent_id")))

    @classmethod
    def objectives(cls, plan_id: int) -> Tree:
        """The plan's objectives under their parent objectives, in one query."""
        return cls(dict(Objective.objects.filter(plan_id=plan_id).values_list("pk", "parent_id")))

    def ancestors(self, pk: int) -> Iterator[int]:
        """The units above ``pk``, nearest first."""
        seen = {pk}
        while (pk := self.parent.get(pk)) is not None and pk not in seen:  # type: ignore[assignment]
            seen.add(pk)
            yield pk

    def with_descendants(self, pks: Iterable[int]) -> set[int]:
        """The given units and every unit below them."""
        out: set[int] = set()
        todo = list(pks)
        while todo:
            pk = todo.pop()
            if pk not in out:
                out.add(pk)
                todo.extend(self.children.get(pk, []))
        return out

    def subtree(self, pk: int) -> set[int]:
        """``pk`` and every unit below it."""
        return self.with_descendants([pk])

    def with_ancestors(self, pks: Iterable[int]) -> set[int]:
        """The given units and every unit above them."""
        out: set[int] = set()
        for pk in pks:
            out.add(pk)
            out.update(self.ancestors(pk))
        return out

    def lowest(self, pks: Iterable[int], within: int | None = None) -> list[int]:
        """Of the given units, those with none of the others below them — the lowest level held
        on each branch — optionally only those at or below ``within``. Asked for a unit that is
        itself among them, the answer is that unit alone."""
        held = set(pks)
        if within is not None and within in held:
            return [within]
        covered = {a for pk in held for a in self.ancestors(pk)}
        leaves = [pk for pk in held if pk not in covered]
        if within is not None:
            leaves = [pk for pk in leaves if within in set(self.ancestors(pk))]
        return leaves
