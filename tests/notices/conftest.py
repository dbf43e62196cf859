"""The cycle's small world (seed 001, its quarters, one person in every role) for the notices, and
the worker's tasks run in this process."""

import pytest

from tests.cycles.conftest import fast_passwords, login, world  # noqa: F401 (fixtures)
from tests.workers import tasks_in_this_process

SITE = "https://gt.example"


@pytest.fixture
def worker_in_this_process(monkeypatch, settings):
    """Tasks queued are run at once, here, by django-q2's worker code (its ``sync`` setting)."""
    tasks_in_this_process(monkeypatch)
    settings.GOLDENTHREAD_BASE_URL = SITE


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block as if its transaction committed: the callbacks queued for commit run after it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
