"""Recording a governance body's meeting: a decision on an agenda item, an action agreed on it, and
the meeting's minutes (with approving them)."""

from __future__ import annotations

from collections.abc import Mapping

from goldenthread.cycles.forms.action_fields import ActionFields
from goldenthread.cycles.forms.fields import Field, Form, TextForm, typed
from goldenthread.cycles.models import Minutes
from goldenthread.cycles.services.meetings import ActionData


class ItemDecisionForm(TextForm):
    """One decision taken on an agenda item, as the meeting worded it."""

    def __init__(self, post: Mapping[str, str] | None = None):
        super().__init__(
            post,
            "decision",
            "Decision",
            hint="As the meeting took it, e.g. The Boards approved the Joint Work Programme for 2019/20",
            what="The decision",
            missing="Write the decision as the meeting took it",
        )


class ItemActionForm(ActionFields):
    """An action agreed on an agenda item: what is to be done, its owner (one of ``people``, or a
    name) and its due date."""

    def __init__(self, post: Mapping[str, str] | None = None, people: list | tuple = ()):
        super().__init__()
        self.people = {str(p.pk): p for p in people}
        parts = ("description", "owner_account", "owner", "due_on")
        v = typed(post, {f"action-{part}": "" for part in parts})
        self.group = self._action("action", "New action", "Agreed on this item", ("", ""), v)

    def clean(self) -> ActionData | None:
        values = self._clean_action("action", "the action", required=True) or {}
        return None if self.errors else ActionData(**values)


class MinutesForm(Form):
    """The meeting's minutes as text, saved as a draft or approved; ``version`` is what they were
    when the page was opened, so a save over someone else's is refused."""

    def __init__(self, minutes: Minutes | None, post: Mapping[str, str] | None = None):
        super().__init__()
        self.read_version(post, minutes.version if minutes else 0)
        self.stored = {"text": minutes.text if minutes else ""}
        self.text_field = self.add(
            Field(
                "text",
                "Minutes",
                "textarea",
                typed(post, self.stored)["text"],
                hint="Who attended, what each item discussed and decided; decisions and actions are also recorded "
                "against their items",
            )
        )
        self.approve = post is not None and post.get("approve") == "yes"

    def clean(self) -> str | None:
        text = self.bounded("text", "The minutes")
        if self.approve and not text:
            self.error("text", "Write the minutes before approving them")
        self.check_version()
        return None if self.errors else text

    def show_stored(self, minutes: Minutes) -> None:
        """After a refused save: what is stored now beside what this person typed."""
        if minutes.text.strip() != self.text_field.value.strip():
            self.text_field.stored = minutes.text
        self.version = minutes.version
