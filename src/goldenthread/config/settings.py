"""Settings, all from the environment so one code path serves a laptop and a whole organisation.

DATABASE_URL            sqlite:////abs/path.sqlite3 or postgresql://user:pass@host:port/name
                        (default: an SQLite file under GOLDENTHREAD_VAR)
GOLDENTHREAD_VAR        folder for the embedded database, secret key and collected static files
                        (default: var/ in the project folder)
GOLDENTHREAD_SECRET_KEY Django secret key (default: generated once and kept in GOLDENTHREAD_VAR)
GOLDENTHREAD_DEBUG      1 to show Django's debug pages (default: 0)
GOLDENTHREAD_ALLOWED_HOSTS comma-separated host names (default: localhost,127.0.0.1)
GOLDENTHREAD_PROFILE    production for HTTPS only, refusing unsafe settings (default: development);
                        config/profile.py lists its variables (HSTS, proxy, trusted origins)
GOLDENTHREAD_MAX_UPLOAD_MB, GOLDENTHREAD_MAX_REQUEST_MB  request body caps (default: 50, 4)
GOLDENTHREAD_LOGIN_FAILURE_LIMIT failed sign-ins, for one username or from one address, before
                        signing in is locked (default: 5)
GOLDENTHREAD_LOGIN_COOLOFF_MINUTES how long a lock lasts (default: 15)
GOLDENTHREAD_LOGIN_LOCK_BY what is locked: username, address, or username+address (both in one),
                        comma-separated for several (default: username,address)
GOLDENTHREAD_SESSION_IDLE_MINUTES signed out after this long without a request (default: 30)
GOLDENTHREAD_SESSION_MAX_HOURS signed out this long after signing in, however active (default: 12)
GOLDENTHREAD_OTP        second factor for password accounts: off, optional, or required-for-admins
                        (default: off; accounts/otp_config.py)
GOLDENTHREAD_API_RATE   API requests each token (or signed-in person) may make, e.g. 600/min, 20/s,
                        5000/hour (default: 600/min; accounts/api_rate_config.py)
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import nhsuk_frontend_jinja

from goldenthread.access import sso_config
from goldenthread.accounts import api_rate_config, otp_config
from goldenthread.accounts import sign_in_config as sign_in
from goldenthread.config import profile, replicas
from goldenthread.config.content_policy import content_security_policy
from goldenthread.config.offline_assets import stylesheet_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GOLDENTHREAD_VAR", PROJECT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
# GOLDENTHREAD_PROFILE=production: HTTPS only, and unsafe settings refused at start (config/profile.py)
PRODUCTION = profile.production(os.environ)


def _secret_key() -> str:
    if PRODUCTION:
        return profile.production_secret_key(os.environ)
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
# PostgreSQL read replicas (GOLDENTHREAD_REPLICA_URLS, comma-separated database URLs): safe requests
# read from one, writes and the reads after a write go to the primary; with none, everything goes
# to the one database (config/replicas.py, docs/scaling.md).
REPLICA_DATABASES = replicas.databases(replicas.urls(os.environ))
DATABASES |= REPLICA_DATABASES
GOLDENTHREAD_REPLICAS = list(REPLICA_DATABASES)
# PostgreSQL sessions without JIT compilation (added to any ``options`` the URL gives): each
# metric's observations are a partition of their own (ADR 0013), and JIT compiles a query's
# expressions once per partition it reads — a whole-plan query at the national size spent 114 s
# of CPU compiling for 0.4 s of work (docs/scaling.md).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASE_ROUTERS = ["goldenthread.config.replicas.ReplicaRouter"] if GOLDENTHREAD_REPLICAS else []
GOLDENTHREAD_REPLICA_PIN_SECONDS = int(os.environ.get("GOLDENTHREAD_REPLICA_PIN_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "goldenthread.plans",
    "goldenthread.performance",
    "goldenthread.web",
    "simple_history",
    "goldenthread.audit",
    "goldenthread.accounts",
    "goldenthread.cycles",
    "axes",  # sign-in throttling (goldenthread.accounts.signin)
    "django_otp",  # the second factor at sign-in (goldenthread.accounts.second_factor)
    "django_otp.plugins.otp_totp",
    "django_q",  # the task queue and its schedule (goldenthread worker)
    "goldenthread.notices",  # e-mails on the cycle's events and reminders, sent by the worker
    "goldenthread.reports",  # packs built in the background (PackBuild)
    "goldenthread.storage",  # files held in the database: uploads awaiting confirmation, built packs
    "goldenthread.pagecache",  # assessments kept for the pages, shared by every server (presenters.kept)
    "ninja",  # the REST API (goldenthread.api): its OpenAPI page's own scripts and styles, served here
]

MIDDLEWARE = [
    "goldenthread.config.limits.RequestSizeLimitMiddleware",  # oversized bodies refused before anything reads them
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (config/content_policy.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a code was accepted in this session
    "goldenthread.web.second_factor.SecondFactorMiddleware",  # no page but the code's until it is
    "goldenthread.web.headers.NoStoreMiddleware",  # no caching of signed-in pages and downloads
    "simple_history.middleware.HistoryRequestMiddleware",  # who made each change (audit trail)
    "goldenthread.access.middleware.AccessMiddleware",  # every page's access rule, deny-by-default
    "django.contrib.messages.middleware.MessageMiddleware",
    "goldenthread.accounts.sessions.SessionTimeoutMiddleware",  # idle and absolute session time-outs
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # the lock-out page (last, so it sees the sign-in's outcome)
]

if GOLDENTHREAD_REPLICAS:  # each request's replica, chosen before anything reads (config/replicas.py)
    MIDDLEWARE.insert(1, "goldenthread.config.replicas.ReplicaMiddleware")

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (django-axes): a lock per username and per address, lifted after the cool-off.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(sign_in.positive_number(os.environ, "GOLDENTHREAD_LOGIN_FAILURE_LIMIT", 5, whole=True))
AXES_COOLOFF_TIME = timedelta(minutes=sign_in.positive_number(os.environ, "GOLDENTHREAD_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = sign_in.lock_parameters(os.environ)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "goldenthread.accounts.signin.locked_out"
AXES_VERBOSE = False  # goldenthread.accounts.signin logs every event to goldenthread.security
# Sessions: signed out after GOLDENTHREAD_SESSION_IDLE_MINUTES idle or GOLDENTHREAD_SESSION_MAX_HOURS in all.
GOLDENTHREAD_SESSION_IDLE_MINUTES = sign_in.positive_number(os.environ, "GOLDENTHREAD_SESSION_IDLE_MINUTES", 30)
GOLDENTHREAD_SESSION_MAX_HOURS = sign_in.positive_number(os.environ, "GOLDENTHREAD_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = int(GOLDENTHREAD_SESSION_MAX_HOURS * 3600)
# The API's rate limit per token and per signed-in person: (requests, seconds), counted in the
# database so every web server shares it (goldenthread.api.rate)
GOLDENTHREAD_API_RATE = api_rate_config.api_rate(os.environ)
# Single sign-on with OpenID Connect (goldenthread.access.sso_config lists its GOLDENTHREAD_OIDC_*
# variables; docs/security.md): off unless GOLDENTHREAD_OIDC_ISSUER is set.
GOLDENTHREAD_OIDC = sso_config.from_environment(os.environ)
GOLDENTHREAD_PASSWORD_SIGN_IN = sso_config.password_sign_in(os.environ, GOLDENTHREAD_OIDC)
AUTHENTICATION_BACKENDS = sso_config.backends(AUTHENTICATION_BACKENDS, GOLDENTHREAD_PASSWORD_SIGN_IN, GOLDENTHREAD_OIDC)
# The second factor (GOLDENTHREAD_OTP): off, optional, or required-for-admins (accounts/second_factor.py)
GOLDENTHREAD_OTP = otp_config.mode(os.environ)
OTP_TOTP_ISSUER = "goldenthread"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin site removes a lost authenticator; it never shows a key
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/work/"  # My work: what is due, returned, owned and coming up for the person
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
    "vega-interpreter": NODE_MODULES / "vega-interpreter" / "build",  # CSP-safe Vega expressions
}
STATICFILES_DIRS = [(prefix, path) for prefix, path in _ASSETS.items() if path.exists()]
# the NHS.UK stylesheet built by `make install` without the remote font, found first (config/offline_assets.py)
STATICFILES_DIRS.insert(0, ("nhsuk", stylesheet_dir(PROJECT_DIR)))
WHITENOISE_USE_FINDERS = True
# Files one machine writes and another hands over (board packs built by the worker): in the
# database by default, shared by every web server and worker with no other service (issue 17;
# docs/scaling.md); GOLDENTHREAD_PACK_STORAGE names another storage class, e.g. an object store's.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "packs": {"BACKEND": os.environ.get("GOLDENTHREAD_PACK_STORAGE", "goldenthread.storage.files.DatabaseStorage")},
}
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = content_security_policy(STATIC_URL)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The production profile: secure cookies, HSTS and the https redirect (GOLDENTHREAD_HSTS_SECONDS,
# GOLDENTHREAD_HSTS_PRELOAD, GOLDENTHREAD_SSL_REDIRECT); behind a TLS-terminating proxy,
# GOLDENTHREAD_BEHIND_PROXY=1 trusts its X-Forwarded-Proto. Unsafe settings refuse to start.
if PRODUCTION:
    profile.check_production(DEBUG, ALLOWED_HOSTS, os.environ)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and profile.flag(os.environ, "GOLDENTHREAD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = profile.hsts_seconds(os.environ) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION and profile.flag(os.environ, "GOLDENTHREAD_HSTS_PRELOAD", True)
if profile.flag(os.environ, "GOLDENTHREAD_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = profile.trusted_origins(os.environ, PRODUCTION)

# Request bodies (config/limits.py): refused with 413 from their Content-Length before anything
# reads them — uploads up to GOLDENTHREAD_MAX_UPLOAD_MB, any other request a few MB.
GOLDENTHREAD_MAX_UPLOAD_BYTES = profile.megabytes(os.environ, "GOLDENTHREAD_MAX_UPLOAD_MB", 50)
GOLDENTHREAD_MAX_REQUEST_BYTES = profile.megabytes(os.environ, "GOLDENTHREAD_MAX_REQUEST_MB", 4)
GOLDENTHREAD_UPLOAD_PATHS = ("/data/upload/", "/plans/new/from-document/")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files (Django's default, stated)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a larger uploaded file goes to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# The audit trail is read-only in the application, the admin site included.
SIMPLE_HISTORY_REVERT_DISABLED = True
DEFAULT_FROM_EMAIL = os.environ.get("GOLDENTHREAD_FROM_EMAIL", "goldenthread@localhost")

# E-mail goes through the SMTP server named by EMAIL_HOST; without one it is written to the log
# (the console backend), so nothing is lost on a machine with no mail server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "").lower() in ("1", "true", "yes")
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "").lower() in ("1", "true", "yes")
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = os.environ.get("GOLDENTHREAD_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# The task queue (django-q2) keeps its tasks and schedules in the application's own database
# (the ORM broker), so `goldenthread worker` needs nothing else running.
Q_CLUSTER = {
    "name": "goldenthread",
    "orm": "default",
    "workers": int(os.environ.get("GOLDENTHREAD_TASK_WORKERS") or 1),
    "timeout": 600,  # seconds a task may run (the longest: a board pack PDF)
    "retry": 900,  # seconds before an unfinished task is tried again; more than the timeout
    "max_attempts": 3,
    "catch_up": False,  # after downtime, a schedule runs once, not once per missed slot
    "save_limit": 1000,
    "ack_failures": True,
    "poll": 1,
    "label": "Task queue",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"bad_request": {"()": "goldenthread.config.log_filters.BadRequestWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "goldenthread.security": {"level": "INFO"},  # sign-ins, sign-outs, failures, lock-outs
        "django.request": {"filters": ["bad_request"]},  # a bad parameter: its line, not a traceback
    },
}
