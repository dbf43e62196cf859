"""The production profile: ``GOLDENTHREAD_PROFILE=production`` (the default is ``development``).

In production the site is HTTPS only — secure session and CSRF cookies, HSTS, a redirect from
http to https — and it refuses to start, with a message saying what to set, when a setting would
be unsafe: no secret key of its own, debug pages on, no host names, an ``http://`` trusted
origin. The settings module reads the environment through these functions.

GOLDENTHREAD_PROFILE             development (default) or production
GOLDENTHREAD_HSTS_SECONDS        how long browsers keep to https (default: 31536000, a year)
GOLDENTHREAD_HSTS_PRELOAD        1 (default) to allow the site on browsers' HSTS preload lists, 0 not
GOLDENTHREAD_SSL_REDIRECT        1 (default) to redirect http to https, 0 when the proxy does it
GOLDENTHREAD_BEHIND_PROXY        1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto
                                 (trusted: the proxy must overwrite the header), any profile
GOLDENTHREAD_CSRF_TRUSTED_ORIGINS comma-separated origins forms may be posted from, as
                                 https://host[:port] (needed behind a proxy that changes the host)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ImproperlyConfigured

PROFILES = ("development", "production")
NEW_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def refuse(message: str) -> ImproperlyConfigured:
    """The error a setting that cannot be used raises: what is wrong and what to set."""
    return ImproperlyConfigured(f"{message} (see docs/security.md)")


def production(env: Mapping[str, str]) -> bool:
    name = env.get("GOLDENTHREAD_PROFILE", "").strip().lower() or "development"
    if name not in PROFILES:
        raise refuse(f"GOLDENTHREAD_PROFILE is '{name}'; set it to development or production")
    return name == "production"


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    text = env.get(name, "").strip()
    if not text:
        return default
    if text not in ("0", "1"):
        raise refuse(f"{name} is '{text}'; set it to 1 (on) or 0 (off)")
    return text == "1"


def hsts_seconds(env: Mapping[str, str]) -> int:
    text = env.get("GOLDENTHREAD_HSTS_SECONDS", "").strip() or "31536000"
    if not text.isdigit():
        raise refuse(f"GOLDENTHREAD_HSTS_SECONDS is '{text}'; set it to a whole number of seconds, e.g. 31536000")
    return int(text)


def trusted_origins(env: Mapping[str, str], production: bool) -> list[str]:
    origins = [o.strip() for o in env.get("GOLDENTHREAD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
    schemes = ("https://",) if production else ("https://", "http://")
    for origin in origins:
        if not origin.startswith(schemes) or origin.rstrip("/").count("/") > 2:
            raise refuse(
                f"GOLDENTHREAD_CSRF_TRUSTED_ORIGINS has '{origin}'; give each origin as {' or '.join(schemes)}"
                "host[:port], with no path, separated by commas"
            )
    return origins


def production_secret_key(env: Mapping[str, str]) -> str:
    """The secret key in production: GOLDENTHREAD_SECRET_KEY, never the file generated for a laptop."""
    key = env.get("GOLDENTHREAD_SECRET_KEY", "")
    if len(key) < 50 or len(set(key)) < 5:
        what = "is not set" if not key else f"has {len(key)} characters"
        raise refuse(
            f"GOLDENTHREAD_PROFILE is production but GOLDENTHREAD_SECRET_KEY {what}; the key generated into "
            f"GOLDENTHREAD_VAR is for development only. Set it to a random key of 50 or more characters, e.g. "
            f"from: {NEW_KEY}"
        )
    return key


def check_production(debug: bool, allowed_hosts: Sequence[str], env: Mapping[str, str]) -> None:
    """Refuse to start in production with debug pages on or without the site's host names."""
    if debug:
        raise refuse(
            "GOLDENTHREAD_PROFILE is production but GOLDENTHREAD_DEBUG is 1, which shows settings and code to "
            "anyone; unset GOLDENTHREAD_DEBUG"
        )
    if not env.get("GOLDENTHREAD_ALLOWED_HOSTS", "").strip() or not allowed_hosts:
        raise refuse(
            "GOLDENTHREAD_PROFILE is production but GOLDENTHREAD_ALLOWED_HOSTS is not set; set it to the site's "
            "host names, separated by commas, e.g. goldenthread.example.nhs.uk"
        )
    if "*" in allowed_hosts:
        raise refuse("GOLDENTHREAD_ALLOWED_HOSTS is '*' in production; name the site's hosts instead")


def megabytes(env: Mapping[str, str], name: str, default: int) -> int:
    """A size given in whole megabytes, as bytes."""
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit() or int(text) < 1:
        raise refuse(f"{name} is '{text}'; set it to a whole number of megabytes, e.g. {default}")
    return int(text) * 1024 * 1024
