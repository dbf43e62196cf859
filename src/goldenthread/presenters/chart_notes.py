"""What a page says about a metric's chart, in plain English, and never the engine's own words.

The assurance engine reports what limits its figures (a short series, constant values, missing
values, a rebase that matches nothing) as text written for analysts and as stable codes
(:class:`~goldenthread.assurance.results.Note`); the assessment adds ``too_few_points`` when a
series is too short to judge (:mod:`goldenthread.performance.charting`). Pages, packs and the
scorecard word those codes here, and only here: a code with no sentence gets a general one, and
``tests/presenters/test_chart_notes.py`` fails when the engine has a code this module cannot word
or when any engine text reaches a page. docs/charts.md explains the choices.
"""

from __future__ import annotations

from datetime import date

from goldenthread.assurance.results import Note
from goldenthread.performance.charting import (
    CHART_REFUSED,
    MIN_POINTS_SOURCE,
    NO_COUNTS,
    TOO_FEW_POINTS,
    MetricChart,
)
from goldenthread.planfile.charts import CHART_NAMES
from goldenthread.planfile.periods import period_name

#: what a page says of a note it has no sentence for (the test keeps every code worded)
UNWORDED = "The chart's figures come with a caution this page cannot describe; they are shown as calculated."

#: the scorecard's and packs' words for a judgement not made from too few points
NOT_ENOUGH_DATA = "Not enough data"


def _period(note: Note, frequency: str) -> str:
    """The note's date as the metric's period ("Jan 2017", "2016/17 Q4"), else as the engine gave it."""
    try:
        return period_name(date.fromisoformat(note.date), frequency)
    except ValueError:
        return note.date


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def too_few(chart: MetricChart) -> str:
    """Why a short series is a run chart: its points, the points needed and where that comes from."""
    held = f"Only {_plural(chart.points, 'point')}" if chart.points else "No point with a value"
    return (
        f"{held}: too few for control limits (at least {chart.needed} are needed, per {MIN_POINTS_SOURCE}); "
        "shown as a run chart around the median, with no judgement of variation or assurance."
    )


#: a sentence for each code the engine gives, filled in by :func:`word` (``{number}``, ``{period}``:
#: the note's date as the metric's period, ``{periods_have}``: "1 period has", "2 periods have")
SENTENCES: dict[str, str] = {
    "short_group": (
        "Part of this series has fewer than {number} points since it began or was rebased, so its limits there "
        "are trial limits: they will move as points are added."
    ),
    "limits_undefined": (
        "No process limits from {period}: the values do not vary, or no two consecutive periods have values, "
        "so no point there can be judged against limits."
    ),
    "no_variation": "The values from {period} do not vary at all, so the limits there sit on the mean.",
    "missing_values": (
        "{periods_have} no value: left out of the mean and the limits, and each gap breaks the runs and trends "
        "the rules look for."
    ),
    "rebase_unmatched": (
        "The limits were to be recalculated from {period}, but the series has no point then; that date is not used."
    ),
    "zero_denominators": (
        "{periods_have} a denominator of 0 (nothing to count): shown as gaps, with no limits, and left out of the "
        "centre line and the runs."
    ),
}


def word(note: Note, frequency: str) -> str:
    """One note in plain English (:data:`UNWORDED` for a code with no sentence)."""
    template = SENTENCES.get(note.code)
    if template is None:
        return UNWORDED
    have = "has" if note.number == 1 else "have"
    return template.format(
        number=note.number,
        period=_period(note, frequency),
        periods_have=f"{_plural(note.number, 'period')} {have}",
    )


def refused(chart: MetricChart) -> str:
    """Why a series is a run chart when the plan names another chart its data do not suit."""
    return (
        f"The data do not suit a {CHART_NAMES.get(chart.planned, chart.planned)} (for example a value of 0 on a "
        "t chart, or a count above its denominator); shown as a run chart, with no judgement of variation or "
        "assurance. Check the data, or choose another chart for this metric in the plan."
    )


def runs(chart: MetricChart) -> str:
    """The Anhøj rules' finding, when the latest segment's runs are not random; else ''."""
    r = chart.runs
    if r is None or not r.runs_signal:
        return ""
    found = []
    if r.longest_run > r.longest_run_max:
        found.append(
            f"{int(r.longest_run)} points in a row on one side of the {chart.centre_label} "
            f"(more than {int(r.longest_run_max)} is unusual for {r.n_useful} points)"
        )
    if r.crossings < r.crossings_min:
        found.append(
            f"the {chart.centre_label} crossed only {int(r.crossings)} times "
            f"(fewer than {int(r.crossings_min)} is unusual for {r.n_useful} points)"
        )
    return f"The runs analysis (Anhøj's rules) finds a shift or trend since the latest rebase: {'; '.join(found)}."


def sentences(chart: MetricChart | None, frequency: str) -> list[str]:
    """Every note of the chart, in plain English, in the order the engine gave them, then the runs."""
    if chart is None:
        return []
    out = []
    for note in chart.notes:
        if note.code == TOO_FEW_POINTS:
            out.append(too_few(chart))
        elif note.code == CHART_REFUSED:
            out.append(refused(chart))
        elif note.code == NO_COUNTS:
            out.append(
                f"The plan asks for a {CHART_NAMES.get(chart.planned, chart.planned)}, which needs each value's "
                "numerator and denominator, but some values were given without them: judged on an XmR chart instead."
            )
        else:
            out.append(word(note, frequency))
    out.append(runs(chart))
    return [s for s in dict.fromkeys(out) if s]


def not_judged(chart: MetricChart | None) -> str:
    """The variation and assurance text when the series is too short to judge, else ''."""
    if chart is not None and chart.refused:
        return f"Not judged: the data do not suit a {CHART_NAMES.get(chart.planned, chart.planned)}"
    if chart is None or not chart.too_few:
        return ""
    return f"{NOT_ENOUGH_DATA}: {_plural(chart.points, 'point')}, {chart.needed} needed for a judgement"
