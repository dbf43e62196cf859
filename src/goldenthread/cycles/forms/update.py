"""The quarterly update form: the overall rating, then each objective, activity, metric and risk
the unit reports on. Metric values are typed as people read them — percentages as percent —
and stored as the data holds them (percentages as fractions, ratios as numerator and denominator)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from goldenthread.audit.records import normal
from goldenthread.cycles.forms.fields import Field, Form, Group, parse_number, typed
from goldenthread.cycles.models import RAG, Submission
from goldenthread.cycles.services.scope import Scope
from goldenthread.cycles.services.updates import UpdateData, key, stored_data
from goldenthread.formatting import long_date
from goldenthread.planfile.fields import decimal_problem, stored_decimal
from goldenthread.plans import models as pm

RAG_CHOICES = list(RAG.choices)
STATUS_CHOICES = [("", "Choose a status")] + list(pm.Activity.Status.choices)
ACTIVITY_RAG_CHOICES = [("", "Not rated")] + RAG_CHOICES
SCORE_CHOICES = [("", "Not scored")] + [(str(i), str(i)) for i in range(1, 6)]
EIGHT_PLACES = Decimal("1e-8")
RAG_HINT = "Red: at risk and needs help; amber: behind but recoverable; green: on track"


def _is_percentage(metric: pm.Metric) -> bool:
    return metric.unit == "percentage"


def _shown(metric: pm.Metric, value) -> str:
    """A stored metric value as the person types it: percentages as percent."""
    if value is None:
        return ""
    if _is_percentage(metric):
        return normal(Decimal(value) * 100)
    return normal(Decimal(value))


def _metric_strings(x: pm.Metric, v: dict) -> dict[str, str]:
    if x.aggregation == "ratio":
        out = {
            key("m", x.pk, part): normal(v[part]) if v.get(part) is not None else ""
            for part in ("numerator", "denominator")
        }
    else:
        out = {key("m", x.pk, "value"): _shown(x, v.get("value"))}
    out[key("m", x.pk, "note")] = v.get("note") or ""
    return out


def update_strings(scope: Scope, data: UpdateData) -> dict[str, str]:
    """An update's stored values as the form's strings, for showing and for comparing."""
    out = {"rag": data.rag or "", "rag_reason": data.rag_reason or "", "commentary": data.commentary or ""}
    for o in scope.objectives:
        v = data.objectives.get(o.pk, {})
        out[key("o", o.pk, "rag")] = v.get("rag") or ""
        out[key("o", o.pk, "rag_reason")] = v.get("rag_reason") or ""
    for a in scope.activities:
        v = data.activities.get(a.pk, {})
        out[key("a", a.pk, "status")] = v.get("status") or ""
        out[key("a", a.pk, "commentary")] = v.get("commentary") or ""
        out[key("a", a.pk, "rag")] = v.get("rag") or ""
        percent = v.get("percent_complete")
        out[key("a", a.pk, "percent_complete")] = "" if percent is None else str(percent)
        out[key("a", a.pk, "forecast_on")] = long_date(v.get("forecast_on"))
    for x in scope.metrics:
        out.update(_metric_strings(x, data.metrics.get(x.pk, {})))
    for r in scope.risks:
        v = data.risks.get(r.pk, {})
        out[key("r", r.pk, "likelihood")] = str(v["likelihood"]) if v.get("likelihood") else ""
        out[key("r", r.pk, "impact")] = str(v["impact"]) if v.get("impact") else ""
        out[key("r", r.pk, "commentary")] = v.get("commentary") or ""
        out[key("r", r.pk, "reviewed")] = "yes" if v.get("reviewed") else ""
    return out


class UpdateForm(Form):
    """A unit's quarterly update: overall rating, objectives, activities, metrics, risks."""

    def __init__(self, scope: Scope, submission: Submission | None, post: Mapping[str, str] | None = None):
        super().__init__()
        self.scope = scope
        self.submission = submission
        stored = update_strings(scope, stored_data(submission))
        if submission is None:  # a new update starts from the plan's own activity statuses
            for a in scope.activities:
                stored[key("a", a.pk, "status")] = a.status
        self.read_version(post, submission.version if submission else 0)
        values = typed(post, stored)
        self.overall = self._overall(values)
        self.groups: dict[str, list[Group]] = {
            "objectives": [self._objective(o, values) for o in scope.objectives],
            "activities": [self._activity(a, values) for a in scope.activities],
            "metrics": [self._metric(x, values) for x in scope.metrics],
            "risks": [self._risk(r, values) for r in scope.risks],
        }

    # --- the fields -----------------------------------------------------------------------------

    def _overall(self, values: dict[str, str]) -> list[Field]:
        return [
            self.add(
                Field("rag", "Overall RAG rating", "radios", values["rag"], RAG_CHOICES, inline=True, hint=RAG_HINT)
            ),
            self.add(Field("rag_reason", "Reason for the rating", "textarea", values["rag_reason"])),
            self.add(
                Field(
                    "commentary",
                    "Commentary",
                    "textarea",
                    values["commentary"],
                    hint="Progress this period, what is coming next, and anything the planning team should know",
                )
            ),
        ]

    def _objective(self, o: pm.Objective, values: dict[str, str]) -> Group:
        n, r = key("o", o.pk, "rag"), key("o", o.pk, "rag_reason")
        return Group(
            f"{o.code} {o.title}",
            o.level.name,
            [
                self.add(Field(n, f"RAG rating for {o.code}", "radios", values[n], RAG_CHOICES, inline=True)),
                self.add(Field(r, f"Reason for {o.code}'s rating", "textarea", values[r])),
            ],
        )

    def _activity(self, a: pm.Activity, values: dict[str, str]) -> Group:
        n, c = key("a", a.pk, "status"), key("a", a.pk, "commentary")
        rag, pc, fc = (key("a", a.pk, part) for part in ("rag", "percent_complete", "forecast_on"))
        due = f"Due {a.due_text}" if a.due_text else "No due date"
        return Group(
            f"{a.code} {a.title}",
            f"{a.get_kind_display()} · {due} · objective {a.objective.code}",
            [
                self.add(Field(n, f"Status of {a.code}", "select", values[n], STATUS_CHOICES)),
                self.add(
                    Field(
                        c,
                        f"Commentary on {a.code}",
                        "textarea",
                        values[c],
                        hint="Required when the activity is delayed: why, and what is being done",
                    )
                ),
                self.add(
                    Field(rag, f"RAG rating for {a.code}", "select", values[rag], ACTIVITY_RAG_CHOICES, hint="Optional")
                ),
                self.add(
                    Field(
                        pc,
                        f"Per cent complete for {a.code}",
                        "number",
                        values[pc],
                        suffix="%",
                        hint="Optional: a whole number from 0 to 100",
                    )
                ),
                self.add(
                    Field(
                        fc,
                        f"Forecast completion date for {a.code}",
                        "text",
                        values[fc],
                        hint="Optional: when you now expect it to be done, for example 31 March 2020",
                    )
                ),
            ],
        )

    def _metric(self, x: pm.Metric, values: dict[str, str]) -> Group:
        fields = []
        if x.aggregation == "ratio":
            for part in ("numerator", "denominator"):
                n = key("m", x.pk, part)
                fields.append(self.add(Field(n, f"{part.capitalize()} for {x.code}", "number", values[n])))
        else:
            n = key("m", x.pk, "value")
            percentage = _is_percentage(x)
            fields.append(
                self.add(
                    Field(
                        n,
                        f"Value for {x.code}",
                        "number",
                        values[n],
                        suffix="%" if percentage else "",
                        hint="As a percentage, for example 95.5" if percentage else "",
                    )
                )
            )
        note = key("m", x.pk, "note")
        fields.append(
            self.add(
                Field(
                    note, f"Note on {x.code}", "textarea", values[note], hint="Required when there is no value: say why"
                )
            )
        )
        return Group(f"{x.code} {x.title}", "Collected by return", fields, x.definition)

    def _risk(self, r: pm.Risk, values: dict[str, str]) -> Group:
        li, im, c, rv = (key("r", r.pk, n) for n in ("likelihood", "impact", "commentary", "reviewed"))
        return Group(
            f"{r.code} {r.title}",
            f"Mitigation: {r.mitigation}" if r.mitigation else "",
            [
                self.add(Field(li, f"Likelihood of {r.code} (1 to 5)", "select", values[li], SCORE_CHOICES)),
                self.add(Field(im, f"Impact of {r.code} (1 to 5)", "select", values[im], SCORE_CHOICES)),
                self.add(
                    Field(
                        c,
                        f"Commentary on {r.code}",
                        "textarea",
                        values[c],
                        hint="What has changed since last period; how the mitigation is going",
                    )
                ),
                self.add(
                    Field(
                        rv,
                        f"I have reviewed risk {r.code}",
                        "checkbox",
                        values[rv],
                        [("yes", f"I have reviewed risk {r.code}")],
                    )
                ),
            ],
        )

    def show_stored(self, submission: Submission) -> None:
        """After a conflict: show under each field what is saved now, where it differs from what was typed."""
        stored = update_strings(self.scope, stored_data(submission))
        for name, value in stored.items():
            if self.fields[name].value.strip() != value.strip():
                self.fields[name].stored = value
        self.version = submission.version

    # --- checking what was typed ----------------------------------------------------------------

    def clean(self) -> UpdateData | None:
        data = UpdateData()
        data.rag = self._choice("rag", RAG_CHOICES, "Choose red, amber or green for the overall rating")
        data.rag_reason = self.bounded("rag_reason", "The reason for the rating")
        data.commentary = self.bounded("commentary", "The commentary")
        for o in self.scope.objectives:
            data.objectives[o.pk] = {
                "rag": self._choice(key("o", o.pk, "rag"), RAG_CHOICES, f"Choose red, amber or green for {o.code}"),
                "rag_reason": self.bounded(key("o", o.pk, "rag_reason"), f"The reason for {o.code}'s rating"),
            }
        for a in self.scope.activities:
            data.activities[a.pk] = self._clean_activity(a)
        for x in self.scope.metrics:
            data.metrics[x.pk] = self._clean_metric(x)
        for r in self.scope.risks:
            data.risks[r.pk] = {
                "likelihood": self._score(key("r", r.pk, "likelihood"), f"the likelihood of {r.code}"),
                "impact": self._score(key("r", r.pk, "impact"), f"the impact of {r.code}"),
                "commentary": self.bounded(key("r", r.pk, "commentary"), f"The commentary on {r.code}"),
                "reviewed": self.text(key("r", r.pk, "reviewed")) == "yes",
            }
        self.check_version()
        return None if self.errors else data

    def _clean_activity(self, a: pm.Activity) -> dict:
        return {
            "status": self._choice(
                key("a", a.pk, "status"), STATUS_CHOICES, f"Choose a status for {a.code} from the list"
            ),
            "commentary": self.bounded(key("a", a.pk, "commentary"), f"The commentary on {a.code}"),
            "rag": self._choice(
                key("a", a.pk, "rag"),
                ACTIVITY_RAG_CHOICES,
                f"Choose red, amber or green for {a.code}, or leave it not rated",
            ),
            "percent_complete": self._percent(
                key("a", a.pk, "percent_complete"), f"the per cent complete for {a.code}"
            ),
            "forecast_on": self.parsed_date(
                key("a", a.pk, "forecast_on"),
                f"the forecast completion date for {a.code}",
                "31 March 2020 or 31/03/2020",
            ),
        }

    def _percent(self, name: str, what: str) -> int | None:
        """A whole number from 0 to 100 (a % sign allowed), or None when left blank."""
        message = f"Enter {what} as a whole number from 0 to 100, like 60, or leave it blank"
        value = self._number(name, what, message)
        if value is None:
            return None
        if value != value.to_integral_value() or not 0 <= value <= 100:
            self.error(name, message)
            return None
        return int(value)

    def _clean_metric(self, x: pm.Metric) -> dict:
        values: dict[str, Decimal | str | None] = {
            "value": None,
            "numerator": None,
            "denominator": None,
            "note": self.bounded(key("m", x.pk, "note"), f"The note on {x.code}"),
        }
        if x.aggregation == "ratio":
            values.update(self._ratio(x))
        else:
            values["value"] = self._value(x)
        return values

    def _ratio(self, x: pm.Metric) -> dict[str, Decimal]:
        """Numerator and denominator — both or neither — and the value they make."""
        num_name, den_name = key("m", x.pk, "numerator"), key("m", x.pk, "denominator")
        num = self._number(num_name, f"the numerator for {x.code}")
        den = self._number(den_name, f"the denominator for {x.code}")
        if num is None or den is None:
            if (num is None) != (den is None) and not self.fields[num_name].error and not self.fields[den_name].error:
                self.error(
                    den_name if den is None else num_name,
                    f"Enter both the numerator and the denominator for {x.code}, or neither",
                )
        elif den <= 0:
            self.error(den_name, f"The denominator for {x.code} must be more than 0")
        elif num < 0:
            self.error(num_name, f"The numerator for {x.code} cannot be negative")
        elif _is_percentage(x) and num > den:
            self.error(num_name, f"The numerator for {x.code} cannot be more than the denominator")
        elif problem := decimal_problem(num / den):
            self.error(den_name, f"The value the numerator and denominator for {x.code} make {problem}")
        else:
            return {"numerator": num, "denominator": den, "value": stored_decimal(num / den)}
        return {}

    def _value(self, x: pm.Metric) -> Decimal | None:
        """The value, a percentage as a fraction; checked against the metric's scale."""
        name = key("m", x.pk, "value")
        value = self._number(name, f"the value for {x.code}")
        if value is None:
            return None
        if _is_percentage(x):
            if not Decimal(0) <= value <= Decimal(100):
                self.error(name, f"Enter the value for {x.code} as a percentage from 0 to 100")
            return (value / 100).quantize(EIGHT_PLACES)
        if (x.scale_min is not None and value < x.scale_min) or (x.scale_max is not None and value > x.scale_max):
            self.error(name, f"Enter the value for {x.code} from {normal(x.scale_min)} to {normal(x.scale_max)}")
        return value

    def _choice(self, name: str, choices, message: str) -> str:
        value = self.text(name)
        if value and value not in dict(choices):
            self.error(name, message)
            return ""
        return value

    def _number(self, name: str, what: str, message: str = "") -> Decimal | None:
        """The field's number, or None when blank or not a number (with ``message`` as the error, if given)."""
        text = self.text(name)
        if not text:
            return None
        try:
            value = parse_number(text)
        except ValueError:
            self.error(name, message or f"Enter {what} as a number, like 95 or 1,250.5")
            return None
        if problem := decimal_problem(value):
            self.error(name, message or f"Enter {what} as a number smaller than 1,000,000,000,000,000: it {problem}")
            return None
        return stored_decimal(value)

    def _score(self, name: str, what: str) -> int | None:
        value = self._choice(name, SCORE_CHOICES, f"Choose {what} from 1 to 5")
        return int(value) if value else None
