"""Progress on an action: a note, and the status it leaves the action in."""

from __future__ import annotations

from collections.abc import Mapping

from goldenthread.cycles.forms.fields import Field, Form, typed
from goldenthread.cycles.models import Action


class ActionNoteForm(Form):
    def __init__(self, action: Action, post: Mapping[str, str] | None = None):
        super().__init__()
        v = typed(post, {"note": "", "status": action.status})
        self.note = self.add(
            Field(
                "note",
                "Progress note",
                "textarea",
                v["note"],
                hint="What has been done since the last note; to close the action, say how it was completed",
            )
        )
        self.status = self.add(
            Field("status", "Status", "radios", v["status"], list(Action.Status.choices), inline=True)
        )

    def clean(self) -> tuple[str, str] | None:
        """(note, status), or None when a field has a problem."""
        note = self.bounded("note", "The note")
        status = self.text("status")
        if status not in dict(Action.Status.choices):
            self.error("status", "Choose open, in progress or closed")
        if not note:
            closing = status == Action.Status.CLOSED
            self.error(
                "note",
                "Say how the action was completed (or why it is closed)" if closing else "Write the progress note",
            )
        return None if self.errors else (note, status)
