"""Shared fixtures. The database is whatever DATABASE_URL names: SQLite or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
EXAMPLE = FIXTURES / "example.yaml"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def example_plan():
    from goldenthread.planfile import validate_file

    result = validate_file(EXAMPLE)
    assert result.ok, result.problems
    return result.plan
