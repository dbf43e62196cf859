"""What every command shares: setting Django up on demand, and messages a person can act on.

Imported when the ``goldenthread`` command builds its parser, so it imports neither Django nor
pandas at module level.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

SUPPORTED_DATABASES = ("sqlite", "postgres", "postgresql", "pgsql")


def django_setup(args: argparse.Namespace) -> None:
    """Point Django at the database the command was given (``--database`` or ``DATABASE_URL``) and set it up."""
    if getattr(args, "database", None):
        os.environ["DATABASE_URL"] = args.database
    url = os.environ.get("DATABASE_URL", "")
    scheme = url.partition("://")[0].lower()
    if url and scheme not in SUPPORTED_DATABASES:
        raise SystemExit(
            f"goldenthread: unsupported database URL '{url}'; use sqlite:////absolute/path.sqlite3 "
            "or postgresql://user:password@host:port/name (--database or DATABASE_URL)"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    try:
        if not apps.ready:  # once: setting up again would reconfigure logging onto today's stderr
            django.setup()
    except ImproperlyConfigured as exc:  # a setting from the environment that cannot be used
        raise SystemExit(f"goldenthread: {exc}") from None
    from goldenthread.audit.records import set_operator

    set_operator(operating_system_user())


def operating_system_user() -> str:
    """Who is running this command, as the operating system says (the audit trail's "who" for
    changes a command makes: "alice (command line)")."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def print_problems(problems: list) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def write_output(data: bytes, output: str | None, default_name: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output or default_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"Wrote {path} ({len(data):,} bytes)")


def database_problem(exc: Exception) -> str | None:
    if "django.db" not in sys.modules and "django.core.exceptions" not in sys.modules:
        return None
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, DataError, IntegrityError

    if isinstance(exc, ImproperlyConfigured) and "database" in str(exc).lower():
        return f"the database is not configured correctly ({exc}); check --database or DATABASE_URL"
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"the database has no goldenthread tables yet ({text}); run: goldenthread migrate"
    if isinstance(exc, (DataError, IntegrityError)):  # the connection is fine: a value was refused
        return (
            f"the database refused a value ({text}); nothing was changed. goldenthread should have "
            "refused it first with its place in the input: please report this, with the input"
        )
    return f"database error: {text}; check --database or DATABASE_URL and that the server is running"
