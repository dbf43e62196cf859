"""The funnel plot beside a metric's by-organisation table: the units below the place shown,
compared at the latest period allowing for their sizes (:mod:`goldenthread.assurance.funnel`,
Spiegelhalter's method with his allowance for over-dispersion).

One Vega-Lite specification (:func:`funnel_chart_spec`), drawn by the browser on the metric page and
rendered to SVG by the packs, as the SPC charts are; with it a text alternative and the table of
the units outside the limits, with their values and sizes. No Django here but the figures' query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from goldenthread.assurance.funnel import Funnel, FunnelError, funnel
from goldenthread.performance import figures
from goldenthread.planfile.periods import period_name
from goldenthread.plans import models as m
from goldenthread.plans.tree import Tree
from goldenthread.presenters.charts import CONFIG, colour_and_shape, title_lines
from goldenthread.presenters.values import format_value

#: fewest units a funnel is drawn for: the over-dispersion estimate Winsorises the 10% most
#: extreme z-scores at each end (Spiegelhalter 2005), which needs ten units to trim one
MIN_UNITS = 10
COLOURS = {"Within the limits": "#768692", "Outside 95%": "#e07000", "Outside 99.8%": "#d5281b"}
#: and a shape for each, so a unit's place is not told by colour alone
SHAPES = {"Within the limits": "circle", "Outside 95%": "square", "Outside 99.8%": "triangle-up"}


@dataclass(frozen=True)
class Outside:
    """A unit outside the limits: its name, value, counts and which limit it passes, and how."""

    name: str
    value: float
    numerator: float
    denominator: float
    limit: str  # "99.8%" or "95%"
    side: str  # "above" or "below"


@dataclass
class FunnelView:
    title: str
    period: str  # the period's name, e.g. "Mar 2017"
    unit: str  # the metric's unit, to format values
    units: int
    target: float
    phi: float
    tau2: float
    adjusted: bool
    outside: list[Outside]
    spec: dict
    description: str
    notes: list[str] = field(default_factory=list)

    @property
    def dispersion_text(self) -> str:
        """What the over-dispersion estimate means for the limits, in plain English."""
        phi = f"{self.phi:,.3g}"
        if self.adjusted:
            return (
                f"The units vary more than chance alone would make them (over-dispersion ratio φ = {phi}), "
                f"so the limits are widened by Spiegelhalter's random-effects method (τ² = {self.tau2:.3g} "
                "on the transformed scale): a unit outside them differs by more than the spread between units "
                "explains."
            )
        return (
            f"The units vary no more than chance would make them (over-dispersion ratio φ = {phi}), "
            "so the limits are those of chance alone."
        )

    @property
    def counts_text(self) -> str:
        beyond = sum(1 for o in self.outside if o.limit == "99.8%")
        outside = len(self.outside)
        return f"{self.units} units; {outside} outside the 95% limits, {beyond} of them outside the 99.8% limits."


#: an org unit's figure: (its id, its code, the point)
Held = tuple[int, str, figures.Point]


def units_below(metric: m.Metric, where: m.OrgUnit | None, period: date) -> list[Held] | None:
    """The org units at or below ``where`` (None: every unit) that report ``period``, with their
    figures; None when ``where`` has no unit below it. No unit below holds a later period than the
    metric's latest, so the period's rows alone are read. The by-organisation table and the
    funnel plot share it."""
    below = Tree.org_units([where.plan_id]).subtree(where.pk) if where is not None else None
    if below is not None and len(below) < 2:
        return None
    return [
        (unit_id, code, point)
        for unit_id, (code, point) in figures.all_series(metric, start=period, end=period).latest().items()
        if (below is None or unit_id in below) and point.period_start == period
    ]


def funnel_view(
    plan: m.Plan, metric: m.Metric, where: m.OrgUnit | None, period: date | None, units: list[Held] | None
) -> tuple[FunnelView | None, str]:
    """The funnel of ``units`` (:func:`units_below` ``where``) at ``period``, or None and why there is
    none (empty when the metric is not a ratio or nothing is held below)."""
    if metric.aggregation != "ratio" or period is None or units is None:
        return None, ""
    held = [(u, c, p.numerator, p.denominator) for u, c, p in units if p.numerator is not None]
    name = period_name(period, metric.frequency)
    sized = [(u, c, x, n) for u, c, x, n in held if n]
    if len(sized) < MIN_UNITS:
        if not held:
            return None, ""
        return None, (
            f"No funnel plot: {len(sized)} units report {name} with a count and a size; a funnel plot needs "
            f"at least {MIN_UNITS} to estimate how much they vary."
        )
    kind = "proportion" if metric.unit == "percentage" else "rate"
    names = dict(plan.org_units.filter(pk__in=[u for u, *_ in sized]).values_list("pk", "name"))
    labels = [c if names.get(u, c) == c else f"{names[u]} ({c})" for u, c, _, _ in sized]
    try:
        f = funnel([x for *_, x, _ in sized], [n for *_, n in sized], kind)
    except FunnelError:
        return None, (
            f"No funnel plot for {name}: a unit's count is above its total, so the figures are not proportions; "
            "check the data loaded."
        )
    view = _view(metric, where, name, labels, f)
    if len(held) > len(sized):
        view.notes.append(f"{len(held) - len(sized)} units with a size of 0 are left out.")
    return view, ""


def _outside(labels: list[str], f: Funnel) -> list[Outside]:
    """The units outside the 95% limits, those outside 99.8% first, each group furthest out first."""
    rows = []
    for i in np.flatnonzero(f.outside95).tolist():
        side = "above" if f.values[i] > f.upper95[i] else "below"
        limit = "99.8%" if f.outside998[i] else "95%"
        rows.append((limit != "99.8%", -abs(float(f.z_adjusted[i])), i, limit, side))
    return [
        Outside(labels[i], float(f.values[i]), float(f.numerators[i]), float(f.denominators[i]), limit, side)
        for _, _, i, limit, side in sorted(rows)
    ]


def _view(metric: m.Metric, where: m.OrgUnit | None, name: str, labels: list[str], f: Funnel) -> FunnelView:
    where_name = where.name if where else "all data held"
    title = f"{metric.title} by organisation, {name} — funnel plot"
    outside = _outside(labels, f)
    beyond = sum(1 for o in outside if o.limit == "99.8%")
    description = (
        f"Funnel plot of {metric.title} for the {len(labels)} units below {where_name}, {name}: each unit's "
        f"value against its size (denominator), around the overall figure {format_value(f.target, metric.unit)}, "
        f"with 95% and 99.8% limits{' widened for over-dispersion' if f.adjusted else ''}. "
        f"{len(outside)} units lie outside the 95% limits, {beyond} outside the 99.8% limits."
    )
    spec = funnel_chart_spec(f, labels, title=title, description=description, percentage=metric.unit == "percentage")
    counts = (len(labels), f.target, f.phi, f.tau2, f.adjusted)  # units, target and over-dispersion
    return FunnelView(title, name, metric.unit, *counts, outside, spec, description)


def _curve(f: Funnel, points: int = 120) -> list[dict]:
    """The limits at sizes spread evenly on a log scale from the smallest unit to the largest."""
    low = max(1.0, float(f.denominators.min()) * 0.9)
    high = float(f.denominators.max()) * 1.05
    sizes = np.geomspace(low, high, points) if high > low else np.array([low, low * 2])
    l95, u95, l998, u998 = f.limits_at(sizes)
    return [
        {"size": float(s), "l95": float(a), "u95": float(b), "l998": float(c), "u998": float(d)}
        for s, a, b, c, d in zip(sizes, l95, u95, l998, u998, strict=True)
    ]


def _band(f: Funnel, i: int) -> str:
    return "Outside 99.8%" if f.outside998[i] else "Outside 95%" if f.outside95[i] else "Within the limits"


def funnel_chart_spec(
    f: Funnel,
    labels: list[str],
    *,
    title: str,
    description: str,
    percentage: bool,
    width: int | str = "container",
    height: int = 320,
) -> dict:
    """A layered Vega-Lite spec: 99.8% limits (solid), 95% limits (dashed), the overall figure and
    a point per unit, coloured by the limits it lies outside; the x axis is the unit's size."""
    fmt = ".1%" if percentage else ",.4~g"
    x = {"field": "size", "type": "quantitative", "title": "Size (denominator)", "axis": {"format": ",~s"}}
    y = {"type": "quantitative", "title": "Value", "axis": {"format": fmt}, "scale": {"zero": False}}
    present = [b for b in COLOURS if any(_band(f, i) == b for i in range(len(labels)))]
    points = [
        {"unit": label, "size": float(f.denominators[i]), "value": float(f.values[i]), "band": _band(f, i)}
        for i, label in enumerate(labels)
    ]
    lines = [
        _limit_line(x, y, field, dash)
        for field, dash in (("u998", None), ("l998", None), ("u95", [4, 3]), ("l95", [4, 3]))
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": title_lines(title), "anchor": "start", "fontSize": 14},
        "description": description,
        "width": width,
        "height": height,
        "layer": [
            {"data": {"values": _curve(f)}, "layer": lines},
            {
                "data": {"values": [{"target": f.target}]},
                "mark": {"type": "rule", "color": "#212b32", "strokeWidth": 1.5},
                "encoding": {"y": {**y, "field": "target"}},
            },
            _points_layer(points, x, y, fmt, present),
        ],
        "config": CONFIG,
    }


def _points_layer(points: list[dict], x: dict, y: dict, fmt: str, present: list[str]) -> dict:
    """A point per unit at its size and value, coloured and shaped by the limits it lies outside."""
    legend = {"orient": "bottom", "columns": 1}
    return {
        "data": {"values": points},
        "mark": {"type": "point", "filled": True, "size": 40, "opacity": 0.85},
        "encoding": {
            "x": x,
            "y": {**y, "field": "value"},
            **colour_and_shape(
                "band", "Unit", present, [COLOURS[b] for b in present], [SHAPES[b] for b in present], legend
            ),
            "tooltip": [
                {"field": "unit", "type": "nominal", "title": "Unit"},
                {"field": "value", "type": "quantitative", "format": fmt, "title": "Value"},
                {"field": "size", "type": "quantitative", "format": ",", "title": "Size"},
                {"field": "band", "type": "nominal", "title": "Limits"},
            ],
        },
    }


def _limit_line(x: dict, y: dict, field: str, dash: list[int] | None) -> dict:
    mark: dict = {"type": "line", "color": "#768692", "strokeWidth": 1.2, "clip": True}
    if dash:
        mark["strokeDash"] = dash
    return {"mark": mark, "encoding": {"x": x, "y": {**y, "field": field}}}
