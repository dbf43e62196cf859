"""The fields of an action — what is to be done, its owner (one of the plan's people, or a name for
someone outside the system) and its due date — shared by the review form (its open actions and
rows for new ones) and the form that records an action agreed at a meeting."""

from __future__ import annotations

from goldenthread.cycles.forms.fields import MAX_LINE, Field, Form, Group
from goldenthread.cycles.services.people import display_name

OUTSIDE = ("", "Someone without an account: type their name below")
DUE_HINT = "For example, 30 September 2019"


class ActionFields(Form):
    """A form with action rows; ``people`` (primary key as text -> account) are the owners to choose from."""

    people: dict

    def _action(self, prefix: str, heading: str, caption: str, label: tuple[str, str], v: dict[str, str]) -> Group:
        """An action's fields: what is to be done, its owner (an account, or a name) and its due
        date; ``label`` is put before and after each field's label."""
        before, after = label
        choices = [OUTSIDE] + [(pk, display_name(p)) for pk, p in self.people.items()]
        if v[f"{prefix}-owner_account"] and v[f"{prefix}-owner_account"] not in self.people:
            choices.append((v[f"{prefix}-owner_account"], "(no longer one of this plan's people)"))
        return Group(
            heading,
            caption,
            [
                self.add(
                    Field(
                        f"{prefix}-description",
                        f"{before}What is to be done{after}".capitalize(),
                        "textarea",
                        v[f"{prefix}-description"],
                    )
                ),
                self.add(
                    Field(
                        f"{prefix}-owner_account",
                        f"{before}Owner{after}".capitalize(),
                        "select",
                        v[f"{prefix}-owner_account"],
                        choices,
                    )
                ),
                self.add(
                    Field(
                        f"{prefix}-owner",
                        f"{before}Owner's name, if they have no account{after}".capitalize(),
                        "text",
                        v[f"{prefix}-owner"],
                        hint="For someone outside the system, e.g. a partner's director",
                    )
                ),
                self.add(
                    Field(
                        f"{prefix}-due_on",
                        f"{before}Due by{after}".capitalize(),
                        "text",
                        v[f"{prefix}-due_on"],
                        hint=DUE_HINT,
                    )
                ),
            ],
        )

    def _clean_action(self, prefix: str, what: str, *, required: bool) -> dict | None:
        description = self.bounded(f"{prefix}-description", f"The description of {what}")
        owner = self.bounded(f"{prefix}-owner", f"The owner of {what}", MAX_LINE)
        chosen = self.text(f"{prefix}-owner_account")
        due_on = self.parsed_date(f"{prefix}-due_on", f"the due date of {what}")
        typed_any = description or owner or chosen or self.text(f"{prefix}-due_on")
        if not typed_any and not required:
            return None
        if not description:
            self.error(f"{prefix}-description", f"Say what is to be done for {what}")
        account = self.people.get(chosen)
        if chosen and account is None:
            self.error(f"{prefix}-owner_account", f"Choose the owner of {what} from the list of this plan's people")
        elif account is not None and owner:
            self.error(f"{prefix}-owner", f"Either choose the owner of {what} or type a name, not both")
        elif account is None and not owner:
            self.error(
                f"{prefix}-owner_account",
                f"Choose who owns {what}, or type the name of someone without an account",
            )
        name = display_name(account) if account is not None else owner
        return {"description": description, "owner": name, "owner_account": account, "due_on": due_on}
