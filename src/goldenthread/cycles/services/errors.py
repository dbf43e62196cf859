"""What the cycle's rules refuse, each with a message saying what to do instead."""

from __future__ import annotations

from goldenthread.cycles.models import AccountabilityReview, Minutes, Submission


class CycleError(Exception):
    """A request the cycle's rules do not allow, with a message saying what to do instead."""


class Conflict(CycleError):
    """Someone else saved since this person started; ``current`` is what is stored now."""

    def __init__(self, current: Submission | AccountabilityReview | Minutes | None, message: str):
        super().__init__(message)
        self.current = current


class Incomplete(CycleError):
    """The update cannot be submitted yet; ``problems`` are (field name, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(f"{len(problems)} thing(s) to complete before submitting")
        self.problems = problems
