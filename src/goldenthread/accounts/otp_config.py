"""The second factor at sign-in (time-based one-time codes, django-otp), read from the environment.

``GOLDENTHREAD_OTP`` is one of

- ``off`` (the default): nobody is asked for a code;
- ``optional``: anyone who signs in with a password may set up an authenticator app, and once they
  have, the code is asked for after the password;
- ``required-for-admins``: as ``optional``, and administrators must set one up before they can
  use any page but that one and signing out.

A plain function, no Django models, so the settings module can call it; a bad value stops the
application with a message naming the variable, the value and what it should be.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

OFF = "off"
OPTIONAL = "optional"
REQUIRED_FOR_ADMINS = "required-for-admins"
MODES = (OFF, OPTIONAL, REQUIRED_FOR_ADMINS)


def mode(environ: Mapping[str, str], name: str = "GOLDENTHREAD_OTP") -> str:
    """``environ[name]`` as one of :data:`MODES` (any case, spaces around ignored); ``off`` if unset."""
    text = environ.get(name, "").strip()
    if not text:
        return OFF
    if text.lower() not in MODES:
        raise ImproperlyConfigured(
            f"{name} is {text!r}, which is not a setting of the second factor at sign-in. "
            f"Use {', '.join(MODES[:-1])} or {MODES[-1]}, or unset it (off)."
        )
    return text.lower()
