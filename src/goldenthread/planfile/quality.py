"""The plan quality check: what a planning team would want to fix before agreeing a plan.

A valid plan can still be a weak one. These checks find the gaps a reviewer looks for — an
objective nothing measures, a metric with no target, a trigger no machine can evaluate, an
organisational priority no directorate contributes to. They run on the plan file model, so the
same list comes from a file on disk (``plan check FILE``) or a stored plan (``plan check CODE``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from goldenthread.planfile.periods import resolve_due
from goldenthread.planfile.schema import Plan


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
}


def check_plan(plan: Plan) -> list[Finding]:
    findings: list[Finding] = []
    objectives = {o.code: o for o in plan.objectives}
    children: dict[str, list[str]] = defaultdict(list)
    contributors: dict[str, list[str]] = defaultdict(list)
    for o in plan.objectives:
        if o.parent:
            children[o.parent].append(o.code)
        for target in o.contributes_to:
            contributors[target].append(o.code)
    measured = {code for metric in plan.metrics for code in metric.objectives}

    def has_metric(code: str, seen: frozenset = frozenset()) -> bool:
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
            findings.append(
                Finding(
                    "objective_without_metric",
                    "objective",
                    o.code,
                    o.title,
                    "no metric measures it, its sub-objectives or the objectives contributing to it",
                )
            )
        if not owned(o.code):
            findings.append(
                Finding(
                    "objective_without_owner",
                    "objective",
                    o.code,
                    o.title,
                    "neither it nor any objective above it names an owner or directorate",
                )
            )
    for x in plan.metrics:
        if x.to_be_confirmed:
            findings.append(
                Finding("metric_to_be_confirmed", "metric", x.code, x.title, "the plan has not yet defined it")
            )
        if x.target is None:
            findings.append(Finding("metric_without_target", "metric", x.code, x.title))
        if not x.trigger and not x.trigger_rules:
            findings.append(Finding("metric_without_trigger", "metric", x.code, x.title))
        elif not x.trigger_rules:
            findings.append(Finding("trigger_not_machine_readable", "metric", x.code, x.title, f"“{x.trigger}”"))
    for a in plan.activities:
        if not a.due:
            findings.append(Finding("activity_without_due_date", "activity", a.code, a.title))
        elif resolve_due(a.due) is None:
            findings.append(Finding("activity_due_text_only", "activity", a.code, a.title, f"due “{a.due}”"))
    if any(o.contributes_to for o in plan.objectives):
        top_level = plan.levels[0].code
        for o in plan.objectives:
            if o.level == top_level and not contributors[o.code]:
                findings.append(
                    Finding(
                        "priority_without_contributor",
                        "objective",
                        o.code,
                        o.title,
                        "no objective is linked to it with contributes_to",
                    )
                )
    order = list(CHECKS)
    return sorted(findings, key=lambda f: order.index(f.check))


def grouped(findings: list[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(check, heading, findings) for each check with findings, in the order of CHECKS."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_check[f.check].append(f)
    return [(check, heading, by_check[check]) for check, heading in CHECKS.items() if by_check[check]]
