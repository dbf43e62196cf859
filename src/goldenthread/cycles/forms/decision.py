"""The planning team's decision on a submitted update: approve it, or return it with comments."""

from __future__ import annotations

from collections.abc import Mapping

from goldenthread.cycles.forms.fields import Field, Form
from goldenthread.cycles.models import Submission


class DecisionForm(Form):
    CHOICES = [("approve", "Approve"), ("return", "Return with comments")]

    def __init__(self, submission: Submission, post: Mapping[str, str] | None = None):
        super().__init__()
        self.read_version(post, submission.version)
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
        comments = self.bounded("comments", "The comments")
        if decision == "return" and not comments:
            self.error("comments", "Say what needs to change before the update can be approved")
        return None if self.errors else (decision, comments)
