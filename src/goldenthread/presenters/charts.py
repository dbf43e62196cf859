"""One chart specification per chart, drawn in the browser and rendered to SVG on the server.

An SPC chart is a Vega-Lite specification built from the engine's result. The web page embeds
the same specification (drawn by vega-embed, with a table fallback), and the board pack renders
it to SVG with vl-convert, which needs no browser — so the picture on screen and on paper is the
same picture. No Django here.

One specification draws every chart type: limits that vary from point to point (a p or u chart's,
with varying denominators) as steps centred on each point, constant limits as before; a centre
line that is the mean or (a run chart's) the median; no limits at all (a run chart); dated
annotations (a marker and a label) and rebase marks with their reasons.
"""

from __future__ import annotations

import calendar
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from goldenthread.planfile.periods import period_name

#: Making Data Count colours: grey common cause, blue improvement, orange concern, purple neutral.
POINT_COLOURS = {
    "common_cause": "#7f7f7f",
    "special_cause_improvement": "#1d70b8",
    "special_cause_concern": "#e07000",
    "special_cause_neutral_high": "#6f2c91",
    "special_cause_neutral_low": "#6f2c91",
    "not_judged": "#aeb7bd",
}
#: each point type's shape, so no point type is told by its colour alone (WCAG 1.4.1): the legend
#: names shape and colour together
POINT_SHAPES = {
    "common_cause": "circle",
    "special_cause_improvement": "square",
    "special_cause_concern": "triangle-up",
    "special_cause_neutral_high": "diamond",
    "special_cause_neutral_low": "cross",
    "not_judged": "circle",
}
#: the marks drawn along the top of a chart for dated events: (shape, what the key calls them)
ANNOTATION_MARK = ("triangle-down", "Annotation")
REBASE_MARK = ("square", "Limits recalculated")
#: the widest a title line runs, in characters: a 14 px bold title fits a 320 px screen (WCAG 1.4.10)
TITLE_LINE = 30
#: the point type of a point no rule judges (a run chart's)
NOT_JUDGED = "not_judged"
POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause – improvement",
    "special_cause_concern": "Special cause – concern",
    "special_cause_neutral_high": "Special cause – neither (high)",
    "special_cause_neutral_low": "Special cause – neither (low)",
    "not_judged": "Not judged",
}


@dataclass(frozen=True)
class ChartPoint:
    period: date
    value: float
    mean: float | None  # the centre line: the mean, or a run chart's median
    lpl: float | None
    upl: float | None
    point_type: str
    special_cause_type: str
    rebase_group: int = 0


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _rows(points: Sequence[ChartPoint], frequency: str) -> list[dict]:
    return [
        {
            "period": p.period.isoformat(),
            "name": period_name(p.period, frequency),
            "value": _num(p.value),
            "mean": _num(p.mean),
            "lpl": _num(p.lpl),
            "upl": _num(p.upl),
            "group": int(p.rebase_group),
            "point_type": POINT_LABELS.get(p.point_type, p.point_type),
            "special_cause": p.special_cause_type,
        }
        for p in points
    ]


def _line(x: dict, y: dict, field: str, colour: str, dash: list[int] | None = None, step: str = "step-after") -> dict:
    """A limit or centre line, stepped and split at rebase breaks."""
    mark: dict = {"type": "line", "color": colour, "strokeWidth": 1.5, "interpolate": step}
    if dash:
        mark["strokeDash"] = dash
    return {"mark": mark, "encoding": {"x": x, "y": {**y, "field": field}, "detail": {"field": "group"}}, "name": field}


def _points(points: Sequence[ChartPoint], x: dict, y: dict, fmt: str, centre: str = "Mean") -> dict:
    """The values as points coloured and shaped by variation, with a tooltip of the figures behind each."""
    present = [k for k in POINT_LABELS if any(p.point_type == k for p in points)] or ["common_cause"]
    tooltip = [
        {"field": "name", "type": "nominal", "title": "Period"},
        {"field": "value", "type": "quantitative", "format": fmt, "title": "Value"},
        {"field": "mean", "type": "quantitative", "format": fmt, "title": centre},
        {"field": "lpl", "type": "quantitative", "format": fmt, "title": "Lower process limit"},
        {"field": "upl", "type": "quantitative", "format": fmt, "title": "Upper process limit"},
        {"field": "special_cause", "type": "nominal", "title": "Rule"},
    ]
    if not _has_limits(points):
        tooltip = tooltip[:3]
    domain = [POINT_LABELS[k] for k in present]
    legend = {"orient": "bottom", "columns": 1, "labelLimit": 260}  # one column: fits a 320 px screen
    return {
        "mark": {"type": "point", "filled": True, "size": 60, "opacity": 1},
        "encoding": {
            "x": x,
            "y": {**y, "field": "value"},
            **colour_and_shape(
                "point_type",
                "Variation",
                domain,
                [POINT_COLOURS[k] for k in present],
                [POINT_SHAPES[k] for k in present],
                legend,
            ),
            "tooltip": tooltip,
        },
    }


def colour_and_shape(
    field: str, title: str, domain: list[str], colours: list[str], shapes: list[str], legend: dict
) -> dict:
    """Colour and shape encodings from the same field, with the same title and domain: Vega-Lite
    draws one legend that shows each kind's colour and shape together (WCAG 1.4.1)."""
    return {
        "color": {
            "field": field,
            "type": "nominal",
            "title": title,
            "scale": {"domain": domain, "range": colours},
            "legend": legend,
        },
        "shape": {
            "field": field,
            "type": "nominal",
            "title": title,
            "scale": {"domain": domain, "range": shapes},
            "legend": legend,
        },
    }


def _has_limits(points: Sequence[ChartPoint]) -> bool:
    return any(_num(p.lpl) is not None or _num(p.upl) is not None for p in points)


def _step(points: Sequence[ChartPoint]) -> str:
    """How limit lines are drawn: held from each point to the next while limits are constant within
    each rebase group (an XmR chart's), else a step centred on each point (varying denominators)."""
    seen: dict[int, set[tuple[float | None, float | None]]] = {}
    for p in points:
        if p.value == p.value:  # a point with a value
            seen.setdefault(p.rebase_group, set()).add((_num(p.lpl), _num(p.upl)))
    return "step" if any(len(v) > 1 for v in seen.values()) else "step-after"


def _dated_marks(
    x: dict, marks: Sequence[tuple[date, str]], colour: str, dash: list[int], prefix: str, shape: str
) -> dict:
    """Dated events as vertical rules, each with a marker at the top and its label (an annotation,
    or a rebase and its reason); the marker's shape tells one kind from the other."""
    rows = [{"period": d.isoformat(), "label": f"{prefix}{text}"} for d, text in marks]
    return {
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "color": colour, "strokeDash": dash, "strokeWidth": 1},
                "encoding": {"x": x},
            },
            {
                "mark": {
                    "type": "point",
                    "shape": shape,
                    "filled": True,
                    "color": colour,
                    "y": 0,
                    "size": 60,
                },
                "encoding": {"x": x, "tooltip": {"field": "label", "type": "nominal"}},
            },
            {
                "mark": {
                    "type": "text",
                    "color": colour,
                    "align": "left",
                    "dx": 4,
                    "y": 10,
                    "fontSize": 10,
                    "limit": 160,
                },
                "encoding": {"x": x, "text": {"field": "label"}},
            },
        ],
    }


def _target(y: dict, target: float) -> dict:
    """The target as a dashed red rule, labelled."""
    return {
        "data": {"values": [{"target": float(target), "label": "Target"}]},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#d5281b", "strokeDash": [6, 4], "strokeWidth": 1.5},
                "encoding": {"y": {**y, "field": "target"}},
            },
            {
                "mark": {"type": "text", "color": "#d5281b", "align": "right", "dy": -6, "x": "width"},
                "encoding": {"y": {**y, "field": "target"}, "text": {"field": "label"}},
            },
        ],
    }


def _trajectory(x: dict, y: dict, trajectory: Sequence[tuple[date, float]]) -> dict:
    """The planned trajectory as a dotted green line with diamonds."""
    return {
        "data": {"values": [{"period": d.isoformat(), "planned": float(v)} for d, v in trajectory]},
        "mark": {
            "type": "line",
            "color": "#007f3b",
            "strokeDash": [2, 2],
            "point": {"color": "#007f3b", "shape": "diamond"},
        },
        "encoding": {"x": x, "y": {**y, "field": "planned"}},
    }


def _period_axis(periods: Sequence[date], frequency: str) -> dict:
    """The x encoding: time on a UTC scale, a tick at each period drawn and labelled by the period's
    name ("2016/17 Q4", "Jan 2017"), so labels are never repeated, shifted to another period or
    written in the browser's time zone, whatever span the chart covers."""
    days = sorted(set(periods))
    stamps = [calendar.timegm(d.timetuple()) * 1000 for d in days]
    names = [period_name(d, frequency) for d in days]
    return {
        "field": "period",
        "type": "temporal",
        "title": None,
        "scale": {"type": "utc"},
        "axis": {
            # DateTime objects, which Vega-Lite writes as utc(…): its browser-side interpreter
            # reads datetime(timestamp) as a year, so plain timestamps would place no tick at all
            "values": [{"year": d.year, "month": d.month, "date": d.day, "utc": True} for d in days],
            "labelExpr": f"{json.dumps(names)}[indexof({json.dumps(stamps)}, time(datum.value))]",
            "labelAngle": 0,
            "labelOverlap": "greedy",
        },
    }


def _extras(
    x: dict,
    y: dict,
    target: float | None,
    trajectory: Sequence[tuple[date, float]],
    rebases: Sequence[tuple[date, str]],
    annotations: Sequence[tuple[date, str]],
) -> list[dict]:
    """The layers drawn over the points: target, trajectory, rebase marks and annotations."""
    layers = []
    if target is not None:
        layers.append(_target(y, target))
    if trajectory:
        layers.append(_trajectory(x, y, trajectory))
    if rebases:
        layers.append(_dated_marks(x, rebases, "#330072", [2, 2], f"{REBASE_MARK[1]}: ", REBASE_MARK[0]))
    if annotations:
        layers.append(_dated_marks(x, annotations, "#005eb8", [1, 3], "", ANNOTATION_MARK[0]))
    return layers


def spc_chart_spec(
    points: Sequence[ChartPoint],
    *,
    title: str,
    y_title: str,
    frequency: str,
    percentage: bool = False,
    target: float | None = None,
    trajectory: Sequence[tuple[date, float]] = (),
    width: int | str = "container",
    height: int = 320,
    centre: str = "mean",
    annotations: Sequence[tuple[date, str]] = (),
    rebases: Sequence[tuple[date, str]] = (),
) -> dict:
    """A layered Vega-Lite spec: limits (dashed), centre line (solid), target, trajectory, coloured
    points, and any dated annotations and rebase marks (``(date, text)``; a rebase's text is its
    reason).

    Lines are split at rebase breaks (``detail`` by rebase group) so each segment shows its own
    limits; points whose limits are None have none drawn (a run chart draws none at all). The
    centre line is the mean, or the median when ``centre`` says so. Values are plain numbers;
    percentages are fractions formatted as % on the axis. Periods are named by the metric's
    ``frequency`` (monthly, quarterly, annual) on the axis and in tooltips.
    """
    fmt = ".1%" if percentage else ",.4~g"
    dated = [d for d, _ in trajectory] + [d for d, _ in annotations] + [d for d, _ in rebases]
    x = _period_axis([p.period for p in points] + dated, frequency)
    y = {"type": "quantitative", "title": y_title, "axis": {"format": fmt}, "scale": {"zero": False}}
    layers: list[dict] = []
    if _has_limits(points):
        step = _step(points)
        layers += [_line(x, y, "upl", "#768692", [4, 3], step), _line(x, y, "lpl", "#768692", [4, 3], step)]
    layers += [
        _line(x, y, "mean", "#212b32"),
        {
            "mark": {"type": "line", "color": "#aeb7bd", "strokeWidth": 1.5},
            "encoding": {"x": x, "y": {**y, "field": "value"}},
        },
        _points(points, x, y, fmt, centre.capitalize()),
    ]
    layers += _extras(x, y, target, trajectory, rebases, annotations)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": title_lines(title), "anchor": "start", "fontSize": 14},
        "width": width,
        "height": height,
        "data": {"values": _rows(points, frequency)},
        "layer": layers,
        "config": CONFIG,
    }


#: every chart's settings: ``aria: false`` leaves Vega's own labels off each mark, axis and legend
#: (they read as loose fragments); the page names the chart as one image, from its summary
CONFIG = {
    "font": "Arial, sans-serif",
    "view": {"stroke": None},
    "axis": {"grid": True, "gridColor": "#e8edee"},
    "aria": False,
}


def title_lines(title: str, width: int = TITLE_LINE) -> list[str]:
    """A chart's title as lines that each fit a narrow screen, broken between words (a word longer
    than a line is left whole rather than split)."""
    return textwrap.wrap(title, width, break_long_words=False, break_on_hyphens=False) or [title]


def chart_key(
    *,
    run: bool,
    centre: str = "mean",
    target: bool = False,
    trajectory: bool = False,
    rebases: bool = False,
    annotations: bool = False,
) -> str:
    """The key to a chart's lines and marks, in words, for the caption under it: what the legend
    drawn in the chart does not say. Point types are in that legend by colour and shape."""
    if run:
        parts = ["Points not judged (too few for limits); solid line the median"]
    else:
        parts = [
            "Each point's Making Data Count type is shown by its colour and its shape, as the key under the chart "
            f"says; solid line the {centre}, dashed lines the process limits"
        ]
    if target:
        parts.append("red dashed line labelled Target the target")
    if trajectory:
        parts.append("green dotted line with diamonds the planned trajectory")
    if annotations:
        parts.append(f"a {_shape_words(ANNOTATION_MARK[0])} along the top marks an annotation, with its text")
    if rebases:
        parts.append(f"a {_shape_words(REBASE_MARK[0])} along the top marks where the limits were recalculated")
    return ", ".join(parts) + "."


def _shape_words(shape: str) -> str:
    return {"triangle-down": "downward triangle", "square": "square"}.get(shape, shape)
