"""Settings for the resolution target tracker.

One file, configured from the environment (see ``.env.example``). SQLite is the default so that a
fresh clone runs with nothing else installed; ``DATABASE_URL`` selects PostgreSQL. A malformed value
stops start-up with ``ImproperlyConfigured`` naming the variable, rather than failing later.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://, not {url.split(':', 1)[0]!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, as in postgres://user@host:5432/dbname.")
    return config


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "targets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language the user picked (cookie), else Vietnamese: never the browser's Accept-Language.
    "targets.middleware.LanguageCookieMiddleware",
    # Refuses a query string with a NUL (400) before any filter or search, the admin's included.
    "targets.middleware.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store (no-cache with an ETag) for a signed-in user's responses.
    "targets.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses a body over REQUEST_MAX_BYTES (413) before CSRF or a view reads it.
    "targets.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caugiay.urls"
WSGI_APPLICATION = "caugiay.wsgi.application"

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
                "targets.context_processors.navigation",
                "targets.context_processors.organisation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's own CSRF failure page is in English only.
CSRF_FAILURE_VIEW = "targets.views.general.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language, time and formats -------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["caugiay.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `or`: an empty value (as .env.example has) means the default, not the current directory.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Where `manage.py backup` writes its archives unless told otherwise (docs/operations.md).
BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR") or BASE_DIR / "backups")
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

# Evidence files and Excel imports. Django refuses a request body larger than
# DATA_UPLOAD_MAX_MEMORY_SIZE before reading it for non-file fields; files are checked by size
# in the form before their content is read.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000, minimum=1)
# A backstop on the time spent reading one uploaded workbook (targets/imports.py); the structural limits
# there refuse a hostile file long before it, a real template of IMPORT_MAX_ROWS rows reads in about a second.
IMPORT_READ_SECONDS = env_float("IMPORT_READ_SECONDS", 10.0)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# The whole request body, files included: larger bodies are answered 413 from the Content-Length
# header alone, before a byte is read (targets/middleware.py). Default: the larger file limit + 1 MiB.
REQUEST_MAX_BYTES = env_int(
    "DJANGO_REQUEST_MAX_BYTES", max(EVIDENCE_MAX_BYTES, IMPORT_MAX_BYTES) + 1_048_576, minimum=1
)

# --- The judging rules (see targets/assessment.py) --------------------------------------------
# Minutes during which the office may undo an approval (the report goes back to the queue, with history).
TARGETS_UNDO_MINUTES = env_int("TARGETS_UNDO_MINUTES", 10, minimum=1)
# Share of the straight-line expected progress at or above which a target is on track, and below
# which it is off track; in between it is at risk.
TARGETS_ON_TRACK_RATIO = env_float("TARGETS_ON_TRACK_RATIO", 0.95)
TARGETS_AT_RISK_RATIO = env_float("TARGETS_AT_RISK_RATIO", 0.70)
TARGETS_DUE_SOON_DAYS = env_int("TARGETS_DUE_SOON_DAYS", 90, minimum=1)
TARGETS_REMINDER_DAYS = env_int("TARGETS_REMINDER_DAYS", 30, minimum=1)
if not 0 < TARGETS_AT_RISK_RATIO < TARGETS_ON_TRACK_RATIO <= 1:
    raise ImproperlyConfigured(
        "TARGETS_AT_RISK_RATIO and TARGETS_ON_TRACK_RATIO must satisfy 0 < at risk < on track <= 1."
    )

# Whom the sign-in page names for a forgotten password: a person, a telephone or an address. Empty:
# the page says to ask the office, which keeps the accounts.
TARGETS_SUPPORT_CONTACT = os.environ.get("TARGETS_SUPPORT_CONTACT", "").strip()

# --- Tables ---------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "chi-tieu@localhost")
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Cache and sessions -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 60 * 60, minimum=60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database, so any process can serve any request; with Redis they are also
# cached there (read from Redis, written through to the database).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Security ---------------------------------------------------------------------------------
# DJANGO_DEBUG=false alone turns on the secure defaults (the spec's contract); each can still be
# relaxed, e.g. DJANGO_SECURE_SSL_REDIRECT=false behind a proxy that already redirects.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Preloading commits the whole domain and its subdomains to HTTPS in browsers for good: the domain's
# owner decides (DJANGO_HSTS_PRELOAD=true), so check --deploy does not warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything is served from this server, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# django-axes: lock the pair of account and address after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Behind nginx every request comes from 127.0.0.1: with DJANGO_BEHIND_PROXY=true the client's address is
# read from X-Real-IP, which the proxy sets (docs/deploy.md). Never set it when clients reach gunicorn directly.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "targets.middleware.client_ip"
AXES_USERNAME_CALLABLE = "targets.signin.username_for_axes"
# Across addresses (targets/signin.py): after this many failures for one username within the cool-off,
# each try waits a delay that doubles with every failure, up to the maximum. A delay, never a lock.
SIGNIN_USERNAME_LIMIT = env_int("SIGNIN_USERNAME_LIMIT", 10, minimum=1)
SIGNIN_USERNAME_DELAY_SECONDS = env_int("SIGNIN_USERNAME_DELAY_SECONDS", 30, minimum=1)
SIGNIN_USERNAME_MAX_DELAY_SECONDS = env_int("SIGNIN_USERNAME_MAX_DELAY_SECONDS", 900, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}
