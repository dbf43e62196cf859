"""The API's rate limit, read from the environment at start-up (``GOLDENTHREAD_API_RATE``).

A plain function with no Django models, so the settings module can call it. A bad value stops the
application with a message naming the variable, the value and what it should be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

DEFAULT = "600/min"
PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


def api_rate(environ: Mapping[str, str], name: str = "GOLDENTHREAD_API_RATE") -> tuple[int, int]:
    """``(requests, seconds)``: each token (and each signed-in person) may make this many API
    requests in each window of this many seconds; from e.g. ``600/min`` (default), ``20/s``,
    ``5000/hour``."""
    text = environ.get(name, "").strip() or DEFAULT
    match = _RATE.match(text.lower())
    if match is None or match.group(2) not in PERIODS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"{name} must be a number of requests above 0, a slash and one of {', '.join(PERIODS)} "
            f"(e.g. 600/min), not {text!r}. Set it again or unset it for {DEFAULT}."
        )
    return int(match.group(1)), PERIODS[match.group(2)]
