"""Reckon's settings: one file, driven by the environment.

With no environment at all Reckon runs as a development install: SQLite under
``var/``, Celery on a broker held in files under ``var/celery`` (no server
needed), mail printed to the console. Production sets ``DJANGO_DEBUG=false``
and supplies the secrets; see README.md for every variable.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RECKON_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks; a bad one stops the start with its name."""
    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not an IP address or network."
            ) from error
    return networks


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    # Development only: a fixed, obviously unsafe key so sessions survive restarts.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Links printed and mailed (the admin login `make run` prints, reminders). By default
# the address `make run` serves: runserver on RECKON_PORT (Procfile.dev), 8000 unless set.
SITE_URL = os.environ.get(
    "RECKON_SITE_URL", f"http://127.0.0.1:{os.environ.get('RECKON_PORT') or '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "forecasts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out admin login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'reckon.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: wait for locks
    # instead of failing, and let readers work while one process writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The few reads every API request makes run as prepared statements on PostgreSQL
# (forecasts.models.changes.prepared_cursor). Off for PgBouncer in transaction mode
# older than 1.21, or without max_prepared_statements (docs/operations.md).
RECKON_DB_PREPARE = env_bool("RECKON_DB_PREPARE", True)

# --- Redis, cache, Celery -------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

# The cache holds only what can be recomputed, so it fails open (config/redis_cache.py):
# a Redis that is down or silent for this long reads as a miss, and is then left
# alone for RECKON_CACHE_RETRY_SECONDS before the next try.
RECKON_CACHE_TIMEOUT_SECONDS = float(os.environ.get("RECKON_CACHE_TIMEOUT_SECONDS", "0.3"))
RECKON_CACHE_RETRY_SECONDS = float(os.environ.get("RECKON_CACHE_RETRY_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": RECKON_CACHE_TIMEOUT_SECONDS,
                "socket_timeout": RECKON_CACHE_TIMEOUT_SECONDS,
                "outage_retry_seconds": RECKON_CACHE_RETRY_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if not REDIS_URL:
    # No server needed: messages are files. There is no acknowledgement on this
    # transport, so a worker killed mid-task loses that message; the periodic
    # reconciliation (below) rescoring stale questions is what makes that safe.
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task taken but not acknowledged within this time (its worker died)
        # is delivered again. Must exceed the longest task (CELERY_TASK_TIME_LIMIT).
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
        # A resolution must not hang on a broker that vanished: fail fast, log,
        # and let reconciliation catch up.
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }
    if os.environ.get("CELERY_RESTORE_SWEEP_SECONDS"):
        # How often a worker looks for tasks whose visibility timeout expired
        # (kombu's default is about every 100 s; tests use 1 s).
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": int(os.environ["CELERY_RESTORE_SWEEP_SECONDS"]),
            "unacked_restore_throttle": 1,
        }
# Web requests queue tasks (rescoring after a resolution) with these timeouts and
# no retry: a broker that is down costs a request this long at most, and the
# periodic reconciliation picks up what could not be queued (forecasts/tasks.py).
RECKON_BROKER_PUBLISH_TIMEOUT_SECONDS = float(
    os.environ.get("RECKON_BROKER_PUBLISH_TIMEOUT_SECONDS", "0.5")
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
# Late acknowledgement: a task is removed from the queue only once it finished,
# so a worker crash means the task runs again. Every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "300"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "360"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Celery's file-backed scheduler, which also creates var/ on a fresh clone.
CELERY_BEAT_SCHEDULER = "config.celery:Scheduler"
RECKON_PROMPT_SWEEP_SECONDS = int(os.environ.get("RECKON_PROMPT_SWEEP_SECONDS", "900"))
RECKON_RECONCILE_SECONDS = int(os.environ.get("RECKON_RECONCILE_SECONDS", "300"))
# The nightly audit's verifying full rescore: 0 runs it in one worker, chunk by
# chunk; N fans it out as chunk tasks for N or more workers (docs/operations.md).
RECKON_AUDIT_PARALLEL = int(os.environ.get("RECKON_AUDIT_PARALLEL", "0"))
RECKON_AUDIT_HOUR_UTC = int(os.environ.get("RECKON_AUDIT_HOUR_UTC", "3"))
CELERY_BEAT_SCHEDULE = {
    # Periodic tasks expire after one period: if the workers were down, the
    # backlog collapses into the next run instead of running many times.
    "send-resolution-prompts": {
        "task": "reckon.send_resolution_prompts",
        "schedule": float(RECKON_PROMPT_SWEEP_SECONDS),
        "options": {"expires": RECKON_PROMPT_SWEEP_SECONDS},
    },
    "reconcile-scores": {
        "task": "reckon.reconcile_scores",
        "schedule": float(RECKON_RECONCILE_SECONDS),
        "options": {"expires": RECKON_RECONCILE_SECONDS},
    },
    "audit-scores-nightly": {
        "task": "reckon.audit_scores",
        "schedule": crontab(hour=RECKON_AUDIT_HOUR_UTC, minute=17),
        "options": {"expires": 6 * 3600},
    },
}

# --- Mail -----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before an SMTP conversation is abandoned (and the send retried).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# For django.core.mail.backends.filebased.EmailBackend: one file per connection.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Reckon <reckon@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth, i18n, static ---------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Login lockout (django-axes): after RECKON_LOGIN_FAILURE_LIMIT wrong passwords from
# one client address, the admin login and POST /api/auth/token/ answer 429 until
# RECKON_LOGIN_LOCKOUT_MINUTES pass with no further attempt. Attempts are kept in
# the database, so the lockout holds with Redis down; `manage.py axes_reset_ip`
# lifts one early. Axes checks first, so a locked-out guess costs no password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("RECKON_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("RECKON_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "config.clients.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Addresses or networks (comma-separated) of the reverse proxies in front of
# Reckon. Only a request from one of them may name its client in
# X-Forwarded-For; rate limits and the lockout count everyone else by peer
# address (config/clients.py). Empty: no proxy, the header is ignored.
RECKON_TRUSTED_PROXIES = env_networks("RECKON_TRUSTED_PROXIES")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Requests larger than this are refused with 400 before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("RECKON_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an anonymous write is told to authenticate (401, WWW-Authenticate).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "forecasts.api.filters.ReferenceFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "forecasts.api.filters.StrictSearchFilter",
    ],
    # orjson writes the JSON (forecasts/api/renderers.py); the browsable API stays.
    "DEFAULT_RENDERER_CLASSES": [
        "forecasts.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["forecasts.api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "forecasts.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "forecasts.api.schema.ReckonAutoSchema",
    "EXCEPTION_HANDLER": "forecasts.api.errors.exception_handler",
    # Both scopes (anon, user) checked and counted together: one Redis round trip.
    "DEFAULT_THROTTLE_CLASSES": ["forecasts.api.throttling.ClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("RECKON_THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("RECKON_THROTTLE_USER", "3000/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reckon API",
    "DESCRIPTION": (
        "Forecasts, resolutions and author scorecards. Anyone may read; editors, "
        "resolvers and forecasters write with a token (`Authorization: Token <key>`, "
        "from `POST /api/auth/token/`) or a session. Lower is better for every Brier "
        "and log score; see docs/api.md and docs/scoring.md for the conventions."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response bodies differ (ids or slugs in, ids and slugs out).
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ScaleEnum": "forecasts.models.ledger.Scale",
        "OutcomeEnum": "forecasts.models.resolution.Resolution.Outcome",
        "ConditionOutcomeEnum": "forecasts.models.ledger.Question.ConditionOutcome",
        "AuthorKindEnum": "forecasts.models.ledger.Author.Kind",
        "SourceKindEnum": "forecasts.models.ledger.Source.Kind",
        "QuestionKindEnum": "forecasts.models.ledger.Question.Kind",
        "QuestionStateEnum": "forecasts.models.ledger.Question.State",
        "ExclusionEnum": "forecasts.models.scores.QuestionScore.Exclusion",
    },
    # The docs page loads Swagger UI from our own static files: no CDN needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Anonymous reads of the busiest endpoints are cached this long (0: off);
# see forecasts/api/caching.py.
RECKON_API_CACHE_SECONDS = int(os.environ.get("RECKON_API_CACHE_SECONDS", "10"))
# A CSV import may be larger than an ordinary request body.
RECKON_IMPORT_MAX_BYTES = int(os.environ.get("RECKON_IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
# Drafting from a URL (forecasts/drafting/fetching.py): the server fetches the page an
# editor names, so it refuses loopback, private and reserved addresses except in these
# networks (comma-separated CIDRs; none by default. The tests allow 127.0.0.1/32 to
# serve pages from a loopback server; a private deployment may allow its intranet).
RECKON_FETCH_ALLOW_NETWORKS = env_networks("RECKON_FETCH_ALLOW_NETWORKS")
RECKON_FETCH_TIMEOUT_SECONDS = float(os.environ.get("RECKON_FETCH_TIMEOUT_SECONDS", "10"))
RECKON_FETCH_MAX_BYTES = int(os.environ.get("RECKON_FETCH_MAX_BYTES", str(3 * 1024 * 1024)))

# --- Reckon ---------------------------------------------------------------
# Drawn charts, one file each named by a digest of what it draws, so that a Redis
# outage never means redrawing (forecasts/pages/chart_store.py). Safe to empty.
RECKON_CHART_DIR = Path(os.environ.get("RECKON_CHART_DIR", VAR_DIR / "charts"))
# What the public pages work out from the stored data, remembered in each web process
# until the data changes (forecasts/pages/fragments.py): at most this many bytes; 0: off.
RECKON_PAGE_MEMORY_BYTES = int(os.environ.get("RECKON_PAGE_MEMORY_BYTES", str(32 * 2**20)))
# Authors need at least this many scored questions to be ranked.
RECKON_LEADERBOARD_MIN_N = int(os.environ.get("RECKON_LEADERBOARD_MIN_N", "5"))
# Resolution reminders: a step at each of these days after resolve-by, then
# one every RECKON_REMINDER_REPEAT_DAYS (0 stops after the last step).
RECKON_REMINDER_STEPS_DAYS = [int(d) for d in env_list("RECKON_REMINDER_STEPS_DAYS", "0,3")]
if not RECKON_REMINDER_STEPS_DAYS or RECKON_REMINDER_STEPS_DAYS != sorted(
    set(RECKON_REMINDER_STEPS_DAYS)
):
    raise ImproperlyConfigured("RECKON_REMINDER_STEPS_DAYS must be increasing days, e.g. 0,3.")
RECKON_REMINDER_REPEAT_DAYS = int(os.environ.get("RECKON_REMINDER_REPEAT_DAYS", "7"))
# A reminder left "sending" by a worker that died is retried once after this
# lease; it must exceed EMAIL_TIMEOUT and the reminder task's time limit.
RECKON_REMINDER_LEASE_SECONDS = int(os.environ.get("RECKON_REMINDER_LEASE_SECONDS", "600"))
# Failed sends (SMTP errors) before a reminder is marked failed in the admin.
RECKON_REMINDER_MAX_ATTEMPTS = int(os.environ.get("RECKON_REMINDER_MAX_ATTEMPTS", "5"))
RECKON_RESOLVER_EMAILS = env_list("RECKON_RESOLVER_EMAILS")

# --- Content-Security-Policy (django-csp) ----------------------------------
# Every page, the admin and the API docs load scripts, styles, fonts and images
# from this site only; an inline <script> or <style> runs only if it carries
# the per-response nonce (the API docs' templates do). Nothing may frame the
# site or receive its forms. The Redoc page alone also allows inline styles
# (forecasts/api/docs.py says why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Production hardening -------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RECKON_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
