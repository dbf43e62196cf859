"""The plan quality check: what a planning team would want to fix before agreeing a plan.

A valid plan can still be a weak one. These checks find the gaps a reviewer looks for — an
objective nothing measures, a metric with no target, a trigger no machine can evaluate, an
organisational priority no directorate contributes to. They run on the plan file model, so the
same list comes from a file on disk (``plan check FILE``) or a stored plan (``plan check CODE``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from goldenthread.planfile import provenance
from goldenthread.planfile.periods import resolve_due
from goldenthread.planfile.schema import Objective, Plan


@dataclass(frozen=True)
class Finding:
    check: str  # one of CHECKS
    kind: str  # objective, metric, activity
    code: str
    title: str
    detail: str = ""


#: check -> heading shown to people, in the order shown
CHECKS = {
    "objective_without_metric": "Objectives with no metric",
    "objective_without_owner": "Objectives with no owner or directorate",
    "metric_to_be_confirmed": "Metrics to be confirmed",
    "metric_without_target": "Metrics with no target",
    "metric_without_trigger": "Metrics with no trigger for mitigating action",
    "trigger_not_machine_readable": "Triggers that cannot yet be evaluated by a machine rule",
    "activity_without_due_date": "Activities with no due date",
    "activity_due_text_only": "Activities whose timeline is not a date",
    "priority_without_contributor": "Organisational priorities no directorate contributes to",
    "unsourced_detail": "Details added without saying where they come from",
    "added_detail": "Details added from outside the document",
}
#: checks that inform rather than find fault: not counted as findings, never fail ``--strict``
INFORMATION = frozenset({"added_detail"})


def check_plan(plan: Plan, document: str | None = None, *, information: bool = False) -> list[Finding]:
    """The findings, in the order of :data:`CHECKS`. Given the source ``document``'s text, also
    each text meant to be quoted as printed that it does not hold and no ``added`` note names;
    with ``information``, each ``added`` note too (:data:`INFORMATION`)."""
    findings = [*_objective_findings(plan), *_metric_findings(plan), *_activity_findings(plan)]
    findings += _priority_findings(plan)
    if document is not None:
        findings += [
            _about(
                kind,
                element,
                "unsourced_detail",
                f"{field} “{_cut(text)}” is not in the document: "
                "quote it as printed, or name it in an added note saying where it comes from",
            )
            for kind, element, field, text in provenance.unsourced(plan, document)
        ]
    if information:
        findings += [
            _about(kind, element, "added_detail", f"{', '.join(entry.fields)}: {entry.note}")
            for kind, element, entry in provenance.added_notes(plan)
        ]
    order = list(CHECKS)
    return sorted(findings, key=lambda f: order.index(f.check))


def _objective_findings(plan: Plan) -> Iterator[Finding]:
    objectives = {o.code: o for o in plan.objectives}
    measured = {code for metric in plan.metrics for code in metric.objectives}
    children: dict[str, list[str]] = defaultdict(list)
    for o in plan.objectives:
        if o.parent:
            children[o.parent].append(o.code)
    contributors = _contributors(plan)

    def has_metric(code: str, seen: frozenset[str] = frozenset()) -> bool:
        if code in measured:
            return True
        seen = seen | {code}
        return any(has_metric(c, seen) for c in children[code] + contributors[code] if c not in seen)

    def owned(code: str | None) -> bool:
        while code:
            o = objectives[code]
            if o.owner or o.org_unit:
                return True
            code = o.parent
        return False

    for o in plan.objectives:
        if not has_metric(o.code):
            yield _about_objective(
                o,
                "objective_without_metric",
                "no metric measures it, its sub-objectives or the objectives contributing to it",
            )
        if not owned(o.code):
            yield _about_objective(
                o, "objective_without_owner", "neither it nor any objective above it names an owner or directorate"
            )


def _about_objective(o: Objective, check: str, detail: str) -> Finding:
    return Finding(check, "objective", o.code, o.title, detail)


def _contributors(plan: Plan) -> dict[str, list[str]]:
    """For each objective, the objectives that name it in ``contributes_to``."""
    contributors: dict[str, list[str]] = defaultdict(list)
    for o in plan.objectives:
        for target in o.contributes_to:
            contributors[target].append(o.code)
    return contributors


def _metric_findings(plan: Plan) -> Iterator[Finding]:
    for x in plan.metrics:
        if x.to_be_confirmed:
            yield Finding("metric_to_be_confirmed", "metric", x.code, x.title, "the plan has not yet defined it")
        if x.target is None:
            yield Finding("metric_without_target", "metric", x.code, x.title)
        if not x.trigger and not x.trigger_rules:
            yield Finding("metric_without_trigger", "metric", x.code, x.title)
        elif not x.trigger_rules:
            yield Finding("trigger_not_machine_readable", "metric", x.code, x.title, f"“{x.trigger}”")


def _activity_findings(plan: Plan) -> Iterator[Finding]:
    for a in plan.activities:
        if not a.due:
            yield Finding("activity_without_due_date", "activity", a.code, a.title)
        elif resolve_due(a.due) is None:
            yield Finding("activity_due_text_only", "activity", a.code, a.title, f"due “{a.due}”")


def _priority_findings(plan: Plan) -> list[Finding]:
    """Top-level objectives nothing contributes to, once the plan uses ``contributes_to`` at all."""
    if not any(o.contributes_to for o in plan.objectives):
        return []
    contributors = _contributors(plan)
    top_level = plan.levels[0].code
    return [
        _about_objective(o, "priority_without_contributor", "no objective is marked as contributing to it")
        for o in plan.objectives
        if o.level == top_level and not contributors[o.code]
    ]


def _about(kind: str, element: BaseModel, check: str, detail: str) -> Finding:
    return Finding(check, kind, str(getattr(element, "code", "")), provenance.title_of(element), detail)


def to_fix(findings: list[Finding]) -> list[Finding]:
    """The findings that are faults, leaving out those that only inform (:data:`INFORMATION`)."""
    return [f for f in findings if f.check not in INFORMATION]


def _cut(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def grouped(findings: list[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(check, heading, findings) for each check with findings, in the order of CHECKS."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_check[f.check].append(f)
    return [(check, heading, by_check[check]) for check, heading in CHECKS.items() if by_check[check]]
