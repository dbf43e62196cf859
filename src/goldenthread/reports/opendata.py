"""Open data: the published scorecard and the metric values behind it, as CSV and JSON, with a data
dictionary — for a transparency page or data.gov.uk.

The figures are the scorecard page's (one assessment as at the period, for the plan's default
"where"), as plain numbers: fractions for percentages (0.95, not "95.0%"), ISO dates, and the
engine's own words for variation and assurance. Text that a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return) is written to the CSV files with a leading
apostrophe; the JSON keeps text exactly as stored.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from goldenthread.access import rules
from goldenthread.formatting import csv_cell
from goldenthread.performance.assessment import MetricAssessment, judge_period, target_by
from goldenthread.planfile.periods import Period, period_name
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.chart_series import clipped, possible_range
from goldenthread.presenters.metric import default_where
from goldenthread.reports.board import assess_for_pack

FILES = ("scorecard.csv", "metric_values.csv", "data_dictionary.csv", "open_data.json")

#: what each file's columns hold, published as it is (as data_dictionary.csv, read by _read_dictionary)
DICTIONARY_FILE = Path(__file__).parent / "templates" / "data_dictionary.csv"


def _read_dictionary(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """The data dictionary, as it is published: for each file, its columns with their type and
    what they hold."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["file"], []).append((row["column"], row["type"], row["description"]))
    return out


#: file -> [(column, type, description)]
DICTIONARY = _read_dictionary(DICTIONARY_FILE)


class NotPublished(PermissionError):
    pass


@dataclass
class OpenData:
    metadata: dict
    scorecard: list[dict]
    values: list[dict]


def _number(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else round(x, 10)


def open_data(plan: m.Plan, period: Period, *, published: bool | None = None, today: date | None = None) -> OpenData:
    assessment = assess_for_pack(plan, period)
    where = default_where(plan)
    where_name = where.name if where else "all data held"
    card = ap.scorecard(plan, period, assessment=assessment)
    by_code = {a.metric.code: a for a in assessment.metrics}
    shown = [(r, by_code[r.code]) for r in card.rows]
    metadata = {
        "plan": plan.code,
        "title": plan.title,
        "organisation": plan.organisation.name,
        "as_at": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "where": where_name,
        "scorecard_measures": "the plan's headline measures" if card.headline_only else "all of the plan's metrics",
        "published": published,
        "generated": (today or date.today()).isoformat(),
        "source": plan.source_title or plan.title,
        # the version of the plan whose targets the figures are judged against: the one in force then
        "plan_version": assessment.version.number if assessment.version else None,
        "files": list(FILES),
    }
    scorecard = [_scorecard_row(plan, period, where_name, r, a) for r, a in shown]
    values = [row for _, a in shown for row in _value_rows(plan, where_name, a)]
    return OpenData(metadata, scorecard, values)


def _scorecard_row(plan: m.Plan, period: Period, where: str, r: ap.ScorecardRow, a: MetricAssessment) -> dict[str, Any]:
    x = a.metric
    latest = a.latest
    return {
        "plan": plan.code,
        "as_at": period.label,
        "where": where,
        "metric": x.code,
        "title": x.title,
        "objectives": ";".join(code for code, _ in r.objectives),
        "unit": x.unit,
        "polarity": x.polarity,
        "latest_period": latest[0].isoformat() if latest else None,
        "latest_period_name": period_name(latest[0], x.frequency) if latest else None,
        "latest_value": _number(latest[1]) if latest else None,
        "target": _number(x.target_value),
        "comparison": x.target_comparison or None,
        "target_by": x.target_by or None,
        "target_text": x.target_text or None,
        **_target_period(x, a),
        "variation": a.spc.variation if a.spc else None,
        "assurance": a.spc.assurance if a.spc else None,
        "status": a.status.rating,
        "status_reason": a.status.reason,
        "to_be_confirmed": x.to_be_confirmed,
    }


def _target_period(x: m.Metric, a: MetricAssessment) -> dict[str, Any]:
    """The verdict for the period the plan names for the target: the same judgement as the
    scorecard page's and ``goldenthread assess --period``'s."""
    final = target_by(x)
    judged = [judge_period(x, a.series, final)] if final is not None else []
    if not judged:
        return {"target_period": None, "target_period_value": None, "target_met": None}
    return {
        "target_period": judged[0].period.label,
        "target_period_value": _number(judged[0].value),
        "target_met": judged[0].met,
    }


def _value_rows(plan: m.Plan, where: str, a: MetricAssessment) -> list[dict[str, Any]]:
    """The metric's values for each period, with the numerator and denominator of a ratio and the
    SPC figures at each point."""
    s, spc, ratio = a.series, a.spc, a.metric.aggregation == "ratio"
    bounds = possible_range(a.metric)  # limits shown inside the measure's range, as the pages show them
    return [
        {
            "plan": plan.code,
            "metric": a.metric.code,
            "where": where,
            "period": day.isoformat(),
            "period_name": period_name(day, a.metric.frequency),
            "frequency": a.metric.frequency,
            "value": _number(s.values[i]),
            "numerator": _number(s.numerators[i]) if ratio else None,
            "denominator": _number(s.denominators[i]) if ratio else None,
            "mean": _number(spc.mean[i]) if spc else None,
            "lower_process_limit": _number(clipped(spc.lpl[i], bounds)) if spc else None,
            "upper_process_limit": _number(clipped(spc.upl[i], bounds)) if spc else None,
            "special_cause_type": str(spc.special_cause_type[i]) if spc else None,
            "point_type": str(spc.point_type[i]) if spc else None,
        }
        for i, day in enumerate(s.periods)
    ]


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def render_open_data(data: OpenData) -> dict[str, str]:
    """Each open-data file's text, by its name (:data:`FILES`): what ``goldenthread export
    open-data`` writes and the public scorecard page offers for download."""
    columns = {name: [c for c, _, _ in cols] for name, cols in DICTIONARY.items()}
    dictionary_rows = [
        {"file": name, "column": c, "type": t, "description": d}
        for name, cols in DICTIONARY.items()
        for c, t, d in cols
    ]
    document = {
        **data.metadata,
        "scorecard": data.scorecard,
        "metric_values": data.values,
        "data_dictionary": {
            name: [{"column": c, "type": t, "description": d} for c, t, d in cols]
            for name, cols in DICTIONARY.items()
            if name != "data_dictionary.csv"
        },
    }
    return {
        "scorecard.csv": _csv_text(columns["scorecard.csv"], data.scorecard),
        "metric_values.csv": _csv_text(columns["metric_values.csv"], data.values),
        "data_dictionary.csv": _csv_text(columns["data_dictionary.csv"], dictionary_rows),
        "open_data.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
    }


def write_open_data(data: OpenData, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in render_open_data(data).items():
        path = directory / name
        with path.open("w", newline="", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    return paths


def is_published(plan: m.Plan) -> bool:
    """Whether the plan is on the public pages (the cycle's publications)."""
    return rules.is_published(plan)
