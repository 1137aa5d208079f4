"""Settings for the ITU Proposal Tracker, read from the environment.

The defaults suit a laptop: DEBUG on, SQLite under ./var, Celery tasks run in-process.
Production sets DJANGO_DEBUG=false, which makes DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS
required and turns on the HTTPS settings; `manage.py check --deploy` then reports nothing.
README.md lists every variable.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; generate one "
            'with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "local-development-only-not-a-secret"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. It is required when DJANGO_DEBUG is off: a "
        "comma-separated list of the host names the site is served under."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Local state (the default SQLite database, uploaded documents) lives in one folder that
# git ignores, so a clone stays clean and `rm -r var` starts over.
DATA_DIR = Path(os.environ.get("ITUTRACKER_DATA_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "itutracker",
    "delegations",
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "itutracker.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every non-streamed response, and 304 for a matching conditional GET.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "itutracker.urls"
WSGI_APPLICATION = "itutracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Write-ahead logging: readers (the pages) no longer wait for a writer (an ingest),
    # and a commit appends to the log instead of syncing the whole file, which made
    # each of an ingest's progress records cost a disk flush.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The address the site is reached at, for absolute links written without a request
# (the dataset exports).
SITE_URL = os.environ.get("ITUTRACKER_SITE_URL", "http://127.0.0.1:8000")

# Throttling counts requests in the cache, so production shares one Redis cache between
# its processes; a laptop's single process is fine with memory.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Everything is readable; writing needs a token (the upload endpoint, for curators).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "itutracker.rest.CSVRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "itutracker.rest.SmallListPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/min"),
        "user": os.environ.get("API_USER_RATE", "1200/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttling identifies clients by address: without this, a forged X-Forwarded-For
    # would give each request a new one. Behind one proxy that sets the header, use 1.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ITU Proposal Tracker API",
    "DESCRIPTION": (
        "Who proposed what at ITU conferences, on which provision, in which document "
        "(leaked or official), and what became of it. Read-only and public for published "
        "records; a token raises the rate limit. Every list answers CSV too: ?format=csv."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation's scripts are served from this site, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MembershipStatusEnum": "delegations.choices.MembershipStatus",
        "SignatureStatusEnum": "delegations.choices.SignatureStatus",
        "GroupKindEnum": "delegations.choices.GroupKind",
        "ProvisionStatusEnum": "proposals.choices.ProvisionStatus",
        "ProvisionKindEnum": "proposals.choices.ProvisionKind",
        "InstrumentKindEnum": "proposals.choices.InstrumentKind",
        "ConferenceKindEnum": "proposals.choices.ConferenceKind",
        "DocumentKindEnum": "proposals.choices.DocumentKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "itutracker.rest.add_error_responses",
    ],
}

# Browsers may read the API from any origin; nothing else crosses origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# HTTPS. On by default whenever DEBUG is off; DJANGO_HTTPS=false is for a deployment
# that is reached over plain HTTP on a private network only.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery. Without a broker, tasks run in-process as they are called, so a laptop needs
# no Redis; with one, they go to the workers.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# At-least-once delivery: a task is acknowledged when it finishes, and re-queued if the
# worker running it dies. Tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# Redis re-delivers an unacknowledged task after the visibility timeout, so it must
# outlast the longest task or a running task would be handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
# A worker that loses the broker stops its tasks: the broker hands them to another
# worker, and the two would otherwise run at once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    "regenerate-exports": {
        "task": "proposals.tasks.regenerate_exports",
        "schedule": env_int("ITUTRACKER_EXPORT_INTERVAL_SECONDS", 6 * 3600),
    },
    "poll-sources": {
        "task": "proposals.tasks.poll_sources",
        "schedule": env_int("INGEST_POLL_INTERVAL_SECONDS", 3600),
    },
    "resume-ingest-runs": {
        "task": "proposals.tasks.resume_ingest_runs",
        "schedule": 300,
    },
}

# Ingestion limits: generous for real conference documents, fatal to hostile ones.
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 100 * 1024 * 1024)
INGEST_MAX_PAGES = env_int("INGEST_MAX_PAGES", 2000)
INGEST_MAX_UNZIPPED_BYTES = env_int("INGEST_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
# A run whose worker dies this many times (out of memory, killed) is given up on.
INGEST_MAX_ATTEMPTS = env_int("INGEST_MAX_ATTEMPTS", 3)
# A run still queued after this long is sent to the workers again (its message was lost).
INGEST_RESUME_AFTER_SECONDS = env_int("INGEST_RESUME_AFTER_SECONDS", 900)
# Hosts documents may be fetched from by URL (SSRF protection: nothing else is reached).
INGEST_FETCH_HOSTS = env_list("INGEST_FETCH_HOSTS", ["itu.int"])
# The longest a fetch by URL may take, redirects and download included.
INGEST_FETCH_TIMEOUT_SECONDS = env_int("INGEST_FETCH_TIMEOUT_SECONDS", 120)
# Sources a beat job polls for new documents: a JSON list of
# {"conference": "wcit-12", "origin": "official", "folder": "/srv/inbox"} or
# {"conference": ..., "origin": ..., "index": "https://www.itu.int/...page-with-links"}.
INGEST_POLL_SOURCES = json.loads(os.environ.get("INGEST_POLL_SOURCES", "[]") or "[]")
# A polled folder's file changed more recently than this may still be being copied in.
INGEST_POLL_SETTLE_SECONDS = env_int("INGEST_POLL_SETTLE_SECONDS", 60)
# Form fields other than files stop at 5 MB; files at INGEST_MAX_BYTES, whose bytes past
# the limit are not kept (itutracker/uploads.py), and larger ones go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "itutracker.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
