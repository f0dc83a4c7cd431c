"""Settings for the case tracker, read from environment variables.

Every variable is documented in docs/configuration.md. A missing or malformed value that
would make the app unsafe or broken stops it at startup with a message naming
the variable.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (or 1/0, yes/no, on/off), got {raw!r}."
    )


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {raw!r}.")
    return value


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=true (the Makefile does)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS and not DEBUG:
    # Django would otherwise answer every request with 400 Bad Request.
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names (comma-separated) "
        "when DJANGO_DEBUG is off."
    )

# HTTPS: on by default when debug is off. DJANGO_HTTPS=false serves plain HTTP
# (say, `make serve` on a laptop); check --deploy then reports it.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it
# from clients' requests); without it, every request would look like plain HTTP.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy is one hop that appends the address it received each request from
# to X-Forwarded-For; the client's address is that last entry, and anything to
# its left was sent by the client (casetracker/login_throttling.py).
TRUSTED_PROXY_HOPS = 1 if BEHIND_TLS_PROXY else 0

# Content Security Policy: this site's own files only, and no inline script or
# style (the admin's scripts are files too; the browser tests fail on any
# violation). Images may be data:
# URIs, which the admin's stylesheets use for icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # One exception, by hash: django-simple-history's history list has
        # style="border-top: 0" on its paginator. (DRF's browsable API relaxes
        # style-src for its own pages; see api/renderers.py.)
        "style-src": [
            SELF,
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The admin's address, so that it need not be the well-known /admin/.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "").strip() or "admin/"
if ADMIN_PATH.startswith("/") or not ADMIN_PATH.endswith("/") or "//" in ADMIN_PATH:
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_PATH must be a relative path ending in a slash, like 'editors/'; "
        f"got {ADMIN_PATH!r}."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "core",
    "history",
    "cases",
    "filings",
    "public",
    "api",
    "workbench",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache, and 304s, until the record changes (core/caching.py).
    # Above the rest, so that those answers skip their work; the pages it stores
    # carry the headers the rest added (CSP, X-Frame-Options).
    "core.caching.PublicCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in editor as the author of each history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins
# for one username from one address, or LOGIN_ADDRESS_FAILURE_LIMIT from one
# address for any usernames (password spraying), further attempts from there
# are refused for an hour. The address is the client's, behind the proxy too.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "casetracker.login_throttling.LoginThrottlingHandler"
AXES_CLIENT_IP_CALLABLE = "casetracker.login_throttling.client_address"
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
if LOGIN_ADDRESS_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT must be at least 1, got 0.")
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True

# Logging: everything at DJANGO_LOG_LEVEL and above goes to stderr, where
# gunicorn's log or the platform's collector picks it up: server errors
# (django.request) with their tracebacks (the 500 page shows none), 404s, and
# django-axes' failed logins and lockouts. INFO adds axes' successful logins.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "").strip().upper() or "WARNING"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        "DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, "
        f"got {os.environ['DJANGO_LOG_LEVEL']!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Instead of Django's own handlers: its console one writes only with
        # DEBUG on, and mail_admins has no ADMINS to mail.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
    },
}

ROOT_URLCONF = "casetracker.urls"

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

WSGI_APPLICATION = "casetracker.wsgi.application"

# SQLite under var/ is the zero-setup default; production points DATABASE_URL
# at PostgreSQL.
_default_sqlite = BASE_DIR / "var" / "db.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{_default_sqlite}"
try:
    _database = dj_database_url.parse(DATABASE_URL)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A save reads, then writes. In deferred transactions a second save at the
    # same time failed with "database is locked"; IMMEDIATE ones take the write
    # lock at BEGIN, so the second waits for the first (up to the timeout, s).
    _database.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    # Reusing connections serves pages faster than a new connection per request
    # (docs/benchmarks.md); health checks drop dead ones.
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}

# Django's cache: public pages are stored in it (core/caching.py). Each app
# process has its own in memory; with REDIS_URL, all app servers share Redis.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be a redis://, rediss:// or unix:// URL, got {REDIS_URL!r}."
    )
CACHES = {
    "default": {"BACKEND": "core.cache_backends.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# Entries are keyed on the record's revision, so they never go stale; the
# timeout only frees the memory of revisions gone by.
CACHES["default"]["TIMEOUT"] = env_int("DJANGO_CACHE_SECONDS", 600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise warns on every request when STATIC_ROOT is missing, as it is
# before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves the collected files with far-future caching in production.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded files: only the source texts editors attach to check key phrases.
# They stay on this machine (var/ is git-ignored) and are never served.
MEDIA_ROOT = BASE_DIR / "var" / "media"
# A file over DJANGO_MAX_UPLOAD_MB is refused with an error on its form field;
# no more than that is kept in memory or on disk (casetracker/uploads.py).
# The request's other fields are capped by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
MAX_UPLOAD_MB = env_int("DJANGO_MAX_UPLOAD_MB", 10)
if MAX_UPLOAD_MB < 1:
    raise ImproperlyConfigured("DJANGO_MAX_UPLOAD_MB must be at least 1, got 0.")
FILE_UPLOAD_HANDLERS = [
    "casetracker.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# `loaddata seed` finds fixtures/seed.json.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Where the seed articles live; the provenance tests read them.
SEED_ARTICLES_DIR = Path(
    os.environ.get("SEED_ARTICLES_DIR", "").strip() or BASE_DIR.parent / "shared" / "seeds"
)

# The read-only JSON API under /api/ (the api app). Everyone may read it and no
# one writes through it (writes stay in the admin), so it has no accounts.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Case Tracker API",
    "DESCRIPTION": "Published enforcement cases and their sourced timelines, read-only. "
    "Dates keep their precision; each entry carries its citations, each source's own "
    "version of the date, and whether the sources disagree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Django's slug converter, so that clients (and schemathesis) know what fits in a URL.
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
}
