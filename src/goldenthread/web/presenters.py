"""Presenters: turn stored plans into exactly what a page shows, in a fixed number of queries.

Templates receive plain dataclasses and loop over them; all grouping, ordering and wording
decisions are made here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from goldenthread.plans import models as m
from goldenthread.plans.store import plan_summaries


def plan_list() -> list[dict]:
    return plan_summaries()


@dataclass
class Link:
    code: str
    title: str
    anchor: str


@dataclass
class ObjectiveNode:
    code: str
    anchor: str
    level: str
    title: str
    description: str
    owner: str
    org_unit: str
    assessment: str
    source: str
    assessed_by: list[dict]
    framework_refs: list[str]
    contributes_to: list[Link] = field(default_factory=list)
    contributors: list[Link] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    children: list[ObjectiveNode] = field(default_factory=list)
    depth: int = 0


@dataclass
class PlanPage:
    plan: m.Plan
    levels: list[m.Level]
    org_units: list[dict]
    roots: list[ObjectiveNode]
    counts: dict[str, int]

    def walk(self) -> list[ObjectiveNode]:
        out: list[ObjectiveNode] = []

        def visit(node: ObjectiveNode) -> None:
            out.append(node)
            for child in node.children:
                visit(child)

        for root in self.roots:
            visit(root)
        return out


def anchor(code: str) -> str:
    return "objective-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in code)


def plan_page(code: str) -> PlanPage | None:
    plan = m.Plan.objects.select_related("organisation").filter(code=code).first()
    if plan is None:
        return None
    levels = list(plan.levels.all())
    units = list(plan.org_units.filter(declared=True).select_related("parent"))
    objectives = list(plan.objectives.select_related("level", "org_unit", "owner"))
    by_pk = {o.pk: o for o in objectives}
    links = list(m.Objective.contributes_to.through.objects.filter(from_objective__plan=plan)
                 .values_list("from_objective_id", "to_objective_id"))
    refs: dict[int, list[str]] = defaultdict(list)
    for r in m.FrameworkReference.objects.filter(objective__plan=plan).order_by("objective_id", "position"):
        refs[r.objective_id].append(f"{r.framework} {r.ref}")
    activities: dict[int, list[dict]] = defaultdict(list)
    for a in plan.activities.select_related("owner", "org_unit"):
        activities[a.objective_id].append({
            "code": a.code, "title": a.title, "kind": a.get_kind_display(), "owner": str(a.owner or ""),
            "org_unit": str(a.org_unit or ""), "due": a.due_text, "due_date": a.due_date, "status": a.get_status_display(),
        })
    metrics = {x.pk: x for x in plan.metrics.all()}
    metric_links: dict[int, list[dict]] = defaultdict(list)
    for metric_id, objective_id in (m.Metric.objectives.through.objects.filter(metric__plan=plan)
                                    .order_by("metric__position").values_list("metric_id", "objective_id")):
        x = metrics[metric_id]
        metric_links[objective_id].append({
            "code": x.code, "title": x.title, "to_be_confirmed": x.to_be_confirmed, "target": x.target_text,
            "review": " — ".join(v for v in (x.review_when, x.review_by) if v), "trigger": x.trigger,
        })

    nodes = {
        o.pk: ObjectiveNode(
            code=o.code, anchor=anchor(o.code), level=o.level.name, title=o.title, description=o.description,
            owner=str(o.owner or ""), org_unit=str(o.org_unit or ""), assessment=o.assessment, source=o.source,
            assessed_by=o.assessed_by, framework_refs=refs[o.pk], activities=activities[o.pk], metrics=metric_links[o.pk],
        )
        for o in objectives
    }
    for source, target in links:
        t, s = by_pk[target], by_pk[source]
        nodes[source].contributes_to.append(Link(t.code, t.title, anchor(t.code)))
        nodes[target].contributors.append(Link(s.code, s.title, anchor(s.code)))
    roots = []
    for o in objectives:
        if o.parent_id is None:
            roots.append(nodes[o.pk])
        else:
            nodes[o.parent_id].children.append(nodes[o.pk])

    def set_depth(node: ObjectiveNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return PlanPage(
        plan=plan,
        levels=levels,
        org_units=[{"code": u.code, "name": u.name, "kind": u.get_kind_display(), "parent": u.parent.name if u.parent else ""}
                   for u in units],
        roots=roots,
        counts={"objectives": len(objectives), "metrics": len(metrics),
                "activities": sum(len(v) for v in activities.values())},
    )
