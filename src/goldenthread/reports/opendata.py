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
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from goldenthread.access import rules
from goldenthread.formatting import csv_cell
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.presenters import assurance as ap
from goldenthread.presenters.metric import default_where
from goldenthread.reports.board import assess_for_pack

FILES = ("scorecard.csv", "metric_values.csv", "data_dictionary.csv", "open_data.json")

#: file -> [(column, type, description)]
DICTIONARY: dict[str, list[tuple[str, str, str]]] = {
    "scorecard.csv": [
        ("plan", "text", "The plan's code"),
        ("as_at", "text", "The period the scorecard is judged at, e.g. 2016/17 Q4: data up to its last day"),
        ("where", "text", "The organisation or area the figures are for"),
        ("metric", "text", "The metric's code within the plan"),
        ("title", "text", "The metric's title"),
        ("objectives", "text", "Codes of the objectives the metric measures, separated by ';'"),
        (
            "unit",
            "text",
            "percentage (values are fractions: 0.95 is 95%), count, currency (pounds), rate, days, score or other",
        ),
        ("polarity", "text", "higher_is_better, lower_is_better or neutral"),
        ("latest_period", "date", "First day of the latest period with a value (ISO 8601)"),
        ("latest_value", "number", "The latest value"),
        ("target", "number", "The target value, if the plan sets a numeric one"),
        ("comparison", "text", "How the value is compared with the target: >=, <=, >, < or ="),
        ("target_by", "text", "When the target is to be met, as the plan writes it"),
        ("target_text", "text", "The target as the plan words it"),
        (
            "variation",
            "text",
            "Making Data Count variation at the latest point: common_cause, improvement_high, improvement_low, "
            "concern_high, concern_low, neutral_high or neutral_low; empty with too few points",
        ),
        (
            "assurance",
            "text",
            "Making Data Count assurance against the target: consistent_pass, consistent_fail or inconsistent; "
            "empty with no target or a neutral measure",
        ),
        ("status", "text", "concern, at_risk, no_data, on_track or complete"),
        ("status_reason", "text", "Why the metric has that status, in words"),
        ("to_be_confirmed", "boolean", "true when the plan marks the metric as still to be confirmed"),
    ],
    "metric_values.csv": [
        ("plan", "text", "The plan's code"),
        ("metric", "text", "The metric's code within the plan"),
        ("where", "text", "The organisation or area the values are for"),
        ("period", "date", "First day of the period (ISO 8601); the period's length is the metric's frequency"),
        ("frequency", "text", "monthly, quarterly or annual"),
        (
            "value",
            "number",
            "The value; a proportion aggregated over organisations is sum(numerator) / sum(denominator)",
        ),
        ("numerator", "number", "For proportions: the numerator summed over the organisations"),
        ("denominator", "number", "For proportions: the denominator summed over the organisations"),
        ("mean", "number", "Statistical process control: the centre line"),
        ("lower_process_limit", "number", "Statistical process control: the lower process limit"),
        ("upper_process_limit", "number", "Statistical process control: the upper process limit"),
        (
            "special_cause_type",
            "text",
            "Which special-cause rule the point meets, as NHSRplotthedots names them, or Common Cause",
        ),
        (
            "point_type",
            "text",
            "common_cause, special_cause_improvement, special_cause_concern, special_cause_neutral_high "
            "or special_cause_neutral_low",
        ),
    ],
    "data_dictionary.csv": [
        ("file", "text", "The file a column belongs to"),
        ("column", "text", "The column's name"),
        ("type", "text", "text, number, date or boolean"),
        ("description", "text", "What the column holds"),
    ],
}


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
    scorecard = []
    for r in card.rows:
        a = by_code[r.code]
        x = a.metric
        latest = a.latest
        scorecard.append(
            {
                "plan": plan.code,
                "as_at": period.label,
                "where": where_name,
                "metric": x.code,
                "title": x.title,
                "objectives": ";".join(code for code, _ in r.objectives),
                "unit": x.unit,
                "polarity": x.polarity,
                "latest_period": latest[0].isoformat() if latest else None,
                "latest_value": _number(latest[1]) if latest else None,
                "target": _number(x.target_value),
                "comparison": x.target_comparison or None,
                "target_by": x.target_by or None,
                "target_text": x.target_text or None,
                "variation": a.spc.variation if a.spc else None,
                "assurance": a.spc.assurance if a.spc else None,
                "status": a.status.rating,
                "status_reason": a.status.reason,
                "to_be_confirmed": x.to_be_confirmed,
            }
        )
    values = []
    for r in card.rows:
        a = by_code[r.code]
        s, spc, ratio = a.series, a.spc, a.metric.aggregation == "ratio"
        for i, day in enumerate(s.periods):
            values.append(
                {
                    "plan": plan.code,
                    "metric": a.metric.code,
                    "where": where_name,
                    "period": day.isoformat(),
                    "frequency": a.metric.frequency,
                    "value": _number(s.values[i]),
                    "numerator": _number(s.numerators[i]) if ratio else None,
                    "denominator": _number(s.denominators[i]) if ratio else None,
                    "mean": _number(spc.mean[i]) if spc else None,
                    "lower_process_limit": _number(spc.lpl[i]) if spc else None,
                    "upper_process_limit": _number(spc.upl[i]) if spc else None,
                    "special_cause_type": str(spc.special_cause_type[i]) if spc else None,
                    "point_type": str(spc.point_type[i]) if spc else None,
                }
            )
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
        "files": list(FILES),
    }
    return OpenData(metadata, scorecard, values)


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in columns])


def write_open_data(data: OpenData, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    columns = {name: [c for c, _, _ in cols] for name, cols in DICTIONARY.items()}
    dictionary_rows = [
        {"file": name, "column": c, "type": t, "description": d}
        for name, cols in DICTIONARY.items()
        for c, t, d in cols
    ]
    paths = [directory / name for name in FILES]
    _write_csv(paths[0], columns["scorecard.csv"], data.scorecard)
    _write_csv(paths[1], columns["metric_values.csv"], data.values)
    _write_csv(paths[2], columns["data_dictionary.csv"], dictionary_rows)
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
    paths[3].write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths


def is_published(plan: m.Plan) -> bool:
    """Whether the plan is on the public pages (the cycle's publications)."""
    return rules.is_published(plan)
