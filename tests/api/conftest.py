"""The API's tests use the cycle's small world: seed 001 and the example plan, its quarters, and
one person in every role (tests/cycles/conftest.py)."""

from __future__ import annotations

from ..cycles.conftest import fast_passwords, login, world  # noqa: F401  (fixtures shared)
