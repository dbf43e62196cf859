"""The shapes every operation shares: errors and pages of results."""

from __future__ import annotations

from ninja import Schema


class Detail(Schema):
    """An error: what went wrong and what to do."""

    detail: str


class Problem(Schema):
    """One problem with what was sent: where (row and column, or line) and what."""

    row: int | None = None
    column: str | None = None
    message: str


class Problems(Schema):
    """What was sent was refused and nothing was changed: each problem with its place."""

    detail: str
    problems: list[Problem]
