"""Charts drawn once for every server: a chart's SVG kept in the database under a digest of its
specification, so a board pack's tens of charts are drawn by the first process that needs them
(the task worker, or the first page) and read by every other process and server after.

A drawing is a function of its specification alone and never goes stale; drawings made more
than :data:`KEEP_DAYS` ago are removed by :func:`tidy` (the task worker, after a load), and one
still asked for is drawn again once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from goldenthread.pagecache.models import Drawing

#: how long a drawing is kept after it was made
KEEP_DAYS = 30


def drawn(spec_text: str, width: int, draw: Callable[[], str]) -> str:
    """The SVG kept for this specification and width, or ``draw()``'s, kept for the next process."""
    key = hashlib.sha256(f"{width}\x1f{spec_text}".encode()).hexdigest()
    held = Drawing.objects.filter(key=key).values_list("svg", flat=True).first()
    if held is not None:
        return held
    svg = draw()
    Drawing.objects.bulk_create([Drawing(key=key, svg=svg, made_at=timezone.now())], ignore_conflicts=True)
    return svg


def tidy() -> int:
    """Remove drawings made more than :data:`KEEP_DAYS` ago; how many."""
    return Drawing.objects.filter(made_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()[0]
