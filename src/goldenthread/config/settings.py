"""Settings, all from the environment so one code path serves a laptop and a whole organisation.

DATABASE_URL            sqlite:////abs/path.sqlite3 or postgresql://user:pass@host:port/name
                        (default: an SQLite file under GOLDENTHREAD_VAR)
GOLDENTHREAD_VAR        folder for the embedded database, secret key and collected static files
                        (default: var/ in the project folder)
GOLDENTHREAD_SECRET_KEY Django secret key (default: generated once and kept in GOLDENTHREAD_VAR)
GOLDENTHREAD_DEBUG      1 to show Django's debug pages (default: 0)
GOLDENTHREAD_ALLOWED_HOSTS comma-separated host names (default: localhost,127.0.0.1)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import nhsuk_frontend_jinja

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GOLDENTHREAD_VAR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("GOLDENTHREAD_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("GOLDENTHREAD_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("GOLDENTHREAD_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'goldenthread.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE: a transaction takes the write lock when it starts, so concurrent saves queue up
    # (and optimistic-locking conflicts are reported) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "goldenthread.plans",
    "goldenthread.performance",
    "goldenthread.web",
    "simple_history",
    "goldenthread.audit",
    "goldenthread.accounts",
    "goldenthread.cycles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made each change (audit trail)
    "goldenthread.access.middleware.AccessMiddleware",  # every page's access rule, deny-by-default
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "goldenthread.config.urls"
WSGI_APPLICATION = "goldenthread.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [Path(nhsuk_frontend_jinja.__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "goldenthread.config.jinja2.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders; an absent root only makes it warn
NODE_MODULES = PROJECT_DIR / "node_modules"
NHSUK_FRONTEND_DIR = NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
# Front-end packages installed by `npm ci` and served as static files (not committed).
_ASSETS = {
    "nhsuk": NHSUK_FRONTEND_DIR,
    "vega": NODE_MODULES / "vega" / "build",
    "vega-lite": NODE_MODULES / "vega-lite" / "build",
    "vega-embed": NODE_MODULES / "vega-embed" / "build",
}
STATICFILES_DIRS = [(prefix, path) for prefix, path in _ASSETS.items() if path.exists()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The audit trail is read-only in the application, the admin site included.
SIMPLE_HISTORY_REVERT_DISABLED = True
DEFAULT_FROM_EMAIL = os.environ.get("GOLDENTHREAD_FROM_EMAIL", "goldenthread@localhost")

EMAIL_BACKEND = os.environ.get("GOLDENTHREAD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
