"""Recording an accountability review — held or planned, who attended, what was decided — with
the actions agreed at it; and closing an action."""

from __future__ import annotations

from collections.abc import Mapping

from goldenthread.cycles.forms.action_fields import ActionFields
from goldenthread.cycles.forms.fields import MAX_LINE, Field, TextForm, typed
from goldenthread.cycles.models import AccountabilityReview, Action
from goldenthread.cycles.services.reviews import ReviewData
from goldenthread.formatting import long_date

NEW_ACTION_ROWS = 3
ACTION_PARTS = ("description", "owner_account", "owner", "due_on")
REVIEW_STATUSES = list(AccountabilityReview.Status.choices)


def _stored(review: AccountabilityReview | None, open_actions: list[Action]) -> dict[str, str]:
    """The review as the form's strings; each open action's, and blank rows for new ones."""
    if review is None:
        stored = dict.fromkeys(("held_on", "chair", "pack", "summary", "attendees", "decisions"), "")
        stored["status"] = AccountabilityReview.Status.PLANNED
    else:
        stored = {
            "status": review.status,
            "held_on": long_date(review.held_on),
            "chair": review.chair,
            "pack": review.pack,
            "summary": review.summary,
            "attendees": "\n".join(f"{a.name}, {a.role}" if a.role else a.name for a in review.attendees.all()),
            "decisions": "\n".join(d.text for d in review.decisions.all()),
        }
    for a in open_actions:
        stored[f"action{a.pk}-description"] = a.description
        stored[f"action{a.pk}-owner_account"] = str(a.owner_account_id or "")
        stored[f"action{a.pk}-owner"] = "" if a.owner_account_id else a.owner
        stored[f"action{a.pk}-due_on"] = long_date(a.due_on)
    for i in range(NEW_ACTION_ROWS):
        for part in ACTION_PARTS:
            stored[f"new{i}-{part}"] = ""
    return stored


class ReviewForm(ActionFields):
    """The review, its open actions and rows for new ones. An action's owner is chosen from
    ``people`` (the plan's people, :func:`goldenthread.cycles.services.plan_people`), or — for
    someone outside the system — typed as a name."""

    def __init__(
        self, review: AccountabilityReview | None, post: Mapping[str, str] | None = None, people: list | tuple = ()
    ):
        super().__init__()
        self.people = {str(p.pk): p for p in people}
        open_actions = (
            list(review.actions.filter(status__in=Action.OPEN_STATUSES).select_related("owner_account"))
            if review
            else []
        )
        for a in open_actions:  # an owner who has since left the plan stays a choice for their own actions
            if a.owner_account is not None:
                self.people.setdefault(str(a.owner_account_id), a.owner_account)
        self.closed_actions = list(review.actions.filter(status=Action.Status.CLOSED)) if review else []
        self.stored = _stored(review, open_actions)
        self.read_version(post, review.version if review else 0)
        v = typed(post, self.stored)
        self.main = self._main(v)
        self.open_actions = [
            self._action(f"action{a.pk}", f"Action {a.pk}", a.get_status_display(), ("", ""), v) for a in open_actions
        ]
        self.new_actions = [
            self._action(
                f"new{i}",
                f"New action {i + 1}",
                "Leave blank if not needed",
                (f"New action {i + 1}: ", ""),
                v,
            )
            for i in range(NEW_ACTION_ROWS)
        ]
        self.open_action_ids = [a.pk for a in open_actions]

    def _main(self, v: dict[str, str]) -> list[Field]:
        return [
            self.add(Field("status", "Has the review been held?", "radios", v["status"], REVIEW_STATUSES, inline=True)),
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

    def clean(self) -> ReviewData | None:
        status = self.text("status")
        if status not in dict(REVIEW_STATUSES):
            self.error("status", "Choose whether the review has been held")
        held_on = self.parsed_date("held_on", "the date the review was held")
        if status == AccountabilityReview.Status.HELD and held_on is None and not self.fields["held_on"].error:
            self.error("held_on", "Enter the date the review was held")
        attendees = self._attendees()
        decisions = [line.strip() for line in self.bounded("decisions", "The decisions").splitlines() if line.strip()]
        actions = {}
        for pk in self.open_action_ids:
            values = self._clean_action(f"action{pk}", f"action {pk}", required=True)
            if values:
                actions[pk] = values
        new_actions = []
        for i in range(NEW_ACTION_ROWS):
            values = self._clean_action(f"new{i}", f"new action {i + 1}", required=False)
            if values:
                new_actions.append(values)
        data = ReviewData(
            status=status,
            held_on=held_on,
            chair=self.bounded("chair", "The chair", MAX_LINE),
            pack=self.bounded("pack", "The pack used", 1000),
            summary=self.bounded("summary", "The summary"),
            attendees=attendees,
            decisions=decisions,
            actions=actions,
            new_actions=new_actions,
        )
        self.check_version()
        return None if self.errors else data

    def _attendees(self) -> list[tuple[str, str]]:
        """One attendee a line: name, then a comma and their role."""
        attendees = []
        for line in self.bounded("attendees", "The attendees").splitlines():
            if line.strip():
                name, _, role = line.partition(",")
                if len(name.strip()) > MAX_LINE or len(role.strip()) > MAX_LINE:
                    self.error("attendees", f"Each attendee's name and role must be {MAX_LINE} characters or fewer")
                attendees.append((name.strip(), role.strip()))
        return attendees

    def show_stored(self, review: AccountabilityReview) -> None:
        fresh = ReviewForm(review, people=list(self.people.values()))
        for name, f in fresh.fields.items():
            if name in self.fields and self.fields[name].value.strip() != f.value.strip():
                self.fields[name].stored = f.value
        self.version = review.version


class CloseActionForm(TextForm):
    def __init__(self, post: Mapping[str, str] | None = None):
        super().__init__(
            post,
            "closure_note",
            "How was it completed?",
            hint="What was done, or why the action is no longer needed",
            what="The note",
            missing="Say how the action was completed (or why it is closed)",
        )
