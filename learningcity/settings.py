"""Settings read from environment variables, with safe embedded defaults.

A fresh clone runs on SQLite with no configuration at all; production sets
``LEARNINGCITY_DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``
(see docs/deployment.md).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LEARNINGCITY_DATA_DIR", BASE_DIR.parent / "data"))
# Even with PostgreSQL, the task queue's SQLite file, the cache and media live here.
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("LEARNINGCITY_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when LEARNINGCITY_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "learningcity.core",
    "learningcity.catalogue",
    "learningcity.monitoring",
    "learningcity.plans",
    "learningcity.network",
    "learningcity.festivals",
    "learningcity.quality",
    "learningcity.outreach",
    "learningcity.programmes",
    "learningcity.participation",
    "learningcity.credentials",
    "learningcity.events",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    # django-ninja: its Swagger UI files served from our static files, not a CDN.
    "ninja",
    "axes",
    "csp",
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by core.signin into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "learningcity.urls"
WSGI_APPLICATION = "learningcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "learningcity.core.context_processors.site",
            ],
        },
    },
]

# Connections are kept between requests (60 s by default) on both engines: opening one
# costs about 3 ms a request on SQLite (the PRAGMAs below) and a network round trip
# and authentication on PostgreSQL. Each gunicorn sync worker is one thread, so this is
# one connection per worker; the finder benchmark measures with this setting.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'learningcity.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE transactions take
    # the write lock up front so two enrolments never interleave read-then-write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection (django-axes plus core.signin's atomic counter; see
# docs/architecture.md "Sign-in protection"). One person at one address gets
# LOGIN_FAILURE_LIMIT tries per window; one account gets LOGIN_FAILURE_ACCOUNT_LIMIT
# tries from all addresses together, which pauses only that account.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_FAILURE_ACCOUNT_LIMIT = env_int("LOGIN_FAILURE_ACCOUNT_LIMIT", 20)
# How many proxies we run in front of the app (nginx: 1). The client's address is the
# one the outermost of them appended to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AUTHENTICATION_BACKENDS = [
    # First, so a paused account or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "learningcity.core.signin.AtomicAxesHandler"
AXES_FAILURE_LIMIT = "learningcity.core.signin.failure_limit"  # reads LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "learningcity.core.signin.cool_off"  # reads LOGIN_FAILURE_WINDOW_SECONDS
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # our login form and the admin's both use it
AXES_USERNAME_CALLABLE = "learningcity.core.signin.attempted_username"
AXES_CLIENT_IP_CALLABLE = "learningcity.core.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "learningcity.core.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A refused attempt does not extend the pause: it ends one window after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Successful sign-ins are not logged with their address: we keep only what protects.
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "en"
# The six official UNESCO languages; names are shown in their own script.
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats Django lacks for a language (Arabic punctuation): core/formats/<lang>/.
FORMAT_MODULE_PATH = ["learningcity.core.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"

# The finder's search index files: one directory per city, on each app machine's own
# disk (memory-mapped by every worker there; built by the task queue). See
# docs/architecture.md ("The learning finder").
INDEX_DIR = Path(os.environ.get("INDEX_DIR", DATA_DIR / "search-index"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "learningcity <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Failures and lockouts (WARNING) are worth reading; every attempt is not.
        "axes": {"level": "WARNING"},
        # `run_huey` gives huey's logger a handler of its own: without this, every line
        # of the worker's log would be printed twice.
        "huey": {"propagate": False},
    },
}

SITE_NAME = _("learningcity")

# Map tiles are fetched by the visitor's browser; empty hides the tile layer (the
# list beside every map carries the same information).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")

# Uploaded spreadsheets (core/spreadsheets.py): each importer's rows and file size, and
# the caps on what an XLSX (a zip archive) may unpack to.
CATALOGUE_IMPORT_MAX_ROWS = env_int("CATALOGUE_IMPORT_MAX_ROWS", 50_000)
CATALOGUE_IMPORT_MAX_BYTES = env_int("CATALOGUE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MONITORING_IMPORT_MAX_ROWS = env_int("MONITORING_IMPORT_MAX_ROWS", 20_000)
MONITORING_IMPORT_MAX_BYTES = env_int("MONITORING_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env_int(
    "SPREADSHEET_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024
)
SPREADSHEET_MAX_COMPRESSION_RATIO = env_int("SPREADSHEET_MAX_COMPRESSION_RATIO", 100)

# Quality of learning: an opportunity's feedback is shown (to its provider, the city and
# the finder) only once it has this many answers in a year (see quality/figures.py).
QUALITY_MIN_ANSWERS = env_int("QUALITY_MIN_ANSWERS", 5)

# Learning-city plan: the owners of an open action are e-mailed this many days before
# its next progress update is due, once per due date (daily, see plans.notifications).
PLAN_REMINDER_DAYS = env_int("PLAN_REMINDER_DAYS", 7)


def _tile_origin(url: str) -> str:
    """The origin map tiles come from, for the Content-Security-Policy ("{s}." in a
    Leaflet URL template stands for any subdomain)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if parts.netloc else ""


# Content-Security-Policy (django-csp): no inline script or style anywhere, so an
# injected <script> or style="" does nothing. Leaflet sets element styles through the
# CSSOM, which CSP allows; htmx's indicator <style> is switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [_tile_origin(MAP_TILE_URL)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Background tasks: one huey queue, worked by `learningcity run_huey` (see
# docs/architecture.md, "Background work"). SQLite storage in DATA_DIR by default (no
# service needed); REDIS_URL switches to Redis, which workers on several machines share.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "learningcity",
    # On, a task runs inside the call that queues it, with no worker: the tests do this
    # (tests/conftest.py); elsewhere only for debugging.
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}
    ),
    # Threads: one process to stop or kill; the heavy parts (NumPy, the database) do
    # not hold the interpreter lock.
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
# A running job renews its lease as it reports progress; the reaper (every minute)
# gives a job whose lease ran out to another worker, JOB_ATTEMPTS times at most, then
# fails it with a reason (catalogue.jobs, monitoring.services.reap_stalled_runs).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 300)
JOB_ATTEMPTS = env_int("JOB_ATTEMPTS", 3)

# The cache holds rate-limit counters (core.ratelimits), so it must be shared by every
# process: Redis when REDIS_URL is set (atomic counters, several machines); otherwise
# files under DATA_DIR, shared by the processes of one machine with no table to create
# and no writes competing with SQLite's single writer. Django's file and Redis caches
# are not on django-ratelimit's list, hence the silenced checks; without Redis two
# simultaneous requests may both pass the last allowed slot (sign-in protection does
# not depend on the cache: it counts in the database).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# Rate limits per action (core.ratelimits.RATES); "5/h" is five per hour per key.
RATELIMIT_RATES = {
    "signup": os.environ.get("RATELIMIT_SIGNUP", "10/h"),
    "password_reset": os.environ.get("RATELIMIT_PASSWORD_RESET", "5/h"),
    "email_to_typed_address": os.environ.get("RATELIMIT_EMAIL_TO_TYPED_ADDRESS", "10/h"),
    "guest_enrolment": os.environ.get("RATELIMIT_GUEST_ENROLMENT", "20/h"),
    "cluster_post": os.environ.get("RATELIMIT_CLUSTER_POST", "30/h"),
    "participation_post": os.environ.get("RATELIMIT_PARTICIPATION_POST", "30/h"),
}
RATELIMIT_IP_META_KEY = "learningcity.core.signin.client_ip"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
