"""A large plan's pack, summarised: never everything at once, and never cut silently.

A pack lists in full at most :data:`EXCEPTIONS_IN_FULL` exceptions (each with its chart,
commentary and actions: the metrics first, then the overdue activities, in the pack's order),
:data:`DELIVERABLES_LISTED` deliverables in each group (overdue, due soon; the first by due date),
:data:`OBJECTIVE_LINES` objectives within the sections and :data:`SECTION_METRICS` metric rows in
them, and :data:`DEFINITIONS` metric definitions. Past a limit, what the section leaves out is
counted, and the pack says exactly what was left out and where to find all of it — the
plan's own pages, as at the pack's period (:class:`~.pack.LeftOut`, shown on the cover and at the
section). The totals on the cover (exceptions, overdue deliverables) count everything. Every demo
plan's pack is within the limits, so reads as it always has.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.urls import reverse

from goldenthread.assurance.judgement import RATING_LABELS, RATINGS
from goldenthread.cycles.services.reminders import base_url
from goldenthread.reports.pack import ExceptionEntry, LeftOut, Pack

EXCEPTIONS_IN_FULL = 100
DELIVERABLES_LISTED = 200
OBJECTIVE_LINES = 400
SECTION_METRICS = 400
DEFINITIONS = 300


def page_address(pack: Pack, name: str) -> str:
    """The address of the plan's page ``name`` as at the pack's period."""
    query = urlencode({"as_at": pack.period.label})
    return f"{base_url()}{reverse(name, args=[pack.plan.code])}?{query}"


def exceptions(pack: Pack, entries: list[ExceptionEntry]) -> list[ExceptionEntry]:
    """The exceptions the pack shows in full: all of them, or the metrics' first and then the
    activities', up to :data:`EXCEPTIONS_IN_FULL`, in the pack's order; the rest counted."""
    if len(entries) <= EXCEPTIONS_IN_FULL:
        return entries
    metrics = [e for e in entries if e.kind == "metric"][:EXCEPTIONS_IN_FULL]
    room = EXCEPTIONS_IN_FULL - len(metrics)
    chosen = {id(e) for e in metrics} | {id(e) for e in [e for e in entries if e.kind != "metric"][:room]}
    shown = [e for e in entries if id(e) in chosen]
    left = Counter("metrics" if e.kind == "metric" else "overdue activities" for e in entries if id(e) not in chosen)
    pack.exceptions_left_out = sum(left.values())
    kinds = " and ".join(f"{n:,} {kind}" for kind, n in sorted(left.items()))
    pack.left_out.append(
        LeftOut(
            "exceptions",
            f"{pack.exceptions_left_out:,} of the {len(entries):,} exceptions are counted here but not shown in "
            f"full ({kinds}): this pack shows {len(shown)}, the metrics first, then the activities, newest first.",
            "Every exception, with its value, owner and the objectives it serves, is on the plan's exceptions page",
            page_address(pack, "exceptions"),
        )
    )
    return shown


def deliverables(pack: Pack) -> None:
    """Each group of deliverables cut to the first :data:`DELIVERABLES_LISTED` by due date."""
    for i, (state, heading, items) in enumerate(pack.deliverables):
        if len(items) <= DELIVERABLES_LISTED:
            continue
        left = len(items) - DELIVERABLES_LISTED
        if state == "overdue":
            pack.overdue_left_out = left
        pack.deliverables[i] = (
            state,
            f"{heading}: the first {DELIVERABLES_LISTED} of {len(items):,}",
            items[:DELIVERABLES_LISTED],
        )
        pack.left_out.append(
            LeftOut(
                "deliverables",
                f"{heading}: {left:,} of the {len(items):,} deliverables are not listed here; the first "
                f"{DELIVERABLES_LISTED} by due date are.",
                "All of them, with filters by directorate, owner and level, are on the plan's deliverables page",
                page_address(pack, "plan-deliverables"),
            )
        )


def objectives(pack: Pack) -> None:
    """The objectives within each section, and the metrics of each, counted rather than listed
    when there are more than :data:`OBJECTIVE_LINES` and :data:`SECTION_METRICS` in all."""
    sections = pack.objectives
    lines = sum(len(s.children) for s in sections)
    if lines > OBJECTIVE_LINES:
        for s in sections:
            if s.children:
                counts = Counter(c.status.rating if c.status else "" for c in s.children)
                s.children_summary = f"{len(s.children):,} objectives within {s.code}: " + _by_rating(counts)
                s.children = []
        pack.left_out.append(
            LeftOut(
                "objectives",
                f"The {lines:,} objectives within the {len(sections):,} sections below are counted by status, "
                "not listed.",
                "Each, with its status, metrics and activities, is on the plan's overview, a page at a time",
                page_address(pack, "plan"),
            )
        )
    rows = sum(len(s.metrics) for s in sections)
    if rows > SECTION_METRICS:
        for s in sections:
            if s.metrics:
                s.metrics_summary = f"{len(s.metrics):,} metrics measure {s.code} and the objectives within it."
                s.metrics = []
        pack.left_out.append(
            LeftOut(
                "objectives",
                f"The {rows:,} metric rows of the sections below are counted, not listed; the scorecard and the "
                "exceptions above show the metrics that need attention.",
                "Every metric, with its value, variation and assurance, is on the plan's scorecard and its own page",
                page_address(pack, "scorecard"),
            )
        )


def _by_rating(counts: Counter[str]) -> str:
    parts = [f"{counts[r]:,} {RATING_LABELS[r].lower()}" for r in RATINGS if counts[r]]
    if counts[""]:
        parts.append(f"{counts['']:,} with no status")
    return ", ".join(parts) + "."


def definitions(pack: Pack) -> None:
    """Past :data:`DEFINITIONS`, only the definitions of the metrics the pack shows."""
    total = len(pack.definitions)
    if total <= DEFINITIONS:
        return
    shown = {r.row.code for r in pack.scorecard} | {e.code for e in pack.exceptions if e.kind == "metric"}
    pack.definitions = [d for d in pack.definitions if d.code in shown]
    pack.left_out.append(
        LeftOut(
            "definitions",
            f"{total - len(pack.definitions):,} of the plan's {total:,} metric definitions are left out: this "
            "appendix defines the metrics on the scorecard and in the exceptions.",
            "Every metric's definition is on its own page, linked from the plan's scorecard and overview",
            page_address(pack, "scorecard"),
        )
    )
