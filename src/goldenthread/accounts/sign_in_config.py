"""Sign-in throttling and session time-outs, read from the environment at start-up.

Plain functions, no Django models, so the settings module can call them. A bad value stops the
application with a message naming the variable, the value and what it should be.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

#: what GOLDENTHREAD_LOGIN_LOCK_BY may name, and django-axes' name for it
LOCK_BY = {"username": "username", "address": "ip_address"}


def positive_number(environ: Mapping[str, str], name: str, default: float, *, whole: bool = False) -> float:
    """``environ[name]`` as a number above 0 (a whole one if ``whole``), or ``default`` if unset."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = 0
    if value <= 0:
        kind = "a whole number" if whole else "a number"
        raise ImproperlyConfigured(f"{name} must be {kind} above 0, not {text!r}. Set it again or unset it.")
    return value


def lock_parameters(environ: Mapping[str, str], name: str = "GOLDENTHREAD_LOGIN_LOCK_BY") -> list:
    """django-axes' ``AXES_LOCKOUT_PARAMETERS`` from a list such as ``username,address`` (each
    locked separately) or ``username+address`` (the two together)."""
    text = environ.get(name, "").strip() or "username,address"
    parameters: list = []
    for item in text.split(","):
        parts = [part.strip() for part in item.split("+")]
        unknown = [part for part in parts if part not in LOCK_BY]
        if unknown:
            raise ImproperlyConfigured(
                f"{name} names {unknown[0]!r}, which is not something sign-in can be locked by. "
                "Use username, address or username+address, comma-separated (for example username,address)."
            )
        named = [LOCK_BY[part] for part in parts]
        parameters.append(named if len(named) > 1 else named[0])
    return parameters
