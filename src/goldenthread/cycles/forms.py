"""Forms of the cycle: what a person typed, checked, with every problem found at once and
everything typed kept exactly as typed for the page to show again.

A form is a list of :class:`Field` s, each knowing its name, label, what was typed, its error and
— after a conflicting save — what is stored now. Templates loop over fields; :mod:`.services`
receives plain, checked data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from goldenthread.audit.records import normal
from goldenthread.cycles import services
from goldenthread.cycles.models import RAG, AccountabilityReview, Action, Submission
from goldenthread.cycles.services import ReviewData, Scope, UpdateData, key
from goldenthread.formatting import long_date
from goldenthread.plans import models as pm

MAX_TEXT = 10_000
MAX_LINE = 300


@dataclass
class Field:
    name: str
    label: str
    kind: str  # radios, textarea, select, number, checkbox, text
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    error: str = ""
    stored: str | None = None  # the value saved by someone else meanwhile, when it differs from ``value``
    suffix: str = ""
    inline: bool = False

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)

    @property
    def radio_items(self) -> list[dict]:
        return [{"value": v, "text": t, "checked": v == self.value} for v, t in self.choices]

    @property
    def select_items(self) -> list[dict]:
        return [{"value": v, "text": t, "selected": v == self.value} for v, t in self.choices]

    @property
    def stored_text(self) -> str:
        if self.stored is None:
            return ""
        labels = dict(self.choices)
        return labels.get(self.stored, self.stored) if self.stored else "(blank)"


@dataclass
class Group:
    """Fields about one thing (an objective, an activity …), under its heading."""

    heading: str
    caption: str
    fields: list[Field]
    description: str = ""


class Form:
    def __init__(self):
        self.fields: dict[str, Field] = {}

    def add(self, f: Field) -> Field:
        self.fields[f.name] = f
        return f

    def error(self, name: str, message: str) -> None:
        f = self.fields.get(name)
        if f is not None and not f.error:
            f.error = message
        elif f is None:
            self.fields[name] = Field(name, name, "hidden", error=message)

    @property
    def errors(self) -> list[Field]:
        return [f for f in self.fields.values() if f.error]

    def error_list(self) -> list[dict]:
        return [{"text": f.error, "href": "#" + f.id} for f in self.errors]

    def text(self, name: str) -> str:
        return self.fields[name].value.strip()


def _bounded(form: Form, name: str, what: str, limit: int = MAX_TEXT) -> str:
    value = form.text(name)
    if len(value) > limit:
        form.error(name, f"{what} must be {limit:,} characters or fewer; it has {len(value):,}")
    return value


def parse_number(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").replace("£", "").rstrip("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")


def parse_date(text: str) -> date:
    cleaned = " ".join(text.strip().split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError


# --- the quarterly update -----------------------------------------------------------------------

RAG_CHOICES = list(RAG.choices)
STATUS_CHOICES = [("", "Choose a status")] + list(pm.Activity.Status.choices)
SCORE_CHOICES = [("", "Not scored")] + [(str(i), str(i)) for i in range(1, 6)]


def _is_percentage(metric: pm.Metric) -> bool:
    return metric.unit == "percentage"


def _shown(metric: pm.Metric, value) -> str:
    """A stored metric value as the person types it: percentages as percent."""
    if value is None:
        return ""
    if _is_percentage(metric):
        return normal(Decimal(value) * 100)
    return normal(Decimal(value))


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
    for x in scope.metrics:
        v = data.metrics.get(x.pk, {})
        if x.aggregation == "ratio":
            out[key("m", x.pk, "numerator")] = normal(v["numerator"]) if v.get("numerator") is not None else ""
            out[key("m", x.pk, "denominator")] = normal(v["denominator"]) if v.get("denominator") is not None else ""
        else:
            out[key("m", x.pk, "value")] = _shown(x, v.get("value"))
        out[key("m", x.pk, "note")] = v.get("note") or ""
    for r in scope.risks:
        v = data.risks.get(r.pk, {})
        out[key("r", r.pk, "likelihood")] = str(v["likelihood"]) if v.get("likelihood") else ""
        out[key("r", r.pk, "impact")] = str(v["impact"]) if v.get("impact") else ""
        out[key("r", r.pk, "commentary")] = v.get("commentary") or ""
        out[key("r", r.pk, "reviewed")] = "yes" if v.get("reviewed") else ""
    return out


class UpdateForm(Form):
    """A unit's quarterly update: overall rating, objectives, activities, metrics, risks."""

    def __init__(self, scope: Scope, submission: Submission | None, post=None):
        super().__init__()
        self.scope = scope
        self.submission = submission
        stored = update_strings(scope, services.stored_data(submission))
        if submission is None:  # a new update starts from the plan's own activity statuses
            for a in scope.activities:
                stored[key("a", a.pk, "status")] = a.status
        self.version = submission.version if submission else 0
        if post is not None:
            try:
                self.version = int(post.get("version", ""))
            except ValueError:
                self.version = -1
        values = {name: (post.get(name, "") if post is not None else value) for name, value in stored.items()}
        self.overall = [
            self.add(
                Field(
                    "rag",
                    "Overall RAG rating",
                    "radios",
                    values["rag"],
                    RAG_CHOICES,
                    inline=True,
                    hint="Red: at risk and needs help; amber: behind but recoverable; green: on track",
                )
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
        self.groups: dict[str, list[Group]] = {"objectives": [], "activities": [], "metrics": [], "risks": []}
        for o in scope.objectives:
            n = key("o", o.pk, "rag")
            r = key("o", o.pk, "rag_reason")
            self.groups["objectives"].append(
                Group(
                    f"{o.code} {o.title}",
                    o.level.name,
                    [
                        self.add(Field(n, f"RAG rating for {o.code}", "radios", values[n], RAG_CHOICES, inline=True)),
                        self.add(Field(r, f"Reason for {o.code}'s rating", "textarea", values[r])),
                    ],
                )
            )
        for a in scope.activities:
            n, c = key("a", a.pk, "status"), key("a", a.pk, "commentary")
            due = f"Due {a.due_text}" if a.due_text else "No due date"
            self.groups["activities"].append(
                Group(
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
                    ],
                )
            )
        for x in scope.metrics:
            fields = []
            if x.aggregation == "ratio":
                for part in ("numerator", "denominator"):
                    n = key("m", x.pk, part)
                    fields.append(self.add(Field(n, f"{part.capitalize()} for {x.code}", "number", values[n])))
            else:
                n = key("m", x.pk, "value")
                fields.append(
                    self.add(
                        Field(
                            n,
                            f"Value for {x.code}",
                            "number",
                            values[n],
                            suffix="%" if _is_percentage(x) else "",
                            hint="As a percentage, for example 95.5" if _is_percentage(x) else "",
                        )
                    )
                )
            note = key("m", x.pk, "note")
            fields.append(
                self.add(
                    Field(
                        note,
                        f"Note on {x.code}",
                        "textarea",
                        values[note],
                        hint="Required when there is no value: say why",
                    )
                )
            )
            self.groups["metrics"].append(Group(f"{x.code} {x.title}", "Collected by return", fields, x.definition))
        for r in scope.risks:
            li, im, c, rv = (key("r", r.pk, n) for n in ("likelihood", "impact", "commentary", "reviewed"))
            self.groups["risks"].append(
                Group(
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
            )

    def show_stored(self, submission: Submission) -> None:
        """After a conflict: show under each field what is saved now, where it differs from what was typed."""
        stored = update_strings(self.scope, services.stored_data(submission))
        for name, value in stored.items():
            if self.fields[name].value.strip() != value.strip():
                self.fields[name].stored = value
        self.version = submission.version

    def clean(self) -> UpdateData | None:
        data = UpdateData()
        data.rag = self._choice("rag", RAG_CHOICES, "Choose red, amber or green for the overall rating")
        data.rag_reason = _bounded(self, "rag_reason", "The reason for the rating")
        data.commentary = _bounded(self, "commentary", "The commentary")
        for o in self.scope.objectives:
            data.objectives[o.pk] = {
                "rag": self._choice(key("o", o.pk, "rag"), RAG_CHOICES, f"Choose red, amber or green for {o.code}"),
                "rag_reason": _bounded(self, key("o", o.pk, "rag_reason"), f"The reason for {o.code}'s rating"),
            }
        for a in self.scope.activities:
            data.activities[a.pk] = {
                "status": self._choice(
                    key("a", a.pk, "status"), STATUS_CHOICES, f"Choose a status for {a.code} from the list"
                ),
                "commentary": _bounded(self, key("a", a.pk, "commentary"), f"The commentary on {a.code}"),
            }
        for x in self.scope.metrics:
            values = {
                "value": None,
                "numerator": None,
                "denominator": None,
                "note": _bounded(self, key("m", x.pk, "note"), f"The note on {x.code}"),
            }
            if x.aggregation == "ratio":
                num = self._number(key("m", x.pk, "numerator"), f"the numerator for {x.code}")
                den = self._number(key("m", x.pk, "denominator"), f"the denominator for {x.code}")
                if (
                    (num is None) != (den is None)
                    and not self.fields[key("m", x.pk, "numerator")].error
                    and not self.fields[key("m", x.pk, "denominator")].error
                ):
                    missing = "denominator" if den is None else "numerator"
                    self.error(
                        key("m", x.pk, missing),
                        f"Enter both the numerator and the denominator for {x.code}, or neither",
                    )
                elif num is not None and den is not None:
                    if den <= 0:
                        self.error(key("m", x.pk, "denominator"), f"The denominator for {x.code} must be more than 0")
                    elif num < 0:
                        self.error(key("m", x.pk, "numerator"), f"The numerator for {x.code} cannot be negative")
                    elif _is_percentage(x) and num > den:
                        self.error(
                            key("m", x.pk, "numerator"),
                            f"The numerator for {x.code} cannot be more than the denominator",
                        )
                    else:
                        values.update(numerator=num, denominator=den, value=(num / den).quantize(Decimal("1e-8")))
            else:
                value = self._number(key("m", x.pk, "value"), f"the value for {x.code}")
                if value is not None and _is_percentage(x):
                    if not Decimal(0) <= value <= Decimal(100):
                        self.error(
                            key("m", x.pk, "value"), f"Enter the value for {x.code} as a percentage from 0 to 100"
                        )
                    value = (value / 100).quantize(Decimal("1e-8"))
                elif value is not None and (
                    (x.scale_min is not None and value < x.scale_min)
                    or (x.scale_max is not None and value > x.scale_max)
                ):
                    self.error(
                        key("m", x.pk, "value"),
                        f"Enter the value for {x.code} from {normal(x.scale_min)} to {normal(x.scale_max)}",
                    )
                values["value"] = value
            data.metrics[x.pk] = values
        for r in self.scope.risks:
            data.risks[r.pk] = {
                "likelihood": self._score(key("r", r.pk, "likelihood"), f"the likelihood of {r.code}"),
                "impact": self._score(key("r", r.pk, "impact"), f"the impact of {r.code}"),
                "commentary": _bounded(self, key("r", r.pk, "commentary"), f"The commentary on {r.code}"),
                "reviewed": self.text(key("r", r.pk, "reviewed")) == "yes",
            }
        if self.version < 0:
            self.error(
                "version", "The form was sent without the version it was based on; reload the page and try again"
            )
        return None if self.errors else data

    def _choice(self, name: str, choices, message: str) -> str:
        value = self.text(name)
        if value and value not in dict(choices):
            self.error(name, message)
            return ""
        return value

    def _number(self, name: str, what: str) -> Decimal | None:
        text = self.text(name)
        if not text:
            return None
        try:
            value = parse_number(text)
        except ValueError:
            self.error(name, f"Enter {what} as a number, like 95 or 1,250.5")
            return None
        if abs(value) >= Decimal(10) ** 15:
            self.error(name, f"Enter {what} as a number smaller than 1,000,000,000,000,000")
            return None
        return value

    def _score(self, name: str, what: str) -> int | None:
        value = self._choice(name, SCORE_CHOICES, f"Choose {what} from 1 to 5")
        return int(value) if value else None

    def apply_problems(self, problems: list[tuple[str, str]]) -> None:
        for name, message in problems:
            self.error(name, message)


class DecisionForm(Form):
    CHOICES = [("approve", "Approve"), ("return", "Return with comments")]

    def __init__(self, submission: Submission, post=None):
        super().__init__()
        self.version = submission.version
        if post is not None:
            try:
                self.version = int(post.get("version", ""))
            except ValueError:
                self.version = -1
        get = (lambda n: post.get(n, "")) if post is not None else (lambda n: "")
        self.decision = self.add(Field("decision", "Your decision", "radios", get("decision"), self.CHOICES))
        self.comments = self.add(
            Field(
                "comments",
                "Comments",
                "textarea",
                get("comments"),
                hint="Required when returning: say what needs to change",
            )
        )

    def clean(self) -> tuple[str, str] | None:
        decision = self.text("decision")
        if decision not in dict(self.CHOICES):
            self.error("decision", "Choose whether to approve the update or return it with comments")
        comments = _bounded(self, "comments", "The comments")
        if decision == "return" and not comments:
            self.error("comments", "Say what needs to change before the update can be approved")
        return None if self.errors else (decision, comments)


# --- accountability reviews ---------------------------------------------------------------------

NEW_ACTION_ROWS = 3


class ReviewForm(Form):
    def __init__(self, review: AccountabilityReview | None, post=None):
        super().__init__()
        self.version = review.version if review else 0
        open_actions = list(review.actions.filter(status=Action.Status.OPEN)) if review else []
        self.closed_actions = list(review.actions.filter(status=Action.Status.CLOSED)) if review else []
        stored = {
            "status": review.status if review else AccountabilityReview.Status.PLANNED,
            "held_on": long_date(review.held_on) if review else "",
            "chair": review.chair if review else "",
            "pack": review.pack if review else "",
            "summary": review.summary if review else "",
            "attendees": "\n".join(f"{a.name}, {a.role}" if a.role else a.name for a in review.attendees.all())
            if review
            else "",
            "decisions": "\n".join(d.text for d in review.decisions.all()) if review else "",
        }
        for a in open_actions:
            stored[f"action{a.pk}-description"] = a.description
            stored[f"action{a.pk}-owner"] = a.owner
            stored[f"action{a.pk}-due_on"] = long_date(a.due_on)
        for i in range(NEW_ACTION_ROWS):
            for part in ("description", "owner", "due_on"):
                stored[f"new{i}-{part}"] = ""
        if post is not None:
            try:
                self.version = int(post.get("version", ""))
            except ValueError:
                self.version = -1
        v = {n: (post.get(n, "") if post is not None else s) for n, s in stored.items()}
        self.stored = stored
        self.main = [
            self.add(
                Field(
                    "status",
                    "Has the review been held?",
                    "radios",
                    v["status"],
                    list(AccountabilityReview.Status.choices),
                    inline=True,
                )
            ),
            self.add(Field("held_on", "Date held", "text", v["held_on"], hint="For example, 17 July 2019")),
            self.add(Field("chair", "Chair", "text", v["chair"])),
            self.add(Field("pack", "Pack used", "text", v["pack"], hint="The title or reference of the review pack")),
            self.add(
                Field(
                    "attendees",
                    "Attendees",
                    "textarea",
                    v["attendees"],
                    hint="One person a line: name, then a comma and their role",
                )
            ),
            self.add(Field("summary", "Summary of the discussion", "textarea", v["summary"])),
            self.add(Field("decisions", "Decisions", "textarea", v["decisions"], hint="One decision a line")),
        ]
        self.open_actions = []
        for a in open_actions:
            self.open_actions.append(
                Group(
                    f"Action {a.pk}",
                    "Open",
                    [
                        self.add(
                            Field(
                                f"action{a.pk}-description",
                                "What is to be done",
                                "textarea",
                                v[f"action{a.pk}-description"],
                            )
                        ),
                        self.add(Field(f"action{a.pk}-owner", "Owner", "text", v[f"action{a.pk}-owner"])),
                        self.add(
                            Field(
                                f"action{a.pk}-due_on",
                                "Due by",
                                "text",
                                v[f"action{a.pk}-due_on"],
                                hint="For example, 30 September 2019",
                            )
                        ),
                    ],
                )
            )
        self.new_actions = []
        for i in range(NEW_ACTION_ROWS):
            self.new_actions.append(
                Group(
                    f"New action {i + 1}",
                    "Leave blank if not needed",
                    [
                        self.add(
                            Field(
                                f"new{i}-description",
                                f"New action {i + 1}: what is to be done",
                                "textarea",
                                v[f"new{i}-description"],
                            )
                        ),
                        self.add(Field(f"new{i}-owner", f"New action {i + 1}: owner", "text", v[f"new{i}-owner"])),
                        self.add(
                            Field(
                                f"new{i}-due_on",
                                f"New action {i + 1}: due by",
                                "text",
                                v[f"new{i}-due_on"],
                                hint="For example, 30 September 2019",
                            )
                        ),
                    ],
                )
            )
        self.open_action_ids = [a.pk for a in open_actions]

    def _date(self, name: str, what: str) -> date | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            self.error(name, f"Enter {what} as a real date, like 17 July 2019 or 17/07/2019")
            return None

    def clean(self) -> ReviewData | None:
        status = self.text("status")
        if status not in dict(AccountabilityReview.Status.choices):
            self.error("status", "Choose whether the review has been held")
        held_on = self._date("held_on", "the date the review was held")
        if status == AccountabilityReview.Status.HELD and held_on is None and not self.fields["held_on"].error:
            self.error("held_on", "Enter the date the review was held")
        attendees = []
        for line in _bounded(self, "attendees", "The attendees").splitlines():
            if line.strip():
                name, _, role = line.partition(",")
                if len(name.strip()) > MAX_LINE or len(role.strip()) > MAX_LINE:
                    self.error("attendees", f"Each attendee's name and role must be {MAX_LINE} characters or fewer")
                attendees.append((name.strip(), role.strip()))
        decisions = [line.strip() for line in _bounded(self, "decisions", "The decisions").splitlines() if line.strip()]
        actions = {}
        for pk in self.open_action_ids:
            values = self._action(f"action{pk}", f"action {pk}", required=True)
            if values:
                actions[pk] = values
        new_actions = []
        for i in range(NEW_ACTION_ROWS):
            values = self._action(f"new{i}", f"new action {i + 1}", required=False)
            if values:
                new_actions.append(values)
        data = ReviewData(
            status=status,
            held_on=held_on,
            chair=_bounded(self, "chair", "The chair", MAX_LINE),
            pack=_bounded(self, "pack", "The pack used", 1000),
            summary=_bounded(self, "summary", "The summary"),
            attendees=attendees,
            decisions=decisions,
            actions=actions,
            new_actions=new_actions,
        )
        if self.version < 0:
            self.error(
                "version", "The form was sent without the version it was based on; reload the page and try again"
            )
        return None if self.errors else data

    def _action(self, prefix: str, what: str, *, required: bool) -> dict | None:
        description = _bounded(self, f"{prefix}-description", f"The description of {what}")
        owner = _bounded(self, f"{prefix}-owner", f"The owner of {what}", MAX_LINE)
        due_on = self._date(f"{prefix}-due_on", f"the due date of {what}")
        typed = description or owner or self.text(f"{prefix}-due_on")
        if not typed and not required:
            return None
        if not description:
            self.error(f"{prefix}-description", f"Say what is to be done for {what}")
        if not owner:
            self.error(f"{prefix}-owner", f"Enter who owns {what}")
        return {"description": description, "owner": owner, "due_on": due_on}

    def show_stored(self, review: AccountabilityReview) -> None:
        fresh = ReviewForm(review)
        for name, f in fresh.fields.items():
            if name in self.fields and self.fields[name].value.strip() != f.value.strip():
                self.fields[name].stored = f.value
        self.version = review.version


class CloseActionForm(Form):
    def __init__(self, post=None):
        super().__init__()
        self.note = self.add(
            Field(
                "closure_note",
                "How was it completed?",
                "textarea",
                post.get("closure_note", "") if post is not None else "",
                hint="What was done, or why the action is no longer needed",
            )
        )

    def clean(self) -> str | None:
        note = _bounded(self, "closure_note", "The note")
        if not note:
            self.error("closure_note", "Say how the action was completed (or why it is closed)")
        return None if self.errors else note


class PeriodForm(Form):
    def __init__(self, period, post=None):
        super().__init__()
        get = (lambda n, d: post.get(n, "")) if post is not None else (lambda n, d: d)
        self.add(
            Field(
                "opens_on",
                "Updates open on",
                "text",
                get("opens_on", long_date(period.opens_on)),
                hint="For example, 1 April 2019",
            )
        )
        self.add(
            Field(
                "closes_on",
                "Updates are due by",
                "text",
                get("closes_on", long_date(period.closes_on)),
                hint="After this day the update is overdue and reminders say so",
            )
        )

    def clean(self) -> tuple[date, date] | None:
        days = []
        for name, what in (("opens_on", "the day updates open"), ("closes_on", "the day updates are due")):
            try:
                days.append(parse_date(self.text(name)))
            except ValueError:
                self.error(name, f"Enter {what} as a real date, like 21 July 2019")
        if len(days) == 2 and days[0] > days[1]:
            self.error("closes_on", "The due date must be on or after the day updates open")
        return None if self.errors else (days[0], days[1])
