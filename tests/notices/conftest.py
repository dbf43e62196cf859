"""The cycle's small world (seed 001, its quarters, one person in every role) for the notices."""

from tests.cycles.conftest import fast_passwords, world  # noqa: F401 (fixtures)
