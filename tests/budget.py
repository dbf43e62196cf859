"""Bounds on work for the tests that a hostile file must not hang: the CPU seconds this process
spends (``time.process_time``), which other work on a busy machine does not stretch as it stretches
the wall clock. They bound work done, not speed; speed is measured in ``bench/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cpu_bound(seconds: float, what: str = "the refusal") -> Iterator[None]:
    """Fail when the block spends more than ``seconds`` of this process's CPU time."""
    started = time.process_time()
    yield
    spent = time.process_time() - started
    assert spent < seconds, (
        f"{what} took {spent:.1f} s of CPU (more than {seconds} s): it should not read the file whole"
    )
